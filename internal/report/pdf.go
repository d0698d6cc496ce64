package report

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/go-pdf/fpdf"
)

// Page geometry in millimetres.
const (
	marginSide   = 15.0
	marginTop    = 22.0 // room for the running header
	marginBottom = 18.0 // room for the footer
	cellPadX     = 1.4
	cellPadY     = 1.1
	ptToMM       = 25.4 / 72
	leading      = 1.3
)

var a4 = fpdf.SizeType{Wd: 210, Ht: 297}

// pdfMeta is what the title block, running header and footer say about a
// document.
type pdfMeta struct {
	title, subtitle, org string
	versionName          string // "Version", "Methodology version"
	version              string
	status               string
	approvedBy           string
	approvedAt           *time.Time
	generatedAt          time.Time
	generatedBy          string
	draftWarning         string // says what lacks approval when it is a draft
}

// pdfDoc wraps fpdf with the house style: fonts, colours, title block,
// running header, footer, wrapped tables and risk grids.
type pdfDoc struct {
	f           *fpdf.Fpdf
	meta        pdfMeta
	pages       int // total page count, known only in the second pass
	orientation string
}

// writePDF renders the document twice: the first pass counts the pages, the
// second prints "Page n of m". fpdf's page-count alias would do it in one
// pass, but it is replaced after the UTF-8 font subset is built, so digits
// used only in the total could be missing from the embedded font.
func writePDF(w io.Writer, m pdfMeta, body func(p *pdfDoc)) error {
	first, err := renderPDF(m, 0, body)
	if err != nil {
		return err
	}
	final, err := renderPDF(m, first.f.PageNo(), body)
	if err != nil {
		return err
	}
	if err := final.f.Output(w); err != nil {
		return fmt.Errorf("report: write PDF: %w", err)
	}
	return nil
}

func renderPDF(m pdfMeta, pages int, body func(p *pdfDoc)) (*pdfDoc, error) {
	f := fpdf.NewCustom(&fpdf.InitType{OrientationStr: "P", UnitStr: "mm", Size: a4})
	p := &pdfDoc{f: f, meta: m, pages: pages, orientation: "P"}
	// Fixed dates and sorted catalogues make the same input give the same
	// bytes, so a re-export can be compared with the copy an auditor holds.
	f.SetCreationDate(m.generatedAt.UTC())
	f.SetModificationDate(m.generatedAt.UTC())
	f.SetCatalogSort(true)
	f.AddUTF8FontFromBytes(fontFamily, "", fontRegular)
	f.AddUTF8FontFromBytes(fontFamily, "B", fontBold)
	f.SetTitle(pdfText(m.title), true)
	f.SetSubject(pdfText(m.org), true)
	f.SetAuthor(pdfText(m.generatedBy), true)
	f.SetCreator("isms", true)
	f.SetLang("en")
	f.SetMargins(marginSide, marginTop, marginSide)
	f.SetAutoPageBreak(true, marginBottom)
	f.SetCellMargin(cellPadX)
	f.SetHeaderFuncMode(p.header, true)
	f.SetFooterFunc(p.footer)
	f.AddPage()
	p.titleBlock()
	body(p)
	if err := f.Error(); err != nil {
		return nil, fmt.Errorf("report: render PDF: %w", err)
	}
	return p, nil
}

func (p *pdfDoc) font(style string, size float64) { p.f.SetFont(fontFamily, style, size) }

func (p *pdfDoc) color(c rgb) { p.f.SetTextColor(c.R, c.G, c.B) }

func (p *pdfDoc) fill(c rgb) { p.f.SetFillColor(c.R, c.G, c.B) }

func (p *pdfDoc) draw(c rgb) { p.f.SetDrawColor(c.R, c.G, c.B) }

func (p *pdfDoc) width() float64 {
	w, _ := p.f.GetPageSize()
	return w - 2*marginSide
}

func (p *pdfDoc) bottom() float64 {
	_, h := p.f.GetPageSize()
	return h - marginBottom
}

func (p *pdfDoc) addPage(orientation string) {
	p.orientation = orientation
	p.f.AddPageFormat(orientation, a4)
}

