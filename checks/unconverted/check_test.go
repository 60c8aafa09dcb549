package unconverted_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/patchbot/patchbot/checks"
	"github.com/patchbot/patchbot/checks/model"
	"github.com/patchbot/patchbot/checks/unconverted"
	"github.com/patchbot/patchbot/internal/checktest"
)

func TestUnconvertedImplementer(t *testing.T) {
	const cover = "cover.1795753221.git.ada@example.org"
	qux := checktest.Want{Check: unconverted.ID, File: "net/qux/qux.c", Line: 6, Symbol: "qux_ioctl",
		Msg: "qux_ioctl() implements struct proto.ioctl (bound at net/qux/qux.c:21) but still has the old type 'int (struct sock *, int, unsigned long)'; the series changes the member to 'int (struct sock *, int, int *)'"}
	baz := checktest.Want{Check: unconverted.ID, File: "net/baz/baz.c", Line: 4, Symbol: "baz_ioctl",
		Msg: "baz_ioctl() implements struct proto.ioctl (bound at net/baz/baz.c:11) but still has the old type"}
	tests := []struct {
		name     string
		fixture  string
		tree     bool
		want     []checktest.Want
		wantNote string
	}{
		// Patch 2 adds a protocol written against the old callback; its
		// struct proto_ops .ioctl (another type) is no implementer.
		{"without a tree the series' own implementers are checked", "conv", false, []checktest.Want{qux},
			"the tree-wide part needs --tree DIR"},
		// baz.c is untouched by the series: only the tree knows it binds
		// .ioctl.
		{"with a tree every implementer is checked", "conv", true, []checktest.Want{baz, qux}, ""},
		{"a complete conversion stays silent", "good-user", true, nil, ""},
		{"series without a conversion rule stay silent", "cb", true, nil, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var notes []string
			env := &model.Env{Note: func(s string) { notes = append(notes, s) }}
			if tc.tree {
				env.Tree = checktest.FixtureTree(t)
			}
			fs, err := checktest.Run(context.Background(), unconverted.Check{}, checktest.LoadFixture(t, tc.fixture), env)
			if err != nil {
				t.Fatal(err)
			}
			checktest.MatchFindings(t, fs, tc.want)
			for _, f := range fs {
				if f.MessageID != cover {
					t.Errorf("%s: Message-ID %q, want the cover letter's", f.Symbol, f.MessageID)
				}
				if f.Severity != checks.SeverityError {
					t.Errorf("%s: severity %q, want error", f.Symbol, f.Severity)
				}
			}
			if tc.wantNote != "" && !slices.ContainsFunc(notes, func(n string) bool { return strings.Contains(n, tc.wantNote) }) {
				t.Errorf("notes %q lack %q", notes, tc.wantNote)
			}
		})
	}
}
