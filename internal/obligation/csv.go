// Package obligation reads and writes the obligations register as CSV: the
// list of laws, regulations and contracts an organisation has usually
// already kept in a spreadsheet. Reading checks every cell and names the
// line and column of every problem, so that an import can be whole or not
// at all. No I/O beyond the reader and writer it is handed.
package obligation

import (
	"cmp"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/isms-dev/isms/internal/isms"
)

// Limits on what a file may hold: a register is tens or hundreds of
// obligations, so these only stop a hostile or mistaken file.
const (
	MaxBytes = 4 << 20
	MaxRows  = 5000
)

// Row is one obligation as the CSV carries it. People are named by email
// and AI assets by name, which is what a person writing the file knows.
type Row struct {
	// Line is where the row starts in the file; 0 for rows being written.
	Line int
	// Ref is empty for a new obligation and OB-nnn for one to update.
	Ref                 string
	Kind                isms.ObligationKind
	Title               string
	Source              string
	SourceURL           string
	Jurisdiction        string
	Owner               string
	Applicability       string
	AIRiskClass         isms.AIRiskClass
	AIAssets            []string
	Controls            []string
	ReviewDate          *time.Time
	Status              isms.ObligationStatus
	NotApplicableReason string
}

// Columns is the header WriteCSV writes, in order.
var Columns = []string{"ref", "kind", "title", "source", "source_url", "jurisdiction", "owner", "applicability",
	"ai_risk_class", "ai_assets", "controls", "review_date", "status", "not_applicable_reason"}

// required are the columns a file must have; the others may be left out.
var required = []string{"kind", "title", "source"}

const dateLayout = "2006-01-02"

// Problem is one thing wrong in a file, with its line (0 for the whole
// file) and column.
type Problem struct {
	File    string
	Line    int
	Field   string
	Message string
}

func (p Problem) String() string {
	var b strings.Builder
	b.WriteString(p.File)
	if p.Line > 0 {
		fmt.Fprintf(&b, ":%d", p.Line)
	}
	b.WriteString(": ")
	if p.Field != "" {
		b.WriteString(p.Field + ": ")
	}
	b.WriteString(p.Message)
	return b.String()
}

// Problems is everything wrong in a file; a reader returns all of them at
// once, so a person fixes the file in one go.
type Problems []Problem

func (ps Problems) Error() string {
	const shown = 20
	lines := make([]string, 0, min(len(ps), shown)+1)
	for i, p := range ps {
		if i == shown {
			lines = append(lines, fmt.Sprintf("… and %d more problems", len(ps)-shown))
			break
		}
		lines = append(lines, p.String())
	}
	return strings.Join(lines, "\n")
}

// FieldErrors presents the problems as field errors for the API: the
// field is the column, the detail starts with the line.
func (ps Problems) FieldErrors() []isms.FieldError {
	out := make([]isms.FieldError, len(ps))
	for i, p := range ps {
		field := cmp.Or(p.Field, "file")
		detail := p.Message
		if p.Line > 0 {
			detail = fmt.Sprintf("line %d: %s", p.Line, p.Message)
		}
		out[i] = isms.FieldError{Field: field, Detail: detail}
	}
	return out
}

// maxProblems bounds what a broken file makes us collect.
const maxProblems = 100

type collector struct {
	file     string
	problems Problems
	full     bool
}

func (c *collector) add(line int, field, format string, args ...any) {
	if len(c.problems) >= maxProblems {
		if !c.full {
			c.problems = append(c.problems, Problem{File: c.file, Message: "too many problems; stopped reading"})
			c.full = true
		}
		return
	}
	c.problems = append(c.problems, Problem{File: c.file, Line: line, Field: field, Message: fmt.Sprintf(format, args...)})
}

