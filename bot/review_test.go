package bot

import (
	"context"
	"errors"
	"testing"

	"github.com/patchbot/patchbot/checks/model"
	"github.com/patchbot/patchbot/series"
)

// A check that panics on one series (here: a nil series, which no check
// expects) is reported for that series alone; the others are reviewed and
// the process lives on.
func TestReviewSurvivesAPanickingCheck(t *testing.T) {
	good := &series.Series{ID: "good@example.org", Title: "good", Version: 1}
	ss := []*series.Series{good, nil, good}
	results, errs := Review(context.Background(), ss, &model.Env{})
	if len(results) != 2 || results[0].Series != good || results[1].Series != good {
		t.Fatalf("results = %+v, want the two good series", results)
	}
	if len(errs) != 1 {
		t.Fatalf("errs = %v, want one panic", errs)
	}
	pe, ok := errors.AsType[*PanicError](errs[0])
	if !ok || pe.Stack == "" || pe.Value == nil {
		t.Fatalf("err = %#v, want a *PanicError with value and stack", errs[0])
	}
}

func TestReviewStopsWithTheContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	s := &series.Series{ID: "x@example.org", Title: "x", Version: 1}
	results, errs := Review(ctx, []*series.Series{s, s, s}, &model.Env{})
	if len(results) != 0 {
		t.Errorf("%d series reviewed after the context ended, want none", len(results))
	}
	if len(errs) == 0 || !errors.Is(errs[len(errs)-1], context.Canceled) {
		t.Errorf("errs = %v, want context.Canceled last", errs)
	}
}
