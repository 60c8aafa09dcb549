package checks

import (
	"context"
	"fmt"
	"strings"

	"github.com/patchbot/patchbot/checks/cfront"
	"github.com/patchbot/patchbot/series"
)

// DroppedUserID is the ID of the dropped-user check.
const DroppedUserID = "dropped-user"

// DroppedUser applies sparse's address-space rule to what a patch changes,
// without a build: a pointer that loses __user while it still reaches user
// memory, casts and assignments that drop __user, dereferences of __user
// pointers, kernel addresses passed where __user is expected, and
// prototypes that disagree with their definition on __user.
type DroppedUser struct{}

// ID returns "dropped-user".
func (DroppedUser) ID() string { return DroppedUserID }

// Run reviews every patch of s.
func (c DroppedUser) Run(ctx context.Context, s *series.Series, env *Env) ([]Finding, error) {
	m, err := newModel(ctx, s, env)
	if err != nil {
		return nil, err
	}
	defer m.close()
	return c.run(m)
}

// userArg maps the user-access API to the 1-based position of its user
// pointer argument (include/linux/uaccess.h, include/linux/uio.h,
// include/linux/sockptr.h).
var userArg = map[string]int{
	"copy_from_user": 2, "__copy_from_user": 2, "_copy_from_user": 2, "raw_copy_from_user": 2,
	"__copy_from_user_inatomic": 2, "copy_from_user_nofault": 2, "unsafe_copy_from_user": 2,
	"copy_to_user": 1, "__copy_to_user": 1, "_copy_to_user": 1, "raw_copy_to_user": 1,
	"__copy_to_user_inatomic": 1, "copy_to_user_nofault": 1, "unsafe_copy_to_user": 1,
	"get_user": 2, "__get_user": 2, "put_user": 2, "__put_user": 2,
	"unsafe_get_user": 2, "unsafe_put_user": 2,
	"strncpy_from_user": 2, "strnlen_user": 1, "clear_user": 1, "__clear_user": 1,
	"memdup_user": 1, "memdup_user_nul": 1, "vmemdup_user": 1,
	"memdup_array_user": 1, "vmemdup_array_user": 1, "strndup_user": 1,
	"copy_struct_from_user": 3, "check_zeroed_user": 1,
	"access_ok": 1, "user_access_begin": 1, "user_read_access_begin": 1, "user_write_access_begin": 1,
	"import_single_range": 2, "import_ubuf": 2, "import_iovec": 2, "__import_iovec": 2,
	"USER_SOCKPTR": 1,
}

// userMembers are kernel struct members declared __user that patches
// assign through a struct whose definition a fragment does not show
// (include/uapi/linux/uio.h, include/linux/socket.h). The value is the
// struct the base of the access must be declared as, "" when the member
// name is unique to its struct: iov_base is also struct kvec's member, a
// plain kernel pointer.
var userMembers = map[string]string{
	"iov_base":         "struct iovec",
	"msg_control_user": "",
}

func (c DroppedUser) run(m *model) ([]Finding, error) {
	var out []Finding
	for k, pi := range m.patches {
		if err := m.ctx.Err(); err != nil {
			return nil, fmt.Errorf("dropped-user on %q: %w", m.s.Title, err)
		}
		protoDone := map[string]bool{}
		for _, fi := range pi.files {
			if !isCSource(fi.name) {
				continue
			}
			out = append(out, m.lostUser(k, fi)...)
			for _, im := range fi.postImages() {
				im.parse(m.ctx)
				var fs []Finding
				fs = append(fs, m.userCasts(k, im)...)
				fs = append(fs, m.userAssigns(k, im)...)
				fs = append(fs, m.userDerefs(k, im)...)
				fs = append(fs, m.kernelAddrArgs(k, im)...)
				out = append(out, m.introduced(k, im, fs)...)
			}
			out = append(out, m.protoUserMismatch(k, fi, protoDone)...)
		}
	}
	return out, nil
}

// isCSource reports whether a file is C the checks read.
func isCSource(name string) bool {
	return strings.HasSuffix(name, ".c") || strings.HasSuffix(name, ".h")
}

// scopeDecls finds the declarations of name visible in function fn of file
// as of patch k: parameters and locals of fn, then globals of the file.
// Parameters come from the hunk header when the function's declarator is
// not in any image.
func (m *model) scopeDecls(k int, file, fn, name string) []cfront.Decl {
	var local, global []cfront.Decl
	sawFunc := false
	var hdr *cfront.Func
	for _, im := range m.view(k) {
		if im.File != file {
			continue
		}
		for _, f := range im.unit.Funcs {
			if f.Name == fn && f.Definition {
				sawFunc = true
				for _, p := range f.Type.Params {
					if p.Name == name {
						local = append(local, cfront.Decl{Name: name, Type: p.Type, Kind: cfront.DeclParam, InFunc: fn, Line: p.Line})
					}
				}
			}
		}
		for _, d := range im.unit.Decls {
			if d.Name != name {
				continue
			}
			switch d.Kind {
			case cfront.DeclLocal, cfront.DeclParam:
				if im.enclosing(d.InFunc, d.Line) == fn {
					local = append(local, d)
				}
			case cfront.DeclGlobal:
				global = append(global, d)
			}
		}
		if hf := im.headerFunc(); hf != nil && hf.Name == fn && hdr == nil {
			hdr = hf
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

// introduced keeps the findings on lines of im that patch k really
// introduces: a line it only moves or re-indents (the same code, spaces
// aside, among the lines the patch removes, in any file) carried the
// problem before the patch too, and a mismatch present before the series
// is not this series' to answer for.
func (m *model) introduced(k int, im *image, fs []Finding) []Finding {
	if len(fs) == 0 {
		return fs
	}
	removed := m.removedLines(k)
	out := fs[:0]
	for _, f := range fs {
		moved := false
		for l := 1; l <= len(im.text); l++ {
			if im.FileLine(l) == f.Line && im.Changed(l) && removed[normaliseCode(im.Text(l))] {
				moved = true
				break
			}
		}
		if !moved {
			out = append(out, f)
		}
	}
	return out
}

// removedLines is the set of lines patch k removes, spaces normalised.
func (m *model) removedLines(k int) map[string]bool {
	if m.removed == nil {
		m.removed = map[int]map[string]bool{}
	}
	if set, ok := m.removed[k]; ok {
		return set
	}
	set := map[string]bool{}
	for _, f := range m.patches[k].p.Files {
		for _, h := range f.Hunks {
			for _, l := range h.Lines {
				if l.Op == series.OpDelete {
					if t := normaliseCode(l.Text); t != "" {
						set[t] = true
					}
				}
			}
		}
	}
	m.removed[k] = set
	return set
}

// normaliseCode collapses a line's white space.
func normaliseCode(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
