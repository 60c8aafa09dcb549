package cfront

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// Every field of a Unit survives the binary encoding.
func TestUnitBinaryRoundTrip(t *testing.T) {
	ft := FuncType{Ret: Type{Text: "int"}, Params: []Param{{Name: "sk", Type: Type{Text: "struct sock *"}, Line: 3}, {Name: "arg", Type: Type{Text: "void __user *", Spaces: []string{"__user"}}, Line: 4}}, Variadic: true}
	cast := Type{Text: "void *"}
	u := &Unit{
		Funcs:     []Func{{Name: "raw_ioctl", Type: ft, Definition: true, Static: true, Line: 3, EndLine: 20}, {Name: "proto", Type: FuncType{Ret: Type{Text: "void"}}, Line: -1}},
		Structs:   []Struct{{Name: "proto", Members: []Member{{Name: "ioctl", Type: Type{Text: "int (*)(struct sock *, int, int *)"}, Func: &ft, Line: 7}, {Name: "name", Type: Type{Text: "char"}, Line: 8}}, Line: 6, EndLine: 9}, {Name: "empty"}},
		Inits:     []Init{{Struct: "proto", Var: "raw_prot", Line: 30, Fields: []Field{{Member: "ioctl", Value: "raw_ioctl", Ident: "raw_ioctl", Line: 31}}}},
		Calls:     []Call{{Func: "copy_to_user", Args: []Expr{{Text: "arg", Ident: "arg"}, {Text: "(void *)p", Cast: &cast}}, Line: 12, InFunc: "raw_ioctl"}},
		Casts:     []Cast{{To: cast, Expr: Expr{Text: "p", Ident: "p"}, Line: 12, InFunc: "raw_ioctl"}},
		Decls:     []Decl{{Name: "p", Type: Type{Text: "int __user *", Spaces: []string{"__user"}}, Kind: DeclLocal, InFunc: "raw_ioctl", Line: 10}},
		Recovered: true,
	}
	b, err := u.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	var got Unit
	if err := got.UnmarshalBinary(b); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(&got, u) {
		t.Errorf("round trip:\n got %+v\nwant %+v", got, *u)
	}
	var e Encoder
	e.Struct(u.Structs[0])
	d := NewDecoder(e.B[:len(e.B)-1])
	d.Struct()
	if d.Done("struct") == nil {
		t.Error("a truncated struct decodes")
	}
	if err := got.UnmarshalBinary(b[:len(b)-1]); err == nil {
		t.Error("a truncated unit decodes")
	}
}

// The parses of real C survive the encoding: encoding the decoded unit
// gives the same bytes.
func TestUnitBinaryRoundTripOfParses(t *testing.T) {
	files, err := filepath.Glob("../../testdata/cfront/*")
	if err != nil || len(files) == 0 {
		t.Fatalf("no C fixtures: %v", err)
	}
	p := NewParser()
	defer p.Close()
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		u, err := p.Parse(t.Context(), src)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		b, _ := u.MarshalBinary()
		var v Unit
		if err := v.UnmarshalBinary(b); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if b2, _ := v.MarshalBinary(); !bytes.Equal(b, b2) {
			t.Errorf("%s: the decoded unit encodes differently", f)
		}
		if len(v.Funcs) != len(u.Funcs) || len(v.Decls) != len(u.Decls) || len(v.Calls) != len(u.Calls) {
			t.Errorf("%s: decoded %d funcs %d decls %d calls, parsed %d %d %d", f, len(v.Funcs), len(v.Decls), len(v.Calls), len(u.Funcs), len(u.Decls), len(u.Calls))
		}
	}
}

// Broken input is an error, never a panic or a half-filled unit.
func FuzzUnitUnmarshalBinary(f *testing.F) {
	u := &Unit{Funcs: []Func{{Name: "f", Line: 1}}, Decls: []Decl{{Name: "x", Type: Type{Text: "int"}}}}
	b, _ := u.MarshalBinary()
	f.Add(b)
	f.Add([]byte{unitFormat})
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		var v Unit
		if err := v.UnmarshalBinary(data); err != nil {
			if !reflect.DeepEqual(v, Unit{}) {
				t.Errorf("error %v left a half-filled unit", err)
			}
			return
		}
		b, err := v.MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		var w Unit
		if err := w.UnmarshalBinary(b); err != nil || !reflect.DeepEqual(v, w) {
			t.Errorf("re-encoding a decoded unit does not round-trip: %v", err)
		}
	})
}
