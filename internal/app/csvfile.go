package app

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/isms-dev/isms/internal/isms"
)

// MaxImportSize is the largest CSV file an import reads: a staff list or
// an account list of tens of thousands of rows.
const MaxImportSize = 8 << 20

// maxImportRows bounds the rows of an import.
const maxImportRows = 50000

// maxImportProblems is how many problems an import reports before it
// stops looking: enough to fix a file.
const maxImportProblems = 100

// csvRow is a row of an imported CSV file: its line in the file and its
// values by column name, for the columns the header has.
type csvRow struct {
	Line   int
	Values map[string]string
}

// Has reports whether the file has the column.
func (r csvRow) Has(col string) bool {
	_, ok := r.Values[col]
	return ok
}

// csvTable is an imported CSV file.
type csvTable struct {
	Columns []string
	Rows    []csvRow
}

// columnName turns a header cell into a column name: "Job title" and
// "job-title" both name job_title.
func columnName(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	return strings.NewReplacer(" ", "_", "-", "_").Replace(s)
}

// readCSV reads a CSV file with a header row whose cells name columns of
// known, every one of required among them. Every problem names its line
// and column; with any problem the rows are not to be used.
func readCSV(data []byte, known, required []string) (csvTable, isms.RowProblems) {
	var (
		t        csvTable
		problems isms.RowProblems
	)
	add := func(line int, field, format string, args ...any) bool {
		problems = append(problems, isms.RowProblem{Line: line, Field: field, Detail: fmt.Sprintf(format, args...)})
		return len(problems) < maxImportProblems
	}
	if len(data) > MaxImportSize {
		add(0, "", "the file is larger than %d MiB, the largest import isms reads", MaxImportSize>>20)
		return t, problems
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if !utf8.Valid(data) || bytes.IndexByte(data, 0) >= 0 {
		add(0, "", "the file is not UTF-8 text; save the spreadsheet as CSV UTF-8")
		return t, problems
	}
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1
	r.TrimLeadingSpace = true
	header, err := r.Read()
	if errors.Is(err, io.EOF) {
		add(0, "", "the file is empty; it needs a header row naming the columns %s", strings.Join(known, ", "))
		return t, problems
	}
	if err != nil {
		add(parseLine(err), "", "%s", parseDetail(err))
		return t, problems
	}
	seen := map[string]bool{}
	for _, h := range header {
		col := columnName(h)
		switch {
		case col == "":
			add(1, "", "a column has no name in the header")
		case !slices.Contains(known, col):
			add(1, col, "is not a column of this import; use %s", strings.Join(known, ", "))
		case seen[col]:
			add(1, col, "appears twice in the header")
		}
		seen[col] = true
		t.Columns = append(t.Columns, col)
	}
	for _, col := range required {
		if !seen[col] {
			add(1, col, "the header has no %s column, which is required", col)
		}
	}
	if len(problems) > 0 {
		return t, problems
	}
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			add(parseLine(err), "", "%s", parseDetail(err))
			return t, problems
		}
		line, _ := r.FieldPos(0)
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue // a blank line
		}
		if len(rec) != len(t.Columns) {
			if !add(line, "", "has %d fields; the header has %d", len(rec), len(t.Columns)) {
				return t, problems
			}
			continue
		}
		if len(t.Rows) == maxImportRows {
			add(line, "", "the file has more than %d rows; split it", maxImportRows)
			return t, problems
		}
		row := csvRow{Line: line, Values: make(map[string]string, len(rec))}
		for k, v := range rec {
			row.Values[t.Columns[k]] = strings.TrimSpace(v)
		}
		t.Rows = append(t.Rows, row)
	}
	if len(t.Rows) == 0 && len(problems) == 0 {
		add(0, "", "the file has a header but no rows")
	}
	return t, problems
}

func parseLine(err error) int {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return pe.Line
	}
	return 0
}

func parseDetail(err error) string {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return "not valid CSV: " + pe.Err.Error()
	}
	return "not valid CSV: " + err.Error()
}
