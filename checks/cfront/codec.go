package cfront

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// The binary encoding of the front end's types, for the stores that keep
// parses between runs (the tree index, the parse store): uvarints,
// varints and length-prefixed strings in a fixed order. It decodes many
// times faster than gob, which describes its types anew in every value,
// and a reader decodes only the values it reads. Empty lists decode as
// nil, as gob did.

// unitFormat is the first byte of Unit.MarshalBinary's output; it changes
// with the layout.
const unitFormat = 2

// ErrCorrupt is an encoding that does not decode: short, malformed, or of
// another layout.
var ErrCorrupt = errors.New("corrupt encoding")

// Encoder appends values to B.
type Encoder struct {
	// B holds what was encoded so far; callers may append their own bytes
	// (keys, framing) between values.
	B []byte
}

// Uint appends v.
func (e *Encoder) Uint(v uint64) { e.B = binary.AppendUvarint(e.B, v) }

// Int appends v.
func (e *Encoder) Int(v int64) { e.B = binary.AppendVarint(e.B, v) }

// Str appends s.
func (e *Encoder) Str(s string) { e.Uint(uint64(len(s))); e.B = append(e.B, s...) }

// Bool appends v.
func (e *Encoder) Bool(v bool) {
	if v {
		e.B = append(e.B, 1)
	} else {
		e.B = append(e.B, 0)
	}
}

// Strs appends a list of strings.
func (e *Encoder) Strs(ss []string) { EncodeList(e, ss, e.Str) }

// EncodeList appends the length of items, then each item with each.
func EncodeList[T any](e *Encoder, items []T, each func(T)) {
	e.Uint(uint64(len(items)))
	for _, it := range items {
		each(it)
	}
}

// Type appends t.
func (e *Encoder) Type(t Type) { e.Str(t.Text); e.Strs(t.Spaces) }

// FuncType appends ft.
func (e *Encoder) FuncType(ft FuncType) {
	e.Type(ft.Ret)
	EncodeList(e, ft.Params, func(p Param) {
		e.Str(p.Name)
		e.Type(p.Type)
		e.Int(int64(p.Line))
	})
	e.Bool(ft.Variadic)
}

// Func appends f.
func (e *Encoder) Func(f Func) {
	e.Str(f.Name)
	e.FuncType(f.Type)
	e.Bool(f.Definition)
	e.Bool(f.Static)
	e.Int(int64(f.Line))
	e.Int(int64(f.EndLine))
}

// Struct appends s.
func (e *Encoder) Struct(s Struct) {
	e.Str(s.Name)
	EncodeList(e, s.Members, func(m Member) {
		e.Str(m.Name)
		e.Type(m.Type)
		e.Bool(m.Func != nil)
		if m.Func != nil {
			e.FuncType(*m.Func)
		}
		e.Int(int64(m.Line))
	})
	e.Int(int64(s.Line))
	e.Int(int64(s.EndLine))
}

// expr appends x.
func (e *Encoder) expr(x Expr) {
	e.Str(x.Text)
	e.Str(x.Ident)
	e.Bool(x.Cast != nil)
	if x.Cast != nil {
		e.Type(*x.Cast)
	}
}

// Decoder reads values an Encoder appended; the first error sticks, and
// Done reports it.
type Decoder struct {
	b   []byte
	err error
}

// NewDecoder reads b.
func NewDecoder(b []byte) *Decoder { return &Decoder{b: b} }

// Uint reads a uint.
func (d *Decoder) Uint() uint64 { return varint(d, binary.Uvarint) }

// Int reads an int.
func (d *Decoder) Int() int64 { return varint(d, binary.Varint) }

// varint reads one varint with read (binary.Uvarint or binary.Varint).
func varint[T uint64 | int64](d *Decoder, read func([]byte) (T, int)) T {
	if d.err != nil {
		return 0
	}
	v, n := read(d.b)
	if n <= 0 {
		d.err = ErrCorrupt
		return 0
	}
	d.b = d.b[n:]
	return v
}