// ReadCSV reads an obligations CSV: a header naming columns in any order
// (kind, title and source are required), then one obligation a row. It
// returns every row, or every problem of the file and no rows.
func ReadCSV(name string, r io.Reader) ([]Row, error) {
	c := &collector{file: name}
	data, err := io.ReadAll(io.LimitReader(r, MaxBytes+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	switch {
	case len(data) > MaxBytes:
		c.add(0, "", "the file is larger than %d MiB; split it", MaxBytes>>20)
		return nil, c.problems
	case !utf8.Valid(data):
		c.add(0, "", "the file is not UTF-8 text; save it as CSV UTF-8")
		return nil, c.problems
	}
	// Spreadsheets save "CSV UTF-8" with a byte order mark.
	cr := csv.NewReader(strings.NewReader(strings.TrimPrefix(string(data), "\ufeff")))
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		c.add(0, "", "the file is empty; it needs a header row and one row an obligation")
		return nil, c.problems
	}
	if err != nil {
		csvError(c, err)
		return nil, c.problems
	}
	cols := readHeader(c, header)
	if len(c.problems) > 0 {
		return nil, c.problems
	}
	var rows []Row
	refs := map[string]int{}
	for {
		record, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			csvError(c, err)
			break
		}
		line, _ := cr.FieldPos(0)
		if !slices.ContainsFunc(record, func(cell string) bool { return strings.TrimSpace(cell) != "" }) {
			// Spreadsheets write trailing rows of empty cells.
			continue
		}
		if len(record) != len(cols) {
			c.add(line, "", "the row has %d cells; the header has %d", len(record), len(cols))
			continue
		}
		if len(rows) == MaxRows {
			c.add(line, "", "the file has more than %d rows; split it", MaxRows)
			break
		}
		cells := map[string]string{}
		for i, col := range cols {
			cells[col] = unneutralize(strings.TrimSpace(record[i]))
		}
		row, ok := readRow(c, line, cells)
		if !ok {
			continue
		}
		if row.Ref != "" {
			if first, dup := refs[row.Ref]; dup {
				c.add(line, "ref", "%s is also on line %d; each obligation may appear once", row.Ref, first)
				continue
			}
			refs[row.Ref] = line
		}
		rows = append(rows, row)
	}
	if len(c.problems) > 0 {
		return nil, c.problems
	}
	if len(rows) == 0 {
		c.add(0, "", "the file has a header but no obligations")
		return nil, c.problems
	}
	return rows, nil
}

func csvError(c *collector, err error) {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		c.add(pe.Line, "", "not valid CSV: %v", pe.Err)
		return
	}
	c.add(0, "", "not valid CSV: %v", err)
}

func readHeader(c *collector, header []string) []string {
	cols := make([]string, len(header))
	seen := map[string]bool{}
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(h))
		cols[i] = h
		switch {
		case seen[h]:
			c.add(1, clip(h, 60), "the column is given twice")
		case !slices.Contains(Columns, h):
			c.add(1, clip(h, 60), "is not a column of the obligations CSV; the columns are %s", strings.Join(Columns, ", "))
		}
		seen[h] = true
	}
	for _, req := range required {
		if !seen[req] {
			c.add(1, req, "the column is required")
		}
	}
	return cols
}

// readRow checks the cells of one row and reports whether they were all
// right.
func readRow(c *collector, line int, cells map[string]string) (Row, bool) {
	bad := false
	add := func(col, format string, args ...any) {
		c.add(line, col, format, args...)
		bad = true
	}
	text := func(col string, maxLen int, multiline bool) string {
		v := cells[col]
		switch {
		case utf8.RuneCountInString(v) > maxLen:
			add(col, "is longer than %d characters", maxLen)
		case !multiline && strings.ContainsFunc(v, unicode.IsControl):
			add(col, "must be one line of text without control characters")
		case multiline && strings.ContainsFunc(v, func(r rune) bool { return unicode.IsControl(r) && r != '\n' && r != '\r' && r != '\t' }):
			add(col, "holds control characters")
		}
		return v
	}
	row := Row{Line: line}
	if ref := cells["ref"]; ref != "" {
		n, ok := isms.ParseObligationRef(ref)
		if !ok {
			add("ref", "%q is not an obligation reference such as OB-001; leave it empty for a new obligation", clip(ref, 40))
		}
		row.Ref = isms.FormatObligationRef(n)
	}
	row.Kind = isms.ObligationKind(strings.ToLower(cells["kind"]))
	switch {
	case row.Kind == "":
		add("kind", "is required: legal, statutory, regulatory or contractual")
	case !row.Kind.IsValid():
		add("kind", "%q is not legal, statutory, regulatory or contractual", clip(cells["kind"], 40))
	}
	if row.Title = text("title", 300, false); row.Title == "" {
		add("title", "is required")
	}
	if row.Source = text("source", 500, false); row.Source == "" {
		add("source", "is required: name the law and article, or the contract and clause")
	}
	row.SourceURL = text("source_url", 2000, false)
	row.Jurisdiction = text("jurisdiction", 100, false)
	row.Owner = text("owner", 320, false)
	if row.Owner != "" && !strings.Contains(row.Owner, "@") {
		add("owner", "%q is not an email address of a member", clip(row.Owner, 80))
	}
	row.Applicability = text("applicability", 5000, true)
	row.AIRiskClass = isms.AIRiskClass(strings.ToLower(cells["ai_risk_class"]))
	if !row.AIRiskClass.IsValid() {
		add("ai_risk_class", "%q is not prohibited, high, limited, minimal or empty", clip(cells["ai_risk_class"], 40))
	}
	row.AIAssets = list(cells["ai_assets"])
	row.Controls = list(cells["controls"])
	for _, ref := range row.Controls {
		if fw, item, ok := strings.Cut(ref, ":"); !ok || fw == "" || item == "" || strings.ContainsFunc(ref, unicode.IsSpace) {
			add("controls", "%q is not a control reference such as iso27001-2022:A.5.34", clip(ref, 60))
		}
	}
	if d := cells["review_date"]; d != "" {
		t, err := time.Parse(dateLayout, d)
		if err != nil {
			add("review_date", "%q is not a date; write YYYY-MM-DD", clip(d, 40))
		} else {
			row.ReviewDate = &t
		}
	}
	row.Status = isms.ObligationStatus(strings.ToLower(cmp.Or(cells["status"], string(isms.ObligationApplicable))))
	row.NotApplicableReason = text("not_applicable_reason", 5000, true)
	switch row.Status {
	case isms.ObligationApplicable:
		if row.NotApplicableReason != "" {
			add("not_applicable_reason", "is only for an obligation whose status is not_applicable")
		}
	case isms.ObligationNotApplicable:
		if row.NotApplicableReason == "" {
			add("not_applicable_reason", "is required when the status is not_applicable: say why it does not apply")
		}
	default:
		add("status", "%q is not applicable or not_applicable", clip(cells["status"], 40))
	}
	return row, !bad
}

