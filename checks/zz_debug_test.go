package checks

import (
	"context"
	"syscall"
	"testing"
	"time"
)

func cpu() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(0, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func TestZZIndexDebug(t *testing.T) {
	dir := t.TempDir()
	for i := range 11 {
		c0, w0 := cpu(), time.Now()
		_, err := BuildIndex(context.Background(), "/root/.cache/patchbot-test/linux-6.1", IndexOptions{Dirs: []string{"net", "include"}, Needles: []string{"struct proto"}, CacheDir: dir, Log: quietLog()})
		if err != nil {
			t.Fatal(err)
		}
		if i < 2 {
			t.Log("cpu", cpu()-c0, "wall", time.Since(w0))
		}
	}
}
