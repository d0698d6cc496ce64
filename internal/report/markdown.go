package report

import (
	"strconv"
	"strings"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	east "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/text"
)

var markdownParser = goldmark.New(goldmark.WithExtensions(extension.Table, extension.Strikethrough)).Parser()

// MarkdownSections lays out a document written in Markdown as the
// sections DocumentPDF prints: a heading starts a section, paragraphs and
// list items become its paragraphs (items with a bullet or their number),
// and a table ends it. The first top-level heading is the document's
// title, which the title block already shows, so it is left out. Raw HTML
// is dropped, as on the page.
func MarkdownSections(src string) []Section {
	source := []byte(src)
	doc := markdownParser.Parse(text.NewReader(source))
	var out []Section
	cur := &Section{}
	flush := func() {
		if cur.Heading != "" || len(cur.Paragraphs) > 0 || cur.Table != nil {
			out = append(out, *cur)
		}
		cur = &Section{}
	}
	titleSeen := false
	var block func(n ast.Node, prefix string)
	block = func(n ast.Node, prefix string) {
		switch n := n.(type) {
		case *ast.Heading:
			t := inlineText(n, source)
			if n.Level == 1 && !titleSeen {
				titleSeen = true
				return
			}
			flush()
			cur.Heading = t
		case *ast.Paragraph, *ast.TextBlock:
			if t := inlineText(n, source); t != "" {
				cur.Paragraphs = append(cur.Paragraphs, prefix+t)
			}
		case *ast.List:
			i := n.Start
			for item := n.FirstChild(); item != nil; item = item.NextSibling() {
				mark := "•  "
				if n.IsOrdered() {
					mark = strconv.Itoa(i) + ".  "
					i++
				}
				first := true
				for c := item.FirstChild(); c != nil; c = c.NextSibling() {
					if first {
						block(c, prefix+mark)
						first = false
					} else {
						block(c, prefix+"    ")
					}
				}
			}
		case *ast.Blockquote:
			for c := n.FirstChild(); c != nil; c = c.NextSibling() {
				block(c, prefix+"│ ")
			}
		case *ast.FencedCodeBlock, *ast.CodeBlock:
			var b strings.Builder
			lines := n.Lines()
			for i := 0; i < lines.Len(); i++ {
				seg := lines.At(i)
				b.Write(seg.Value(source))
			}
			if t := strings.TrimRight(b.String(), "\n"); t != "" {
				cur.Paragraphs = append(cur.Paragraphs, t)
			}
		case *east.Table:
			t := &Table{}
			for row := n.FirstChild(); row != nil; row = row.NextSibling() {
				var cells []string
				for c := row.FirstChild(); c != nil; c = c.NextSibling() {
					cells = append(cells, inlineText(c, source))
				}
				if _, head := row.(*east.TableHeader); head {
					t.Header = cells
				} else {
					t.Rows = append(t.Rows, cells)
				}
			}
			cur.Table = t
			flush()
		case *ast.ThematicBreak, *ast.HTMLBlock:
		default:
			for c := n.FirstChild(); c != nil; c = c.NextSibling() {
				block(c, prefix)
			}
		}
	}
	for c := doc.FirstChild(); c != nil; c = c.NextSibling() {
		block(c, "")
	}
	flush()
	return out
}

// inlineText joins the text of a block's inline content; line breaks
// inside a paragraph become spaces, as a reader would see them.
func inlineText(n ast.Node, source []byte) string {
	var b strings.Builder
	_ = ast.Walk(n, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch c := c.(type) {
		case *ast.Text:
			b.Write(c.Segment.Value(source))
			if c.SoftLineBreak() || c.HardLineBreak() {
				b.WriteByte(' ')
			}
		case *ast.String:
			b.Write(c.Value)
		case *ast.RawHTML:
			return ast.WalkSkipChildren, nil
		case *ast.CodeSpan:
			for t := c.FirstChild(); t != nil; t = t.NextSibling() {
				if s, ok := t.(*ast.Text); ok {
					b.Write(s.Segment.Value(source))
				}
			}
			return ast.WalkSkipChildren, nil
		}
		return ast.WalkContinue, nil
	})
	return strings.TrimSpace(b.String())
}
