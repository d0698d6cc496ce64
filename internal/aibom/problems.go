package aibom

import (
	"fmt"
	"slices"
	"strings"

	"github.com/isms-dev/isms/internal/isms"
)

// Problem is one thing wrong in a file, with where it is: the line (0 when
// the whole file is meant) and the field, as a path in the file or a CSV
// column.
type Problem struct {
	File    string `json:"file"`
	Line    int    `json:"line,omitempty"`
	Field   string `json:"field,omitempty"`
	Message string `json:"message"`
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

// Problems is everything wrong in a file. It is an error, so a parser
// returns all problems at once and the caller can still tell them apart.
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

// FieldErrors presents the problems as field errors, for the API: the
// field is the path in the file, the detail starts with the line.
func (ps Problems) FieldErrors() []isms.FieldError {
	out := make([]isms.FieldError, len(ps))
	for i, p := range ps {
		field := p.Field
		if field == "" {
			field = "file"
		}
		detail := p.Message
		if p.Line > 0 {
			detail = fmt.Sprintf("line %d: %s", p.Line, p.Message)
		}
		out[i] = isms.FieldError{Field: field, Detail: detail}
	}
	return out
}

// maxProblems bounds what a hostile file can make us collect; the first
// hundred problems are plenty to fix a file.
const maxProblems = 100

// collector gathers the problems and warnings of one file.
type collector struct {
	file     string
	problems Problems
	warnings Problems
	// fatal is set when reading cannot go on (a syntax error, a limit),
	// so that readers stop instead of piling up follow-on problems.
	fatal bool
	// seen keeps a value read twice (for an attribute and for the model
	// card summary) from being reported twice.
	seen map[Problem]bool
}

func (c *collector) add(line int, field, format string, args ...any) {
	if len(c.problems) == maxProblems {
		c.problems = append(c.problems, Problem{File: c.file, Message: "too many problems; stopped reading"})
		c.fatal = true
	}
	p := Problem{File: c.file, Line: line, Field: field, Message: fmt.Sprintf(format, args...)}
	if len(c.problems) > maxProblems || c.seen[p] {
		return
	}
	if c.seen == nil {
		c.seen = map[Problem]bool{}
	}
	c.seen[p] = true
	c.problems = append(c.problems, p)
}

// stop records a problem after which the file cannot be read further.
func (c *collector) stop(line int, field, format string, args ...any) {
	c.add(line, field, format, args...)
	c.fatal = true
}

func (c *collector) warn(line int, field, format string, args ...any) {
	if len(c.warnings) < maxProblems {
		c.warnings = append(c.warnings, Problem{File: c.file, Line: line, Field: field, Message: fmt.Sprintf(format, args...)})
	}
}

// err returns the problems in the order of the file, or nil.
func (c *collector) err() error {
	if len(c.problems) == 0 {
		return nil
	}
	slices.SortStableFunc(c.problems, func(a, b Problem) int { return a.Line - b.Line })
	return c.problems
}

func (c *collector) warningTexts() []string {
	if len(c.warnings) == 0 {
		return nil
	}
	slices.SortStableFunc(c.warnings, func(a, b Problem) int { return a.Line - b.Line })
	out := make([]string, len(c.warnings))
	for i, w := range c.warnings {
		out[i] = w.String()
	}
	return out
}
