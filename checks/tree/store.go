package tree

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"
)

// storeVersion changes whenever the cfront output or the store layout
// changes, so that entries of an older front end are never reused.
const storeVersion = "patchbot-tree-2"

// maxStores bounds the cache directory: the stores of this many trees
// (root and Dirs) used last are kept, older ones are removed.
const maxStores = 4

// store is the on-disk index of one tree: per file its stat, content hash
// and names, and the tables of functions, structs and bindings. It is a
// bbolt database opened read-only, so any number of processes and
// goroutines read it at once; a change is written to a copy that is then
// renamed over it, never in place.
type store struct {
	db   *bolt.DB
	path string

	// bindStructs keeps, per member name, the structs with bindings of
	// it (BindingStructs); the store is read-only, so the answer holds.
	mu          sync.Mutex
	bindStructs map[string][]string
}

// storePath is where the store of root (restricted to dirs) lives.
func storePath(cacheDir, root string, dirs []string) string {
	key := sha256.New()
	fmt.Fprintf(key, "%s\x00%s\x00%s", storeVersion, root, strings.Join(dirs, "\x01"))
	return filepath.Join(cacheDir, hex.EncodeToString(key.Sum(nil))[:24]+".db")
}

// openStore opens the store at path read-only. It returns nil and no
// error when there is none or it is of another version or unreadable: it
// is then rebuilt.
func openStore(path string) (*store, error) {
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	db, err := bolt.Open(path, 0o644, &bolt.Options{ReadOnly: true, Timeout: time.Minute})
	if err != nil {
		// A corrupt store is rebuilt, not an error.
		return nil, nil
	}
	ok := false
	db.View(func(tx *bolt.Tx) error {
		m := tx.Bucket([]byte(bucketMeta))
		ok = m != nil && string(m.Get([]byte("version"))) == storeVersion
		return nil
	})
	if !ok {
		db.Close()
		return nil, nil
	}
	now := time.Now()
	// The mtime says when the store was last used, for pruning.
	os.Chtimes(path, now, now)
	s := &store{db: db, path: path}
	runtime.AddCleanup(s, func(db *bolt.DB) { db.Close() }, db)
	return s, nil
}

// close releases the store; queries on it fail afterwards.
func (s *store) close() error { return s.db.Close() }

// writeStore writes a new store to path from a full walk (its
// directories, and the stat of every file kept) and the entries of every
// file, sorted in runs, replacing what was there. Each bucket is filled in
// key order in transactions of storeTxBytes, so that its pages are full
// and what bbolt holds in memory is one transaction's.
func writeStore(path string, dirs []treeDir, files []treeFile, runs *runFile) error {
	return replaceStore(path, nil, func(db *bolt.DB) error {
		err := db.Update(func(tx *bolt.Tx) error {
			for _, name := range []string{bucketMeta, bucketFiles, bucketDirs, bucketFuncs, bucketStructs, bucketBinds} {
				if _, err := tx.CreateBucket([]byte(name)); err != nil {
					return err
				}
			}
			if err := tx.Bucket([]byte(bucketMeta)).Put([]byte("version"), []byte(storeVersion)); err != nil {
				return err
			}
			return putSorted(tx.Bucket([]byte(bucketDirs)), dirRecords(dirs, files))
		})
		if err != nil {
			return err
		}
		for _, bucket := range []string{bucketFuncs, bucketStructs, bucketBinds, bucketFiles} {
			if err := putMerged(db, bucket, runs); err != nil {
				return err
			}
		}
		return nil
	})
}

// storeTxBytes bounds the keys and values one transaction of a store
// being built puts.
const storeTxBytes = 32 << 20

// putMerged fills bucket with the entries of its runs, in key order, in
// transactions of storeTxBytes.
func putMerged(db *bolt.DB, bucket string, runs *runFile) error {
	var tx *bolt.Tx
	var b *bolt.Bucket
	size := 0
	err := runs.merge(bucket, func(key, val []byte) error {
		if tx == nil {
			var err error
			if tx, err = db.Begin(true); err != nil {
				return err
			}
			b = tx.Bucket([]byte(bucket))
			b.FillPercent = 1
		}
		if err := b.Put(key, val); err != nil {
			return err
		}
		if size += len(key) + len(val); size >= storeTxBytes {
			err := tx.Commit()
			tx, size = nil, 0
			return err
		}
		return nil
	})
	if tx != nil {
		if err != nil {
			_ = tx.Rollback()
			return err
		}
		return tx.Commit()
	}
	return err
}

// putSorted fills an empty bucket; in key order, its pages are filled
// completely.
func putSorted(b *bolt.Bucket, entries []kv) error {
	slices.SortFunc(entries, func(a, b kv) int { return bytes.Compare(a.key, b.key) })
	b.FillPercent = 1
	for _, e := range entries {
		if err := b.Put(e.key, e.val); err != nil {
			return err
		}
	}
	return nil
}