// ensure starts a new page unless h millimetres are left, so headings and
// grids are not separated from what follows them. A page that is still
// empty is kept even if h does not fit, or a block taller than a page would
// add blank pages.
func (p *pdfDoc) ensure(h float64) {
	if p.f.GetY() > marginTop+1 && p.f.GetY()+h > p.bottom() {
		p.addPage(p.orientation)
	}
}

func (p *pdfDoc) approval() (string, bool) {
	return approvalText(p.meta.approvedBy, p.meta.approvedAt)
}

func (p *pdfDoc) header() {
	if p.f.PageNo() == 1 {
		return // the title block says it all
	}
	right := p.meta.versionName + " " + p.meta.version
	_, approved := p.approval()
	rightStyle, rightInk := "", muted
	if approved {
		right += " · approved"
	} else {
		right += " · " + draftNotice
		rightStyle, rightInk = "B", draftRed
	}
	p.font(rightStyle, 7.5)
	rw := p.f.GetStringWidth(right) + 2*cellPadX
	p.font("", 7.5)
	p.f.SetXY(marginSide, 10)
	p.color(muted)
	p.f.CellFormat(p.width()-rw, 5, p.fit(p.meta.org+" · "+p.meta.title, p.width()-rw-4), "", 0, "L", false, 0, "")
	p.font(rightStyle, 7.5)
	p.color(rightInk)
	p.f.CellFormat(rw, 5, pdfText(right), "", 0, "R", false, 0, "")
	p.draw(rule)
	p.f.SetLineWidth(0.2)
	p.f.Line(marginSide, 15.5, marginSide+p.width(), 15.5)
	p.color(ink)
}

func (p *pdfDoc) footer() {
	_, h := p.f.GetPageSize()
	p.draw(rule)
	p.f.SetLineWidth(0.2)
	p.f.Line(marginSide, h-14, marginSide+p.width(), h-14)
	p.font("", 7.5)
	p.color(muted)
	page := fmt.Sprintf("Page %d of %d", p.f.PageNo(), p.pages)
	pw := p.f.GetStringWidth(page) + 2*cellPadX
	p.f.SetXY(marginSide, h-13)
	p.f.CellFormat(p.width()-pw, 5, p.fit("Generated "+generatedText(p.meta.generatedAt, p.meta.generatedBy), p.width()-pw-4), "", 0, "L", false, 0, "")
	p.f.CellFormat(pw, 5, page, "", 0, "R", false, 0, "")
	p.color(ink)
}

// fit shortens s with an ellipsis to fit w at the current font, for one-line
// slots such as the running header.
func (p *pdfDoc) fit(s string, w float64) string {
	s = strings.ReplaceAll(pdfText(s), "\n", " ")
	if p.f.GetStringWidth(s)+2*cellPadX <= w {
		return s
	}
	r := []rune(s)
	for len(r) > 0 && p.f.GetStringWidth(string(r)+"…")+2*cellPadX > w {
		r = r[:len(r)-1]
	}
	return string(r) + "…"
}

func (p *pdfDoc) titleBlock() {
	m := p.meta
	p.f.SetY(marginTop)
	p.font("B", 10)
	p.color(muted)
	p.lines(m.org, 10)
	p.f.Ln(2)
	p.font("B", 22)
	p.color(navy)
	p.lines(m.title, 22)
	if m.subtitle != "" {
		p.font("", 11)
		p.color(muted)
		p.lines(m.subtitle, 11)
	}
	p.f.Ln(4)
	text, approved := p.approval()
	if !approved {
		p.banner(draftNotice, m.draftWarning)
	}
	status := p.meta.status
	if status == "" {
		status = "–"
	}
	approval := cell{text: text, bold: true, ink: &approvedInk}
	if !approved {
		approval.ink = &draftRed
	}
	p.table([]column{{weight: 1}, {weight: 3.2}}, [][]cell{
		{label(m.versionName), {text: m.version}},
		{label("Status"), {text: status}},
		{label("Approval"), approval},
		{label("Generated"), {text: generatedText(m.generatedAt, m.generatedBy)}},
	}, 9)
	p.f.Ln(4)
}

