// Package supplier reads and writes the isms supplier CSV, the way people
// bring their supplier list from a spreadsheet. It checks the layout and
// the form of every cell and names each problem by file, line and column;
// the application checks the rest (owners, names already registered) and
// imports all rows or none. No I/O beyond the reader and writer it is
// handed.
package supplier

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/isms-dev/isms/internal/isms"
)

// Columns are the columns of the supplier CSV, in the order WriteCSV
// writes them. A file may give them in any order and leave out all but
// name, kind and criticality.
var Columns = []string{"name", "kind", "criticality", "status", "services", "owner", "website", "contact", "data_shared",
	"data_location", "clauses", "incident_hours", "contract_ends", "review_cadence", "last_reviewed", "exit_plan", "notes"}

var required = []string{"name", "kind", "criticality"}

// MaxBytes bounds the file: a register of isms.MaxSuppliers rows with
// long exit plans fits many times over.
const MaxBytes = 16 << 20

const dateLayout = time.DateOnly

// Row is one supplier of the file.
type Row struct {
	// Line is where the row starts in the file.
	Line     int
	Supplier isms.Supplier
	// Owner is the email address of the accountable member, or empty.
	Owner string
	// Given are the columns of the file, the same for every row.
	Given []string
}

// Over returns the row's supplier laid over one already in the register:
// what the file's columns say replaces, what it has no column for stays.
// The owner, which the caller resolves from an email, is left as cur has
// it.
func (r Row) Over(cur isms.Supplier) isms.Supplier {
	next := cur
	s := r.Supplier
	for _, c := range r.Given {
		switch c {
		case "name":
			next.Name = s.Name
		case "kind":
			next.Kind = s.Kind
		case "criticality":
			next.Criticality = s.Criticality
		case "status":
			next.Status = s.Status
		case "services":
			next.Services = s.Services
		case "website":
			next.Website = s.Website
		case "contact":
			next.Contact = s.Contact
		case "data_shared":
			next.DataShared = s.DataShared
		case "data_location":
			next.DataLocation = s.DataLocation
		case "clauses":
			next.Clauses = s.Clauses
		case "incident_hours":
			next.IncidentHours = s.IncidentHours
		case "contract_ends":
			next.ContractEnds = s.ContractEnds
		case "review_cadence":
			next.ReviewCadence = s.ReviewCadence
		case "last_reviewed":
			next.LastReviewed = s.LastReviewed
		case "exit_plan":
			next.ExitPlan = s.ExitPlan
		case "notes":
			next.Notes = s.Notes
		}
	}
	return next
}

// Has reports whether the file has a column.
func (r Row) Has(col string) bool { return slices.Contains(r.Given, col) }

// Problem is one thing wrong in a file: the line (0 for the whole file)
// and the column.
type Problem struct {
	File    string `json:"file"`
	Line    int    `json:"line,omitempty"`
	Field   string `json:"field,omitempty"`
	Message string `json:"message"`
}

func (p Problem) String() string {
	s := p.File
	if p.Line > 0 {
		s += ":" + strconv.Itoa(p.Line)
	}
	s += ": "
	if p.Field != "" {
		s += p.Field + ": "
	}
	return s + p.Message
}

// Problems is everything wrong in a file, as one error, so that a person
// fixes the file once.
type Problems []Problem

func (ps Problems) Error() string {
	const shown = 20
	var lines []string
	for i, p := range ps {
		if i == shown {
			lines = append(lines, fmt.Sprintf("… and %d more problems", len(ps)-shown))
			break
		}
		lines = append(lines, p.String())
	}
	return strings.Join(lines, "\n")
}

// FieldErrors presents the problems as field errors for the API and the
// pages: the field is the column, the detail starts with the line.
func (ps Problems) FieldErrors() []isms.FieldError {
	out := make([]isms.FieldError, len(ps))
	for i, p := range ps {
		field, detail := p.Field, p.Message
		if field == "" {
			field = "file"
		}
		if p.Line > 0 {
			detail = fmt.Sprintf("line %d: %s", p.Line, p.Message)
		}
		out[i] = isms.FieldError{Field: field, Detail: detail}
	}
	return out
}

// maxProblems keeps a hostile file from making us collect without end.
const maxProblems = 100

type reader struct {
	file     string
	problems Problems
}

func (r *reader) add(line int, field, format string, args ...any) {
	if len(r.problems) < maxProblems {
		r.problems = append(r.problems, Problem{File: r.file, Line: line, Field: field, Message: fmt.Sprintf(format, args...)})
	}
}

