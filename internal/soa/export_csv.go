package soa

import (
	"encoding/csv"
	"fmt"
	"io"
)

// utf8BOM starts the CSV because Excel reads a CSV without it in the
// machine's legacy code page, which turns "Tomás" into "TomÃ¡s";
// LibreOffice and Google Sheets accept it either way.
const utf8BOM = "\uFEFF"

// WriteCSV writes the statement as CSV: a header row (Header), then one
// row per entry, every cell neutralised so that no spreadsheet evaluates
// it. Cells with several items (reasons, evidence, flags) hold one item a
// line.
func WriteCSV(w io.Writer, d Document) error {
	if _, err := io.WriteString(w, utf8BOM); err != nil {
		return fmt.Errorf("soa: write CSV: %w", err)
	}
	cw := csv.NewWriter(w)
	if err := cw.Write(Header()); err != nil {
		return fmt.Errorf("soa: write CSV header: %w", err)
	}
	for _, e := range d.Entries {
		row := Cells(e)
		for i := range row {
			row[i] = Neutralise(row[i])
		}
		if err := cw.Write(row); err != nil {
			return fmt.Errorf("soa: write CSV row of %s: %w", e.Control, err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("soa: write CSV: %w", err)
	}
	return nil
}
