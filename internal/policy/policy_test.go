package policy

import (
	"strings"
	"testing"
)

func TestHTMLIsSafe(t *testing.T) {
	for _, tc := range []struct {
		name, src   string
		want, never []string
	}{
		{"markdown", "# Title\n\nSome **bold** text.\n\n| a | b |\n|---|---|\n| 1 | 2 |\n", []string{"<h1>Title</h1>", "<strong>bold</strong>", "<table>"}, nil},
		{"raw script", "Hello\n\n<script>alert(1)</script>\n", []string{"Hello"}, []string{"<script", "alert(1)"}},
		{"inline html", "A <img src=x onerror=alert(1)> b", nil, []string{"<img", "onerror"}},
		{"javascript link", "[click](javascript:alert(1))", []string{"click"}, []string{"javascript:"}},
		{"escaped text", "a < b & c", []string{"a &lt; b &amp; c"}, nil},
	} {
		got, err := HTML(tc.src)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		for _, w := range tc.want {
			if !strings.Contains(string(got), w) {
				t.Errorf("%s: %q lacks %q", tc.name, got, w)
			}
		}
		for _, n := range tc.never {
			if strings.Contains(string(got), n) {
				t.Errorf("%s: %q carries %q", tc.name, got, n)
			}
		}
	}
}

func TestDiff(t *testing.T) {
	got := Diff("a\nb\nc\n", "a\nB\nc\nd\n")
	var b strings.Builder
	for _, l := range got {
		b.WriteString(string(l.Kind[0]) + l.Text + "|")
	}
	if want := "sa|rb|aB|sc|ad|"; b.String() != want {
		t.Errorf("diff = %s, want %s", b.String(), want)
	}
	if d := Diff("same\n", "same\n"); len(d) != 1 || d[0].Kind != Same {
		t.Errorf("diff of equal texts = %+v", d)
	}
}

func TestTemplatesRender(t *testing.T) {
	all, err := Templates()
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 9 {
		t.Fatalf("%d templates, want 9", len(all))
	}
	for _, tc := range []Fields{
		{Org: "Helix AI Ltd", Scope: "The ML platform in Dublin.", ISMSManager: "Priya Raman", Owner: "Dana", Date: "2026-11-29",
			AISystems: []string{"helix-chat-70b", "fraud-scorer"}},
		{Org: "Empty Co", Date: "2026-11-29"},
	} {
		for _, tpl := range all {
			out, err := tpl.Render(tc)
			if err != nil {
				t.Errorf("%s: %v", tpl.ID, err)
				continue
			}
			if !strings.Contains(out, tc.Org) || !strings.HasPrefix(out, "# ") || strings.Contains(out, "<no value>") {
				t.Errorf("%s for %s: does not start with a title, name the organisation, or leaves a field empty", tpl.ID, tc.Org)
			}
			for _, ai := range tc.AISystems {
				if tpl.ID == "ai-acceptable-use" && !strings.Contains(out, ai) {
					t.Errorf("%s does not list the AI system %s", tpl.ID, ai)
				}
			}
			if len(tpl.Controls) == 0 || tpl.Title == "" {
				t.Errorf("%s: no title or controls", tpl.ID)
			}
			if _, err := HTML(out); err != nil {
				t.Errorf("%s: %v", tpl.ID, err)
			}
		}
	}
}
