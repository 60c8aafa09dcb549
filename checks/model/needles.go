package model

import (
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
// serve the checks on these series: "struct NAME" for every struct the
// series define or initialise and every struct of a rule, and the names of
// the functions they define or change (so their bindings and definitions
// elsewhere in the tree are found). The result is sorted and has no
// duplicates; it is meant for tree.IndexOptions.Needles (see OpenTree).
func treeNeedles(ss []*series.Series, rules []Rule) []string {
	set := make(map[string]bool)
	for _, r := range rules {
		set["struct "+r.Struct] = true
	}
	for _, s := range ss {
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
	out := make([]string, 0, len(set))
	for k := range set {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
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
