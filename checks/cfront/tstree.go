package cfront

/*
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

// The part of tree-sitter's API (go-tree-sitter's api.h) the flattening
// uses. The library itself is linked in by go-tree-sitter, the grammar by
// its c package.
typedef struct TSParser TSParser;
typedef struct TSTree TSTree;
typedef struct TSLanguage TSLanguage;
typedef uint16_t TSSymbol;
typedef uint16_t TSFieldId;
typedef struct TSNode { uint32_t context[4]; const void *id; const TSTree *tree; } TSNode;
typedef struct TSTreeCursor { const void *tree; const void *id; uint32_t context[3]; } TSTreeCursor;

TSParser *ts_parser_new(void);
void ts_parser_delete(TSParser *self);
bool ts_parser_set_language(TSParser *self, const TSLanguage *language);
void ts_parser_set_timeout_micros(TSParser *self, uint64_t timeout_micros);
void ts_parser_reset(TSParser *self);
TSTree *ts_parser_parse_string(TSParser *self, const TSTree *old_tree, const char *string, uint32_t length);
void ts_tree_delete(TSTree *self);
TSNode ts_tree_root_node(const TSTree *self);
bool ts_node_has_error(TSNode self);
TSSymbol ts_node_symbol(TSNode self);
uint32_t ts_node_start_byte(TSNode self);
uint32_t ts_node_end_byte(TSNode self);
bool ts_node_is_named(TSNode self);
TSNode ts_node_named_child(TSNode self, uint32_t child_index);
uint32_t ts_node_named_child_count(TSNode self);
TSNode ts_node_child_by_field_id(TSNode self, TSFieldId field_id);
TSTreeCursor ts_tree_cursor_new(TSNode node);
void ts_tree_cursor_delete(TSTreeCursor *self);
TSNode ts_tree_cursor_current_node(const TSTreeCursor *self);
TSFieldId ts_tree_cursor_current_field_id(const TSTreeCursor *self);
bool ts_tree_cursor_goto_parent(TSTreeCursor *self);
bool ts_tree_cursor_goto_next_sibling(TSTreeCursor *self);
bool ts_tree_cursor_goto_first_child(TSTreeCursor *self);
uint32_t ts_language_symbol_count(const TSLanguage *self);
const char *ts_language_symbol_name(const TSLanguage *self, TSSymbol symbol);
TSFieldId ts_language_field_id_for_name(const TSLanguage *self, const char *name, uint32_t name_length);
const TSLanguage *tree_sitter_c(void);

// pb_node is one node of a flattened tree, in preorder; links are indices
// into the array, -1 for none; field is the field id the tree cursor
// gives the node.
typedef struct {
	uint32_t start, end;
	int32_t parent, next, first;
	TSSymbol sym;
	TSFieldId field;
	uint8_t named;
} pb_node;

// pb_tree holds the tree of the last parse and its flattened nodes,
// reused by the next parse.
typedef struct {
	TSParser *parser;
	TSTree *tree;
	pb_node *nodes;
	TSNode *ts;
	int32_t *last;
	size_t len, cap;
} pb_tree;

static pb_tree *pb_new(void) {
	pb_tree *t = calloc(1, sizeof *t);
	if (t == NULL) return NULL;
	t->parser = ts_parser_new();
	ts_parser_set_language(t->parser, tree_sitter_c());
	return t;
}

// pb_release frees the tree of the last parse.
static void pb_release(pb_tree *t) {
	if (t->tree != NULL) ts_tree_delete(t->tree);
	t->tree = NULL;
}

static void pb_free(pb_tree *t) {
	pb_release(t);
	ts_parser_delete(t->parser);
	free(t->nodes);
	free(t->ts);
	free(t->last);
	free(t);
}

static int32_t pb_push(pb_tree *t, TSNode n, int32_t parent, TSFieldId field) {
	if (t->len == t->cap) {
		size_t cap = t->cap ? 2 * t->cap : 1024;
		pb_node *nodes = realloc(t->nodes, cap * sizeof *nodes);
		if (nodes == NULL) return -1;
		t->nodes = nodes;
		TSNode *ts = realloc(t->ts, cap * sizeof *ts);
		if (ts == NULL) return -1;
		t->ts = ts;
		int32_t *last = realloc(t->last, cap * sizeof *last);
		if (last == NULL) return -1;
		t->last = last;
		t->cap = cap;
	}
	int32_t i = (int32_t)t->len++;
	pb_node *p = &t->nodes[i];
	p->start = ts_node_start_byte(n);
	p->end = ts_node_end_byte(n);
	p->parent = parent;
	p->next = p->first = -1;
	p->sym = ts_node_symbol(n);
	p->field = field;
	p->named = ts_node_is_named(n);
	t->ts[i] = n;
	t->last[i] = -1;
	if (parent >= 0) {
		if (t->last[parent] >= 0) t->nodes[t->last[parent]].next = i;
		else t->nodes[parent].first = i;
		t->last[parent] = i;
	}
	return i;
}

static bool pb_same(TSNode a, TSNode b) {
	return a.id == b.id && a.context[0] == b.context[0];
}

// pb_find is the index of node c among i's descendants (its children
// first), -1 when c is null, -2 when it is not found.
static int32_t pb_find(pb_tree *t, int32_t i, TSNode c) {
	if (c.id == NULL) return -1;
	for (int32_t k = t->nodes[i].first; k >= 0; k = t->nodes[k].next) {
		if (pb_same(t->ts[k], c)) return k;
	}
	for (size_t k = i + 1; k < t->len && t->nodes[k].start <= t->nodes[i].end; k++) {
		if (pb_same(t->ts[k], c)) return (int32_t)k;
	}
	return -2;
}

// pb_child is ts_node_child_by_field_id of node i, as an index.
static int32_t pb_child(pb_tree *t, int32_t i, TSFieldId field) {
	return pb_find(t, i, ts_node_child_by_field_id(t->ts[i], field));
}

// pb_named gives ts_node_named_child_count of node i and its first and
// last ts_node_named_child, as indices.
static void pb_named(pb_tree *t, int32_t i, uint32_t *count, int32_t *first, int32_t *last) {
	*count = ts_node_named_child_count(t->ts[i]);
	*first = *last = -1;
	if (*count > 0) {
		*first = pb_find(t, i, ts_node_named_child(t->ts[i], 0));
		*last = pb_find(t, i, ts_node_named_child(t->ts[i], *count - 1));
	}
}

// pb_parse parses src and flattens its tree into t->nodes with one tree
// cursor walk; the tree stays until pb_release. It returns the number of
// nodes, -1 when the parse was halted by the timeout and -2 when memory
// ran out.
static long pb_parse(pb_tree *t, const char *src, uint32_t len, uint64_t timeout) {
	pb_release(t);
	ts_parser_set_timeout_micros(t->parser, timeout);
	t->tree = ts_parser_parse_string(t->parser, NULL, src, len);
	if (t->tree == NULL) {
		ts_parser_reset(t->parser);
		return -1;
	}
	t->len = 0;
	TSTreeCursor c = ts_tree_cursor_new(ts_tree_root_node(t->tree));
	int32_t cur = pb_push(t, ts_tree_cursor_current_node(&c), -1, 0);
	while (cur >= 0) {
		if (ts_tree_cursor_goto_first_child(&c)) {
			cur = pb_push(t, ts_tree_cursor_current_node(&c), cur, ts_tree_cursor_current_field_id(&c));
			continue;
		}
		while (cur >= 0 && !ts_tree_cursor_goto_next_sibling(&c)) {
			if (!ts_tree_cursor_goto_parent(&c)) {
				cur = -3;
				break;
			}
			cur = t->nodes[cur].parent;
		}
		if (cur >= 0) {
			cur = pb_push(t, ts_tree_cursor_current_node(&c), t->nodes[cur].parent, ts_tree_cursor_current_field_id(&c));
		}
	}
	ts_tree_cursor_delete(&c);
	if (cur != -3) {
		pb_release(t);
		return -2;
	}
	return (long)t->len;
}

// pb_has_error says the tree of the last parse holds an error or a
// missing node: tree-sitter recovered from a syntax error.
static bool pb_has_error(pb_tree *t) {
	return t->tree != NULL && ts_node_has_error(ts_tree_root_node(t->tree));
}

static TSFieldId pb_field_id(const char *name, uint32_t len) {
	return ts_language_field_id_for_name(tree_sitter_c(), name, len);
}

static uint32_t pb_symbol_count(void) { return ts_language_symbol_count(tree_sitter_c()); }

static const char *pb_symbol_name(TSSymbol s) { return ts_language_symbol_name(tree_sitter_c(), s); }
*/
import "C"

