package mail

import "fmt"

// logIDMax is how much of a Message-ID LogID keeps.
const logIDMax = 200

// LogID is a Message-ID as logs and error messages show it: whole up to
// 200 bytes, else its start and its length, so that a hostile 40 KB
// Message-ID costs a log line its size once, not on every line that
// names it.
func LogID(id string) string {
	if len(id) <= logIDMax {
		return id
	}
	return fmt.Sprintf("%s...(%d bytes)", id[:logIDMax], len(id))
}
