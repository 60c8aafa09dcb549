package main

import (
	"bytes"
	"strings"
	"testing"
)

// TestDoorsHelpExamplesParse checks that every `patchbot check` or
// `patchbot triage` example in the help and in the -h texts uses only
// flags the command knows: a help example that errors teaches nothing.
func TestDoorsHelpExamplesParse(t *testing.T) {
	var b bytes.Buffer
	writeDoorsHelp(&b)
	text := b.String() + "\n" + checkExamples + "\n" + triageExamples
	tests := 0
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if i := strings.Index(line, "#"); i >= 0 && !strings.Contains(line[:i], "\"") {
			line = strings.TrimSpace(line[:i])
		}
		line = strings.Trim(line, "\"")
		if i := strings.Index(line, "patchbot "); i >= 0 {
			line = strings.Trim(line[i:], "\" ")
		} else {
			continue
		}
		if i := strings.Index(line, "|"); i >= 0 {
			line = strings.TrimSpace(line[:i])
		}
		fields := strings.Fields(line)
		if len(fields) < 2 || (fields[1] != "check" && fields[1] != "triage") {
			continue
		}
		tests++
		t.Run(line, func(t *testing.T) {
			var opts []string
			for _, f := range fields[2:] {
				if strings.HasPrefix(f, "-") && f != "-" {
					opts = append(opts, strings.SplitN(f, "=", 2)[0])
				}
			}
			fn := runCheck
			if fields[1] == "triage" {
				fn = runTriage
			}
			for _, o := range opts {
				// Asking for help with an unknown flag fails; a known one
				// gets past the flag parser.
				code, _, errOut := runCmd(t, fn, o, "-h")
				if strings.Contains(errOut, "flag provided but not defined") {
					t.Errorf("example uses %s, which %s does not know (exit %d)", o, fields[1], code)
				}
			}
		})
	}
	if tests < 8 {
		t.Errorf("found only %d examples to check", tests)
	}
}