// ReadCSV reads the supplier CSV named file: a header row, then one
// supplier a row. It returns every row, or Problems naming every line and
// column that is wrong; never some rows and some problems.
func ReadCSV(file string, in io.Reader) ([]Row, error) {
	rd := &reader{file: file}
	data, err := io.ReadAll(io.LimitReader(in, MaxBytes+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", file, err)
	}
	switch {
	case len(data) > MaxBytes:
		rd.add(0, "", "the file is larger than %d MiB", MaxBytes>>20)
		return nil, rd.problems
	case !utf8.Valid(data):
		rd.add(0, "", "the file is not UTF-8 text; save it from the spreadsheet as CSV UTF-8")
		return nil, rd.problems
	}
	data = []byte(strings.TrimPrefix(string(data), "\uFEFF"))
	cr := csv.NewReader(strings.NewReader(string(data)))
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		rd.add(0, "", "the file is empty; it needs a header row naming the columns")
		return nil, rd.problems
	}
	if err != nil {
		rd.csvError(err)
		return nil, rd.problems
	}
	cols := rd.header(header)
	if len(rd.problems) > 0 {
		return nil, rd.problems
	}
	var rows []Row
	firstLine := map[string]int{}
	for {
		record, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			rd.csvError(err)
			break
		}
		line, _ := cr.FieldPos(0)
		if !slices.ContainsFunc(record, func(c string) bool { return strings.TrimSpace(c) != "" }) {
			// Spreadsheets write rows of empty cells after the data.
			continue
		}
		if len(record) != len(cols) {
			rd.add(line, "", "the row has %d cells; the header has %d", len(record), len(cols))
			continue
		}
		if len(rows) == isms.MaxSuppliers {
			rd.add(line, "", "the file has more than %d suppliers", isms.MaxSuppliers)
			break
		}
		cells := map[string]string{}
		for i, c := range cols {
			cells[c] = unneutralize(strings.TrimSpace(record[i]))
		}
		row, ok := rd.row(line, cells)
		if !ok {
			continue
		}
		row.Given = cols
		key := strings.ToLower(row.Supplier.Name)
		if first, dup := firstLine[key]; dup {
			rd.add(line, "name", "%q is also the name on line %d; each supplier is one row", clip(row.Supplier.Name), first)
			continue
		}
		firstLine[key] = line
		rows = append(rows, row)
	}
	if len(rd.problems) > 0 {
		return nil, rd.problems
	}
	return rows, nil
}

func (rd *reader) csvError(err error) {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		rd.add(pe.Line, "", "not valid CSV: %v", pe.Err)
		return
	}
	rd.add(0, "", "not valid CSV: %v", err)
}

func (rd *reader) header(header []string) []string {
	cols := make([]string, len(header))
	seen := map[string]bool{}
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(h))
		cols[i] = h
		switch {
		case seen[h]:
			rd.add(1, clip(h), "the column is given twice")
		case !slices.Contains(Columns, h):
			rd.add(1, clip(h), "is not a column of the supplier CSV; the columns are %s", strings.Join(Columns, ", "))
		}
		seen[h] = true
	}
	for _, c := range required {
		if !seen[c] {
			rd.add(1, c, "the column is required")
		}
	}
	return cols
}

