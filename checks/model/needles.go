package model

import (
	"maps"
	"regexp"
	"sort"
	"strings"
	"sync"

	"github.com/patchbot/patchbot/series"
)

// Patterns that name what a series touches, read straight off its diff
// lines: a struct definition or initializer ("struct proto {",
// "struct proto raw_prot = {") and a function definition or prototype
// ("int raw_ioctl(struct sock *sk, ...").
var (
	structNameRe = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`\bstruct\s+([A-Za-z_]\w*)\s*(?:\{|[A-Za-z_]\w*\s*(?:\[[^\]]*\]\s*)?=\s*\{)`)
	})
	funcNameRe = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z_][\w \t\*]*?\b([A-Za-z_]\w*)\s*\(`) })
)

// treeNeedles returns the strings a kernel tree index must look for to
// serve the checks: touched (see addSeriesNeedles) and "struct NAME" for
// the struct of every rule. The result is sorted and has no duplicates;
// it is meant for tree.IndexOptions.Needles (see OpenTree).
func treeNeedles(touched map[string]bool, rules []Rule) []string {
	set := maps.Clone(touched)
	for _, r := range rules {
		set["struct "+r.Struct] = true
	}
	out := make([]string, 0, len(set))
	for k := range set {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// addSeriesNeedles adds to set what s touches: "struct NAME" for every
// struct it defines or initialises, and the names of the functions it
// defines or changes (so their bindings and definitions elsewhere in the
// tree are found).
func addSeriesNeedles(set map[string]bool, s *series.Series) {
	for _, p := range s.Patches {
		for _, f := range p.Files {
			for _, h := range f.Hunks {
				addNeedles(set, h.Function)
				for _, l := range h.Lines {
					addNeedles(set, l.Text)
				}
			}
		}
	}
}

func addNeedles(set map[string]bool, line string) {
	if strings.Contains(line, "struct") && strings.Contains(line, "{") {
		for _, m := range structNameRe().FindAllStringSubmatch(line, -1) {
			set["struct "+m[1]] = true
		}
	}
	if line == "" || !isNameStart(line[0]) || !strings.Contains(line, "(") {
		return
	}
	if m := funcNameRe().FindStringSubmatch(line); m != nil && !cKeyword[m[1]] {
		set[m[1]] = true
	}
}

// isNameStart reports whether c may start a C identifier ([A-Za-z_]),
// as funcNameRe's first byte must.
func isNameStart(c byte) bool { return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

// cKeyword lists words funcNameRe must not take for function names.
var cKeyword = map[string]bool{
	"if": true, "for": true, "while": true, "switch": true, "return": true,
	"sizeof": true, "do": true, "else": true, "case": true, "goto": true,
	"typeof": true, "__typeof__": true, "defined": true,
}
