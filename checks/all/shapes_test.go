package all_test

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/patchbot/patchbot/checks/droppeduser"
	"github.com/patchbot/patchbot/checks/model"
	"github.com/patchbot/patchbot/checks/tree"
	"github.com/patchbot/patchbot/internal/checktest"
)

// shapesDir holds the fixtures of testdata/checks/shapes/gen.py: one
// series per shape of real list traffic that gave a false finding (or
// hid a true one) before the checks learnt to read it.
func shapesDir() string { return filepath.Join(checktest.FixtureDir(), "shapes") }

// TestShapes reviews every shape without a tree and, where the fixture has
// one (a tree that is not the series' base), with it.
func TestShapes(t *testing.T) {
	hid := []checktest.Want{{Check: droppeduser.ID, File: "net/foo/sockopt.c", Line: 8, Symbol: "foo_setsockopt:optval",
		Msg: "cast removes address space '__user' of expression: '(char *)optval' where 'optval' is declared 'char __user *optval'"}}
	tests := []struct {
		dir  string
		why  string
		want []checktest.Want
		// summary is what the run must say of it with its tree (or
		// without one, for a fixture without), "" for nothing.
		summary string
	}{
		// Hunks read as what they are.
		{"param-list-tail", "a hunk starting inside a parameter list: its calls are no prototype of kfree_sensitive", nil, ""},
		{"iterator-macro", "for_each_possible_cpu(i) and the call after it are no prototype", nil, ""},
		{"return-type-line", "a return type on its own line is the next declarator's, not the one after", nil, ""},
		{"attribute-macro", "__head and an unknown attribute on the line before are no part of the return type", nil, ""},
		{"comment-example", "example code in a comment the hunk starts inside is no code", nil, ""},
		{"ifelse-alternatives", "an assembly prototype and its C fallback in the two branches of one #ifdef", nil, ""},
		{"array-member", "ureq->name is an array member: nothing is read through the user pointer", nil, ""},
		{"array-member-unseen", "without the struct in view, ureq->name as an argument may be an array: silence", nil, ""},
		// Kernel rules for kernel code only.
		{"userspace-bluez", "[PATCH BlueZ]: libc's struct iovec", nil, "1 series of userspace projects"},
		{"userspace-includes", "lib/ with libc includes is userspace", nil, "1 file of userspace code"},
		{"userspace-selftest", "a selftest's read() is libc's, not the tree's read()", nil, "1 file of userspace code"},
		{"userspace-struct", "iproute2's struct proto is not the kernel's", nil, "1 series of userspace projects"},
		{"userspace-bpf", "a BPF program that opts out of kfunc prototypes declares its own", nil, "1 file of userspace code"},
		// Findings only for what the series introduces.
		{"moved-function", "a function moved unchanged keeps its old mismatch, not the series'", nil, ""},
		{"tree-hunks-fail", "the conversion that does not apply to the tree is read from the diff", nil, "1 series has files whose hunks do not apply to the tree"},
		{"tree-renamed-file", "team.c became team_core.c after the tree: the diff's team_ioctl is the one", nil, "1 series has files the tree lacks"},
		{"tree-fix-patch", "the tree's header is older than the base the fix follows", nil, "1 finding resting only on tree files those series do not touch left out"},
		{"tree-header-older", "proto_ops.ioctl was retyped after the tree", nil, "1 finding resting only on tree files those series do not touch left out"},
		{"tree-deleted-kept", "a later patch's whole-file image kept the old definition a failed hunk replaced", nil, ""},
		{"tree-hid-true", "the tree's newer sockptr_t declaration must not hide the hunk's char __user *", hid, ""},
	}
	for _, tc := range tests {
		dir := filepath.Join(shapesDir(), tc.dir)
		modes := []string{"no tree"}
		if _, err := os.Stat(filepath.Join(dir, "tree")); err == nil {
			modes = append(modes, "with its tree")
		}
		for _, mode := range modes {
			t.Run(tc.dir+"/"+mode, func(t *testing.T) {
				t.Log(tc.why)
				paths, err := filepath.Glob(filepath.Join(dir, "*.patch"))
				if err != nil || len(paths) == 0 {
					t.Fatalf("no patches in %s (run gen.py there)", dir)
				}
				sort.Strings(paths)
				env := &model.Env{Stats: model.NewStats()}
				if mode != "no tree" {
					x, err := tree.BuildIndex(context.Background(), filepath.Join(dir, "tree"), tree.IndexOptions{CacheDir: t.TempDir(), Workers: 1})
					if err != nil {
						t.Fatal(err)
					}
					env.Tree = x
				}
				fs, err := runChecks(t, checktest.LoadSeries(t, paths...), env)
				if err != nil {
					t.Fatal(err)
				}
				checktest.MatchFindings(t, fs, tc.want)
				sum := strings.Join(env.Stats.Summary(), "\n")
				last := mode == modes[len(modes)-1]
				if last && tc.summary != "" && !strings.Contains(sum, tc.summary) {
					t.Errorf("summary %q lacks %q", sum, tc.summary)
				}
			})
		}
	}
}
