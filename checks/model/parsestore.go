package model

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/patchbot/patchbot/checks/cfront"
)

// MaxParseStore is the size past which a ParseStore starts afresh: it
// holds the parses of the chunks of tree files that runs read (the tree's
// own and the series' versions of them), and a bound beats a store that
// grows with every mailbox ever reviewed.
const MaxParseStore = 512 << 20

var parsesBucket = []byte("parses")

// ParseStore keeps the parses of whole tree files' chunks between runs,
// in a bbolt database beside the tree index's cache (each parse in
// cfront's binary encoding): a warm run parses only what the series
// change. Parses are keyed by the text and by the
// patchbot executable, so that a rebuilt front end never reads an older
// one's results. It is safe for concurrent use.
type ParseStore struct {
	db  *bolt.DB
	log *slog.Logger
	mu  sync.Mutex
	new map[parseKey][]byte
}

// OpenParseStore opens (or creates) the store under dir. Another process
// holding it, or any other failure, is an error: the caller goes on
// without a store.
func OpenParseStore(dir string, log *slog.Logger) (*ParseStore, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	build, err := buildID()
	if err != nil {
		return nil, fmt.Errorf("parse store: %w", err)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("parse store: %w", err)
	}
	path := filepath.Join(dir, "parses-"+build[:16]+".db")
	if st, err := os.Stat(path); err == nil && st.Size() > MaxParseStore {
		log.Info("parse store over its bound; starting afresh", "path", path, "bytes", st.Size())
		_ = os.Remove(path)
	}
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: 200 * time.Millisecond, NoFreelistSync: true})
	if err != nil {
		return nil, fmt.Errorf("parse store %s: %w", path, err)
	}
	// The bucket is there from the first run on: a write transaction (a
	// sync, and with NoFreelistSync a scan of every page for the free
	// list) is paid only to create it, and at Close only for new parses.
	var have bool
	_ = db.View(func(tx *bolt.Tx) error { have = tx.Bucket(parsesBucket) != nil; return nil })
	if !have {
		if err := db.Update(func(tx *bolt.Tx) error {
			_, err := tx.CreateBucketIfNotExists(parsesBucket)
			return err
		}); err != nil {
			_ = db.Close()
			return nil, fmt.Errorf("parse store %s: %w", path, err)
		}
	}
	now := time.Now()
	_ = os.Chtimes(path, now, now) // in use: see removeOtherBuilds
	removeOtherBuilds(dir, filepath.Base(path), log)
	return &ParseStore{db: db, log: log, new: map[parseKey][]byte{}}, nil
}

// get reads a stored parse.
func (s *ParseStore) get(ctx context.Context, key parseKey) (*cfront.Unit, bool) {
	var u *cfront.Unit
	err := s.db.View(func(tx *bolt.Tx) error {
		v := tx.Bucket(parsesBucket).Get(key[:])
		if v == nil {
			return nil
		}
		var d cfront.Unit
		if err := d.UnmarshalBinary(v); err != nil {
			return err
		}
		u = &d
		return nil
	})
	if err != nil {
		s.log.DebugContext(ctx, "parse store entry unreadable", "err", err)
		return nil, false
	}
	return u, u != nil
}

// add queues a parse for Close to write.
func (s *ParseStore) add(key parseKey, u *cfront.Unit) {
	b, err := u.MarshalBinary()
	if err != nil {
		return
	}
	s.mu.Lock()
	s.new[key] = b
	s.mu.Unlock()
}

// Close writes the parses of this run in one transaction and closes the
// store.
func (s *ParseStore) Close() error {
	s.mu.Lock()
	pending := s.new
	s.new = nil
	s.mu.Unlock()
	var err error
	if len(pending) > 0 {
		err = s.db.Update(func(tx *bolt.Tx) error {
			b := tx.Bucket(parsesBucket)
			for k, v := range pending {
				if err := b.Put(k[:], v); err != nil {
					return err
				}
			}
			return nil
		})
	}
	if cerr := s.db.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("parse store: %w", err)
	}
	return nil
}

// keepStores is how many builds' stores a cache directory keeps: the
// ones used last (a developer's build beside the installed one), so that
// every rebuild does not leave 50 MB behind.
const keepStores = 3

// removeOtherBuilds deletes the stores of other builds of patchbot in dir
// but the keepStores-1 used last (a store's mtime is its last use).
func removeOtherBuilds(dir, keep string, log *slog.Logger) {
	paths, _ := filepath.Glob(filepath.Join(dir, "parses-*.db"))
	type used struct {
		path string
		at   time.Time
	}
	var others []used
	for _, p := range paths {
		if filepath.Base(p) == keep {
			continue
		}
		if st, err := os.Stat(p); err == nil {
			others = append(others, used{p, st.ModTime()})
		}
	}
	slices.SortFunc(others, func(a, b used) int { return b.at.Compare(a.at) })
	for i, o := range others {
		if i < keepStores-1 {
			continue
		}
		if err := os.Remove(o.path); err == nil {
			log.Debug("parse store of an older build removed", "path", o.path)
		}
	}
}
