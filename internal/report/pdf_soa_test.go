package report

import (
	"bytes"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/isms-dev/isms/internal/framework"
	"github.com/isms-dev/isms/internal/soa"
)

func TestSoAPDF(t *testing.T) {
	for fw, annex := range soaAnnex {
		t.Run(fw, func(t *testing.T) {
			d := soaDoc(t, fw)
			pdf := renderPDFBytes(t, func(w io.Writer) error { return SoAPDF(w, d) })
			pages := pdfPages(t, pdf)
			text := squash(strings.Join(pages, "\n"))
			for _, want := range []string{
				"Helix AI Ltd", "Statement of Applicability", "Document control", "Summary", "Points to resolve",
				"Approved by Tomás Ortega on 2026-11-20 14:30 UTC", "Generated 2026-11-29 10:00 UTC",
				strings.Repeat("9e8d", 16), `=HYPERLINK("http://x","y")`,
				"Version 2 · approved", "Page 1 of", "Control Title Applicability Justification Status Owner Implementation Evidence",
			} {
				if !strings.Contains(text, want) {
					t.Errorf("missing %q", want)
				}
			}
			// Every control of the annex, and the own control, by its id.
			raw := strings.Join(pages, "\n")
			ids := 0
			for _, e := range d.Entries {
				if !e.Custom {
					ids++
				}
				if !containsWord(raw, e.ID) {
					t.Errorf("missing control %s", e.ID)
				}
			}
			if ids != annex {
				t.Errorf("%d annex controls, want %d", ids, annex)
			}
			if strings.Contains(text, draftNotice) {
				t.Errorf("approved statement carries %q", draftNotice)
			}
		})
	}
}

// containsWord finds id standing on its own, so that A.5.1 is not found
// inside A.5.10.
func containsWord(text, id string) bool {
	for _, f := range strings.Fields(text) {
		if f == id {
			return true
		}
	}
	return false
}

func TestSoAPDFDraft(t *testing.T) {
	d := soa.Build(soaInput(t, framework.ISO27001v2022))
	d.History = soaDoc(t, framework.ISO27001v2022).History
	text := squash(strings.Join(pdfPages(t, renderPDFBytes(t, func(w io.Writer) error { return SoAPDF(w, d) })), "\n"))
	for _, want := range []string{draftNotice, "Draft of version 3", "This statement has not been approved"} {
		if !strings.Contains(text, want) {
			t.Errorf("missing %q", want)
		}
	}
	if strings.Contains(text, "Approval Approved by") {
		t.Error("draft says it is approved")
	}
}

func TestSoAPDFDeterministic(t *testing.T) {
	d := soaDoc(t, framework.ISO27001v2022)
	a := renderPDFBytes(t, func(w io.Writer) error { return SoAPDF(w, d) })
	b := renderPDFBytes(t, func(w io.Writer) error { return SoAPDF(w, d) })
	if !bytes.Equal(a, b) {
		t.Error("two renders of one statement differ")
	}
}

func TestClip(t *testing.T) {
	tests := []struct {
		in   string
		n    int
		want string
	}{
		{"short", 10, "short"},
		{"one two three four", 12, "one two …"},
		{"abcdefghijklmnop", 5, "abcde …"},
		{"Tomás Ortega wrote", 8, "Tomás …"},
	}
	for _, tt := range tests {
		if got := clip(tt.in, tt.n); got != tt.want {
			t.Errorf("clip(%q, %d) = %q, want %q", tt.in, tt.n, got, tt.want)
		}
	}
}

// soaEvidence is how much evidence the performance bar is set for.
const soaEvidence = 5000

// TestSoAExportUnderASecond holds the bar of the issue: a 2022 statement
// whose controls carry 5,000 evidence items exports to XLSX and to PDF in
// under a second each.
func TestSoAExportUnderASecond(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: a timing test of two full exports; go test without -short (as CI does) runs it")
	}
	d := soaLargeDoc(t, soaEvidence)
	for _, tt := range []struct {
		name  string
		write func(io.Writer, soa.Document) error
	}{{"XLSX", SoAXLSX}, {"PDF", SoAPDF}} {
		start := time.Now()
		if err := tt.write(io.Discard, d); err != nil {
			t.Fatal(err)
		}
		took := time.Since(start)
		t.Logf("%s: %v", tt.name, took)
		if !raceEnabled && took >= time.Second {
			t.Errorf("%s export took %v, want under a second", tt.name, took)
		}
	}
}

func BenchmarkSoAXLSX5000Evidence(b *testing.B) {
	d := soaLargeDoc(b, soaEvidence)
	for b.Loop() {
		if err := SoAXLSX(io.Discard, d); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSoAPDF5000Evidence(b *testing.B) {
	d := soaLargeDoc(b, soaEvidence)
	for b.Loop() {
		if err := SoAPDF(io.Discard, d); err != nil {
			b.Fatal(err)
		}
	}
}