// Count reads a list's or a string's length.
func (d *Decoder) Count() int {
	n := d.Uint()
	if n > uint64(len(d.b)) {
		// Every element takes at least one byte.
		d.err = ErrCorrupt
		return 0
	}
	return int(n)
}

// Bytes reads n bytes (a view of the input).
func (d *Decoder) Bytes(n int) []byte {
	if d.err != nil {
		return nil
	}
	if n > len(d.b) {
		d.err = ErrCorrupt
		return nil
	}
	b := d.b[:n]
	d.b = d.b[n:]
	return b
}

// Str reads a string.
func (d *Decoder) Str() string { return string(d.Bytes(d.Count())) }

// Bool reads a bool.
func (d *Decoder) Bool() bool {
	b := d.Bytes(1)
	return len(b) == 1 && b[0] != 0
}

// Strs reads a list of strings.
func (d *Decoder) Strs() []string { return DecodeList(d, d.Str) }

// DecodeList reads a list EncodeList appended; nil when it is empty.
func DecodeList[T any](d *Decoder, each func() T) []T {
	n := d.Count()
	if n == 0 {
		return nil
	}
	out := make([]T, n)
	for i := range out {
		out[i] = each()
	}
	return out
}

// Type reads a Type.
func (d *Decoder) Type() Type { return Type{Text: d.Str(), Spaces: d.Strs()} }

// FuncType reads a FuncType.
func (d *Decoder) FuncType() FuncType {
	ft := FuncType{Ret: d.Type()}
	ft.Params = DecodeList(d, func() Param {
		return Param{Name: d.Str(), Type: d.Type(), Line: int(d.Int())}
	})
	ft.Variadic = d.Bool()
	return ft
}

// Func reads a Func.
func (d *Decoder) Func() Func {
	f := Func{Name: d.Str(), Type: d.FuncType()}
	f.Definition = d.Bool()
	f.Static = d.Bool()
	f.Line = int(d.Int())
	f.EndLine = int(d.Int())
	return f
}

// Struct reads a Struct.
func (d *Decoder) Struct() Struct {
	s := Struct{Name: d.Str()}
	s.Members = DecodeList(d, func() Member {
		m := Member{Name: d.Str(), Type: d.Type()}
		if d.Bool() {
			ft := d.FuncType()
			m.Func = &ft
		}
		m.Line = int(d.Int())
		return m
	})
	s.Line = int(d.Int())
	s.EndLine = int(d.Int())
	return s
}

// expr reads an Expr.
func (d *Decoder) expr() Expr {
	x := Expr{Text: d.Str(), Ident: d.Str()}
	if d.Bool() {
		t := d.Type()
		x.Cast = &t
	}
	return x
}

// Err is the first decoding error, for a reader of a value's first
// fields only (see Done).
func (d *Decoder) Err() error { return d.err }

// Done reports a decoding error, or bytes left over, naming what was
// decoded.
func (d *Decoder) Done(what string) error {
	if d.err == nil && len(d.b) != 0 {
		d.err = ErrCorrupt
	}
	if d.err != nil {
		return fmt.Errorf("decode %s: %w", what, d.err)
	}
	return nil
}

