package report

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

func TestMarkdownSections(t *testing.T) {
	src := "# Access control policy\n\nIntro with **bold** and `code`.\n\n## Scope\n\nCovers:\n\n- the model registry\n- training data,\n  in every region\n\n1. first\n2. second\n\n<script>alert(1)</script>\n\n## Roles\n\n| Role | Duty |\n|---|---|\n| Owner | Approves |\n\nAfter the table.\n"
	got := MarkdownSections(src)
	var b strings.Builder
	for _, s := range got {
		b.WriteString("[" + s.Heading + "]")
		for _, p := range s.Paragraphs {
			b.WriteString("{" + p + "}")
		}
		if s.Table != nil {
			b.WriteString("<" + strings.Join(s.Table.Header, "|") + ";" + strings.Join(s.Table.Rows[0], "|") + ">")
		}
	}
	want := "[]{Intro with bold and code.}[Scope]{Covers:}{•  the model registry}{•  training data, in every region}{1.  first}{2.  second}" +
		"[Roles]<Role|Duty;Owner|Approves>[]{After the table.}"
	if b.String() != want {
		t.Errorf("sections\n got %s\nwant %s", b.String(), want)
	}
	var pdf bytes.Buffer
	if err := DocumentPDF(&pdf, Document{Title: "Access control policy", Organisation: "Helix AI", VersionLabel: "1.2", Status: "Published",
		GeneratedAt: time.Date(2026, 11, 29, 0, 0, 0, 0, time.UTC), Sections: got}); err != nil || !bytes.HasPrefix(pdf.Bytes(), []byte("%PDF")) {
		t.Fatalf("PDF: %v", err)
	}
}
