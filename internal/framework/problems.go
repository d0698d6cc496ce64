package framework

import (
	"fmt"
	"slices"
	"strings"

	"github.com/isms-dev/isms/internal/isms"
)

// Problem is one thing wrong in a file, with where it is.
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

// collector gathers problems of one file.
type collector struct {
	file     string
	problems Problems
}

func (c *collector) add(line int, field, format string, args ...any) {
	c.problems = append(c.problems, Problem{File: c.file, Line: line, Field: field, Message: fmt.Sprintf(format, args...)})
}

// err returns the problems in the order of the file, or nil.
func (c *collector) err() error {
	if len(c.problems) == 0 {
		return nil
	}
	slices.SortStableFunc(c.problems, func(a, b Problem) int { return a.Line - b.Line })
	return c.problems
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
