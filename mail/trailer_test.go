package mail

import "testing"

func TestTrailerRule(t *testing.T) {
	tests := []struct {
		name                   string
		line                   string
		commit, tag, collected bool
	}{
		{"Signed-off-by is a trailer everywhere", "Signed-off-by: Ada <ada@example.org>", true, true, true},
		{"Fixes is a trailer everywhere", `Fixes: 0123456789ab ("net: foo")`, true, true, true},
		{"Cc is a trailer everywhere", "Cc: stable@vger.kernel.org", true, true, true},
		{"a known key in another case is a commit trailer only", "fixes: 0123456789ab", true, false, false},
		{"any dashed key ends a commit message", "Tested-on: arm64", true, false, false},
		{"Change-Id and base-commit stay on one line but are not collected", "base-commit: 0123456789ab", true, true, false},
		{"Message-ID stays on one line but is not collected", "Message-ID: <a@b>", true, true, false},
		{"a -to key is collected", "Reported-to: list@example.org", true, false, true},
		{"a lower-case -by key is collected but not kept", "acked-by: x", true, false, true},
		{"an unknown plain key is no trailer", "Note: this is prose", false, false, false},
		{"a key with a space is no trailer", "Signed off by: Ada", false, false, false},
		{"no space after the colon is no trailer", "Fixes:0123456789ab", false, false, false},
		{"a commit trailer wants a value", "Signed-off-by: ", false, true, true},
		{"a commit trailer wants a space or tab", "Signed-off-by:\fAda", false, true, true},
		{"a line that starts with white space is no trailer", " Signed-off-by: Ada", false, false, false},
		{"an empty line is no trailer", "", false, false, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for _, r := range []struct {
				name string
				rule TrailerRule
				want bool
			}{{"CommitTrailer", CommitTrailer, tc.commit}, {"ReplyTag", ReplyTag, tc.tag}, {"CollectedTrailer", CollectedTrailer, tc.collected}} {
				if got := r.rule.MatchString(tc.line); got != r.want {
					t.Errorf("%s.MatchString(%q) = %v, want %v", r.name, tc.line, got, r.want)
				}
			}
		})
	}
}

func TestTrailerRuleParse(t *testing.T) {
	tests := []struct {
		name, line, key, value string
		ok                     bool
	}{
		{"key and trimmed value", "Reviewed-by:  Ada <ada@example.org>  ", "Reviewed-by", "Ada <ada@example.org>", true},
		{"the value may hold colons", "Link: https://lore.kernel.org/r/x@y", "Link", "https://lore.kernel.org/r/x@y", true},
		{"the key keeps its case", "CC:\tbob@example.org", "CC", "bob@example.org", true},
		{"no trailer, nothing returned", "prose: words", "", "", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			key, value, ok := CommitTrailer.Parse(tc.line)
			if key != tc.key || value != tc.value || ok != tc.ok {
				t.Errorf("CommitTrailer.Parse(%q) = %q, %q, %v; want %q, %q, %v", tc.line, key, value, ok, tc.key, tc.value, tc.ok)
			}
		})
	}
}
