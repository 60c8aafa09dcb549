package tree

import (
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/patchbot/patchbot/checks/cfront"
)

// The store's values are a compact binary encoding of the cfront types
// (uvarints, length-prefixed strings): a query decodes only the entries it
// reads, and a per-value gob would repeat its type descriptors in each of
// the million entries of a kernel tree. Empty slices decode as nil, as gob
// did.

// enc appends values to a byte slice.
type enc struct{ b []byte }

func (e *enc) uint(v uint64) { e.b = binary.AppendUvarint(e.b, v) }
func (e *enc) int(v int64)   { e.b = binary.AppendVarint(e.b, v) }
func (e *enc) str(s string)  { e.uint(uint64(len(s))); e.b = append(e.b, s...) }
func (e *enc) bool(v bool) {
	if v {
		e.b = append(e.b, 1)
	} else {
		e.b = append(e.b, 0)
	}
}

func (e *enc) strs(ss []string) { encList(e, ss, e.str) }

// encList appends the length of items, then each item with each.
func encList[T any](e *enc, items []T, each func(T)) {
	e.uint(uint64(len(items)))
	for _, it := range items {
		each(it)
	}
}

func (e *enc) typ(t cfront.Type) { e.str(t.Text); e.strs(t.Spaces) }

func (e *enc) funcType(ft cfront.FuncType) {
	e.typ(ft.Ret)
	encList(e, ft.Params, func(p cfront.Param) {
		e.str(p.Name)
		e.typ(p.Type)
		e.int(int64(p.Line))
	})
	e.bool(ft.Variadic)
}

func (e *enc) fn(f cfront.Func) {
	e.str(f.Name)
	e.funcType(f.Type)
	e.bool(f.Definition)
	e.bool(f.Static)
	e.int(int64(f.Line))
	e.int(int64(f.EndLine))
}

func (e *enc) strct(s cfront.Struct) {
	e.str(s.Name)
	encList(e, s.Members, func(m cfront.Member) {
		e.str(m.Name)
		e.typ(m.Type)
		e.bool(m.Func != nil)
		if m.Func != nil {
			e.funcType(*m.Func)
		}
		e.int(int64(m.Line))
	})
	e.int(int64(s.Line))
	e.int(int64(s.EndLine))
}

// binding encodes what a binding key does not hold: Var, Func, Line.
func (e *enc) binding(b Binding) { e.str(b.Var); e.str(b.Func); e.int(int64(b.Line)) }

var errCorrupt = errors.New("corrupt tree index entry")

// dec reads values appended by enc; the first error sticks.
type dec struct {
	b   []byte
	err error
}

func (d *dec) uint() uint64 { return varint(d, binary.Uvarint) }
func (d *dec) int() int64   { return varint(d, binary.Varint) }

// varint reads one varint with read (binary.Uvarint or binary.Varint).
func varint[T uint64 | int64](d *dec, read func([]byte) (T, int)) T {
	if d.err != nil {
		return 0
	}
	v, n := read(d.b)
	if n <= 0 {
		d.err = errCorrupt
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *dec) count() int {
	n := d.uint()
	if n > uint64(len(d.b)) {
		// Every element takes at least one byte.
		d.err = errCorrupt
		return 0
	}
	return int(n)
}

func (d *dec) bytes(n int) []byte {
	if d.err != nil {
		return nil
	}
	if n > len(d.b) {
		d.err = errCorrupt
		return nil
	}
	b := d.b[:n]
	d.b = d.b[n:]
	return b
}

func (d *dec) str() string { return string(d.bytes(d.count())) }

func (d *dec) bool() bool {
	b := d.bytes(1)
	return len(b) == 1 && b[0] != 0
}

func (d *dec) strs() []string { return decList(d, d.str) }

// decList reads a list appended by encList; nil when it is empty.
func decList[T any](d *dec, each func() T) []T {
	n := d.count()
	if n == 0 {
		return nil
	}
	out := make([]T, n)
	for i := range out {
		out[i] = each()
	}
	return out
}

func (d *dec) typ() cfront.Type { return cfront.Type{Text: d.str(), Spaces: d.strs()} }

func (d *dec) funcType() cfront.FuncType {
	ft := cfront.FuncType{Ret: d.typ()}
	ft.Params = decList(d, func() cfront.Param {
		return cfront.Param{Name: d.str(), Type: d.typ(), Line: int(d.int())}
	})
	ft.Variadic = d.bool()
	return ft
}

func (d *dec) fn() cfront.Func {
	f := cfront.Func{Name: d.str(), Type: d.funcType()}
	f.Definition = d.bool()
	f.Static = d.bool()
	f.Line = int(d.int())
	f.EndLine = int(d.int())
	return f
}

func (d *dec) strct() cfront.Struct {
	s := cfront.Struct{Name: d.str()}
	s.Members = decList(d, func() cfront.Member {
		m := cfront.Member{Name: d.str(), Type: d.typ()}
		if d.bool() {
			ft := d.funcType()
			m.Func = &ft
		}
		m.Line = int(d.int())
		return m
	})
	s.Line = int(d.int())
	s.EndLine = int(d.int())
	return s
}

func (d *dec) binding() (v, fn string, line int) { return d.str(), d.str(), int(d.int()) }

// done reports a decoding error or trailing bytes.
func (d *dec) done(what string) error {
	if d.err == nil && len(d.b) != 0 {
		d.err = errCorrupt
	}
	if d.err != nil {
		return fmt.Errorf("decode %s: %w", what, d.err)
	}
	return nil
}
