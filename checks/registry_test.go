package checks_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/patchbot/patchbot/checks"
	"github.com/patchbot/patchbot/checks/all"
	"github.com/patchbot/patchbot/checks/model"
	"github.com/patchbot/patchbot/internal/checktest"
	"github.com/patchbot/patchbot/series"
)

// fake is a check that reports what it is given.
type fake struct {
	id string
	fs []checks.Finding
}

func (f fake) ID() string { return f.id }

func (f fake) Run(context.Context, *model.Model) ([]checks.Finding, error) { return f.fs, nil }

func TestNewRegistry(t *testing.T) {
	tests := []struct {
		name    string
		checks  []checks.Check
		wantErr string // "" for success
		wantIDs []string
	}{
		{"checks are registered in the order given", []checks.Check{fake{id: "b"}, fake{id: "a"}}, "", []string{"b", "a"}},
		{"no checks is an empty registry", nil, "", nil},
		{"a duplicate ID is refused, named", []checks.Check{fake{id: "dropped-user"}, fake{id: "x"}, fake{id: "dropped-user"}}, `"dropped-user"`, nil},
		{"an empty ID is refused, naming the check", []checks.Check{fake{id: "x"}, fake{}}, "check 2 (checks_test.fake)", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, err := checks.NewRegistry(tc.checks...)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("NewRegistry: error %v, want one naming %s", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := r.IDs(); !slices.Equal(got, tc.wantIDs) {
				t.Errorf("IDs %q, want %q", got, tc.wantIDs)
			}
			for _, id := range tc.wantIDs {
				if !r.Has(id) {
					t.Errorf("Has(%q) = false", id)
				}
			}
			if r.Has("nope") {
				t.Error(`Has("nope") = true`)
			}
		})
	}
}

func TestAllNew(t *testing.T) {
	r, err := all.New()
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"dropped-user", "callback-signature", "unconverted-implementer", "karg-type"}
	if got := r.IDs(); !slices.Equal(got, want) {
		t.Errorf("IDs %q, want %q", got, want)
	}
}

func TestRegistryRunEnabled(t *testing.T) {
	finding := func(check string, line int) checks.Finding {
		return checks.Finding{Check: check, File: "net/a.c", Line: line, Symbol: "s", Message: "m"}
	}
	fakes, err := checks.NewRegistry(
		fake{id: "first", fs: []checks.Finding{finding("first", 2)}},
		fake{id: "second", fs: []checks.Finding{finding("second", 1)}},
	)
	if err != nil {
		t.Fatal(err)
	}
	shipped, err := all.New()
	if err != nil {
		t.Fatal(err)
	}
	cb := checktest.LoadFixture(t, "cb")
	only := func(ids ...string) func(string) bool {
		return func(id string) bool { return slices.Contains(ids, id) }
	}
	tests := []struct {
		name    string
		reg     *checks.Registry
		s       *series.Series
		enabled func(string) bool
		// want are the checks the findings come from, in output order.
		want []string
	}{
		{"nil enables every check, findings sorted", fakes, &series.Series{}, nil, []string{"second", "first"}},
		{"only the enabled check runs", fakes, &series.Series{}, only("first"), []string{"first"}},
		{"nothing enabled, nothing found", fakes, &series.Series{}, only(), nil},
		{"shipped checks: callback-signature alone", shipped, cb, only("callback-signature"), []string{"callback-signature", "callback-signature"}},
		{"shipped checks: dropped-user alone finds nothing in cb", shipped, cb, only("dropped-user"), nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fs, err := tc.reg.Run(context.Background(), tc.s, &model.Env{}, tc.enabled)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, f := range fs {
				got = append(got, f.Check)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("findings of %q, want %q:\n%s", got, tc.want, checktest.Brief(fs))
			}
		})
	}
}
