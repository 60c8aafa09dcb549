package model

import (
	"regexp"
	"strings"
	"sync"
)

// condLevel is one level of the preprocessor conditionals a line lies in:
// the conditional (by the image line of its #if, or a negative number for
// one opened above the image) and which of its branches.
type condLevel struct{ open, branch int }

var directive = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^\s*#\s*(if|ifdef|ifndef|elif|elifdef|elifndef|else|endif)\b`)
})

// directiveOf is directive's submatches of a line, nil when it does not
// match; a line that does not start with "#" cannot.
func directiveOf(line string) []string {
	if !strings.HasPrefix(strings.TrimLeft(line, reSpace), "#") {
		return nil
	}
	return directive().FindStringSubmatch(line)
}

// conditions returns, for every line of the image, the conditionals it
// lies in, outermost first. A fragment may show the #else or #endif of a
// conditional opened above it: its lines before that directive are taken
// as the first branch of it.
func (im *Image) conditions() [][]condLevel {
	if im.conds != nil {
		return im.conds
	}
	conds := make([][]condLevel, len(im.text))
	outer := condLevel{open: -1}
	var stack []condLevel
	for i, t := range im.text {
		if m := directiveOf(t); m != nil {
			switch m[1] {
			case "if", "ifdef", "ifndef":
				stack = append(stack, condLevel{open: i + 1})
			case "elif", "elifdef", "elifndef", "else":
				if len(stack) > 0 {
					stack[len(stack)-1].branch++
				} else {
					outer.branch++
				}
			case "endif":
				if len(stack) > 0 {
					stack = stack[:len(stack)-1]
				} else {
					// Past the end of the conditional opened above.
					outer = condLevel{open: outer.open - 1}
				}
			}
		}
		conds[i] = append([]condLevel{outer}, stack...)
	}
	im.conds = conds
	return conds
}

// AcrossBranches reports whether image lines a and b lie in different
// branches of one conditional (`#ifdef CONFIG_X` ... `#else` ...): code
// that is never compiled together.
func (im *Image) AcrossBranches(a, b int) bool {
	conds := im.conditions()
	if a < 1 || b < 1 || a > len(conds) || b > len(conds) {
		return false
	}
	ca, cb := conds[a-1], conds[b-1]
	for i := 0; i < len(ca) && i < len(cb); i++ {
		if ca[i].open != cb[i].open {
			return false
		}
		if ca[i].branch != cb[i].branch {
			return true
		}
	}
	return false
}