// row reads the cells of one line; it reports whether they were all well
// formed.
func (rd *reader) row(line int, cells map[string]string) (Row, bool) {
	n := len(rd.problems)
	bad := func(col, format string, args ...any) { rd.add(line, col, format, args...) }
	text := func(col string, maxLen int, multiline bool) string {
		v := cells[col]
		switch {
		case utf8.RuneCountInString(v) > maxLen:
			bad(col, "is longer than %d characters", maxLen)
		case strings.ContainsFunc(v, func(r rune) bool { return unicode.IsControl(r) && !(multiline && (r == '\n' || r == '\t')) }):
			bad(col, "holds control characters")
		}
		return v
	}
	date := func(col string) *time.Time {
		v := cells[col]
		if v == "" {
			return nil
		}
		t, err := time.Parse(dateLayout, v)
		if err != nil {
			bad(col, "%q is not a date; write YYYY-MM-DD", clip(v))
			return nil
		}
		return &t
	}
	list := func(col string) []string {
		var out []string
		for _, part := range strings.Split(cells[col], ";") {
			if part = strings.ToLower(strings.TrimSpace(part)); part != "" {
				out = append(out, part)
			}
		}
		return out
	}
	r := Row{Line: line}
	s := &r.Supplier
	s.Name = text("name", 200, false)
	if s.Name == "" {
		bad("name", "is required")
	}
	s.Kind = isms.SupplierKind(strings.ToLower(cells["kind"]))
	if !slices.Contains(isms.SupplierKinds, s.Kind) {
		bad("kind", "%q is not a kind of supplier; use one of %s", clip(cells["kind"]), join(isms.SupplierKinds))
	}
	s.Criticality = isms.Criticality(strings.ToLower(cells["criticality"]))
	if !slices.Contains(isms.Criticalities, s.Criticality) {
		bad("criticality", "%q is not a criticality; use one of %s", clip(cells["criticality"]), join(isms.Criticalities))
	}
	if v := strings.ToLower(cells["status"]); v != "" {
		s.Status = isms.SupplierStatus(v)
		if !slices.Contains(isms.SupplierStatuses, s.Status) {
			bad("status", "%q is not a supplier status; use one of %s", clip(v), join(isms.SupplierStatuses))
		}
	}
	s.Services = text("services", 2000, true)
	r.Owner = strings.ToLower(text("owner", 254, false))
	s.Website = text("website", 500, false)
	s.Contact = text("contact", 300, false)
	for _, d := range list("data_shared") {
		if !slices.Contains(isms.DataCategories, isms.DataCategory(d)) {
			bad("data_shared", "%q is not a data category; use %s, separated by ;", clip(d), join(isms.DataCategories))
			continue
		}
		s.DataShared = append(s.DataShared, isms.DataCategory(d))
	}
	s.DataLocation = text("data_location", 300, false)
	for _, c := range list("clauses") {
		if _, ok := isms.ClauseByKey(c); !ok {
			bad("clauses", "%q is not a clause of the checklist; use %s, separated by ;", clip(c), clauseKeys())
			continue
		}
		s.Clauses = append(s.Clauses, c)
	}
	if v := cells["incident_hours"]; v != "" {
		h, err := strconv.Atoi(v)
		if err != nil || h < 0 || h > 720 {
			bad("incident_hours", "%q is not a number of hours from 0 to 720", clip(v))
		}
		s.IncidentHours = h
	}
	s.ContractEnds = date("contract_ends")
	if v := strings.ToLower(cells["review_cadence"]); v != "" {
		s.ReviewCadence = isms.Cadence(v)
		if !slices.Contains(isms.Cadences, s.ReviewCadence) {
			bad("review_cadence", "%q is not a cadence; use monthly, quarterly or yearly", clip(v))
		}
	}
	s.LastReviewed = date("last_reviewed")
	s.ExitPlan = text("exit_plan", 10000, true)
	s.Notes = text("notes", 10000, true)
	return r, len(rd.problems) == n
}

// WriteCSV writes rows with the full header, the layout ReadCSV reads.
// A cell a spreadsheet would run as a formula gets a leading quote, which
// ReadCSV removes.
func WriteCSV(w io.Writer, rows []Row) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(Columns); err != nil {
		return err
	}
	for _, r := range rows {
		s := r.Supplier
		data := make([]string, len(s.DataShared))
		for i, d := range s.DataShared {
			data[i] = string(d)
		}
		hours := ""
		if s.IncidentHours > 0 {
			hours = strconv.Itoa(s.IncidentHours)
		}
		byCol := map[string]string{"name": s.Name, "kind": string(s.Kind), "criticality": string(s.Criticality),
			"status": string(s.Status), "services": s.Services, "owner": r.Owner, "website": s.Website, "contact": s.Contact,
			"data_shared": strings.Join(data, ";"), "data_location": s.DataLocation, "clauses": strings.Join(s.Clauses, ";"),
			"incident_hours": hours, "contract_ends": dateCell(s.ContractEnds), "review_cadence": string(s.ReviewCadence),
			"last_reviewed": dateCell(s.LastReviewed), "exit_plan": s.ExitPlan, "notes": s.Notes}
		cells := make([]string, len(Columns))
		for i, c := range Columns {
			cells[i] = neutralize(byCol[c])
		}
		if err := cw.Write(cells); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

func dateCell(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.UTC().Format(dateLayout)
}

// formulaStarts are the first characters that make a spreadsheet read a
// cell as a formula.
const formulaStarts = "=+-@\t\r"

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

// clip shortens a value quoted back in a message.
func clip(s string) string {
	if utf8.RuneCountInString(s) <= 60 {
		return s
	}
	return string([]rune(s)[:60]) + "…"
}

func join[T ~string](values []T) string {
	parts := make([]string, len(values))
	for i, v := range values {
		parts[i] = string(v)
	}
	return strings.Join(parts, ", ")
}

func clauseKeys() string {
	keys := make([]string, len(isms.Clauses))
	for i, c := range isms.Clauses {
		keys[i] = c.Key
	}
	return strings.Join(keys, ", ")
}