import (
	"errors"
	"iter"
	"sync"
	"unsafe"

	// The tree-sitter library and its C grammar, which the C above calls.
	_ "github.com/smacker/go-tree-sitter"
	_ "github.com/smacker/go-tree-sitter/c"
)

// field names a node field the extractor reads (tree-sitter's field names
// of the C grammar, in fieldNames).
type field int

// The fields the extractor reads.
const (
	fArgument field = iota
	fArguments
	fBody
	fDeclarator
	fFunction
	fName
	fOperator
	fParameters
	fType
	fValue
	fCondition
	fConsequence
	fAlternative
	fLeft
	fRight
	numFields
)

// fieldNames are the grammar's names of the fields, indexed by field.
var fieldNames = [numFields]string{"argument", "arguments", "body", "declarator", "function", "name", "operator", "parameters", "type", "value", "condition", "consequence", "alternative", "left", "right"}

// grammarInfo is what the extractor needs of the C grammar: the names of
// its node types and the ids of the fields it reads.
type grammarInfo struct {
	// symbols names the grammar's symbols; errName names the error
	// symbols past them (ERROR is the symbol 0xffff).
	symbols  []string
	errName  map[C.TSSymbol]string
	fieldIDs [numFields]C.TSFieldId
}

// kind names symbol s.
func (g *grammarInfo) kind(s C.TSSymbol) string {
	if int(s) < len(g.symbols) {
		return g.symbols[s]
	}
	return g.errName[s]
}

