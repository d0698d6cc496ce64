// Package selfassess is the self-assessment "Where do we stand?": a
// question set for an organisation starting out with ISO/IEC 27001, per
// clause and per Annex A theme, with questions for companies that build
// and run AI systems; and the arithmetic that turns answers into section
// scores and a prioritised action plan. It does no I/O, so the same
// answers always give the same results, in the app, the pages and tests.
package selfassess

import (
	"cmp"
	"fmt"
	"slices"
	"unicode/utf8"
)

// Value is an answer to a question.
type Value string

// The answers. Not applicable leaves the question out of the score and
// the plan: a company without offices does not fail A.7.
const (
	Yes           Value = "yes"
	Partly        Value = "partly"
	No            Value = "no"
	NotApplicable Value = "not_applicable"
)

// Values lists the answers in the order a form offers them.
var Values = []Value{Yes, Partly, No, NotApplicable}

// Label is the answer's name for people.
func (v Value) Label() string {
	switch v {
	case Yes:
		return "Yes"
	case Partly:
		return "Partly"
	case No:
		return "No"
	case NotApplicable:
		return "Not applicable"
	}
	return string(v)
}

// Valid reports whether v is one of the answers.
func (v Value) Valid() bool { return slices.Contains(Values, v) }

// MaxNote bounds a note, which explains an answer rather than documents it.
const MaxNote = 2000

// Answer is one question's answer with an optional note.
type Answer struct {
	Value Value  `json:"value"`
	Note  string `json:"note,omitempty"`
}

// Check returns what is wrong with the answer, or "".
func (a Answer) Check() string {
	if !a.Value.Valid() {
		return fmt.Sprintf("%q is not yes, partly, no or not_applicable", a.Value)
	}
	if utf8.RuneCountInString(a.Note) > MaxNote {
		return fmt.Sprintf("the note is longer than %d characters", MaxNote)
	}
	return ""
}

// Section is a clause of ISO/IEC 27001:2022 or a theme of its Annex A.
type Section struct {
	ID    string `json:"id"`
	Title string `json:"title"`
}

// Question is one question of the set.
type Question struct {
	ID      string `json:"id"`
	Section string `json:"section"`
	Text    string `json:"text"`
	Why     string `json:"why"`
	// Weight is the priority of closing the gap, 3 the highest.
	Weight int `json:"weight"`
	// AI marks the questions for organisations that build or run AI
	// systems.
	AI bool `json:"ai"`
	// Refs are the framework items the question relates to, as
	// FRAMEWORK:ITEM.
	Refs []string `json:"refs"`
	// Task is the title of the implementation task proposed when the
	// answer is no or partly.
	Task string `json:"task"`
	// Control is the Annex A control the task is created on; "" for a
	// clause question no control carries, whose gap stays in the plan
	// for the ISMS manager to act on directly.
	Control string `json:"control,omitempty"`
}

// Sections returns the sections in the standard's order.
func Sections() []Section { return slices.Clone(sections) }

// Questions returns every question, section by section.
func Questions() []Question { return slices.Clone(questions) }

// Lookup returns the question with id.
func Lookup(id string) (Question, bool) {
	i, ok := byID[id]
	if !ok {
		return Question{}, false
	}
	return questions[i], true
}

// SectionTitle names a section, or returns the id when it is unknown.
func SectionTitle(id string) string {
	for _, s := range sections {
		if s.ID == id {
			return s.Title
		}
	}
	return id
}

var byID = func() map[string]int {
	m := make(map[string]int, len(questions))
	for i, q := range questions {
		m[q.ID] = i
	}
	return m
}()

func sectionIndex(id string) int {
	return slices.IndexFunc(sections, func(s Section) bool { return s.ID == id })
}

// Score is how far one section stands, explained by the counts.
type Score struct {
	Section       Section `json:"section"`
	Questions     int     `json:"questions"`
	Yes           int     `json:"yes"`
	Partly        int     `json:"partly"`
	No            int     `json:"no"`
	NotApplicable int     `json:"not_applicable"`
	Unanswered    int     `json:"unanswered"`
	// Percent is (yes + partly/2) over the questions answered yes,
	// partly or no, from 0 to 100; nil when none is, as there is nothing
	// to judge.
	Percent *float64 `json:"percent"`
}

// Answered counts the questions with an answer, not applicable included.
func (s Score) Answered() int { return s.Questions - s.Unanswered }

// Scores returns a score per section for the answers. Answers to unknown
// questions are ignored.
func Scores(answers map[string]Answer) []Score {
	out := make([]Score, len(sections))
	for i, s := range sections {
		out[i].Section = s
	}
	for _, q := range questions {
		s := &out[sectionIndex(q.Section)]
		s.Questions++
		switch answers[q.ID].Value {
		case Yes:
			s.Yes++
		case Partly:
			s.Partly++
		case No:
			s.No++
		case NotApplicable:
			s.NotApplicable++
		default:
			s.Unanswered++
		}
	}
	for i := range out {
		s := &out[i]
		if judged := s.Yes + s.Partly + s.No; judged > 0 {
			p := 100 * (float64(s.Yes) + 0.5*float64(s.Partly)) / float64(judged)
			s.Percent = &p
		}
	}
	return out
}

// Overall adds the sections' counts into one score for the whole set.
func Overall(scores []Score) Score {
	var t Score
	t.Section = Section{ID: "all", Title: "All sections"}
	for _, s := range scores {
		t.Questions += s.Questions
		t.Yes += s.Yes
		t.Partly += s.Partly
		t.No += s.No
		t.NotApplicable += s.NotApplicable
		t.Unanswered += s.Unanswered
	}
	if judged := t.Yes + t.Partly + t.No; judged > 0 {
		p := 100 * (float64(t.Yes) + 0.5*float64(t.Partly)) / float64(judged)
		t.Percent = &p
	}
	return t
}

// Item is one gap in the action plan.
type Item struct {
	Question Question `json:"question"`
	Answer   Answer   `json:"answer"`
}

// Plan returns the gaps, the questions answered no or partly, most
// urgent first: by weight, then no before partly (nothing in place is
// worse than something incomplete), then in the standard's order.
func Plan(answers map[string]Answer) []Item {
	var out []Item
	for _, q := range questions {
		a := answers[q.ID]
		if a.Value == No || a.Value == Partly {
			out = append(out, Item{Question: q, Answer: a})
		}
	}
	// The stable sort keeps the question set's order inside a section.
	slices.SortStableFunc(out, func(a, b Item) int {
		return cmp.Or(
			cmp.Compare(b.Question.Weight, a.Question.Weight),
			cmp.Compare(gapRank(a.Answer.Value), gapRank(b.Answer.Value)),
			cmp.Compare(sectionIndex(a.Question.Section), sectionIndex(b.Question.Section)),
		)
	})
	return out
}

func gapRank(v Value) int {
	if v == No {
		return 0
	}
	return 1
}

// DueDays is how long a task created from a gap of the given weight has:
// a month for the most urgent, a quarter for the least.
func DueDays(weight int) int {
	switch weight {
	case 3:
		return 30
	case 2:
		return 60
	}
	return 90
}