// MarshalBinary encodes the unit.
func (u *Unit) MarshalBinary() ([]byte, error) {
	e := &Encoder{B: []byte{unitFormat}}
	e.Bool(u.Recovered)
	EncodeList(e, u.Funcs, e.Func)
	EncodeList(e, u.Structs, e.Struct)
	EncodeList(e, u.Inits, func(in Init) {
		e.Str(in.Struct)
		e.Str(in.Var)
		e.Int(int64(in.Line))
		EncodeList(e, in.Fields, func(f Field) {
			e.Str(f.Member)
			e.Str(f.Value)
			e.Str(f.Ident)
			e.Int(int64(f.Line))
		})
	})
	EncodeList(e, u.Calls, func(c Call) {
		e.Str(c.Func)
		EncodeList(e, c.Args, e.expr)
		e.Int(int64(c.Line))
		e.Str(c.InFunc)
		e.branch(c.Branch)
	})
	EncodeList(e, u.Casts, func(c Cast) {
		e.Type(c.To)
		e.expr(c.Expr)
		e.Int(int64(c.Line))
		e.Str(c.InFunc)
		e.branch(c.Branch)
	})
	EncodeList(e, u.Decls, func(dc Decl) {
		e.Str(dc.Name)
		e.Type(dc.Type)
		e.Int(int64(dc.Kind))
		e.Str(dc.InFunc)
		e.Int(int64(dc.Line))
	})
	EncodeList(e, u.Assigns, func(a Assign) {
		e.Str(a.To)
		e.expr(a.From)
		e.Int(int64(a.Line))
		e.Str(a.InFunc)
		e.branch(a.Branch)
	})
	return e.B, nil
}

// UnmarshalBinary decodes what MarshalBinary encoded; on an error u is
// left as it was.
func (u *Unit) UnmarshalBinary(b []byte) error {
	if len(b) == 0 || b[0] != unitFormat {
		return fmt.Errorf("decode unit: %w", ErrCorrupt)
	}
	d := NewDecoder(b[1:])
	v := Unit{Recovered: d.Bool()}
	v.Funcs = DecodeList(d, d.Func)
	v.Structs = DecodeList(d, d.Struct)
	v.Inits = DecodeList(d, func() Init {
		in := Init{Struct: d.Str(), Var: d.Str(), Line: int(d.Int())}
		in.Fields = DecodeList(d, func() Field {
			return Field{Member: d.Str(), Value: d.Str(), Ident: d.Str(), Line: int(d.Int())}
		})
		return in
	})
	v.Calls = DecodeList(d, func() Call {
		c := Call{Func: d.Str()}
		c.Args = DecodeList(d, d.expr)
		c.Line = int(d.Int())
		c.InFunc = d.Str()
		c.Branch = d.branch()
		return c
	})
	v.Casts = DecodeList(d, func() Cast {
		c := Cast{To: d.Type(), Expr: d.expr(), Line: int(d.Int()), InFunc: d.Str()}
		c.Branch = d.branch()
		return c
	})
	v.Decls = DecodeList(d, func() Decl {
		return Decl{Name: d.Str(), Type: d.Type(), Kind: DeclKind(d.Int()), InFunc: d.Str(), Line: int(d.Int())}
	})
	v.Assigns = DecodeList(d, func() Assign {
		a := Assign{To: d.Str(), From: d.expr(), Line: int(d.Int()), InFunc: d.Str()}
		a.Branch = d.branch()
		return a
	})
	if err := d.Done("unit"); err != nil {
		return err
	}
	*u = v
	return nil
}

// branch encodes a statement's branch, nil as false.
func (e *Encoder) branch(b *Branch) {
	e.Bool(b != nil)
	if b == nil {
		return
	}
	EncodeList(e, b.Cases, func(c CaseLabel) {
		e.Str(c.Switch)
		e.Strs(c.Labels)
		e.Strs(c.All)
	})
	e.Strs(b.Guards)
	EncodeList(e, b.GuardLines, func(l int) { e.Int(int64(l)) })
}

// branch decodes what Encoder.branch encoded.
func (d *Decoder) branch() *Branch {
	if !d.Bool() {
		return nil
	}
	b := &Branch{}
	b.Cases = DecodeList(d, func() CaseLabel {
		return CaseLabel{Switch: d.Str(), Labels: DecodeList(d, d.Str), All: DecodeList(d, d.Str)}
	})
	b.Guards = DecodeList(d, d.Str)
	b.GuardLines = DecodeList(d, func() int { return int(d.Int()) })
	return b
}
