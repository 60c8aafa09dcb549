// Package cfront is patchbot's C front end: it parses kernel C (whole files
// or the partial code of a diff hunk) with tree-sitter and extracts what the
// checks need — function signatures, struct members, designated
// initializers, calls, casts and declarations — with sparse annotations such
// as __user kept in the types.
package cfront

// Unit is what Parse extracts from one piece of C source. Every slice is in
// source order.
type Unit struct {
	// Funcs are function definitions and prototypes, including ones found
	// only as a function declarator in a fragment.
	Funcs []Func
	// Structs are struct definitions with their members.
	Structs []Struct
	// Inits are designated initializers of struct variables, such as
	// `struct proto raw_prot = { .ioctl = raw_ioctl, ... }`.
	Inits []Init
	// Calls are function calls by name.
	Calls []Call
	// Casts are cast expressions.
	Casts []Cast
	// Decls are all declared names with their types: parameters, locals,
	// struct members and globals.
	Decls []Decl
	// Assigns are assignments of an identifier (possibly under casts or
	// &) to a plain variable, and declarations initialised so.
	Assigns []Assign
	// Recovered is true when tree-sitter met a syntax error (often a
	// macro it cannot know) and recovered from it: what it made of the
	// code around the error depends on what surrounds it.
	Recovered bool
}

// Param is one parameter of a function or function type. Name is "" for
// an abstract parameter (a prototype without names).
type Param struct {
	Name string
	Type Type
	Line int
}

// FuncType is the type of a function: return type and parameters.
type FuncType struct {
	Ret Type
	// Params is empty for "()" and "(void)".
	Params   []Param
	Variadic bool
}

// Func is a function definition or prototype.
type Func struct {
	Name string
	Type FuncType
	// Definition is true when the function has a body, or when a fragment
	// shows "{" after the declarator.
	Definition bool
	Static     bool
	// Line is the line of the declarator (the name).
	Line int
	// EndLine is the last line of the definition or prototype (for a
	// definition cut off by the end of a fragment, the fragment's last line).
	EndLine int
}

// Member is one member of a struct.
type Member struct {
	Name string
	// Type is the member's type; for a function pointer, the pointer type
	// text such as "int (*)(struct sock *, int, int *)".
	Type Type
	// Func is non-nil for a function-pointer member such as
	// `int (*ioctl)(struct sock *sk, int cmd, int *karg);`.
	Func *FuncType
	Line int
}

// Struct is a struct definition. Name is the tag: "proto" for struct proto.
// Members of anonymous structs and unions are flattened into it. In a
// fragment, indented function-pointer declarations outside any function
// (lines of a struct body whose header is outside the hunk) are reported
// as one Struct with Name "".
type Struct struct {
	Name    string
	Members []Member
	Line    int
	EndLine int
}

// Init is a designated initializer of a struct variable.
type Init struct {
	// Struct is the struct tag ("proto" for `struct proto raw_prot = {`,
	// also for `static const struct proto_ops x = {`); "" when the fragment
	// starts inside the initializer list.
	Struct string
	// Var is the variable initialized; "" when the fragment starts inside
	// the initializer list.
	Var  string
	Line int
	// Fields are the designated fields only; nested designators are joined
	// with "." ("ops.ioctl").
	Fields []Field
}

// Field is one designated field of an initializer.
type Field struct {
	Member string
	// Value is the expression text, e.g. "raw_ioctl".
	Value string
	// Ident is the identifier when Value is a plain function name, possibly
	// prefixed with & or under a cast or parentheses; "" otherwise.
	Ident string
	Line  int
}

// Expr is an expression as written.
type Expr struct {
	// Text is the expression's source text, whitespace collapsed and
	// annotations kept; an expression over 1 KiB is cut and ends in "...".
	Text string
	// Ident is the base identifier when the expression is an identifier,
	// possibly under casts, & or parentheses; "" otherwise.
	Ident string
	// Cast is the outermost cast's type when the expression is a cast.
	Cast *Type
}

// Call is a function call.
type Call struct {
	// Func is the called function's name, or for an indirect call the
	// callee expression ("sk->sk_prot->ioctl").
	Func string
	Args []Expr
	Line int
	// InFunc is the enclosing function, "" if unknown.
	InFunc string
	// Branch is where the call sits among switch cases and if branches,
	// nil outside any.
	Branch *Branch
}

// Cast is a cast expression.
type Cast struct {
	To Type
	// Expr is the operand.
	Expr   Expr
	Line   int
	InFunc string
	// Branch is where the cast sits among switch cases and if branches,
	// nil outside any.
	Branch *Branch
}

// Assign is `to = from;` or `T *to = from;` where to is a plain
// identifier and from names one (vr = arg; struct x *p = arg;).
type Assign struct {
	To   string
	From Expr
	Line int
	// InFunc is the enclosing function, "" if unknown.
	InFunc string
	// Branch is where the assignment sits among switch cases and if
	// branches, nil outside any.
	Branch *Branch
}

// DeclKind says where a name is declared.
type DeclKind int

// Declaration kinds.
const (
	// DeclParam is a function parameter. A fragment that starts inside a
	// parameter list (a header longer than the hunk's context) reports the
	// parameters it shows with InFunc "": the function is named in the
	// hunk's @@ context.
	DeclParam DeclKind = iota
	// DeclLocal is a variable declared inside a function body. In a
	// fragment, an indented declaration at file scope also counts as local
	// (kernel style puts file-scope declarations in column 0), with InFunc
	// "" when its function is outside the fragment.
	DeclLocal
	// DeclMember is a struct member.
	DeclMember
	// DeclGlobal is a variable declared at file scope.
	DeclGlobal
)

// String names the kind ("param", "local", "member", "global").
func (k DeclKind) String() string {
	switch k {
	case DeclParam:
		return "param"
	case DeclLocal:
		return "local"
	case DeclMember:
		return "member"
	case DeclGlobal:
		return "global"
	}
	return "unknown"
}

// Decl is one declared name with its type.
type Decl struct {
	Name string
	Type Type
	Kind DeclKind
	// InFunc is the enclosing function for parameters and locals, the
	// struct tag for members, "" for globals or when unknown.
	InFunc string
	Line   int
}
