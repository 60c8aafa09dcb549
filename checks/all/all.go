// Package all is the one list of the checks patchbot ships.
package all

import (
	"github.com/patchbot/patchbot/checks"
	"github.com/patchbot/patchbot/checks/callbacksig"
	"github.com/patchbot/patchbot/checks/droppeduser"
	"github.com/patchbot/patchbot/checks/kargtype"
	"github.com/patchbot/patchbot/checks/unconverted"
)

// New returns the registry of the checks patchbot ships, in the order they
// run and report: dropped-user, callback-signature, unconverted-implementer, karg-type.
func New() (*checks.Registry, error) {
	return checks.NewRegistry(
		droppeduser.Check{},
		callbacksig.Check{},
		unconverted.Check{},
		kargtype.Check{},
	)
}
