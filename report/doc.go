// Package report renders what patchbot found: per-series summaries and
// findings as gcc-style text or as the JSON that `patchbot check --format
// json` promises to other tools.
package report
