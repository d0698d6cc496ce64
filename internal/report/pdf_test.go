package report

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

func renderPDFBytes(t *testing.T, render func(io.Writer) error) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := render(&buf); err != nil {
		t.Fatalf("render: %v", err)
	}
	if !bytes.HasPrefix(buf.Bytes(), []byte("%PDF-")) {
		t.Fatalf("output does not start with %%PDF-: %q", buf.Bytes()[:min(16, buf.Len())])
	}
	return buf.Bytes()
}

var pageObject = regexp.MustCompile(`/Type /Page\b[^s]`)

// pageCount counts page objects, which needs no PDF tool.
func pageCount(pdf []byte) int { return len(pageObject.FindAll(pdf, -1)) }

// pdfPages extracts the text of each page with pdftotext. Without
// poppler-utils the test is skipped, unless ISMS_TEST_PDF_REQUIRED=1 says
// this machine must check PDF text.
func pdfPages(t *testing.T, pdf []byte) []string {
	t.Helper()
	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		if os.Getenv("ISMS_TEST_PDF_REQUIRED") == "1" {
			t.Fatal("pdftotext not found and ISMS_TEST_PDF_REQUIRED=1: install poppler-utils")
		}
		t.Skip("pdftotext not found: install poppler-utils to check PDF text (set ISMS_TEST_PDF_REQUIRED=1 to make this a failure)")
	}
	// -raw keeps content-stream order, so the wrapped lines of one table
	// cell stay together instead of interleaving with the next column.
	cmd := exec.Command(bin, "-enc", "UTF-8", "-raw", "-", "-")
	cmd.Stdin = bytes.NewReader(pdf)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("pdftotext: %v: %s", err, stderr.String())
	}
	pages := strings.Split(string(out), "\f")
	if n := len(pages); n > 0 && strings.TrimSpace(pages[n-1]) == "" {
		pages = pages[:n-1]
	}
	return pages
}

// squash joins wrapped table text so that phrases can be searched for.
func squash(s string) string { return strings.Join(strings.Fields(s), " ") }

func draftReport() RiskReport {
	r := riskReport()
	r.Methodology.Status, r.Methodology.ApprovedBy, r.Methodology.ApprovedAt = "draft", "", nil
	return r
}

func TestPDFContent(t *testing.T) {
	tests := []struct {
		name    string
		render  func(io.Writer) error
		pages   int
		want    []string
		notWant []string
	}{
		{
			name:   "risk assessment",
			render: func(w io.Writer) error { return RiskAssessmentPDF(w, riskReport()) },
			pages:  3,
			want: []string{
				"Helix Labs Ltd", "Information security risk assessment", "ISO/IEC 27001:2022 clause 8.2",
				"Approved by Tomás Ortega on 2025-01-20 16:45 UTC", "Generated 2025-03-14 09:30 UTC by Ana Lima",
				"R-001", "R-002", "R-003", "Model weights exfiltration", "Critical", "High", "Medium", "Low",
				"Loss up to €10,000 – contained to one team", "Almost certain", "Severe",
				"Risk owner, CISO", `=HYPERLINK("http:/`, "1 risk(s) not shown",
				"Page 1 of 3", "Page 3 of 3", "Methodology version 3 · approved",
			},
			notWant: []string{draftNotice},
		},
		{
			name:   "draft risk assessment",
			render: func(w io.Writer) error { return RiskAssessmentPDF(w, draftReport()) },
			pages:  3,
			want:   []string{draftNotice, "Methodology version 3 · " + draftNotice, "Tomás Ortega"},
			notWant: []string{
				"Approved by",
			},
		},
		{
			name:   "treatment plan",
			render: func(w io.Writer) error { return TreatmentPlanPDF(w, riskReport()) },
			pages:  5,
			want: []string{
				"Information security risk treatment plan", "clauses 6.1.3 and 8.3",
				"Approved by Tomás Ortega on 2025-01-20 16:45 UTC",
				"R-001 · Model weights exfiltration", "A.8.16 Monitoring activities",
				"AIS-MP-01 Protection against model extraction", "Enforce short-lived tokens", "2025-04-30",
				"in progress", "Likelihood 2 × impact 5 → High", "Acceptable by CEO",
				"Accepted by Chen Wei on 2025-03-01", "Within appetite after MFA", "No – reopened",
				"Reopened – acceptance by Ana Lima on 2025-02-10 no longer current",
				"Residual risk heat map", "2025-02-03 11:15", "Not accepted", "Page 5 of 5",
				`R-002 · =HYPERLINK("http://evil")`,
			},
			notWant: []string{draftNotice},
		},
		{
			name:   "draft document",
			render: func(w io.Writer) error { return DocumentPDF(w, document(false)) },
			pages:  1,
			want: []string{
				"ISMS scope and context", draftNotice, "Version 2",
				"Revenue of €12m – mostly API usage", "Tomás Ortega", "EU AI Act transparency obligations",
				"Generated 2025-03-14 09:30 UTC by Ana Lima", "Page 1 of 1",
			},
			notWant: []string{"Approved by"},
		},
		{
			name:    "approved document",
			render:  func(w io.Writer) error { return DocumentPDF(w, document(true)) },
			pages:   1,
			want:    []string{"Approved by Tomás Ortega on 2025-01-20 16:45 UTC", "approved"},
			notWant: []string{draftNotice},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pdf := renderPDFBytes(t, tt.render)
			if got := pageCount(pdf); got != tt.pages {
				t.Errorf("pages = %d, want %d", got, tt.pages)
			}
			pages := pdfPages(t, pdf)
			if len(pages) != tt.pages {
				t.Errorf("pdftotext pages = %d, want %d", len(pages), tt.pages)
			}
			text := squash(strings.Join(pages, "\n"))
			for _, w := range tt.want {
				if !strings.Contains(text, w) {
					t.Errorf("missing %q in:\n%s", w, text)
				}
			}
			for _, w := range tt.notWant {
				if strings.Contains(text, w) {
					t.Errorf("unexpected %q", w)
				}
			}
		})
	}
}

