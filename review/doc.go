// Package review is patchbot's one review engine, the room every door
// (check, triage, the list bot) calls: a Session assembles mail into
// series, prepares the conversion rules and the kernel tree once per run,
// reviews the series in parallel (results in input order, a panic barrier
// per series) and applies the per-check policy (which checks are enabled,
// which severity fails). It also holds what a review yields (Result) and
// the maintainer's view of many results (Triage), which report renders.
package review
