package report

import (
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"github.com/isms-dev/isms/internal/soa"
)

// Cell values besides string and int, so that the writer can pick styles.
type (
	xDate  struct{ t *time.Time } // a calendar date, shown yyyy-mm-dd
	xStamp struct{ t time.Time }  // an instant, shown in UTC
	xLevel string                 // a risk level, filled with its colour
	xLabel string                 // a bold caption
	// xApproval shows who approved and when, or the draft notice in red.
	xApproval struct {
		by string
		at *time.Time
	}
)

// xColumn is a column of a tabular sheet.
type xColumn struct {
	header string
	width  float64
}

// book builds a workbook. The first error sticks and later calls do
// nothing, like bufio.Writer, so sheet builders read as plain sequences of
// writes and report the error once.
type book struct {
	f      *excelize.File
	err    error
	sheets int
	lv     levels
	style  struct{ header, text, number, date, stamp, label, title, caption, note, unrated, draft int }
	levels map[levelKey]int
}

type levelKey struct {
	c      rgb
	center bool
}

func newBook(title, org, author string, generated time.Time, lv levels) *book {
	b := &book{f: excelize.NewFile(), lv: lv, levels: map[levelKey]int{}}
	stamp := generated.UTC().Format(time.RFC3339)
	b.check(b.f.SetDocProps(&excelize.DocProperties{
		Title:          title,
		Subject:        org,
		Creator:        author,
		LastModifiedBy: author,
		Created:        stamp,
		Modified:       stamp,
		Language:       "en",
	}))
	border := []excelize.Border{
		{Type: "left", Color: rule.hex(), Style: 1},
		{Type: "right", Color: rule.hex(), Style: 1},
		{Type: "top", Color: rule.hex(), Style: 1},
		{Type: "bottom", Color: rule.hex(), Style: 1},
	}
	top := &excelize.Alignment{Vertical: "top", WrapText: true}
	dateFmt, stampFmt := "yyyy-mm-dd", "yyyy-mm-dd hh:mm"
	b.style.header = b.newStyle(&excelize.Style{
		Border:    border,
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{navy.hex()}},
		Font:      &excelize.Font{Bold: true, Color: white.hex()},
		Alignment: &excelize.Alignment{Vertical: "center", WrapText: true},
	})
	b.style.text = b.newStyle(&excelize.Style{Border: border, Alignment: top})
	b.style.number = b.newStyle(&excelize.Style{Border: border, Alignment: &excelize.Alignment{Vertical: "top", Horizontal: "center"}})
	b.style.date = b.newStyle(&excelize.Style{Border: border, Alignment: top, CustomNumFmt: &dateFmt})
	b.style.stamp = b.newStyle(&excelize.Style{Border: border, Alignment: top, CustomNumFmt: &stampFmt})
	b.style.label = b.newStyle(&excelize.Style{Border: border, Alignment: top, Font: &excelize.Font{Bold: true, Color: muted.hex()}})
	b.style.title = b.newStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 14, Color: navy.hex()}})
	b.style.caption = b.newStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Color: navy.hex()}})
	b.style.note = b.newStyle(&excelize.Style{Font: &excelize.Font{Italic: true, Color: muted.hex()}})
	b.style.unrated = b.newStyle(&excelize.Style{Border: border, Alignment: top, Font: &excelize.Font{Italic: true, Color: muted.hex()}})
	b.style.draft = b.newStyle(&excelize.Style{Border: border, Alignment: top, Font: &excelize.Font{Bold: true, Color: draftRed.hex()}})
	return b
}

func (b *book) check(err error) {
	if b.err == nil && err != nil {
		b.err = err
	}
}

func (b *book) newStyle(s *excelize.Style) int {
	if b.err != nil {
		return 0
	}
	id, err := b.f.NewStyle(s)
	b.check(err)
	return id
}