// TestLongRegisterPDF checks pagination: 300 risks run over many landscape
// pages, each repeating the table header, and every page is numbered
// against the true total.
func TestLongRegisterPDF(t *testing.T) {
	tests := []struct {
		name     string
		render   func(io.Writer, RiskReport) error
		header   string // the table header repeated on each page of the table
		from, to string // headings of the table and of the part after it
		minPages int
	}{
		{"assessment", RiskAssessmentPDF, "Ref Risk Scenario Assets Threat Vulnerability", "3 Risk register", "", 20},
		{"treatment", TreatmentPlanPDF, "Ref Risk Owner Inherent Option Controls", "2 Treatment overview", "3 Treatment per risk", 50},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pdf := renderPDFBytes(t, func(w io.Writer) error { return tt.render(w, longReport(300)) })
			n := pageCount(pdf)
			if n < tt.minPages {
				t.Fatalf("pages = %d, want at least %d", n, tt.minPages)
			}
			pages := pdfPages(t, pdf)
			if len(pages) != n {
				t.Fatalf("pdftotext pages = %d, page objects = %d", len(pages), n)
			}
			inTable, tablePages := false, 0
			for k, p := range pages {
				text := squash(p)
				if want := fmt.Sprintf("Page %d of %d", k+1, n); !strings.Contains(text, want) {
					t.Errorf("page %d: missing %q", k+1, want)
				}
				if strings.Contains(text, tt.from) {
					inTable = true
				}
				if !inTable {
					continue
				}
				if tt.to != "" && strings.Contains(text, tt.to) {
					break
				}
				tablePages++
				if !strings.Contains(text, tt.header) {
					t.Errorf("page %d: table header %q not repeated", k+1, tt.header)
				}
			}
			if tablePages < 5 {
				t.Errorf("table spans %d pages, want several", tablePages)
			}
			all := strings.Join(pages, "\n")
			for _, ref := range []string{"R-0001", "R-0150", "R-0300"} {
				if !strings.Contains(all, ref) {
					t.Errorf("missing %s", ref)
				}
			}
		})
	}
}

// TestPDFOversizedRow feeds a cell taller than a page: the row must be
// split over pages rather than run off the bottom or loop.
func TestPDFOversizedRow(t *testing.T) {
	r := riskReport()
	r.Risks = r.Risks[:1]
	var words []string
	for k := range 900 {
		words = append(words, fmt.Sprintf("word%03d", k))
	}
	r.Risks[0].Scenario = strings.Join(words, " ")
	pdf := renderPDFBytes(t, func(w io.Writer) error { return RiskAssessmentPDF(w, r) })
	if n := pageCount(pdf); n < 4 {
		t.Errorf("pages = %d, want the register row to spill onto extra pages", n)
	}
	text := strings.Join(pdfPages(t, pdf), "\n")
	for _, w := range []string{"word000", "word450", "word899"} {
		if !strings.Contains(text, w) {
			t.Errorf("missing %q", w)
		}
	}
}

