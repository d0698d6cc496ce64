package selfassess_test

import (
	"strings"
	"testing"

	"github.com/isms-dev/isms/internal/framework"
	. "github.com/isms-dev/isms/internal/selfassess"
)

// The test is outside the package: the framework library it checks the
// references against depends, through isms, on this package.

func known(section string) bool {
	for _, s := range Sections() {
		if s.ID == section {
			return true
		}
	}
	return false
}

// TestQuestionSet checks the set is sound: unique ids, known sections with
// enough questions each, weights 1 to 3, text present, every reference
// resolving in the built-in library and every task control an Annex A
// control of ISO/IEC 27001:2022.
func TestQuestionSet(t *testing.T) {
	lib, err := framework.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	perSection := map[string]int{}
	var ai int
	for _, q := range Questions() {
		if q.ID == "" || seen[q.ID] {
			t.Errorf("question id %q is empty or repeated", q.ID)
		}
		seen[q.ID] = true
		if !known(q.Section) {
			t.Errorf("%s: unknown section %q", q.ID, q.Section)
		}
		perSection[q.Section]++
		if q.Weight < 1 || q.Weight > 3 {
			t.Errorf("%s: weight %d", q.ID, q.Weight)
		}
		if q.Text == "" || q.Why == "" || q.Task == "" || !strings.HasSuffix(q.Text, "?") {
			t.Errorf("%s: text, why and task are required, and the text is a question", q.ID)
		}
		if len(q.Task) > 500 {
			t.Errorf("%s: task title too long for a task", q.ID)
		}
		if len(q.Refs) == 0 {
			t.Errorf("%s: no framework references", q.ID)
		}
		for _, ref := range q.Refs {
			r, err := framework.ParseRef(ref)
			if err != nil {
				t.Errorf("%s: %v", q.ID, err)
				continue
			}
			if _, _, ok := lib.Resolve(r); !ok {
				t.Errorf("%s: %s is not in the built-in library", q.ID, ref)
			}
		}
		if q.Control != "" {
			r, _ := framework.ParseRef(q.Control)
			_, it, ok := lib.Resolve(r)
			if !ok || it.Kind != framework.ItemControl || r.Framework != "iso27001-2022" {
				t.Errorf("%s: control %s is not an ISO/IEC 27001:2022 Annex A control", q.ID, q.Control)
			}
		} else if strings.HasPrefix(q.Section, "A.") {
			t.Errorf("%s: an Annex A question needs a control for its task", q.ID)
		}
		if q.AI {
			ai++
		}
	}
	for _, s := range Sections() {
		if n := perSection[s.ID]; n < 4 {
			t.Errorf("section %s has %d questions, want at least 4", s.ID, n)
		}
	}
	if ai < 8 {
		t.Errorf("%d AI questions, want at least 8", ai)
	}
	if q, ok := Lookup("ai-mlbom"); !ok || q.Section != "A.8" {
		t.Errorf("Lookup(ai-mlbom) = %+v, %v", q, ok)
	}
	if _, ok := Lookup("nope"); ok {
		t.Error("Lookup of an unknown id succeeded")
	}
}

func TestScores(t *testing.T) {
	answers := map[string]Answer{
		"c4-issues":        {Value: Yes},
		"c4-parties":       {Value: Partly},
		"c4-scope":         {Value: No},
		"c4-processes":     {Value: NotApplicable},
		"unknown-question": {Value: Yes},
	}
	scores := Scores(answers)
	if len(scores) != len(Sections()) {
		t.Fatalf("%d scores", len(scores))
	}
	s := scores[0]
	if s.Section.ID != "4" || s.Yes != 1 || s.Partly != 1 || s.No != 1 || s.NotApplicable != 1 || s.Unanswered != s.Questions-4 {
		t.Errorf("clause 4 = %+v", s)
	}
	if s.Percent == nil || *s.Percent != 50 {
		t.Errorf("clause 4 percent = %v, want 50", s.Percent)
	}
	if scores[1].Percent != nil {
		t.Errorf("clause 5 with nothing answered has a score %v", *scores[1].Percent)
	}
	all := Overall(scores)
	if all.Questions != len(Questions()) || all.Yes != 1 || all.Percent == nil || *all.Percent != 50 {
		t.Errorf("overall = %+v", all)
	}
	// Only not applicable: nothing to judge.
	if s := Scores(map[string]Answer{"c5-roles": {Value: NotApplicable}})[1]; s.Percent != nil {
		t.Errorf("clause 5 of not applicable only = %v", *s.Percent)
	}
}

func TestPlanOrder(t *testing.T) {
	answers := map[string]Answer{
		"a7-desk":           {Value: No},     // weight 1
		"a8-logging":        {Value: Partly}, // weight 2, A.8
		"c7-competence":     {Value: Partly}, // weight 2, clause 7
		"a6-screening":      {Value: No},     // weight 2, no
		"ai-model-registry": {Value: Partly}, // weight 3, partly
		"c6-method":         {Value: No},     // weight 3, no
		"a5-assets":         {Value: No},     // weight 3, no, later section
		"c4-issues":         {Value: Yes},
		"c4-scope":          {Value: NotApplicable},
	}
	var got []string
	for _, it := range Plan(answers) {
		got = append(got, it.Question.ID)
	}
	want := []string{"c6-method", "a5-assets", "ai-model-registry", "a6-screening", "c7-competence", "a8-logging", "a7-desk"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("plan = %v\nwant   %v", got, want)
	}
	for w, days := range map[int]int{3: 30, 2: 60, 1: 90} {
		if DueDays(w) != days {
			t.Errorf("DueDays(%d) = %d", w, DueDays(w))
		}
	}
}

func TestAnswerCheck(t *testing.T) {
	if msg := (Answer{Value: "maybe"}).Check(); msg == "" {
		t.Error("maybe accepted")
	}
	if msg := (Answer{Value: Yes, Note: strings.Repeat("x", MaxNote+1)}).Check(); msg == "" {
		t.Error("long note accepted")
	}
	if msg := (Answer{Value: NotApplicable, Note: "No offices."}).Check(); msg != "" {
		t.Error(msg)
	}
}