// banner draws a boxed red warning.
func (p *pdfDoc) banner(title, text string) {
	x, y := marginSide, p.f.GetY()
	p.font("", 9)
	body := p.wrap(text, p.width()-6)
	h := 4 + 6.5 + float64(len(body))*9*ptToMM*leading + 3
	p.fill(rgb{0xFD, 0xEC, 0xEC})
	p.draw(draftRed)
	p.f.SetLineWidth(0.6)
	p.f.Rect(x, y, p.width(), h, "FD")
	p.f.SetLineWidth(0.2)
	p.f.SetXY(x+3, y+3)
	p.font("B", 13)
	p.color(draftRed)
	p.f.CellFormat(p.width()-6, 6.5, title, "", 2, "L", false, 0, "")
	p.font("", 9)
	for _, l := range body {
		p.f.SetX(x + 3)
		p.f.CellFormat(p.width()-6, 9*ptToMM*leading, l, "", 2, "L", false, 0, "")
	}
	p.f.SetXY(marginSide, y+h+4)
	p.color(ink)
}

// heading starts a numbered part of the document and bookmarks it, so a
// long register can be navigated from the PDF outline.
func (p *pdfDoc) heading(text string) {
	p.f.Ln(2)
	p.ensure(30)
	p.font("B", 14)
	p.f.Bookmark(pdfText(text), 0, -1)
	p.color(navy)
	p.lines(text, 14)
	p.draw(navy)
	p.f.SetLineWidth(0.4)
	p.f.Line(marginSide, p.f.GetY()+0.5, marginSide+p.width(), p.f.GetY()+0.5)
	p.f.SetLineWidth(0.2)
	p.f.Ln(3)
	p.color(ink)
}

func (p *pdfDoc) subheading(text string) {
	p.f.Ln(2)
	p.ensure(25)
	p.font("B", 11)
	p.f.Bookmark(pdfText(text), 1, -1)
	p.color(navy)
	p.lines(text, 11)
	p.f.Ln(1)
	p.color(ink)
}

func (p *pdfDoc) paragraph(text string) {
	p.font("", 9.5)
	p.color(ink)
	p.lines(text, 9.5)
	p.f.Ln(2)
}

// lines writes wrapped text across the page at the current font, whose
// size sets the line height; pages break as needed.
func (p *pdfDoc) lines(text string, size float64) {
	for _, l := range p.wrap(text, p.width()) {
		p.f.SetX(marginSide)
		p.f.CellFormat(p.width(), size*ptToMM*leading, l, "", 2, "L", false, 0, "")
	}
}

// wrap breaks text into lines that fit a cell of width w at the current
// font. fpdf's own SplitText counts zero-width glyphs such as combining
// accents as 65535 units wide, which would break lines around every
// decomposed "á".
func (p *pdfDoc) wrap(text string, w float64) []string {
	limit := w - 2*cellPadX
	var out []string
	for _, para := range strings.Split(pdfText(text), "\n") {
		line := ""
		for _, word := range strings.Fields(para) {
			candidate := word
			if line != "" {
				candidate = line + " " + word
			}
			if p.f.GetStringWidth(candidate) <= limit {
				line = candidate
				continue
			}
			if line != "" {
				out = append(out, line)
			}
			line = ""
			// A word wider than the cell, such as a URL, is cut by
			// characters rather than overflowing into the next column.
			for utf8.RuneCountInString(word) > 1 && p.f.GetStringWidth(word) > limit {
				r := []rune(word)
				n := len(r) - 1
				for n > 1 && p.f.GetStringWidth(string(r[:n])) > limit {
					n--
				}
				out = append(out, string(r[:n]))
				word = string(r[n:])
			}
			line = word
		}
		out = append(out, line)
	}
	return out
}

// column of a table; weights are shared out over the page width.
type column struct {
	header string
	weight float64
	align  string
}

// cell of a table. A fill marks risk levels; the text colour then follows
// the fill unless ink says otherwise.
type cell struct {
	text string
	bold bool
	fill *rgb
	ink  *rgb
}

func label(s string) cell { return cell{text: s, bold: true, ink: &muted} }

func levelCell(lv levels, name string) cell {
	if name == "" {
		return cell{text: notRated, ink: &muted}
	}
	c := lv.color(name)
	return cell{text: name, bold: true, fill: &c}
}

// table draws rows over the full width; see tableWidth.
func (p *pdfDoc) table(cols []column, rows [][]cell, size float64) {
	p.tableWidth(p.width(), cols, rows, size)
}

