package model_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/patchbot/patchbot/checks/model"
	"github.com/patchbot/patchbot/mail"
	"github.com/patchbot/patchbot/series"
)

// A hunk too complex to parse is read as nothing, and said once in a
// note naming its file: silence on what could not be read, not a crash or
// a guess.
func TestTooComplexHunkIsANote(t *testing.T) {
	var expr strings.Builder
	expr.WriteString("a0")
	for i := 1; i < 60_001; i++ {
		fmt.Fprintf(&expr, "+a%d", i%97)
	}
	raw := "From: Eve <eve@example.org>\nSubject: [PATCH] net: x\nMessage-Id: <x@example.org>\n\n---\n" +
		"diff --git a/net/core/x.c b/net/core/x.c\nnew file mode 100644\nindex 0000000..1111111\n" +
		"--- /dev/null\n+++ b/net/core/x.c\n@@ -0,0 +1,4 @@\n+int f(void)\n+{\n+\treturn " + expr.String() + ";\n+}\n"
	msg, err := mail.Parse([]byte(raw), "test")
	if msg == nil {
		t.Fatal(err)
	}
	p, err := series.ParsePatch(msg)
	if err != nil {
		t.Fatal(err)
	}
	var notes []string
	env := &model.Env{Parses: model.NewParseCache(), Note: func(s string) { notes = append(notes, s) }}
	m, err := model.New(context.Background(), &series.Series{Title: "x", Patches: []*series.Patch{p}, Complete: true}, env)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	ims := m.PostImages()
	m.ParseAll(context.Background(), ims)
	m.ParseAll(context.Background(), ims)
	if len(ims) != 1 || len(m.Parse(context.Background(), ims[0]).Funcs) != 0 {
		t.Errorf("the image was read as something")
	}
	if len(notes) != 1 || !strings.Contains(notes[0], "net/core/x.c") || !strings.Contains(notes[0], "too complex") {
		t.Errorf("notes %q, want one naming the file", notes)
	}
}
