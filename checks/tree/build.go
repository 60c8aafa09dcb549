package tree

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"time"
)

// IndexOptions configure BuildIndex.
type IndexOptions struct {
	// Dirs are the subdirectories of the tree to walk; empty means the
	// whole tree.
	Dirs []string
	// Needles restrict the answers to files whose text contains one of
	// them (e.g. "struct proto"), as if only those were indexed; empty
	// means every .c and .h file. They do not change what is parsed and
	// stored.
	Needles []string
	// CacheDir holds the stores of the trees; default
	// filepath.Join(os.UserCacheDir(), "patchbot", "tree").
	CacheDir string
	// Workers is the number of parsing goroutines; default
	// runtime.GOMAXPROCS(0).
	Workers int
	// Log receives progress and cache diagnostics; default slog.Default().
	Log *slog.Logger
	// Progress, when set, is called after each file parsed (all of them
	// on the first build, the changed ones later) with how many are
	// done; it must be safe for concurrent use.
	Progress func(done, total int)

	// batch is the files per batch of a cold build (buildBatch when 0;
	// the tests make it small).
	batch int
}

// BuildIndex opens the index of the kernel tree at root. The tree's
// store under opt.CacheDir holds every file parsed once, keyed by the
// tree and opt.Dirs, not by the needles: the first build parses the whole
// tree; later ones stat it, parse only what changed, and load nothing
// until a query asks. The index answers with the files that contain one
// of opt.Needles. Nothing is written into the tree.
func BuildIndex(ctx context.Context, root string, opt IndexOptions) (*Index, error) {
	start := time.Now()
	root, err := filepath.Abs(root)
	if err != nil {
		return nil, fmt.Errorf("index tree %s: %w", root, err)
	}
	if st, err := os.Stat(root); err != nil {
		return nil, fmt.Errorf("index tree: %w", err)
	} else if !st.IsDir() {
		return nil, fmt.Errorf("index tree %s: not a directory", root)
	}
	log := opt.Log
	if log == nil {
		log = slog.Default()
	}
	workers := opt.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	dirs := make([]string, 0, len(opt.Dirs))
	for _, d := range opt.Dirs {
		rel, err := cleanDir(root, d)
		if err != nil {
			return nil, err
		}
		dirs = append(dirs, rel)
	}
	cacheDir := opt.CacheDir
	if cacheDir == "" {
		base, err := CacheDir()
		if err != nil {
			return nil, fmt.Errorf("index tree: locate cache directory: %w", err)
		}
		cacheDir = filepath.Join(base, "tree")
	}
	batch := opt.batch
	if batch <= 0 {
		batch = buildBatch
	}
	b := builder{root: root, dirs: dirs, workers: workers, batch: batch, log: log, progress: opt.Progress}
	st, err := b.open(ctx, storePath(cacheDir, root, dirs))
	if err != nil {
		return nil, err
	}
	log.Debug("tree index open", "root", root, "store", st.path, "took", time.Since(start))
	return &Index{Root: root, st: st, vis: newVisibility(root, opt.Needles), log: log}, nil
}

// builder brings the store of one tree up to date.
type builder struct {
	root     string
	dirs     []string
	workers  int
	batch    int
	log      *slog.Logger
	progress func(done, total int)
}

// open returns the store at path, built or brought up to date first.
func (b *builder) open(ctx context.Context, path string) (*store, error) {
	st, err := openStore(path)
	if err != nil {
		return nil, err
	}
	if st == nil {
		return b.build(ctx, path)
	}
	start := time.Now()
	ch, err := st.check(ctx, b.root, 2*b.workers)
	if err != nil {
		st.close()
		return nil, err
	}
	if ch.none() {
		b.log.Debug("tree index fresh", "store", path, "checked in", time.Since(start))
		return st, nil
	}
	parsed, ps, err := parseFiles(ctx, b.root, ch.stale, ch.oldHash, b.workers, b.progress)
	if err != nil {
		st.close()
		return nil, err
	}
	err = updateStore(path, st, ch, parsed)
	st.close()
	if err != nil {
		return nil, err
	}
	b.log.Debug("tree index updated", "store", path, "stale", len(ch.stale), "removed", len(ch.removed),
		"parsed", ps.parsed, "unchanged", ps.same, "unparsable", ps.failed, "took", time.Since(start))
	return b.reopen(path)
}