// tableWidth draws rows that wrap their text, break across pages and repeat
// the header on each page. A row taller than a page is split between pages.
func (p *pdfDoc) tableWidth(width float64, cols []column, rows [][]cell, size float64) {
	total := 0.0
	for _, c := range cols {
		total += c.weight
	}
	widths := make([]float64, len(cols))
	for k, c := range cols {
		widths[k] = width * c.weight / total
	}
	lineH := size * ptToMM * leading
	var header []cell
	for _, c := range cols {
		if c.header != "" {
			header = make([]cell, len(cols))
			for k, c := range cols {
				header[k] = cell{text: c.header, bold: true, fill: &navy}
			}
			break
		}
	}
	headerLines := p.split(widths, header, size)
	headerH := float64(maxLines(headerLines))*lineH + 2*cellPadY
	if header == nil {
		headerH = 0
	}
	drawHeader := func() {
		if header != nil {
			p.row(cols, widths, header, headerLines, 0, maxLines(headerLines), size, nil)
		}
	}
	// Keep the header with at least two lines of the first row.
	p.ensure(headerH + 2*lineH + 2*cellPadY)
	drawHeader()
	_, pageH := p.f.GetPageSize()
	room := pageH - marginTop - marginBottom - headerH
	for k, r := range rows {
		lines := p.split(widths, r, size)
		n := maxLines(lines)
		h := float64(n)*lineH + 2*cellPadY
		left := p.bottom() - p.f.GetY()
		if h > left && (h <= room || left < 3*lineH+2*cellPadY) {
			p.addPage(p.orientation)
			drawHeader()
		}
		var stripe *rgb
		if k%2 == 1 {
			stripe = &zebra
		}
		for start := 0; ; {
			fits := max(1, int((p.bottom()-p.f.GetY()-2*cellPadY)/lineH))
			take := min(fits, n-start)
			p.row(cols, widths, r, lines, start, take, size, stripe)
			if start += take; start >= n {
				break
			}
			p.addPage(p.orientation)
			drawHeader()
		}
	}
	p.f.Ln(3)
}

func (p *pdfDoc) split(widths []float64, cells []cell, size float64) [][]string {
	out := make([][]string, len(cells))
	for k, c := range cells {
		p.cellFont(c, size)
		out[k] = p.wrap(c.text, widths[k])
	}
	return out
}

func (p *pdfDoc) cellFont(c cell, size float64) {
	if c.bold {
		p.font("B", size)
	} else {
		p.font("", size)
	}
}

func maxLines(lines [][]string) int {
	n := 1
	for _, l := range lines {
		n = max(n, len(l))
	}
	return n
}

// row draws lines [start, start+take) of every cell of a table row.
func (p *pdfDoc) row(cols []column, widths []float64, cells []cell, lines [][]string, start, take int, size float64, stripe *rgb) {
	lineH := size * ptToMM * leading
	x, y := marginSide, p.f.GetY()
	h := float64(take)*lineH + 2*cellPadY
	p.draw(rule)
	p.f.SetLineWidth(0.2)
	for k, c := range cells {
		bg, fg := white, ink
		if stripe != nil {
			bg = *stripe
		}
		if c.fill != nil {
			bg, fg = *c.fill, c.fill.text()
		}
		if c.ink != nil {
			fg = *c.ink
		}
		p.fill(bg)
		p.f.Rect(x, y, widths[k], h, "FD")
		p.cellFont(c, size)
		p.color(fg)
		align := cols[k].align
		if align == "" {
			align = "L"
		}
		for j := start; j < start+take && j < len(lines[k]); j++ {
			p.f.SetXY(x, y+cellPadY+float64(j-start)*lineH)
			p.f.CellFormat(widths[k], lineH, lines[k][j], "", 0, align, false, 0, "")
		}
		x += widths[k]
	}
	p.color(ink)
	p.f.SetXY(marginSide, y+h)
}