// levelStyle fills a cell with a level's colour, one style per colour.
func (b *book) levelStyle(c rgb, center bool) int {
	key := levelKey{c, center}
	if id, ok := b.levels[key]; ok {
		return id
	}
	align := &excelize.Alignment{Vertical: "top", WrapText: true}
	if center {
		align = &excelize.Alignment{Vertical: "center", Horizontal: "center", WrapText: true}
	}
	id := b.newStyle(&excelize.Style{
		Border: []excelize.Border{
			{Type: "left", Color: white.hex(), Style: 2},
			{Type: "right", Color: white.hex(), Style: 2},
			{Type: "top", Color: white.hex(), Style: 2},
			{Type: "bottom", Color: white.hex(), Style: 2},
		},
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{c.hex()}},
		Font:      &excelize.Font{Bold: true, Color: c.text().hex()},
		Alignment: align,
	})
	b.levels[key] = id
	return id
}

// sheet adds a worksheet; the first reuses the default one.
func (b *book) sheet(name string) string {
	if b.err != nil {
		return name
	}
	if b.sheets == 0 {
		b.check(b.f.SetSheetName(b.f.GetSheetName(0), name))
	} else {
		_, err := b.f.NewSheet(name)
		b.check(err)
	}
	b.sheets++
	return name
}

func ref(col, row int) string {
	name, err := excelize.CoordinatesToCellName(col, row)
	if err != nil {
		panic(err) // columns and rows are computed from small counts
	}
	return name
}

func colName(col int) string {
	name, err := excelize.ColumnNumberToName(col)
	if err != nil {
		panic(err)
	}
	return name
}

// put writes v into a cell with the style its type calls for.
func (b *book) put(sheet string, col, row int, v any) {
	if b.err != nil {
		return
	}
	at := ref(col, row)
	style := b.style.text
	switch v := v.(type) {
	case string:
		if v != "" {
			b.check(b.f.SetCellStr(sheet, at, soa.Neutralise(v)))
		}
	case int:
		b.check(b.f.SetCellInt(sheet, at, int64(v)))
		style = b.style.number
	case xDate:
		if v.t != nil {
			u := v.t.UTC()
			b.check(b.f.SetCellValue(sheet, at, time.Date(u.Year(), u.Month(), u.Day(), 0, 0, 0, 0, time.UTC)))
		}
		style = b.style.date
	case xStamp:
		b.check(b.f.SetCellValue(sheet, at, v.t.UTC().Truncate(time.Second)))
		style = b.style.stamp
	case xLevel:
		if v == "" {
			b.check(b.f.SetCellStr(sheet, at, notRated))
			style = b.style.unrated
		} else {
			b.check(b.f.SetCellStr(sheet, at, soa.Neutralise(string(v))))
			style = b.levelStyle(b.lv.color(string(v)), false)
		}
	case xLabel:
		b.check(b.f.SetCellStr(sheet, at, soa.Neutralise(string(v))))
		style = b.style.label
	case xApproval:
		text, ok := approvalText(v.by, v.at)
		b.check(b.f.SetCellStr(sheet, at, soa.Neutralise(text)))
		if !ok {
			style = b.style.draft
		}
	default:
		b.check(fmt.Errorf("report: unsupported cell value %T", v))
	}
	b.check(b.f.SetCellStyle(sheet, at, at, style))
}

func (b *book) styleCell(sheet string, col, row, style int) {
	if b.err == nil {
		b.check(b.f.SetCellStyle(sheet, ref(col, row), ref(col, row), style))
	}
}

func (b *book) text(sheet string, col, row int, s string, style int) {
	if b.err == nil {
		b.check(b.f.SetCellStr(sheet, ref(col, row), soa.Neutralise(s)))
		b.styleCell(sheet, col, row, style)
	}
}

func (b *book) widths(sheet string, widths ...float64) {
	for k, w := range widths {
		if b.err == nil {
			c := colName(k + 1)
			b.check(b.f.SetColWidth(sheet, c, c, w))
		}
	}
}

// table writes a sheet holding one table: header in row 1, frozen together
// with the first column, which identifies the row, and an autofilter over
// all rows.
func (b *book) table(name string, cols []xColumn, rows [][]any) {
	sheet := b.sheet(name)
	for k, c := range cols {
		b.text(sheet, k+1, 1, c.header, b.style.header)
		if b.err == nil {
			b.check(b.f.SetColWidth(sheet, colName(k+1), colName(k+1), c.width))
		}
	}
	for r, values := range rows {
		for k, v := range values {
			b.put(sheet, k+1, r+2, v)
		}
	}
	if b.err != nil || len(cols) == 0 {
		return
	}
	b.check(b.f.AutoFilter(sheet, ref(1, 1)+":"+ref(len(cols), len(rows)+1), nil))
	b.check(b.f.SetPanes(sheet, &excelize.Panes{
		Freeze:      true,
		XSplit:      1,
		YSplit:      1,
		TopLeftCell: "B2",
		ActivePane:  "bottomRight",
	}))
}

