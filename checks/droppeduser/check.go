// Package droppeduser is the dropped-user check: sparse's __user
// address-space rule applied to what a patch changes, from the diff (and
// the kernel tree when there is one), without a build.
package droppeduser

import (
	"context"
	"fmt"

	"github.com/patchbot/patchbot/checks"
	"github.com/patchbot/patchbot/checks/model"
)

// ID is the ID of the dropped-user check.
const ID = "dropped-user"

// Check applies sparse's address-space rule to what a patch changes,
// without a build: a pointer that loses __user while it still reaches user
// memory, casts and assignments that drop __user, dereferences of __user
// pointers, kernel addresses passed where __user is expected, and
// prototypes that disagree with their definition on __user.
type Check struct{}

// ID returns "dropped-user".
func (Check) ID() string { return ID }

// review is one run of the check on a model.
type review struct {
	m *model.Model
	// removed caches removedLines per patch.
	removed map[int]map[string]bool
}

// Run reviews every patch of m's series.
func (Check) Run(ctx context.Context, m *model.Model) ([]checks.Finding, error) {
	r := &review{m: m}
	// Every post-image is read below: parse them together.
	m.ParseAll(ctx, m.PostImages())
	var out []checks.Finding
	for k := range m.NumPatches() {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("dropped-user on %q: %w", m.Series().Title, err)
		}
		protoDone := map[string]bool{}
		for _, fi := range m.Files(k) {
			if !model.IsCSource(fi.Name()) {
				continue
			}
			out = append(out, r.lostUser(ctx, k, fi)...)
			for _, im := range fi.PostImages() {
				m.Parse(ctx, im)
				var fs []checks.Finding
				fs = append(fs, r.userCasts(ctx, k, im)...)
				fs = append(fs, r.userAssigns(ctx, k, im)...)
				fs = append(fs, r.userDerefs(ctx, k, im)...)
				fs = append(fs, r.kernelAddrArgs(ctx, k, im)...)
				out = append(out, r.introduced(k, im, fs)...)
			}
			out = append(out, r.protoUserMismatch(ctx, k, fi, protoDone)...)
		}
	}
	return out, nil
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
