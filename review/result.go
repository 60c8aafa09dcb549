package review

import (
	"github.com/patchbot/patchbot/checks"
	"github.com/patchbot/patchbot/series"
)

// Result is one assembled series with the findings of the enabled checks
// on it, and the policy's verdict.
type Result struct {
	Series   *series.Series
	Findings []checks.Finding
	// Verdict is the policy's reading of the findings (VerdictPass,
	// VerdictWarn or VerdictFail); empty for a result built by hand.
	Verdict string
	// Err is why the review of the series failed: a check returned an
	// error or panicked (a *PanicError); there are no findings then. nil
	// for a series reviewed whole.
	Err error
}

// Panicked reports whether a check panicked on the series: the result
// then says nothing about it.
func (r Result) Panicked() bool {
	_, ok := r.Err.(*PanicError)
	return ok
}

// CountSeverities counts findings by severity; a finding without a
// severity counts as a warning, as report's gcc-style line prints it.
func CountSeverities(fs []checks.Finding) (errs, warns, notes int) {
	for _, f := range fs {
		switch f.Severity {
		case checks.SeverityError:
			errs++
		case checks.SeverityNote:
			notes++
		default:
			warns++
		}
	}
	return errs, warns, notes
}