// list splits a ';'-separated cell.
func list(cell string) []string {
	var out []string
	for _, item := range strings.Split(cell, ";") {
		if item = strings.TrimSpace(item); item != "" && !slices.Contains(out, item) {
			out = append(out, item)
		}
	}
	return out
}

func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}

// formulaStarts are the first characters that make a spreadsheet run a
// cell as a formula.
const formulaStarts = "=+-@\t\r"

// neutralize quotes a cell a spreadsheet would run as a formula;
// unneutralize takes the quote off again when the file is read back.
func neutralize(cell string) string {
	if cell != "" && strings.ContainsRune(formulaStarts, rune(cell[0])) {
		return "'" + cell
	}
	return cell
}

func unneutralize(cell string) string {
	if len(cell) > 1 && cell[0] == '\'' && strings.ContainsRune(formulaStarts, rune(cell[1])) {
		return cell[1:]
	}
	return cell
}

// WriteCSV writes rows with the full header, in the layout ReadCSV reads.
// It refuses a list item holding ';', which separates items.
func WriteCSV(w io.Writer, rows []Row) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(Columns); err != nil {
		return err
	}
	for _, r := range rows {
		for _, item := range append(slices.Clone(r.AIAssets), r.Controls...) {
			if strings.Contains(item, ";") {
				return fmt.Errorf("obligation %s: %q holds ';', which separates list items", cmp.Or(r.Ref, r.Title), item)
			}
		}
		review := ""
		if r.ReviewDate != nil {
			review = r.ReviewDate.Format(dateLayout)
		}
		cells := []string{r.Ref, string(r.Kind), r.Title, r.Source, r.SourceURL, r.Jurisdiction, r.Owner, r.Applicability,
			string(r.AIRiskClass), strings.Join(r.AIAssets, ";"), strings.Join(r.Controls, ";"), review, string(r.Status),
			r.NotApplicableReason}
		for i := range cells {
			cells[i] = neutralize(cells[i])
		}
		if err := cw.Write(cells); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// Template is the header with two example rows, for people starting a
// file from nothing.
func Template() []byte {
	review := time.Date(2027, 3, 31, 0, 0, 0, 0, time.UTC)
	rows := []Row{{
		Kind: isms.ObligationLegal, Title: "Security of processing", Source: "GDPR Article 32",
		SourceURL: "https://eur-lex.europa.eu/eli/reg/2016/679/oj", Jurisdiction: "EU", Owner: "dpo@example.com",
		Applicability: "We process personal data of customers' end users as a processor.",
		Controls:      []string{"iso27001-2022:A.5.34", "iso27001-2022:A.8.24"}, ReviewDate: &review, Status: isms.ObligationApplicable,
	}, {
		Kind: isms.ObligationContractual, Title: "Customer data deleted within 30 days of termination",
		Source: "Master services agreement with Example Bank, clause 14.3", Owner: "legal@example.com",
		Controls: []string{"iso27001-2022:A.8.10"}, Status: isms.ObligationApplicable,
	}}
	var b strings.Builder
	if err := WriteCSV(&b, rows); err != nil {
		panic("the obligations CSV template does not write: " + err.Error())
	}
	return []byte(b.String())
}