// updateStore writes a copy of s with ch applied to path: the entries of
// removed and changed files are replaced by parsed.
func updateStore(path string, s *store, ch changes, parsed []fileEntries) error {
	return replaceStore(path, s, func(db *bolt.DB) error {
		return db.Update(func(tx *bolt.Tx) error {
			files := tx.Bucket([]byte(bucketFiles))
			gone := slices.Clone(ch.removed)
			for _, p := range parsed {
				if !p.same {
					gone = append(gone, p.rel)
				}
			}
			for _, rel := range gone {
				if err := deleteEntries(tx, files, rel); err != nil {
					return err
				}
			}
			for _, p := range parsed {
				if p.gone {
					continue
				}
				rec := p.rec
				if p.same {
					old, err := decodeRecord(files.Get([]byte(p.rel)))
					if err != nil {
						return err
					}
					rec.funcs, rec.structs, rec.binds = old.funcs, old.structs, old.binds
				}
				if err := files.Put([]byte(p.rel), rec.encode()); err != nil {
					return err
				}
				for _, t := range []struct {
					bucket  string
					entries []kv
				}{{bucketFuncs, p.funcs}, {bucketStructs, p.structs}, {bucketBinds, p.binds}} {
					b := tx.Bucket([]byte(t.bucket))
					for _, e := range t.entries {
						if err := b.Put(e.key, e.val); err != nil {
							return err
						}
					}
				}
			}
			return rewriteDirs(tx, ch.dirs)
		})
	})
}

// rewriteDirs rebuilds the directory records from the file records, with
// the directories of dirs (those of the records already there when dirs
// is nil: none was added, removed or changed).
func rewriteDirs(tx *bolt.Tx, dirs []treeDir) error {
	if dirs == nil {
		err := tx.Bucket([]byte(bucketDirs)).ForEach(func(k, v []byte) error {
			mtime, _, err := decodeDir(v)
			if err != nil {
				return fmt.Errorf("directory record %s: %w", k, err)
			}
			dirs = append(dirs, treeDir{string(k), mtime})
			return nil
		})
		if err != nil {
			return err
		}
	}
	var stats []treeFile
	err := tx.Bucket([]byte(bucketFiles)).ForEach(func(k, v []byte) error {
		size, mtime, _, err := decodeStat(v)
		if err != nil {
			return fmt.Errorf("file record %s: %w", k, err)
		}
		stats = append(stats, treeFile{rel: string(k), size: size, mtime: mtime})
		return nil
	})
	if err != nil {
		return err
	}
	if err := tx.DeleteBucket([]byte(bucketDirs)); err != nil {
		return err
	}
	b, err := tx.CreateBucket([]byte(bucketDirs))
	if err != nil {
		return err
	}
	return putSorted(b, dirRecords(dirs, stats))
}

// deleteEntries removes file rel's record and entries.
func deleteEntries(tx *bolt.Tx, files *bolt.Bucket, rel string) error {
	v := files.Get([]byte(rel))
	if v == nil {
		return nil
	}
	rec, err := decodeRecord(v)
	if err != nil {
		return err
	}
	for _, t := range []struct {
		bucket string
		names  []string
	}{{bucketFuncs, rec.funcs}, {bucketStructs, rec.structs}, {bucketBinds, rec.binds}} {
		c := tx.Bucket([]byte(t.bucket)).Cursor()
		for _, n := range t.names {
			prefix := append(append(namePrefix(n), rel...), 0)
			for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Seek(prefix) {
				if err := c.Delete(); err != nil {
					return err
				}
			}
		}
	}
	return files.Delete([]byte(rel))
}

// replaceStore builds a store in a temporary file beside path (a copy of
// from, or empty), fills it with fill (in as many transactions as it
// likes: nothing is synced before the end) and renames the result over
// path, so readers never see a half-written store.
func replaceStore(path string, from *store, fill func(*bolt.DB) error) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("create tree index directory: %w", err)
	}
	tmp, err := os.CreateTemp(dir, ".tree-*.tmp")
	if err != nil {
		return fmt.Errorf("write tree index: %w", err)
	}
	defer os.Remove(tmp.Name())
	if from != nil {
		err = from.db.View(func(tx *bolt.Tx) error {
			_, err := tx.WriteTo(tmp)
			return err
		})
		if err != nil {
			tmp.Close()
			return fmt.Errorf("copy tree index: %w", err)
		}
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write tree index: %w", err)
	}
	db, err := bolt.Open(tmp.Name(), 0o644, &bolt.Options{NoSync: true, NoFreelistSync: true})
	if err != nil {
		return fmt.Errorf("write tree index: %w", err)
	}
	if err := fill(db); err != nil {
		db.Close()
		return fmt.Errorf("write tree index: %w", err)
	}
	if err := db.Sync(); err != nil {
		db.Close()
		return fmt.Errorf("write tree index: %w", err)
	}
	if err := db.Close(); err != nil {
		return fmt.Errorf("write tree index: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("write tree index: %w", err)
	}
	pruneStores(dir, path)
	return nil
}

// pruneStores keeps the maxStores stores of dir used last (keep among
// them) and removes the others, and temporary files a crashed build left
// more than a day ago.
func pruneStores(dir, keep string) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	type used struct {
		path  string
		mtime time.Time
	}
	var stores []used
	for _, e := range ents {
		info, err := e.Info()
		if err != nil {
			continue
		}
		p := filepath.Join(dir, e.Name())
		switch {
		case strings.HasSuffix(e.Name(), ".tmp") && time.Since(info.ModTime()) > 24*time.Hour:
			os.Remove(p)
		case strings.HasSuffix(e.Name(), ".db") && p != keep:
			stores = append(stores, used{p, info.ModTime()})
		}
	}
	slices.SortFunc(stores, func(a, b used) int { return b.mtime.Compare(a.mtime) })
	for i, s := range stores {
		if i >= maxStores-1 {
			os.Remove(s.path)
		}
	}
}
