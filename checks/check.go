package checks

import (
	"context"

	"github.com/patchbot/patchbot/checks/model"
)

// Check is one review check: a pure function of a series' model (and the
// optional read-only kernel tree it holds).
type Check interface {
	// ID is the stable check ID used in output and config:
	// "dropped-user", "callback-signature", "unconverted-implementer",
	// "karg-type".
	ID() string
	// Run reviews the series of m. It may parse (through m) but must not
	// keep m beyond the call.
	Run(ctx context.Context, m *model.Model) ([]Finding, error)
}
