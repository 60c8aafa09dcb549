// Package kargtype is the karg-type check: the kernel buffer a function
// prepares for a command, passed through a void * (or otherwise typed)
// pointer parameter, must be the type the function that reads it casts it
// to for that command.
//
// The 2023 conversion of struct proto's ioctl to kernel memory made every
// ioctl's buffer a void *karg picked per command by one function (the
// dispatcher) and cast per command by another (the handler), two or three
// calls apart; sparse and gcc see nothing through the void *. The check
// follows each object whose address is passed on, call by call (by name,
// and through a callback member to the functions that implement it), with
// the command constants that reach each call, to the casts of it under a
// case of a switch on the same command; where the flow or a type cannot
// be read it says nothing.
package kargtype

import (
	"context"
	"fmt"

	"github.com/patchbot/patchbot/checks"
	"github.com/patchbot/patchbot/checks/model"
)

// ID is the ID of the karg-type check.
const ID = "karg-type"

// Check reports an object (a local, a stack buffer) whose address reaches
// a cast to a pointer to another type, under a command constant both sides
// handle, where the other type may be larger: for a buffer prepared per
// command, where it is prepared; for a buffer prepared for every command
// (the generic path), where the commands the handler reads are not
// prepared for on every path that reaches it.
type Check struct{}

// ID returns "karg-type".
func (Check) ID() string { return ID }

// Run reviews the series of m as it stands after its last patch.
func (Check) Run(ctx context.Context, m *model.Model) ([]checks.Finding, error) {
	if m.NumPatches() == 0 {
		return nil, nil
	}
	m.ParseAll(ctx, m.PostImages())
	r := newReview(m)
	var out []checks.Finding
	for _, o := range r.objects(ctx) {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("karg-type on %q: %w", m.Series().Title, err)
		}
		uses := r.follow(ctx, o)
		if f, ok := r.judge(ctx, o, uses); ok {
			out = append(out, f)
		}
	}
	return out, nil
}
