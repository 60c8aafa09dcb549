package tree

import (
	"encoding/binary"
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/patchbot/patchbot/checks/cfront"
)

// A directory's record in the dirs table holds what the stat check needs
// of it in one value: the directory's mtime, then the name, size and mtime
// of each indexed file directly in it, by name. The check reads the few
// thousand directory records of a tree, not the record of every file.

// fileStat is a file of a directory record.
type fileStat struct {
	name        string
	size, mtime int64
}

// encodeDir encodes a directory's record; files must be sorted by name.
func encodeDir(mtime int64, files []fileStat) []byte {
	var e cfront.Encoder
	e.Int(mtime)
	cfront.EncodeList(&e, files, func(f fileStat) {
		e.Str(f.name)
		e.Int(f.size)
		e.Int(f.mtime)
	})
	return e.B
}

// decodeDir reads a directory's record. The names are cut from one copy
// of b, not allocated one by one: a tree has tens of thousands of them.
func decodeDir(b []byte) (mtime int64, files []fileStat, err error) {
	text := string(b)
	off := 0
	uvarint := func() uint64 {
		v, n := binary.Uvarint(b[off:])
		if n <= 0 {
			err = cfront.ErrCorrupt
			return 0
		}
		off += n
		return v
	}
	varint := func() int64 {
		v, n := binary.Varint(b[off:])
		if n <= 0 {
			err = cfront.ErrCorrupt
			return 0
		}
		off += n
		return v
	}
	mtime = varint()
	count := uvarint()
	if err == nil && count > uint64(len(b)) {
		// Every file takes at least three bytes.
		err = cfront.ErrCorrupt
	}
	if err == nil && count > 0 {
		files = make([]fileStat, 0, count)
	}
	for i := uint64(0); err == nil && i < count; i++ {
		n := uvarint()
		if err != nil || n > uint64(len(b)-off) {
			err = cfront.ErrCorrupt
			break
		}
		name := text[off : off+int(n)]
		off += int(n)
		size := varint()
		files = append(files, fileStat{name: name, size: size, mtime: varint()})
	}
	if err == nil && off != len(b) {
		err = cfront.ErrCorrupt
	}
	if err != nil {
		return 0, nil, fmt.Errorf("decode directory record: %w", err)
	}
	return mtime, files, nil
}

// dirRecords groups files by directory into the records of dirs: every
// directory of dirs gets one, holding the files directly in it.
func dirRecords(dirs []treeDir, files []treeFile) []kv {
	byDir := make(map[string][]fileStat, len(dirs))
	for _, f := range files {
		d := path.Dir(f.rel)
		byDir[d] = append(byDir[d], fileStat{name: path.Base(f.rel), size: f.size, mtime: f.mtime})
	}
	out := make([]kv, 0, len(dirs))
	add := func(rel string, mtime int64) {
		fs := byDir[rel]
		delete(byDir, rel)
		slices.SortFunc(fs, func(a, b fileStat) int { return strings.Compare(a.name, b.name) })
		out = append(out, kv{[]byte(rel), encodeDir(mtime, fs)})
	}
	for _, d := range dirs {
		add(d.rel, d.mtime)
	}
	// A walk lists the directory of every file it lists; should one be
	// missing all the same, its files are still checked, and the mtime
	// no directory has makes the next check list it again.
	for rel := range byDir {
		add(rel, -1)
	}
	return out
}
