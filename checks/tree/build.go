package tree

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/patchbot/patchbot/checks/cfront"
)

// IndexOptions configure BuildIndex.
type IndexOptions struct {
	// Dirs are the subdirectories of the tree to walk; empty means the
	// whole tree.
	Dirs []string
	// Needles restrict parsing to files whose text contains one of them
	// (e.g. "struct proto"); empty means every .c and .h file.
	Needles []string
	// CacheDir holds the parse cache; default
	// filepath.Join(os.UserCacheDir(), "patchbot", "index").
	CacheDir string
	// Workers is the number of parsing goroutines; default
	// runtime.GOMAXPROCS(0).
	Workers int
	// Log receives progress and cache diagnostics; default slog.Default().
	Log *slog.Logger
	// Progress, when set, is called after each file is indexed with how
	// many of the candidate files are done; it must be safe for
	// concurrent use.
	Progress func(done, total int)
}

// fileSummary is what the index keeps of one parsed file; it is what the
// cache stores.
type fileSummary struct {
	Funcs   []cfront.Func
	Structs []cfront.Struct
	Inits   []cfront.Init
}

// BuildIndex indexes the C files of the kernel tree at root. Parsed files
// are cached under opt.CacheDir, keyed by content hash, so a second build
// re-parses only files that changed. Nothing is written into the tree.
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
	cache, err := openCache(root, opt)
	if err != nil {
		log.Warn("tree index cache unavailable, parsing everything", "err", err)
	}
	files, err := listFiles(ctx, root, opt.Dirs)
	if err != nil {
		return nil, err
	}
	results := make([]fileResult, len(files))
	var wg sync.WaitGroup
	next := make(chan int)
	var firstErr error
	var errOnce sync.Once
	var indexed atomic.Int64
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var p *cfront.Parser
			defer func() {
				if p != nil {
					p.Close()
				}
			}()
			for i := range next {
				r, err := indexFile(ctx, root, &files[i], opt.Needles, cache, &p)
				if opt.Progress != nil {
					opt.Progress(int(indexed.Add(1)), len(files))
				}
				if err != nil {
					errOnce.Do(func() { firstErr = err })
					continue
				}
				results[i] = r
			}
		}()
	}
feed:
	for i := range files {
		select {
		case next <- i:
		case <-ctx.Done():
			break feed
		}
	}
	close(next)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("index tree %s: %w", root, err)
	}
	if firstErr != nil {
		return nil, firstErr
	}
	x := &Index{
		Root:     root,
		structs:  make(map[string][]IndexedStruct),
		funcs:    make(map[string][]IndexedFunc),
		bindings: make(map[bindingKey][]Binding),
	}
	parsed, reused, failed, read := 0, 0, 0, 0
	for i, r := range results {
		if !r.fromStat {
			read++
		}
		switch {
		case r.failed:
			failed++
		case r.parsed:
			parsed++
		case r.sum != nil:
			reused++
		}
		if r.sum != nil {
			x.add(files[i].rel, r.sum)
		}
	}
	x.sort()
	if cache != nil {
		if err := cache.save(files, results); err != nil {
			log.Warn("tree index cache not saved", "dir", cache.dir, "err", err)
		}
	}
	log.Debug("tree indexed", "root", root, "files", len(files), "indexed", x.files,
		"read", read, "parsed", parsed, "cached", reused, "unparsable", failed, "took", time.Since(start))
	return x, nil
}

// treeFile is a candidate file of the tree.
type treeFile struct {
	rel   string // slash-separated, relative to the root
	size  int64
	mtime int64
}

// listFiles walks dirs of root for .c and .h files, in a stable order.
func listFiles(ctx context.Context, root string, dirs []string) ([]treeFile, error) {
	if len(dirs) == 0 {
		dirs = []string{"."}
	}
	var files []treeFile
	for _, d := range dirs {
		base := filepath.Join(root, filepath.FromSlash(d))
		if rel, err := filepath.Rel(root, base); err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			return nil, fmt.Errorf("index tree: directory %q is outside the tree", d)
		}
		err := filepath.WalkDir(base, func(path string, de fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if err := ctx.Err(); err != nil {
				return err
			}
			if de.IsDir() {
				if n := de.Name(); path != base && (n == ".git" || strings.HasPrefix(n, ".")) {
					return filepath.SkipDir
				}
				if rel, err := filepath.Rel(root, path); err == nil && rel != "." && !KernelPath(filepath.ToSlash(rel)+"/") {
					return filepath.SkipDir
				}
				return nil
			}
			if !de.Type().IsRegular() || !(strings.HasSuffix(path, ".c") || strings.HasSuffix(path, ".h")) {
				return nil
			}
			rel, err := filepath.Rel(root, path)
			if err != nil {
				return err
			}
			if !KernelPath(filepath.ToSlash(rel)) {
				// tools/, samples/, scripts/, selftests: userspace, whose
				// names (read(), a copy of a kernel header) are not the
				// kernel's.
				return nil
			}
			// Size and mtime are read by the workers, in parallel.
			files = append(files, treeFile{rel: filepath.ToSlash(rel)})
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("index tree: walk %s: %w", d, err)
		}
	}
	slices.SortFunc(files, func(a, b treeFile) int { return strings.Compare(a.rel, b.rel) })
	files = slices.CompactFunc(files, func(a, b treeFile) bool { return a.rel == b.rel })
	return files, nil
}

// fileResult is the outcome for one file.
type fileResult struct {
	hash   string // content hash, "" when the file did not match the needles
	match  bool
	sum    *fileSummary
	parsed bool
	failed bool
	// fromStat is true when the cache's stat fast path answered.
	fromStat bool
}

// indexFile produces the summary of one file, from the cache when its
// content is known.
func indexFile(ctx context.Context, root string, f *treeFile, needles []string, cache *indexCache, pp **cfront.Parser) (fileResult, error) {
	info, err := os.Lstat(filepath.Join(root, filepath.FromSlash(f.rel)))
	if err != nil {
		return fileResult{}, fmt.Errorf("index tree: %w", err)
	}
	f.size, f.mtime = info.Size(), info.ModTime().UnixNano()
	if cache != nil {
		if r, ok := cache.lookupStat(f); ok {
			return r, nil
		}
	}
	src, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(f.rel)))
	if err != nil {
		return fileResult{}, fmt.Errorf("index tree: read %s: %w", f.rel, err)
	}
	if !matches(src, needles) {
		return fileResult{}, nil
	}
	r := fileResult{match: true, hash: contentHash(src)}
	if cache != nil {
		if sum, ok := cache.lookupHash(r.hash); ok {
			r.sum = sum
			return r, nil
		}
	}
	if *pp == nil {
		*pp = cfront.NewParser()
		(*pp).DeclarationsOnly = true
	}
	u, err := (*pp).Parse(ctx, src)
	if err != nil {
		if ctx.Err() != nil {
			return fileResult{}, ctx.Err()
		}
		// A file tree-sitter cannot handle (too large, too slow) is left
		// out of the index rather than failing it.
		r.failed = true
		r.sum = &fileSummary{}
		return r, nil
	}
	r.parsed = true
	r.sum = &fileSummary{Funcs: u.Funcs, Structs: u.Structs, Inits: u.Inits}
	return r, nil
}

func matches(src []byte, needles []string) bool {
	if len(needles) == 0 {
		return true
	}
	for _, n := range needles {
		if bytes.Contains(src, []byte(n)) {
			return true
		}
	}
	return false
}
