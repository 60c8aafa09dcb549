package review

import (
	"fmt"
	"slices"
	"strings"

	"github.com/patchbot/patchbot/checks"
)

// Failure levels of Policy.FailOn: the lowest severity that fails a
// series (the exit status of check, the verdict of triage and of the
// bot's reply, b4's "fail").
const (
	// FailAny fails on any finding, notes included.
	FailAny = "any"
	// FailWarning fails on errors and warnings ([checks] warnings_fail).
	FailWarning = "warning"
	// FailError fails on errors only.
	FailError = "error"
	// FailNever never fails.
	FailNever = "never"
)

// Verdicts of a Result.
const (
	// VerdictPass: no finding.
	VerdictPass = "pass"
	// VerdictWarn: findings, none at the failure level.
	VerdictWarn = "warn"
	// VerdictFail: at least one finding at or above the failure level.
	VerdictFail = "fail"
)

// Policy is what every door applies to the checks' findings, in one place.
type Policy struct {
	// Enable lists the check IDs that run; all registered checks when
	// empty.
	Enable []string
	// FailOn is the severity floor of a failure (one of the Fail*
	// constants); FailError when empty.
	FailOn string
}

// FailOnFor is the failure level [checks] warnings_fail means: warnings
// fail with it, errors alone without it.
func FailOnFor(warningsFail bool) string {
	if warningsFail {
		return FailWarning
	}
	return FailError
}

// validate checks the policy against the registered check IDs.
func (p Policy) validate(known []string) error {
	for _, id := range p.Enable {
		if !slices.Contains(known, id) {
			return fmt.Errorf("enable: %q is not a check (known checks: %s)", id, strings.Join(known, ", "))
		}
	}
	switch p.FailOn {
	case "", FailAny, FailWarning, FailError, FailNever:
		return nil
	}
	return fmt.Errorf("fail on %q: use %s, %s, %s or %s", p.FailOn, FailAny, FailWarning, FailError, FailNever)
}

// Enabled reports whether the check with ID id runs.
func (p Policy) Enabled(id string) bool {
	return len(p.Enable) == 0 || slices.Contains(p.Enable, id)
}

// WarningsFail reports whether warnings are reported as failures where
// an output tells the two apart (b4's "fail" against "warn", checkpatch's
// ERROR against WARNING): with FailWarning, which [checks] warnings_fail
// and --fail-on warning ask for.
func (p Policy) WarningsFail() bool {
	return p.FailOn == FailWarning
}

// Fails reports whether fs hold a finding at or above the failure level.
func (p Policy) Fails(fs []checks.Finding) bool {
	errs, warns, notes := CountSeverities(fs)
	switch p.FailOn {
	case FailNever:
		return false
	case FailAny:
		return errs+warns+notes > 0
	case FailWarning:
		return errs+warns > 0
	default:
		return errs > 0
	}
}

// Verdict is the policy's reading of fs.
func (p Policy) Verdict(fs []checks.Finding) string {
	switch {
	case p.Fails(fs):
		return VerdictFail
	case len(fs) > 0:
		return VerdictWarn
	default:
		return VerdictPass
	}
}
