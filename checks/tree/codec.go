package tree

import "github.com/patchbot/patchbot/checks/cfront"

// The store's values are cfront's binary encoding of the front end's
// types (see cfront.Encoder); a binding adds what its key does not hold.

// encodeBinding appends what a binding key does not hold: Var, Func, Line.
func encodeBinding(e *cfront.Encoder, b Binding) {
	e.Str(b.Var)
	e.Str(b.Func)
	e.Int(int64(b.Line))
}

// decodeBinding reads what encodeBinding appended.
func decodeBinding(d *cfront.Decoder) (v, fn string, line int) {
	return d.Str(), d.Str(), int(d.Int())
}