// cover writes the metadata sheet an auditor reads first.
func (b *book) cover(title, subtitle string, rows [][2]any) {
	sheet := b.sheet("Cover")
	b.widths(sheet, 26, 70)
	b.text(sheet, 1, 1, title, b.style.title)
	if subtitle != "" {
		b.text(sheet, 1, 2, subtitle, b.style.note)
	}
	for k, r := range rows {
		b.put(sheet, 1, k+4, r[0])
		b.put(sheet, 2, k+4, r[1])
	}
}

// merged writes v across columns c1..c2 of a row, for long texts in a
// sheet whose columns are sized for a grid.
func (b *book) merged(sheet string, c1, c2, row int, v any) {
	b.put(sheet, c1, row, v)
	if b.err != nil {
		return
	}
	style, err := b.f.GetCellStyle(sheet, ref(c1, row))
	b.check(err)
	b.span(sheet, c1, c2, row, style)
}

// span merges columns c1..c2 of a row and gives every cell the style, so
// that borders and fills cover the whole merged cell.
func (b *book) span(sheet string, c1, c2, row, style int) {
	if b.err != nil {
		return
	}
	b.check(b.f.SetCellStyle(sheet, ref(c1, row), ref(c2, row), style))
	if c2 > c1 {
		b.check(b.f.MergeCell(sheet, ref(c1, row), ref(c2, row)))
	}
}

// fitRow sets the height of a row whose merged cell holds wrapped text:
// spreadsheet programs size rows to fit wrapped text, but not text in merged
// cells.
func (b *book) fitRow(sheet string, row int, text string, width float64) {
	lines := 0
	perLine := max(1, int(width*1.1))
	for _, p := range strings.Split(text, "\n") {
		lines += max(1, (utf8.RuneCountInString(p)+perLine-1)/perLine)
	}
	if b.err == nil && lines > 1 {
		b.check(b.f.SetRowHeight(sheet, row, float64(lines)*15+3))
	}
}

// grid writes a likelihood × impact grid from (col 1, row): likelihood
// values and labels in the first two columns, highest first, impact across
// from the third, every cell coloured by the matrix level. It returns the
// next free row.
func (b *book) grid(sheet string, row int, g grid, value func(l, i int) any) int {
	b.text(sheet, 1, row, "Likelihood", b.style.header)
	b.span(sheet, 1, 2, row, b.style.header)
	for c, i := range g.impact {
		b.text(sheet, c+3, row, "Impact "+scaleLabel(i), b.style.header)
	}
	for r, l := range g.likelihood {
		y := row + 1 + r
		b.put(sheet, 1, y, l.Value)
		b.put(sheet, 2, y, xLabel(l.Label))
		for c, i := range g.impact {
			v := value(l.Value, i.Value)
			switch v := v.(type) {
			case int:
				if b.err == nil {
					b.check(b.f.SetCellInt(sheet, ref(c+3, y), int64(v)))
				}
			case string:
				if b.err == nil && v != "" {
					b.check(b.f.SetCellStr(sheet, ref(c+3, y), soa.Neutralise(v)))
				}
			}
			b.styleCell(sheet, c+3, y, b.levelStyle(b.lv.color(g.level(l.Value, i.Value)), true))
		}
		if b.err == nil {
			b.check(b.f.SetRowHeight(sheet, y, 30))
		}
	}
	return row + 1 + len(g.likelihood)
}

func (b *book) write(w io.Writer) error {
	if b.err != nil {
		return fmt.Errorf("report: build workbook: %w", b.err)
	}
	b.f.SetActiveSheet(0)
	if err := b.f.Write(w); err != nil {
		return fmt.Errorf("report: write workbook: %w", err)
	}
	return nil
}
