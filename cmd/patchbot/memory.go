package main

import (
	"os"
	"runtime/debug"
)

// memoryBudget is the Go memory check and triage hold themselves to when
// GOMEMLIMIT does not say otherwise: the heap's garbage is collected
// before it passes the budget, whatever the size of the mailbox. What
// stays live is bounded by design (series are reviewed and released one
// by one, patch bodies wait on disk, the parse cache has its own bound),
// except a record of about 1 KB per mail read, for threading. The kernel
// tree's index and parse store are files mapped into memory, outside the
// budget; see the README's "Cost".
const memoryBudget = 192 << 20

// holdMemoryBudget sets the Go memory limit to memoryBudget unless the
// user set one with GOMEMLIMIT.
func holdMemoryBudget() {
	if _, set := os.LookupEnv("GOMEMLIMIT"); set {
		return
	}
	debug.SetMemoryLimit(memoryBudget)
}
