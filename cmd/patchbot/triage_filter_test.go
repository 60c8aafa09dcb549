package main

import (
	"testing"
	"time"

	"github.com/patchbot/patchbot/mail"
	"github.com/patchbot/patchbot/review"
	"github.com/patchbot/patchbot/series"
)

func TestTriageFilter(t *testing.T) {
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	item := func(state, author string, day int) review.TriageItem {
		return review.TriageItem{State: state, Result: review.Result{Series: &series.Series{
			Author: mail.Address{Name: author, Email: "x@example.org"}, Date: time.Date(2026, 11, day, 9, 0, 0, 0, time.UTC)}}}
	}
	items := []review.TriageItem{
		item(review.TriageErrors, "Ada Lovelace", 30), item(review.TriageWarnings, "王小明", 20),
		item(review.TriageIncomplete, "Ada Lovelace", 10), item(review.TriageClean, "Bob", 29),
	}
	tests := []struct {
		name string
		opt  triageOptions
		want []int
	}{
		{"no filter", triageOptions{}, []int{0, 1, 2, 3}},
		{"findings", triageOptions{states: "findings"}, []int{0, 1}},
		{"two states", triageOptions{states: "incomplete, clean"}, []int{2, 3}},
		{"since a date", triageOptions{since: "2026-11-20"}, []int{0, 1, 3}},
		{"since a week", triageOptions{since: "7d"}, []int{0, 3}},
		{"since hours", triageOptions{since: "36h"}, []int{0}},
		{"author, any case", triageOptions{author: "ada"}, []int{0, 2}},
		{"author in CJK and a state", triageOptions{author: "小明", states: "warnings"}, []int{1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			keep, err := triageFilter(tt.opt, now)
			if err != nil {
				t.Fatal(err)
			}
			var got []int
			for i, it := range items {
				if keep == nil || keep(it) {
					got = append(got, i)
				}
			}
			if len(got) != len(tt.want) {
				t.Fatalf("kept %v, want %v", got, tt.want)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Fatalf("kept %v, want %v", got, tt.want)
				}
			}
		})
	}
	for _, bad := range []triageOptions{{states: "pending"}, {since: "last tuesday"}, {since: "-3d"}} {
		if _, err := triageFilter(bad, now); err == nil {
			t.Errorf("%+v accepted", bad)
		}
	}
}
