package tree

import (
	"errors"
	"slices"
	"testing"

	"github.com/patchbot/patchbot/checks/cfront"
)

func TestDirRecord(t *testing.T) {
	files := []fileStat{{"a.c", 10, 1700000000123456789}, {"b.h", 0, -1}, {"ü.c", 1 << 40, 7}}
	tests := []struct {
		name  string
		mtime int64
		files []fileStat
	}{
		{"files", 1699999999000000001, files},
		{"no files", 5, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			mtime, got, err := decodeDir(encodeDir(tc.mtime, tc.files))
			if err != nil || mtime != tc.mtime || !slices.Equal(got, tc.files) {
				t.Errorf("decoded %d %+v %v, want %d %+v", mtime, got, err, tc.mtime, tc.files)
			}
		})
	}
	t.Run("every cut record is corrupt", func(t *testing.T) {
		b := encodeDir(42, files)
		for n := range len(b) {
			if _, _, err := decodeDir(b[:n]); !errors.Is(err, cfront.ErrCorrupt) {
				t.Errorf("%d of %d bytes: %v", n, len(b), err)
			}
		}
		if _, _, err := decodeDir(append(b, 0)); !errors.Is(err, cfront.ErrCorrupt) {
			t.Errorf("a byte too many: %v", err)
		}
	})
}
