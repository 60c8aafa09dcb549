package tree

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"
)

// GitHead returns the revision a kernel checkout at root has checked out
// (its HEAD, resolved through the ref it names, loose or packed; a
// worktree's .git file is followed), "" when root is not a git checkout
// or HEAD cannot be read. It reads files only: no git process.
func GitHead(root string) string {
	gitDir := filepath.Join(root, ".git")
	st, err := os.Stat(gitDir)
	if err != nil {
		return ""
	}
	common := gitDir
	if !st.IsDir() {
		// A worktree or a submodule: ".git" is "gitdir: PATH".
		b, err := os.ReadFile(gitDir)
		if err != nil {
			return ""
		}
		p, ok := strings.CutPrefix(strings.TrimSpace(string(b)), "gitdir: ")
		if !ok {
			return ""
		}
		if !filepath.IsAbs(p) {
			p = filepath.Join(root, p)
		}
		gitDir, common = p, p
		if c, err := os.ReadFile(filepath.Join(p, "commondir")); err == nil {
			common = strings.TrimSpace(string(c))
			if !filepath.IsAbs(common) {
				common = filepath.Join(p, common)
			}
		}
	}
	head, err := os.ReadFile(filepath.Join(gitDir, "HEAD"))
	if err != nil {
		return ""
	}
	h := strings.TrimSpace(string(head))
	ref, ok := strings.CutPrefix(h, "ref: ")
	if !ok {
		return hexRev(h)
	}
	for _, dir := range []string{gitDir, common} {
		if b, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(ref))); err == nil {
			return hexRev(strings.TrimSpace(string(b)))
		}
	}
	f, err := os.Open(filepath.Join(common, "packed-refs"))
	if err != nil {
		return ""
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rev, name, ok := strings.Cut(sc.Text(), " "); ok && name == ref {
			return hexRev(rev)
		}
	}
	return ""
}

// hexRev is s when it is a full hex object name, "" otherwise.
func hexRev(s string) string {
	if len(s) != 40 && len(s) != 64 {
		return ""
	}
	for _, c := range s {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return ""
		}
	}
	return s
}
