package checks

import (
	"context"
	"reflect"
	"testing"
)

// The same series reviewed twice through one cache yields the same
// findings as without it, and the second review parses nothing anew.
func TestParseCacheSharesParsesBetweenSeries(t *testing.T) {
	ctx := context.Background()
	s := loadFixture(t, "bad-user")
	plain, err := Run(ctx, s, &Env{})
	if err != nil {
		t.Fatal(err)
	}
	if len(plain) == 0 {
		t.Fatal("fixture bad-user has no findings; the comparison would prove nothing")
	}
	cache := NewParseCache()
	first, err := Run(ctx, s, &Env{Parses: cache})
	if err != nil {
		t.Fatal(err)
	}
	n := len(cache.units)
	if n == 0 {
		t.Fatal("nothing was cached")
	}
	second, err := Run(ctx, loadFixture(t, "bad-user"), &Env{Parses: cache})
	if err != nil {
		t.Fatal(err)
	}
	if len(cache.units) != n {
		t.Errorf("second review of the same hunks added %d parses", len(cache.units)-n)
	}
	if !reflect.DeepEqual(plain, first) || !reflect.DeepEqual(plain, second) {
		t.Errorf("findings differ with the cache:\nplain  %+v\nfirst  %+v\nsecond %+v", plain, first, second)
	}
}
