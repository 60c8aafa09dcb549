package tree

import (
	"os"
	"path/filepath"
	"sync"
)

// visibility decides which files of the store an Index answers with: those
// whose text contains one of its needles, as when the index held only
// those files. A file's text is read (from the tree, which the store was
// just checked against) the first time a query meets it, and the answer
// is kept.
type visibility struct {
	root string
	m    *matcher

	mu   sync.Mutex
	seen map[string]bool
}

// newVisibility returns the visibility of needles over the tree at root;
// nil (every file visible) for no needles or an empty one.
func newVisibility(root string, needles []string) *visibility {
	if len(needles) == 0 {
		return nil
	}
	for _, n := range needles {
		if n == "" {
			return nil
		}
	}
	return &visibility{root: root, m: newMatcher(needles), seen: make(map[string]bool)}
}

// visible reports whether file rel contains a needle. A nil visibility
// sees every file; an unreadable file is not visible.
func (v *visibility) visible(rel string) bool {
	if v == nil {
		return true
	}
	v.mu.Lock()
	ok, done := v.seen[rel]
	v.mu.Unlock()
	if done {
		return ok
	}
	src, err := os.ReadFile(filepath.Join(v.root, filepath.FromSlash(rel)))
	ok = err == nil && v.m.match(src)
	v.mu.Lock()
	v.seen[rel] = ok
	v.mu.Unlock()
	return ok
}

// matcher finds whether a text contains any of a set of strings in one
// pass (Aho-Corasick, as a full automaton over the needles' bytes): a
// series may bring hundreds of needles, and a query may meet a thousand
// files.
type matcher struct {
	class  [256]uint16 // byte -> column; 0 for bytes in no needle
	ncol   int
	next   []int32 // state*ncol + column -> state
	accept []bool
}

func newMatcher(needles []string) *matcher {
	m := &matcher{ncol: 1}
	for _, n := range needles {
		for i := 0; i < len(n); i++ {
			if m.class[n[i]] == 0 {
				m.class[n[i]] = uint16(m.ncol)
				m.ncol++
			}
		}
	}
	// The trie; -1 is no edge. It has at most one state per needle byte
	// besides the root.
	states := 1
	for _, n := range needles {
		states += len(n)
	}
	m.next = make([]int32, 0, states*m.ncol)
	m.accept = make([]bool, 0, states)
	m.addState()
	for _, n := range needles {
		s := int32(0)
		for i := 0; i < len(n); i++ {
			j := int(s)*m.ncol + int(m.class[n[i]])
			if m.next[j] < 0 {
				m.next[j] = m.addState()
			}
			s = m.next[j]
		}
		m.accept[s] = true
	}
	// Breadth first, each state's missing edges become those of its
	// longest proper suffix in the trie (its fail state).
	fail := make([]int32, len(m.accept))
	queue := []int32{}
	for c := range m.ncol {
		if t := m.next[c]; t < 0 {
			m.next[c] = 0
		} else {
			queue = append(queue, t)
		}
	}
	for len(queue) > 0 {
		s := queue[0]
		queue = queue[1:]
		if m.accept[fail[s]] {
			m.accept[s] = true
		}
		for c := range m.ncol {
			j := int(s)*m.ncol + c
			f := m.next[int(fail[s])*m.ncol+c]
			if t := m.next[j]; t < 0 {
				m.next[j] = f
			} else {
				fail[t] = f
				queue = append(queue, t)
			}
		}
	}
	return m
}

func (m *matcher) addState() int32 {
	for range m.ncol {
		m.next = append(m.next, -1)
	}
	m.accept = append(m.accept, false)
	return int32(len(m.accept) - 1)
}

// match reports whether src contains a needle.
func (m *matcher) match(src []byte) bool {
	s := int32(0)
	for _, b := range src {
		s = m.next[int(s)*m.ncol+int(m.class[b])]
		if m.accept[s] {
			return true
		}
	}
	return false
}
