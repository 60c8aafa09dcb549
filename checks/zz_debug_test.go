package checks

import (
	"context"
	"testing"
)

func TestZZIndexDebug(t *testing.T) {
	x, err := BuildIndex(context.Background(), "/root/.cache/patchbot-test/linux-6.1", IndexOptions{Dirs: []string{"net", "include"}, Needles: []string{"struct proto"}, CacheDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Log(x.Files(), len(x.bindings), len(x.funcs), len(x.structs))
	for k, v := range x.bindings {
		if k.member == "ioctl" {
			t.Log(k, v)
		}
	}
}