// grammar reads the grammar's tables once, on the first parse of the
// process; they are read-only afterwards.
var grammar = sync.OnceValue(func() *grammarInfo {
	g := &grammarInfo{symbols: make([]string, C.pb_symbol_count()), errName: map[C.TSSymbol]string{}}
	for i := range g.symbols {
		g.symbols[i] = C.GoString(C.pb_symbol_name(C.TSSymbol(i)))
	}
	for _, s := range []C.TSSymbol{0xffff, 0xfffe} {
		g.errName[s] = C.GoString(C.pb_symbol_name(s))
	}
	for i, name := range fieldNames {
		cs := C.CString(name)
		g.fieldIDs[i] = C.pb_field_id(cs, C.uint32_t(len(name)))
		C.free(unsafe.Pointer(cs))
	}
	return g
})

// node is one node of a parsed tree, copied out of tree-sitter with its
// links in one pass so that the extractor's walk makes no cgo call for
// them. Only visible nodes are kept, as the tree cursor shows them. The
// fields and named children the extractor asks for are tree-sitter's
// answers (ts_node_child_by_field_id, ts_node_named_child), fetched once
// each on demand: the cursor's field ids differ from them inside ERROR
// nodes and other recovered code.
type node struct {
	// kind is the node's grammar type ("call_expression", "ERROR", ";").
	kind       string
	start, end int
	named      bool
	// fieldID is the id of the field the tree cursor gives the node in its
	// parent (0 for none).
	fieldID C.TSFieldId
	parent  *node
	// first is the first child, next the next sibling.
	first, next *node
	p           *tsParser
	idx         C.int32_t
	// known has bit f set once by[f] is fetched; namedKnown says the
	// named-child fields are.
	known               uint16
	by                  [numFields]*node
	namedKnown          bool
	namedN              int
	firstNamd, lastNamd *node
}

