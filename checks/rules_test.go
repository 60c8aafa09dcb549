package checks

import (
	"context"
	"slices"
	"testing"
)

func TestRules(t *testing.T) {
	pinned := Rule{Struct: "proto_ops", Member: "ioctl",
		Old: "int (struct socket *sock, unsigned int cmd, unsigned long arg)", New: "int (struct socket *, unsigned int, int *)"}
	tests := []struct {
		name    string
		fixture string
		pinned  []Rule
		want    []Rule
	}{
		{"a member whose type the series changes gives a rule", "conv", nil, []Rule{ioctlRule}},
		{"a new member is no conversion", "cb", nil, nil},
		{"pinned rules are added, normalised", "cb", []Rule{pinned},
			[]Rule{{Struct: "proto_ops", Member: "ioctl", Old: "int (struct socket *, unsigned int, unsigned long)", New: "int (struct socket *, unsigned int, int *)"}}},
		{"the series' own rule wins over a pinned one for the same member", "conv",
			[]Rule{{Struct: "proto", Member: "ioctl", Old: "int (struct sock *, int, unsigned long)", New: "int (struct sock *, int, long *)"}},
			[]Rule{ioctlRule}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m, err := newModel(context.Background(), loadFixture(t, tc.fixture), &Env{Rules: tc.pinned})
			if err != nil {
				t.Fatal(err)
			}
			defer m.close()
			if got := m.rules(); !slices.Equal(got, tc.want) {
				t.Errorf("rules %+v, want %+v", got, tc.want)
			}
		})
	}
}
