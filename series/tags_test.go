package series

import (
	"testing"

	"github.com/patchbot/patchbot/mail"
)

func TestTags(t *testing.T) {
	cover := &mail.Message{MessageID: "cover@x"}
	p1 := &Patch{Msg: &mail.Message{MessageID: "p1@x"}, Trailers: []Trailer{
		{Key: "Signed-off-by", Value: "Ada <ada@x>"}, {Key: "Reviewed-by", Value: "Willem <w@x>"}}}
	p2 := &Patch{Msg: &mail.Message{MessageID: "p2@x"}}
	s := &Series{Cover: cover, Patches: []*Patch{p1, p2}}
	tags := NewTags()
	for _, m := range []*mail.Message{
		// A reply to patch 1 that quotes the patch's own tag and adds one.
		{MessageID: "r1@x", InReplyTo: "p1@x", References: []string{"cover@x", "p1@x"},
			Body: "> Reviewed-by: Willem <w@x>\n\nLooks right.\n\nReviewed-by: Kuniyuki <k@x>\n"},
		// The same reviewer again on patch 2 (one person, one tag), and a test.
		{MessageID: "r2@x", InReplyTo: "p2@x", References: []string{"cover@x", "p2@x"},
			Body: "Reviewed-by: kuniyuki <K@x>\nTested-by: Tess <t@x>\n"},
		// An ack to the cover letter; a tag in a signature does not count.
		{MessageID: "r3@x", InReplyTo: "cover@x", Body: "Acked-by: Jakub <j@x>\n-- \nAcked-by: not-a-tag\n"},
		// Another thread entirely.
		{MessageID: "r4@x", InReplyTo: "other@x", Body: "Acked-by: Someone <s@x>\n"},
		// Not a reply, not of this series.
		{MessageID: "new@x", Body: "Acked-by: Nobody <n@x>\n"},
		// Patch 2's own trailer, read when the mail was (the series drops
		// trailers once reviewed).
		{MessageID: "p2@x", InReplyTo: "cover@x", Body: "commit message\n\nReviewed-by: Willem <w@x>\nSigned-off-by: Ada <ada@x>\n---\n diff\n"},
	} {
		tags.Add(m)
	}
	got := tags.Count(s)
	if want := (ART{Acked: 1, Reviewed: 2, Tested: 1}); got != want {
		t.Errorf("Count = %+v, want %+v", got, want)
	}
	if got.String() != "1/2/1" || (ART{}).String() != "-" {
		t.Errorf("String() = %q, %q", got.String(), ART{}.String())
	}
	if got := (*Tags)(nil).Count(s); got != (ART{Reviewed: 1}) {
		t.Errorf("without replies: %+v, want the patches' own Reviewed-by", got)
	}
}
