package droppeduser

import (
	"context"

	"github.com/patchbot/patchbot/checks/cfront"
)

// scopeDecls finds the declarations of name visible in function fn of file
// as of patch k: parameters and locals of fn, then globals of the file.
// Parameters come from the hunk header when the function's declarator is
// not in any image.
func (r *review) scopeDecls(ctx context.Context, k int, file, fn, name string) []cfront.Decl {
	var local, global []cfront.Decl
	sawFunc := false
	var hdr *cfront.Func
	for _, im := range r.m.View(ctx, k) {
		if im.File != file {
			continue
		}
		for _, f := range im.Unit().Funcs {
			if f.Name == fn && f.Definition {
				sawFunc = true
				for _, p := range f.Type.Params {
					if p.Name == name {
						local = append(local, cfront.Decl{Name: name, Type: p.Type, Kind: cfront.DeclParam, InFunc: fn, Line: p.Line})
					}
				}
			}
		}
		for _, d := range im.Unit().Decls {
			if d.Name != name {
				continue
			}
			switch d.Kind {
			case cfront.DeclLocal, cfront.DeclParam:
				if im.Enclosing(d.InFunc, d.Line) == fn {
					local = append(local, d)
				}
			case cfront.DeclGlobal:
				global = append(global, d)
			}
		}
		if hdr == nil {
			hdr = im.HeaderFuncNamed(fn)
		}
	}
	if !sawFunc && hdr != nil {
		for _, p := range hdr.Type.Params {
			if p.Name == name {
				local = append(local, cfront.Decl{Name: name, Type: p.Type, Kind: cfront.DeclParam, InFunc: fn})
			}
		}
	}
	if len(local) > 0 {
		return local
	}
	return global
}

// userPointer reports whether every declaration of a name in scope is a
// __user pointer (and there is at least one): shadowed or ambiguous names
// stay silent.
func userPointer(ds []cfront.Decl) (cfront.Decl, bool) {
	if len(ds) == 0 {
		return cfront.Decl{}, false
	}
	for _, d := range ds {
		if !d.Type.User() || d.Type.Pointer() == 0 || isForce(d.Type) {
			return cfront.Decl{}, false
		}
	}
	return ds[0], true
}

// plainPointer reports a cast type that is a pointer without __user and
// without __force.
func plainPointer(t cfront.Type) bool {
	return t.Pointer() > 0 && !t.User() && !isForce(t)
}
