package tree

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"

	"github.com/patchbot/patchbot/checks/cfront"
)

// The store's tables. Each entry's key is NAME \x00 FILE \x00 SEQ (SEQ a
// big-endian uint32, the entry's order in its file), so that a prefix scan
// of NAME \x00 yields the entries of one name in file order, then source
// order: the order today's queries answer in.
const (
	bucketMeta    = "meta"
	bucketFiles   = "files"
	bucketDirs    = "dirs"
	bucketFuncs   = "funcs"    // function name
	bucketStructs = "structs"  // struct tag
	bucketBinds   = "bindings" // struct tag \x00 member
)

// appendKey appends the key of the seq-th entry of file rel under name.
func appendKey(k []byte, name, rel string, seq int) []byte {
	k = append(k, name...)
	k = append(k, 0)
	k = append(k, rel...)
	k = append(k, 0)
	return binary.BigEndian.AppendUint32(k, uint32(seq))
}

// namePrefix is the key prefix of every entry of name.
func namePrefix(name string) []byte { return append([]byte(name), 0) }

// keyFile is the file of a key that starts with prefix; ok is false for a
// malformed key.
func keyFile(key, prefix []byte) (string, bool) {
	if len(key) < len(prefix)+5 || !bytes.HasPrefix(key, prefix) || key[len(key)-5] != 0 {
		return "", false
	}
	return string(key[len(prefix) : len(key)-5]), true
}

// fileRecord is what the store keeps of one tree file besides its
// entries: the stat and content hash that say whether it is still what
// was parsed, and the names it has entries under (to replace them when it
// changes).
type fileRecord struct {
	size, mtime int64
	hash        []byte
	// funcs, structs and binds are the distinct names of the file's
	// entries in each table.
	funcs, structs, binds []string
}

func (r *fileRecord) encode() []byte {
	var e cfront.Encoder
	e.Int(r.size)
	e.Int(r.mtime)
	e.Str(string(r.hash))
	e.Strs(r.funcs)
	e.Strs(r.structs)
	e.Strs(r.binds)
	return e.B
}

// decodeStat reads the stat and hash of an encoded record only.
func decodeStat(b []byte) (size, mtime int64, hash []byte, err error) {
	d := cfront.NewDecoder(b)
	size, mtime = d.Int(), d.Int()
	hash = d.Bytes(d.Count())
	return size, mtime, hash, d.Err()
}

func decodeRecord(b []byte) (fileRecord, error) {
	d := cfront.NewDecoder(b)
	r := fileRecord{size: d.Int(), mtime: d.Int()}
	r.hash = []byte(d.Str())
	r.funcs, r.structs, r.binds = d.Strs(), d.Strs(), d.Strs()
	return r, d.Done("file record")
}

// contentHash is the hash of a file's content kept in its record: a file
// touched but unchanged is not parsed again.
func contentHash(src []byte) []byte {
	sum := sha256.Sum256(src)
	return sum[:16]
}

// kv is one table entry.
type kv struct{ key, val []byte }

// fileEntries is one parsed file ready for the store.
type fileEntries struct {
	rel                   string
	rec                   fileRecord
	funcs, structs, binds []kv
	// same is true when the content is what the store holds already: only
	// the record's stat changes.
	same bool
	// gone is true when the file was removed before it could be read.
	gone bool
}

// entriesOf turns a parse of file rel into table entries. Anonymous
// structs, initializers of no named variable and fields that bind no
// function are left out, as the index never answers with them.
func entriesOf(rel string, u *cfront.Unit) (funcs, structs, binds []kv) {
	var p packer
	for i, f := range u.Funcs {
		p.add(f.Name, rel, i, func(e *cfront.Encoder) { e.Func(f) })
	}
	nf := len(p.spans)
	for i, st := range u.Structs {
		if st.Name != "" {
			p.add(st.Name, rel, i, func(e *cfront.Encoder) { e.Struct(st) })
		}
	}
	ns := len(p.spans)
	seq := 0
	for _, in := range u.Inits {
		if in.Struct == "" || in.Var == "" {
			continue
		}
		for _, f := range in.Fields {
			if f.Ident == "" || f.Ident == "NULL" {
				continue
			}
			p.add(in.Struct+"\x00"+f.Member, rel, seq, func(e *cfront.Encoder) { encodeBinding(e, Binding{Var: in.Var, Func: f.Ident, Line: f.Line}) })
			seq++
		}
	}
	all := p.entries()
	return all[:nf:nf], all[nf:ns:ns], all[ns:]
}

// packer builds the entries of one file in one buffer: a cold build holds
// millions of entries until they are written, and one allocation each
// (with its spare capacity) would double its memory.
type packer struct {
	e     cfront.Encoder
	spans []entrySpan
}

// entrySpan locates one entry in the packer's buffer.
type entrySpan struct{ key, val, end int }

func (p *packer) add(name, rel string, seq int, val func(*cfront.Encoder)) {
	sp := entrySpan{key: len(p.e.B)}
	p.e.B = appendKey(p.e.B, name, rel, seq)
	sp.val = len(p.e.B)
	val(&p.e)
	sp.end = len(p.e.B)
	p.spans = append(p.spans, sp)
}

// entries returns the entries added, over one buffer of the exact size.
func (p *packer) entries() []kv {
	buf := make([]byte, len(p.e.B))
	copy(buf, p.e.B)
	out := make([]kv, len(p.spans))
	for i, sp := range p.spans {
		out[i] = kv{buf[sp.key:sp.val:sp.val], buf[sp.val:sp.end:sp.end]}
	}
	return out
}

// names returns the distinct names of the entries of file rel, in order.
func names(entries []kv, rel string) []string {
	var out []string
	seen := make(map[string]bool)
	for _, e := range entries {
		n := string(e.key[:len(e.key)-len(rel)-6])
		if !seen[n] {
			seen[n] = true
			out = append(out, n)
		}
	}
	return out
}