// buildBatch is how many files a cold build parses before it writes
// their entries out (see runFile): the build holds one batch in memory,
// not the tree.
const buildBatch = 4096

// build parses the whole tree into a new store at path. When the cache
// directory cannot be written, the store is built in a temporary
// directory and removed once opened, so that this run still has it.
func (b *builder) build(ctx context.Context, path string) (*store, error) {
	start := time.Now()
	w, err := walkTree(ctx, b.root, b.dirs)
	if err != nil {
		return nil, err
	}
	// uncached moves the store to a temporary directory, once.
	var tmp string
	uncached := func(err error) error {
		if tmp != "" {
			return fmt.Errorf("index tree: %w", err)
		}
		b.log.Warn("tree index not cached", "store", path, "err", err)
		var terr error
		if tmp, terr = os.MkdirTemp("", "patchbot-tree-"); terr != nil {
			return fmt.Errorf("index tree: %w", err)
		}
		path = filepath.Join(tmp, filepath.Base(path))
		return nil
	}
	defer func() {
		if tmp != "" {
			os.RemoveAll(tmp)
		}
	}()
	_ = os.MkdirAll(filepath.Dir(path), 0o700)
	runs, err := newRunFile(filepath.Dir(path))
	if err != nil {
		if err := uncached(err); err != nil {
			return nil, err
		}
		if runs, err = newRunFile(tmp); err != nil {
			return nil, fmt.Errorf("index tree: %w", err)
		}
	}
	defer runs.close()
	var ps parseStats
	kept := make([]treeFile, 0, len(w.files))
	for lo := 0; lo < len(w.files); lo += b.batch {
		batch := w.files[lo:min(lo+b.batch, len(w.files))]
		parsed, bps, err := parseFiles(ctx, b.root, batch, nil, b.workers, offsetProgress(b.progress, lo, len(w.files)))
		if err != nil {
			return nil, err
		}
		ps.parsed, ps.failed = ps.parsed+bps.parsed, ps.failed+bps.failed
		for _, p := range parsed {
			if p.gone {
				continue
			}
			runs.add(bucketFuncs, p.funcs...)
			runs.add(bucketStructs, p.structs...)
			runs.add(bucketBinds, p.binds...)
			runs.add(bucketFiles, kv{[]byte(p.rel), p.rec.encode()})
			kept = append(kept, treeFile{rel: p.rel, size: p.rec.size, mtime: p.rec.mtime})
		}
		if err := runs.flush(); err != nil {
			return nil, err
		}
	}
	if err := writeStore(path, w.dirs, kept, runs); err != nil {
		// The runs can be merged again, into a store that is not kept.
		if err := uncached(err); err != nil {
			return nil, err
		}
		if err := writeStore(path, w.dirs, kept, runs); err != nil {
			return nil, err
		}
	}
	b.log.Debug("tree index built", "store", path, "files", len(w.files), "parsed", ps.parsed,
		"unparsable", ps.failed, "took", time.Since(start))
	return b.reopen(path)
}

// offsetProgress reports the progress of a batch starting at file lo as
// that of the whole build.
func offsetProgress(progress func(done, total int), lo, total int) func(done, total int) {
	if progress == nil {
		return nil
	}
	return func(done, _ int) { progress(lo+done, total) }
}

func (b *builder) reopen(path string) (*store, error) {
	st, err := openStore(path)
	if err != nil {
		return nil, err
	}
	if st == nil {
		return nil, fmt.Errorf("index tree %s: store %s unreadable after writing it", b.root, path)
	}
	return st, nil
}

// CacheDir is patchbot's cache directory, where tree indexes and parses
// are kept between runs: systemd's $CACHE_DIRECTORY (CacheDirectory=, the
// unit's own, kept across restarts of a DynamicUser=yes unit), else
// patchbot under the user's cache directory ($XDG_CACHE_HOME, ~/.cache).
func CacheDir() (string, error) {
	for _, d := range filepath.SplitList(os.Getenv("CACHE_DIRECTORY")) {
		if filepath.IsAbs(d) {
			return d, nil
		}
	}
	base, err := os.UserCacheDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(base, "patchbot"), nil
}
