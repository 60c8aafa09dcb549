package review

import (
	"context"
	"errors"
	"testing"

	"github.com/patchbot/patchbot/series"
)

// A check that panics on one series (here: a nil series, which no check
// expects) is reported for that series alone; the others are reviewed and
// the process lives on.
func TestReviewSurvivesAPanickingCheck(t *testing.T) {
	good := &series.Series{ID: "good@example.org", Title: "good", Version: 1}
	sess, err := NewSession(Options{})
	if err != nil {
		t.Fatal(err)
	}
	run, err := sess.Review(context.Background(), []*series.Series{good, nil, good})
	if err != nil {
		t.Fatal(err)
	}
	if len(run.Results) != 3 || run.Results[0].Series != good || run.Results[2].Series != good {
		t.Fatalf("results = %+v, want three in input order", run.Results)
	}
	if rs := run.Reviewed(); len(rs) != 2 {
		t.Fatalf("reviewed = %+v, want the two good series", rs)
	}
	errs := run.Errs()
	if len(errs) != 1 {
		t.Fatalf("errs = %v, want one panic", errs)
	}
	pe, ok := errors.AsType[*PanicError](errs[0])
	if !ok || pe.Stack == "" || pe.Value == nil || !run.Results[1].Panicked() {
		t.Fatalf("err = %#v, want a *PanicError with value and stack", errs[0])
	}
}

func TestReviewStopsWithTheContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	s := &series.Series{ID: "x@example.org", Title: "x", Version: 1}
	sess, err := NewSession(Options{})
	if err != nil {
		t.Fatal(err)
	}
	run, err := sess.Review(ctx, []*series.Series{s, s, s})
	if err != nil {
		t.Fatal(err)
	}
	if len(run.Results) != 0 {
		t.Errorf("%d series reviewed after the context ended, want none", len(run.Results))
	}
	if errs := run.Errs(); len(errs) == 0 || !errors.Is(errs[len(errs)-1], context.Canceled) {
		t.Errorf("errs = %v, want context.Canceled last", errs)
	}
}
