package model_test

import (
	"context"
	"testing"

	"github.com/patchbot/patchbot/checks/model"
	"github.com/patchbot/patchbot/internal/checktest"
	"github.com/patchbot/patchbot/series"
)

func TestBodiesFromTheSeries(t *testing.T) {
	ctx := context.Background()
	m, err := model.New(ctx, checktest.LoadFixture(t, "karg/right"), &model.Env{})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	tests := []struct {
		name, from      string
		bodies, casts   int
		defFile         string
		calls, defParam string
	}{
		// The whole function is in one hunk: one body, its two casts
		// of arg and the one of the priv pointer.
		{"foo_mr_ioctl", "net/foo/raw.c", 1, 4, "net/foo/mr.c", "foo_count", "arg"},
		// Static: the definition in the caller's own file.
		{"foo_raw_ioctl", "net/foo/raw.c", 1, 0, "net/foo/raw.c", "foo_mr_ioctl", "karg"},
		// Static in another file than the caller's: not reached.
		{"foo_ioctl_out", "net/foo/raw.c", 0, 0, "", "", ""},
	}
	for _, tt := range tests {
		bs := m.Bodies(ctx, tt.name, tt.from, m.NumPatches()-1)
		if len(bs) != tt.bodies {
			t.Errorf("%s from %s: %d bodies, want %d", tt.name, tt.from, len(bs), tt.bodies)
			continue
		}
		if len(bs) == 0 {
			continue
		}
		b := bs[0]
		if b.Def.File != tt.defFile || b.Tree || len(b.Casts) != tt.casts {
			t.Errorf("%s: definition in %s (tree %v), %d casts; want %s, %d", tt.name, b.Def.File, b.Tree, len(b.Casts), tt.defFile, tt.casts)
		}
		found := false
		for _, c := range b.Calls {
			found = found || c.Func == tt.calls
		}
		if !found {
			t.Errorf("%s: no call to %s in %+v", tt.name, tt.calls, b.Calls)
		}
		if ps := b.Def.Fn.Type.Params; len(ps) != 3 || ps[2].Name != tt.defParam {
			t.Errorf("%s: parameters %+v, want a third named %s", tt.name, ps, tt.defParam)
		}
	}
}

// With a tree, a function the series does not touch is read from the
// tree's file, wherever it is (not only in the files the series' needles
// select), and both #ifdef alternatives answer: the stub in the header
// and the function in the .c file.
func TestBodiesFromTheTree(t *testing.T) {
	ctx := context.Background()
	m, err := model.New(ctx, &series.Series{}, &model.Env{Tree: checktest.Linux61Index(t)})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	bs := m.Bodies(ctx, "ipmr_ioctl", "net/ipv4/raw.c", 0)
	files := map[string]int{}
	for _, b := range bs {
		if !b.Tree {
			t.Errorf("body of %s not from the tree", b.Def.File)
		}
		files[b.Def.File] = len(b.Calls)
	}
	if len(bs) != 2 || files["net/ipv4/ipmr.c"] < 5 {
		t.Errorf("bodies of ipmr_ioctl from raw.c: %v (file: calls), want include/linux/mroute.h and net/ipv4/ipmr.c with its copy_from_user and RCU calls", files)
	}
	if _, ok := files["include/linux/mroute.h"]; !ok {
		t.Errorf("the !CONFIG_IP_MROUTE stub is missing: %v", files)
	}
	if st, ok := m.StructDef(ctx, "sioc_vif_req", 0); !ok || len(st.Members) != 5 {
		t.Errorf("struct sioc_vif_req from the tree: %+v, %v", st, ok)
	}
}