// child is n's child in field f, nil when there is none.
func (n *node) child(f field) *node {
	if n.known&(1<<f) == 0 {
		if n.first != nil {
			n.by[f] = n.p.at(C.pb_child(n.p.c, n.idx, grammar().fieldIDs[f]))
		}
		n.known |= 1 << f
	}
	return n.by[f]
}

func (n *node) loadNamed() {
	if n.namedKnown {
		return
	}
	n.namedKnown = true
	if n.first == nil {
		return
	}
	var count C.uint32_t
	var first, last C.int32_t
	C.pb_named(n.p.c, n.idx, &count, &first, &last)
	n.namedN, n.firstNamd, n.lastNamd = int(count), n.p.at(first), n.p.at(last)
}

// namedCount is how many named children n has.
func (n *node) namedCount() int {
	n.loadNamed()
	return n.namedN
}

// firstNamed is n's first named child.
func (n *node) firstNamed() *node {
	n.loadNamed()
	return n.firstNamd
}

// lastNamed is n's last named child.
func (n *node) lastNamed() *node {
	n.loadNamed()
	return n.lastNamd
}

// children yields n's children in order.
func (n *node) children() iter.Seq[*node] {
	return func(yield func(*node) bool) {
		for ch := n.first; ch != nil; ch = ch.next {
			if !yield(ch) {
				return
			}
		}
	}
}

// childCount is how many children n has.
func (n *node) childCount() int {
	c := 0
	for ch := n.first; ch != nil; ch = ch.next {
		c++
	}
	return c
}

// errTimeout is a parse halted by the parser's timeout.
var errTimeout = errors.New("parse timed out")

// tsParser is tree-sitter's parser with the tree of the last parse and
// its flattened nodes, created on the first parse.
type tsParser struct {
	c     *C.pb_tree
	nodes []node
}

// close frees the C parser, tree and buffers.
func (p *tsParser) close() {
	if p.c != nil {
		C.pb_free(p.c)
		p.c = nil
	}
}

// recovered says the last parse met a syntax error and recovered from it.
func (p *tsParser) recovered() bool {
	return p.c != nil && bool(C.pb_has_error(p.c))
}

// release frees the tree of the last parse; its nodes are then invalid.
func (p *tsParser) release() {
	if p.c != nil {
		C.pb_release(p.c)
	}
}

func (p *tsParser) at(i C.int32_t) *node {
	if i == -2 {
		panic("tree-sitter node outside its parent")
	}
	if i < 0 {
		return nil
	}
	return &p.nodes[i]
}

// parse parses src, giving up after timeoutMicros, and returns the root
// of its tree. The nodes stay valid until release or the next parse.
func (p *tsParser) parse(src []byte, timeoutMicros int64) (*node, error) {
	g := grammar()
	if p.c == nil {
		p.c = C.pb_new()
		if p.c == nil {
			return nil, errors.New("out of memory")
		}
	}
	var s *C.char
	if len(src) > 0 {
		s = (*C.char)(unsafe.Pointer(&src[0]))
	}
	n := C.pb_parse(p.c, s, C.uint32_t(len(src)), C.uint64_t(timeoutMicros))
	switch {
	case n == -1:
		return nil, errTimeout
	case n < 0:
		return nil, errors.New("out of memory")
	}
	cn := unsafe.Slice(p.c.nodes, int(n))
	if cap(p.nodes) < len(cn) {
		p.nodes = make([]node, len(cn))
	}
	p.nodes = p.nodes[:len(cn)]
	for i := range cn {
		c := &cn[i]
		p.nodes[i] = node{
			kind:  g.kind(c.sym),
			start: int(c.start), end: int(c.end),
			named:   c.named != 0,
			fieldID: c.field,
			parent:  p.at(c.parent), first: p.at(c.first), next: p.at(c.next),
			p: p, idx: C.int32_t(i),
		}
	}
	return &p.nodes[0], nil
}
