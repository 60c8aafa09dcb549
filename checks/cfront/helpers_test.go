package cfront

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// fixture reads a C fixture written for these tests from testdata/cfront
// at the repository root.
func fixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "testdata", "cfront", name))
	if err != nil {
		t.Fatalf("read fixture: %v", err)
	}
	return b
}

func parseFixture(t testing.TB, name string) *Unit {
	t.Helper()
	u, err := Parse(fixture(t, name))
	if err != nil {
		t.Fatalf("Parse(%s): %v", name, err)
	}
	return u
}

func findFunc(t *testing.T, u *Unit, name string) Func {
	t.Helper()
	i := slices.IndexFunc(u.Funcs, func(f Func) bool { return f.Name == name })
	if i < 0 {
		t.Fatalf("no function %s in %v", name, funcNames(u))
	}
	return u.Funcs[i]
}

func funcNames(u *Unit) []string {
	var out []string
	for _, f := range u.Funcs {
		out = append(out, f.Name)
	}
	return out
}

func findStruct(t *testing.T, u *Unit, name string) Struct {
	t.Helper()
	i := slices.IndexFunc(u.Structs, func(s Struct) bool { return s.Name == name })
	if i < 0 {
		t.Fatalf("no struct %q", name)
	}
	return u.Structs[i]
}

func findMember(t *testing.T, s Struct, name string) Member {
	t.Helper()
	i := slices.IndexFunc(s.Members, func(m Member) bool { return m.Name == name })
	if i < 0 {
		t.Fatalf("struct %q has no member %s", s.Name, name)
	}
	return s.Members[i]
}

func findInit(t *testing.T, u *Unit, v string) Init {
	t.Helper()
	i := slices.IndexFunc(u.Inits, func(in Init) bool { return in.Var == v })
	if i < 0 {
		t.Fatalf("no initializer of %q", v)
	}
	return u.Inits[i]
}

func findDecl(t *testing.T, u *Unit, inFunc, name string) Decl {
	t.Helper()
	i := slices.IndexFunc(u.Decls, func(d Decl) bool { return d.Name == name && d.InFunc == inFunc })
	if i < 0 {
		t.Fatalf("no declaration of %s in %q", name, inFunc)
	}
	return u.Decls[i]
}

func paramTexts(ft FuncType) []string {
	var out []string
	for _, p := range ft.Params {
		out = append(out, p.Name+": "+p.Type.Text)
	}
	return out
}
