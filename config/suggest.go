package config

import (
	"reflect"
	"sort"
	"strings"
)

// knownKeys maps each table ("" for the top level, "imap", "checks.rule")
// to the keys it accepts, read from the toml tags of Config so that the
// list cannot drift from the structs.
func knownKeys() map[string][]string {
	out := map[string][]string{}
	var walk func(prefix string, t reflect.Type)
	walk = func(prefix string, t reflect.Type) {
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			name, _, _ := strings.Cut(f.Tag.Get("toml"), ",")
			if name == "" || name == "-" {
				continue
			}
			out[prefix] = append(out[prefix], name)
			ft := f.Type
			if ft.Kind() == reflect.Slice {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct && ft.PkgPath() == t.PkgPath() && isTable(ft) {
				walk(joinKey(prefix, name), ft)
			}
		}
	}
	walk("", reflect.TypeOf(Config{}))
	for k := range out {
		sort.Strings(out[k])
	}
	return out
}

// isTable tells the section structs from value types (Duration, Rate,
// Date) that decode from a single TOML value.
func isTable(t reflect.Type) bool {
	for _, v := range []reflect.Type{reflect.TypeOf(Rate{}), reflect.TypeOf(Date{})} {
		if t == v {
			return false
		}
	}
	return true
}

func joinKey(prefix, name string) string {
	if prefix == "" {
		return name
	}
	return prefix + "." + name
}

// suggest returns the known key closest to name, or "" when none is
// close. A key may also be a misspelt prefix of a longer one ("pasword"
// for "password_env"), so each candidate's prefixes are compared too.
func suggest(name string, candidates []string) string {
	best, bestD := "", 3
	if len(name) <= 4 {
		bestD = 2
	}
	for _, c := range candidates {
		d := levenshtein(name, c)
		for n := len(name) - 1; n <= len(name)+1; n++ {
			if n > 0 && n < len(c) && (c[n] == '_' || c[n-1] == '_') {
				if pd := levenshtein(name, c[:n]); pd < d {
					d = pd
				}
			}
		}
		if d < bestD {
			best, bestD = c, d
		}
	}
	return best
}

func levenshtein(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