func TestPDFEdgeCases(t *testing.T) {
	tests := []struct {
		name   string
		render func(io.Writer) error
		want   []string
	}{
		{
			name: "empty report",
			render: func(w io.Writer) error {
				return TreatmentPlanPDF(w, RiskReport{Organisation: "New Co", GeneratedAt: generated})
			},
			want: []string{"New Co", "No risks have been identified", "defines no likelihood or impact scale", draftNotice},
		},
		{
			name: "characters outside the font",
			render: func(w io.Writer) error {
				d := document(true)
				d.Sections = []Section{{Heading: "Notes", Paragraphs: []string{"Owner 田中 🙂 signed\toff"}}}
				return DocumentPDF(w, d)
			},
			want: []string{"Owner ?? ? signed off"},
		},
		{
			name: "headerless ragged table",
			render: func(w io.Writer) error {
				d := document(true)
				d.Sections = []Section{{Table: &Table{Rows: [][]string{{"a"}, {"b", "c", "https://example.com/a/very/long/path/that/cannot/wrap/at/spaces/and/must/be/cut/anyway"}}}}}
				return DocumentPDF(w, d)
			},
			want: []string{"https://example.com"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			text := squash(strings.Join(pdfPages(t, renderPDFBytes(t, tt.render)), "\n"))
			for _, w := range tt.want {
				if !strings.Contains(text, w) {
					t.Errorf("missing %q in:\n%s", w, text)
				}
			}
		})
	}
}

func TestPDFText(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Tomás Ortega", "Tomás Ortega"},
		{"€ 1,000 – “quoted” ≤ ✓", "€ 1,000 – “quoted” ≤ ✓"},
		{"Zoë Łukasz Дмитрий Ελένη", "Zoë Łukasz Дмитрий Ελένη"},
		{"a\tb\r\nc\rd", "a b\nc d"},
		{"bell\a", "bell"},
		{"田中 🙂", "?? ?"},
	}
	for _, tt := range tests {
		if got := pdfText(tt.in); got != tt.want {
			t.Errorf("pdfText(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestCmapCoverageRejectsBrokenFonts(t *testing.T) {
	tests := []struct {
		name string
		ttf  []byte
	}{
		{"empty", nil},
		{"truncated", fontRegular[:40]},
		{"no cmap", append([]byte{0, 1, 0, 0, 0, 0}, make([]byte, 10)...)},
	}
	for _, tt := range tests {
		if _, err := cmapCoverage(tt.ttf); err == nil {
			t.Errorf("%s: no error", tt.name)
		}
	}
}

func TestApprovalText(t *testing.T) {
	at := time.Date(2025, 1, 20, 17, 45, 0, 0, time.FixedZone("CET", 3600))
	tests := []struct {
		name, by string
		at       *time.Time
		want     string
		approved bool
	}{
		{"approved", "Tomás Ortega", &at, "Approved by Tomás Ortega on 2025-01-20 16:45 UTC", true},
		{"no approver", " ", &at, draftNotice, false},
		{"no date", "Tomás Ortega", nil, draftNotice, false},
	}
	for _, tt := range tests {
		got, ok := approvalText(tt.by, tt.at)
		if got != tt.want || ok != tt.approved {
			t.Errorf("%s: got %q, %v; want %q, %v", tt.name, got, ok, tt.want, tt.approved)
		}
	}
}

func TestWrap(t *testing.T) {
	p, err := renderPDF(pdfMeta{}, 0, func(*pdfDoc) {})
	if err != nil {
		t.Fatal(err)
	}
	p.font("", 10)
	// fits is the cell width that just holds s.
	fits := func(s string) float64 { return p.f.GetStringWidth(s) + 2*cellPadX + 0.01 }
	tests := []struct {
		name  string
		text  string
		width float64
		want  []string
	}{
		{"fits", "Tomás Ortega", 100, []string{"Tomás Ortega"}},
		{"wraps at spaces", "alpha beta gamma", fits("alpha beta"), []string{"alpha beta", "gamma"}},
		{"keeps line breaks", "a\n\nb", 100, []string{"a", "", "b"}},
		{"cuts long words", "abcdefghij", fits("abcde"), []string{"abcde", "fghij"}},
		{"narrower than a character", "WW", 0.5, []string{"W", "W"}},
		{"decomposed accent is zero width", "Toma\u0301s Ortega", fits("Tomás Ortega"), []string{"Toma\u0301s Ortega"}},
		{"empty", "", 100, []string{""}},
	}
	for _, tt := range tests {
		if got := p.wrap(tt.text, tt.width); !slices.Equal(got, tt.want) {
			t.Errorf("%s: wrap(%q) = %q, want %q", tt.name, tt.text, got, tt.want)
		}
	}
}
