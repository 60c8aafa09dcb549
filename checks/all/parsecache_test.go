package all_test

import (
	"reflect"
	"testing"

	"github.com/patchbot/patchbot/checks/model"
	"github.com/patchbot/patchbot/internal/checktest"
)

// The same series reviewed twice through one cache yields the same
// findings as without it, and the second review parses nothing anew.
func TestParseCacheSharesParsesBetweenSeries(t *testing.T) {
	s := checktest.LoadFixture(t, "bad-user")
	plain, err := runChecks(t, s, &model.Env{})
	if err != nil {
		t.Fatal(err)
	}
	if len(plain) == 0 {
		t.Fatal("fixture bad-user has no findings; the comparison would prove nothing")
	}
	cache := model.NewParseCache()
	first, err := runChecks(t, s, &model.Env{Parses: cache})
	if err != nil {
		t.Fatal(err)
	}
	n := cache.Len()
	if n == 0 {
		t.Fatal("nothing was cached")
	}
	second, err := runChecks(t, checktest.LoadFixture(t, "bad-user"), &model.Env{Parses: cache})
	if err != nil {
		t.Fatal(err)
	}
	if cache.Len() != n {
		t.Errorf("second review of the same hunks added %d parses", cache.Len()-n)
	}
	if !reflect.DeepEqual(plain, first) || !reflect.DeepEqual(plain, second) {
		t.Errorf("findings differ with the cache:\nplain  %+v\nfirst  %+v\nsecond %+v", plain, first, second)
	}
}
