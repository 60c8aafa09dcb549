package model_test

import (
	"context"
	"slices"
	"testing"

	"github.com/patchbot/patchbot/checks/model"
	"github.com/patchbot/patchbot/internal/checktest"
)

func TestRules(t *testing.T) {
	pinned := model.Rule{Struct: "proto_ops", Member: "ioctl",
		Old: "int (struct socket *sock, unsigned int cmd, unsigned long arg)", New: "int (struct socket *, unsigned int, int *)"}
	tests := []struct {
		name    string
		fixture string
		pinned  []model.Rule
		want    []model.Rule
	}{
		{"a member whose type the series changes gives a rule", "conv", nil, []model.Rule{checktest.IoctlRule}},
		{"a new member is no conversion", "cb", nil, nil},
		{"pinned rules are added, normalised", "cb", []model.Rule{pinned},
			[]model.Rule{{Struct: "proto_ops", Member: "ioctl", Old: "int (struct socket *, unsigned int, unsigned long)", New: "int (struct socket *, unsigned int, int *)"}}},
		{"the series' own rule wins over a pinned one for the same member", "conv",
			[]model.Rule{{Struct: "proto", Member: "ioctl", Old: "int (struct sock *, int, unsigned long)", New: "int (struct sock *, int, long *)"}},
			[]model.Rule{checktest.IoctlRule}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			m, err := model.New(ctx, checktest.LoadFixture(t, tc.fixture), &model.Env{Rules: tc.pinned})
			if err != nil {
				t.Fatal(err)
			}
			defer m.Close()
			if got := m.Rules(ctx); !slices.Equal(got, tc.want) {
				t.Errorf("rules %+v, want %+v", got, tc.want)
			}
		})
	}
}
