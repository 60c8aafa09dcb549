package tree

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync/atomic"

	"github.com/patchbot/patchbot/checks/cfront"
)

// parseOutcome is what became of one file.
type parseOutcome int

const (
	outcomeParsed parseOutcome = iota + 1
	outcomeSame                // content unchanged, not parsed again
	outcomeFailed              // tree-sitter could not parse it
	outcomeGone                // removed since it was listed
)

// parseStats counts what parseFiles did.
type parseStats struct {
	parsed, same, failed int
}

// parseFiles parses files of the tree at root (DeclarationsOnly) with
// workers goroutines into table entries, in the order of files. oldHash
// gives the content hash the store holds of a file: a file touched but
// unchanged is not parsed again. progress, when set, is called after each
// file.
func parseFiles(ctx context.Context, root string, files []treeFile, oldHash map[string][]byte, workers int, progress func(done, total int)) ([]fileEntries, parseStats, error) {
	out := make([]fileEntries, len(files))
	results := make([]parseOutcome, len(files))
	// One tree-sitter parser per worker, reused across files.
	parsers := make(chan *cfront.Parser, max(workers, 1))
	defer func() {
		close(parsers)
		for p := range parsers {
			p.Close()
		}
	}()
	var done atomic.Int64
	err := forEach(ctx, len(files), workers, func(i int) error {
		var p *cfront.Parser
		select {
		case p = <-parsers:
		default:
			p = cfront.NewParser()
			p.DeclarationsOnly = true
			// Whole files of the user's tree, up to cfront.MaxSource:
			// a large driver holds more tokens than any hunk may.
			p.MaxTokens = -1
		}
		defer func() { parsers <- p }()
		fe, kind, err := parseFile(ctx, root, files[i], oldHash[files[i].rel], p)
		if progress != nil {
			progress(int(done.Add(1)), len(files))
		}
		out[i], results[i] = fe, kind
		return err
	})
	if err != nil {
		return nil, parseStats{}, fmt.Errorf("index tree %s: %w", root, err)
	}
	var st parseStats
	for _, k := range results {
		switch k {
		case outcomeParsed:
			st.parsed++
		case outcomeSame:
			st.same++
		case outcomeFailed:
			st.failed++
		}
	}
	return out, st, nil
}

// parseFile reads and parses one file; old is the content hash the store
// holds of it.
func parseFile(ctx context.Context, root string, f treeFile, old []byte, p *cfront.Parser) (fileEntries, parseOutcome, error) {
	src, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(f.rel)))
	if errors.Is(err, fs.ErrNotExist) {
		// A checkout or an editor removed it meanwhile: it is left out
		// (and out of the store, which lists it again when it is back).
		return fileEntries{rel: f.rel, gone: true}, outcomeGone, nil
	}
	if err != nil {
		return fileEntries{}, 0, fmt.Errorf("index tree: read %s: %w", f.rel, err)
	}
	fe := fileEntries{rel: f.rel, rec: fileRecord{size: f.size, mtime: f.mtime, hash: contentHash(src)}}
	if old != nil && bytes.Equal(old, fe.rec.hash) {
		fe.same = true
		return fe, outcomeSame, nil
	}
	u, err := p.Parse(ctx, src)
	if err != nil {
		if ctx.Err() != nil {
			return fileEntries{}, 0, ctx.Err()
		}
		// A file tree-sitter cannot handle (too large, too slow) is left
		// out of the index rather than failing it.
		return fe, outcomeFailed, nil
	}
	fe.funcs, fe.structs, fe.binds = entriesOf(f.rel, u)
	fe.rec.funcs, fe.rec.structs, fe.rec.binds = names(fe.funcs, f.rel), names(fe.structs, f.rel), names(fe.binds, f.rel)
	return fe, outcomeParsed, nil
}
