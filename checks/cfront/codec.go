package cfront

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// unitFormat is the first byte of MarshalBinary's output; it changes with
// the layout.
const unitFormat = 1

// errUnitFormat is a Unit encoding this build cannot read.
var errUnitFormat = errors.New("not a unit encoding of this build")

// MarshalBinary encodes the unit compactly (lengths and numbers as
// varints, strings as bytes), for stores that keep parses between runs:
// a fixed layout decodes many times faster than gob's, which describes
// its types anew in every value. Empty lists decode as nil.
func (u *Unit) MarshalBinary() ([]byte, error) {
	var e unitEncoder
	e.byte(unitFormat)
	e.bool(u.Recovered)
	e.len(len(u.Funcs))
	for _, f := range u.Funcs {
		e.str(f.Name)
		e.funcType(f.Type)
		e.bool(f.Definition)
		e.bool(f.Static)
		e.int(f.Line)
		e.int(f.EndLine)
	}
	e.len(len(u.Structs))
	for _, s := range u.Structs {
		e.str(s.Name)
		e.len(len(s.Members))
		for _, m := range s.Members {
			e.str(m.Name)
			e.typ(m.Type)
			e.bool(m.Func != nil)
			if m.Func != nil {
				e.funcType(*m.Func)
			}
			e.int(m.Line)
		}
		e.int(s.Line)
		e.int(s.EndLine)
	}
	e.len(len(u.Inits))
	for _, in := range u.Inits {
		e.str(in.Struct)
		e.str(in.Var)
		e.int(in.Line)
		e.len(len(in.Fields))
		for _, f := range in.Fields {
			e.str(f.Member)
			e.str(f.Value)
			e.str(f.Ident)
			e.int(f.Line)
		}
	}
	e.len(len(u.Calls))
	for _, c := range u.Calls {
		e.str(c.Func)
		e.len(len(c.Args))
		for _, a := range c.Args {
			e.expr(a)
		}
		e.int(c.Line)
		e.str(c.InFunc)
	}
	e.len(len(u.Casts))
	for _, c := range u.Casts {
		e.typ(c.To)
		e.expr(c.Expr)
		e.int(c.Line)
		e.str(c.InFunc)
	}
	e.len(len(u.Decls))
	for _, d := range u.Decls {
		e.str(d.Name)
		e.typ(d.Type)
		e.int(int(d.Kind))
		e.str(d.InFunc)
		e.int(d.Line)
	}
	return e.b, nil
}

// UnmarshalBinary decodes what MarshalBinary encoded.
func (u *Unit) UnmarshalBinary(b []byte) (err error) {
	d := unitDecoder{b: b}
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("decode unit: %v", r)
		}
	}()
	if d.byte() != unitFormat {
		return errUnitFormat
	}
	var v Unit
	v.Recovered = d.bool()
	if n := d.len(); n > 0 {
		v.Funcs = make([]Func, n)
		for i := range v.Funcs {
			f := &v.Funcs[i]
			f.Name = d.str()
			f.Type = d.funcType()
			f.Definition = d.bool()
			f.Static = d.bool()
			f.Line = d.int()
			f.EndLine = d.int()
		}
	}
	if n := d.len(); n > 0 {
		v.Structs = make([]Struct, n)
		for i := range v.Structs {
			s := &v.Structs[i]
			s.Name = d.str()
			if m := d.len(); m > 0 {
				s.Members = make([]Member, m)
				for j := range s.Members {
					mb := &s.Members[j]
					mb.Name = d.str()
					mb.Type = d.typ()
					if d.bool() {
						ft := d.funcType()
						mb.Func = &ft
					}
					mb.Line = d.int()
				}
			}
			s.Line = d.int()
			s.EndLine = d.int()
		}
	}
	if n := d.len(); n > 0 {
		v.Inits = make([]Init, n)
		for i := range v.Inits {
			in := &v.Inits[i]
			in.Struct = d.str()
			in.Var = d.str()
			in.Line = d.int()
			if m := d.len(); m > 0 {
				in.Fields = make([]Field, m)
				for j := range in.Fields {
					f := &in.Fields[j]
					f.Member = d.str()
					f.Value = d.str()
					f.Ident = d.str()
					f.Line = d.int()
				}
			}
		}
	}
	if n := d.len(); n > 0 {
		v.Calls = make([]Call, n)
		for i := range v.Calls {
			c := &v.Calls[i]
			c.Func = d.str()
			if m := d.len(); m > 0 {
				c.Args = make([]Expr, m)
				for j := range c.Args {
					c.Args[j] = d.expr()
				}
			}
			c.Line = d.int()
			c.InFunc = d.str()
		}
	}
	if n := d.len(); n > 0 {
		v.Casts = make([]Cast, n)
		for i := range v.Casts {
			c := &v.Casts[i]
			c.To = d.typ()
			c.Expr = d.expr()
			c.Line = d.int()
			c.InFunc = d.str()
		}
	}
	if n := d.len(); n > 0 {
		v.Decls = make([]Decl, n)
		for i := range v.Decls {
			dc := &v.Decls[i]
			dc.Name = d.str()
			dc.Type = d.typ()
			dc.Kind = DeclKind(d.int())
			dc.InFunc = d.str()
			dc.Line = d.int()
		}
	}
	if len(d.b) != 0 {
		return fmt.Errorf("decode unit: %d bytes left over", len(d.b))
	}
	*u = v
	return nil
}

