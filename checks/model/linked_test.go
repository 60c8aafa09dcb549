package model

import (
	"reflect"
	"testing"

	"github.com/patchbot/patchbot/checks/cfront"
)

func TestLinked(t *testing.T) {
	def := func(file string, static bool) FuncSite {
		return FuncSite{Fn: cfront.Func{Name: "f", Definition: true, Static: static}, File: file}
	}
	defs := []FuncSite{
		def("arch/m68k/include/asm/uaccess.h", true),
		def("arch/x86/include/asm/uaccess.h", true),
		def("include/linux/uaccess.h", true),
		def("net/a.c", true),
		def("net/b.c", false),
	}
	files := func(fs []FuncSite) []string {
		var out []string
		for _, f := range fs {
			out = append(out, f.File)
		}
		return out
	}
	for _, tt := range []struct {
		from string
		want []string
	}{
		{"net/a.c", []string{"net/a.c"}},
		{"net/c.c", []string{"include/linux/uaccess.h", "net/b.c"}},
		{"arch/x86/lib/usercopy.c", []string{"arch/x86/include/asm/uaccess.h", "include/linux/uaccess.h", "net/b.c"}},
	} {
		if got := files(linked(defs, tt.from)); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("linked from %s = %v, want %v", tt.from, got, tt.want)
		}
	}
}