// riskGrid draws a titled likelihood × impact grid coloured by the
// methodology's levels: likelihood rows from highest to lowest, impact
// columns ascending. mark gives the large and small text of a cell.
func (p *pdfDoc) riskGrid(title string, g grid, lv levels, mark func(l, i int) (big, small string)) {
	const labelW, cellH, axisH = 40.0, 13.0, 12.0
	// Title, axis captions, rows, impact labels and legend stay together.
	p.ensure(12 + 6 + float64(len(g.likelihood))*cellH + axisH + 10)
	p.subheading(title)
	if len(g.likelihood) == 0 || len(g.impact) == 0 {
		p.paragraph("The methodology defines no likelihood or impact scale.")
		return
	}
	cellW := min(26, (p.width()-labelW)/float64(len(g.impact)))
	x0 := marginSide
	p.font("B", 8)
	p.color(muted)
	p.f.SetX(x0)
	p.f.CellFormat(labelW, 6, "Likelihood", "", 0, "L", false, 0, "")
	p.f.CellFormat(cellW*float64(len(g.impact)), 6, "Impact", "", 1, "C", false, 0, "")
	y := p.f.GetY()
	p.draw(white)
	p.f.SetLineWidth(0.8)
	for r, l := range g.likelihood {
		cy := y + float64(r)*cellH
		p.font("", 7.5)
		p.color(ink)
		p.boxText(x0, cy, labelW, cellH, scaleLabel(l), 7.5, "L")
		for c, i := range g.impact {
			cx := x0 + labelW + float64(c)*cellW
			bg := lv.color(g.level(l.Value, i.Value))
			p.fill(bg)
			p.f.Rect(cx, cy, cellW, cellH, "FD")
			big, small := mark(l.Value, i.Value)
			p.color(bg.text())
			p.font("B", 11)
			p.f.SetXY(cx, cy+1.8)
			p.f.CellFormat(cellW, 5.5, pdfText(big), "", 0, "C", false, 0, "")
			if small != "" {
				p.font("", 6.5)
				p.f.SetXY(cx, cy+7.5)
				p.f.CellFormat(cellW, 3.5, p.fit(small, cellW), "", 0, "C", false, 0, "")
			}
		}
	}
	ay := y + float64(len(g.likelihood))*cellH + 1
	for c, i := range g.impact {
		p.font("", 7)
		p.color(ink)
		p.boxText(x0+labelW+float64(c)*cellW, ay, cellW, axisH, scaleLabel(i), 7, "C")
	}
	p.f.SetLineWidth(0.2)
	p.f.SetXY(marginSide, ay+axisH+1)
	p.legend(lv)
}

// boxText writes wrapped text vertically centred in a box.
func (p *pdfDoc) boxText(x, y, w, h float64, text string, size float64, align string) {
	lines := p.wrap(text, w)
	lineH := size * ptToMM * 1.2
	top := y + (h-float64(len(lines))*lineH)/2
	for k, l := range lines {
		p.f.SetXY(x, top+float64(k)*lineH)
		p.f.CellFormat(w, lineH, l, "", 0, align, false, 0, "")
	}
}

func (p *pdfDoc) legend(lv levels) {
	x, y := marginSide, p.f.GetY()
	p.font("", 8)
	p.draw(rule)
	for _, l := range lv.list {
		name := pdfText(l.Name)
		w := 4 + 1.5 + p.f.GetStringWidth(name) + 6
		if x+w > marginSide+p.width() {
			x, y = marginSide, y+6
		}
		p.fill(lv.color(l.Name))
		p.f.Rect(x, y+0.5, 4, 4, "FD")
		p.color(ink)
		p.f.SetXY(x+5.5, y)
		p.f.CellFormat(w-5.5, 5, name, "", 0, "L", false, 0, "")
		x += w
	}
	p.f.SetXY(marginSide, y+9)
}

// heatMap draws risk counts per cell and says how many risks could not be
// placed, so that the total always adds up.
func (p *pdfDoc) heatMap(title string, g grid, lv levels, h heat) {
	p.riskGrid(title, g, lv, func(l, i int) (string, string) {
		return strconv.Itoa(h.counts[[2]int{l, i}]), g.level(l, i)
	})
	if h.unrated > 0 {
		p.paragraph(fmt.Sprintf("%d risk(s) not shown: not yet rated on both scales.", h.unrated))
	}
}

func (p *pdfDoc) levelSummary(lv levels, names []string, title string) {
	rows := [][]cell{}
	for _, c := range lv.count(names) {
		lc := levelCell(lv, c.Level)
		if c.Level == notRated {
			lc = cell{text: notRated, ink: &muted}
		}
		rows = append(rows, []cell{lc, {text: strconv.Itoa(c.Count)}})
	}
	p.tableWidth(80, []column{{header: title, weight: 2}, {header: "Risks", weight: 1, align: "R"}}, rows, 9)
}