// unitEncoder appends a Unit's fields.
type unitEncoder struct{ b []byte }

func (e *unitEncoder) byte(c byte) { e.b = append(e.b, c) }
func (e *unitEncoder) bool(v bool) {
	if v {
		e.b = append(e.b, 1)
	} else {
		e.b = append(e.b, 0)
	}
}
func (e *unitEncoder) int(v int)    { e.b = binary.AppendVarint(e.b, int64(v)) }
func (e *unitEncoder) len(n int)    { e.b = binary.AppendUvarint(e.b, uint64(n)) }
func (e *unitEncoder) str(s string) { e.len(len(s)); e.b = append(e.b, s...) }
func (e *unitEncoder) typ(t Type) {
	e.str(t.Text)
	e.len(len(t.Spaces))
	for _, s := range t.Spaces {
		e.str(s)
	}
}
func (e *unitEncoder) funcType(ft FuncType) {
	e.typ(ft.Ret)
	e.len(len(ft.Params))
	for _, p := range ft.Params {
		e.str(p.Name)
		e.typ(p.Type)
		e.int(p.Line)
	}
	e.bool(ft.Variadic)
}
func (e *unitEncoder) expr(x Expr) {
	e.str(x.Text)
	e.str(x.Ident)
	e.bool(x.Cast != nil)
	if x.Cast != nil {
		e.typ(*x.Cast)
	}
}

// unitDecoder reads what unitEncoder wrote; it panics on short input,
// which UnmarshalBinary turns into an error.
type unitDecoder struct{ b []byte }

func (d *unitDecoder) byte() byte {
	c := d.b[0]
	d.b = d.b[1:]
	return c
}
func (d *unitDecoder) bool() bool { return d.byte() != 0 }
func (d *unitDecoder) int() int {
	v, n := binary.Varint(d.b)
	if n <= 0 {
		panic("bad varint")
	}
	d.b = d.b[n:]
	return int(v)
}
func (d *unitDecoder) len() int {
	v, n := binary.Uvarint(d.b)
	if n <= 0 || v > uint64(len(d.b)) {
		panic("bad length")
	}
	d.b = d.b[n:]
	return int(v)
}
func (d *unitDecoder) str() string {
	n := d.len()
	s := string(d.b[:n])
	d.b = d.b[n:]
	return s
}
func (d *unitDecoder) typ() Type {
	t := Type{Text: d.str()}
	if n := d.len(); n > 0 {
		t.Spaces = make([]string, n)
		for i := range t.Spaces {
			t.Spaces[i] = d.str()
		}
	}
	return t
}
func (d *unitDecoder) funcType() FuncType {
	ft := FuncType{Ret: d.typ()}
	if n := d.len(); n > 0 {
		ft.Params = make([]Param, n)
		for i := range ft.Params {
			ft.Params[i] = Param{Name: d.str(), Type: d.typ(), Line: d.int()}
		}
	}
	ft.Variadic = d.bool()
	return ft
}
func (d *unitDecoder) expr() Expr {
	x := Expr{Text: d.str(), Ident: d.str()}
	if d.bool() {
		t := d.typ()
		x.Cast = &t
	}
	return x
}
