package tree

import (
	"bufio"
	"crypto/sha256"
	"encoding/gob"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// cacheVersion changes whenever the cfront output or the cache layout
// changes, so that summaries of an older front end are never reused.
const cacheVersion = "patchbot-index-3"

// cacheFile is the on-disk cache of one (tree, dirs, needles) index: the
// stat fast path for every file and the summaries of the parsed ones,
// keyed by content hash.
type cacheFile struct {
	Version string
	// Entries maps a file (relative, slash-separated) to what was last seen.
	Entries map[string]cacheEntry
	// Sums maps a content hash to the file's parsed summary.
	Sums map[string]*fileSummary
}

// cacheEntry is the (size, mtime) -> content-hash fast path of one file.
// A change of size or mtime always leads to re-reading the file.
type cacheEntry struct {
	Size  int64
	Mtime int64
	// Hash is the content hash; "" when the file did not match the needles.
	Hash  string
	Match bool
}

// indexCache is the loaded cache of one BuildIndex run. It is read-only
// while workers run.
type indexCache struct {
	dir  string
	path string
	old  cacheFile
}

// openCache loads the cache for root and opt; a missing or unreadable
// cache file is an empty cache.
func openCache(root string, opt IndexOptions) (*indexCache, error) {
	dir := opt.CacheDir
	if dir == "" {
		base, err := os.UserCacheDir()
		if err != nil {
			return nil, fmt.Errorf("locate cache directory: %w", err)
		}
		dir = filepath.Join(base, "patchbot", "index")
	}
	key := sha256.New()
	fmt.Fprintf(key, "%s\x00%s\x00%s\x00%s", cacheVersion, root,
		strings.Join(opt.Dirs, "\x01"), strings.Join(opt.Needles, "\x01"))
	c := &indexCache{
		dir:  dir,
		path: filepath.Join(dir, hex.EncodeToString(key.Sum(nil))[:24]+".gob"),
	}
	f, err := os.Open(c.path)
	if errors.Is(err, fs.ErrNotExist) {
		return c, nil
	}
	if err != nil {
		return c, fmt.Errorf("open index cache: %w", err)
	}
	defer f.Close()
	var cf cacheFile
	if err := gob.NewDecoder(bufio.NewReader(f)).Decode(&cf); err != nil || cf.Version != cacheVersion {
		// A corrupt or old cache is rebuilt, not an error.
		return c, nil
	}
	c.old = cf
	return c, nil
}

// lookupStat is the fast path: a file whose size and mtime are unchanged
// has the content it had.
func (c *indexCache) lookupStat(f *treeFile) (fileResult, bool) {
	e, ok := c.old.Entries[f.rel]
	if !ok || e.Size != f.size || e.Mtime != f.mtime {
		return fileResult{}, false
	}
	if !e.Match {
		return fileResult{fromStat: true}, true
	}
	sum, ok := c.old.Sums[e.Hash]
	if !ok {
		return fileResult{}, false
	}
	return fileResult{hash: e.Hash, match: true, sum: sum, fromStat: true}, true
}

// lookupHash finds the summary of content with this hash.
func (c *indexCache) lookupHash(hash string) (*fileSummary, bool) {
	s, ok := c.old.Sums[hash]
	return s, ok
}

// save writes the cache for this run's files, atomically, unless nothing
// changed.
func (c *indexCache) save(files []treeFile, results []fileResult) error {
	dirty := len(files) != len(c.old.Entries)
	cf := cacheFile{
		Version: cacheVersion,
		Entries: make(map[string]cacheEntry, len(files)),
		Sums:    make(map[string]*fileSummary),
	}
	for i, f := range files {
		r := results[i]
		if !r.fromStat {
			dirty = true
		}
		cf.Entries[f.rel] = cacheEntry{Size: f.size, Mtime: f.mtime, Hash: r.hash, Match: r.match}
		if r.match && r.sum != nil {
			cf.Sums[r.hash] = r.sum
		}
	}
	if !dirty {
		return nil
	}
	if err := os.MkdirAll(c.dir, 0o755); err != nil {
		return fmt.Errorf("create cache directory: %w", err)
	}
	tmp, err := os.CreateTemp(c.dir, ".index-*.tmp")
	if err != nil {
		return fmt.Errorf("write index cache: %w", err)
	}
	defer os.Remove(tmp.Name())
	w := bufio.NewWriter(tmp)
	if err := gob.NewEncoder(w).Encode(&cf); err != nil {
		tmp.Close()
		return fmt.Errorf("encode index cache: %w", err)
	}
	if err := w.Flush(); err != nil {
		tmp.Close()
		return fmt.Errorf("write index cache: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write index cache: %w", err)
	}
	if err := os.Rename(tmp.Name(), c.path); err != nil {
		return fmt.Errorf("write index cache: %w", err)
	}
	return nil
}

// contentHash is the cache key of a file's content: sha256, stable across
// processes and machines.
func contentHash(src []byte) string {
	sum := sha256.Sum256(src)
	return hex.EncodeToString(sum[:])
}
