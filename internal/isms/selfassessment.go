package isms

import (
	"fmt"
	"time"

	"github.com/isms-dev/isms/internal/selfassess"
)

// SelfAssessmentStatus is where a run of the self-assessment stands.
type SelfAssessmentStatus string

// A draft is being answered; a completed run is kept as it was answered,
// so that a later run can be compared with it.
const (
	SelfAssessmentDraft     SelfAssessmentStatus = "draft"
	SelfAssessmentCompleted SelfAssessmentStatus = "completed"
)

// Label is the status's name for people.
func (s SelfAssessmentStatus) Label() string {
	switch s {
	case SelfAssessmentDraft:
		return "Being answered"
	case SelfAssessmentCompleted:
		return "Completed"
	}
	return string(s)
}

// SelfAssessment is one run of the self-assessment "Where do we stand?".
type SelfAssessment struct {
	ID     string
	OrgID  string
	RefNum int
	Status SelfAssessmentStatus
	// StartedBy and CompletedBy are memberships; empty for an operator.
	StartedBy   string
	CompletedBy string
	CompletedAt *time.Time
	// Answers are keyed by question id.
	Answers map[string]selfassess.Answer
	// Tasks maps a question id to the control task created from its
	// gap, so that creating the tasks again adds only the new ones.
	Tasks     map[string]string
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Ref is the run's reference, SA-001.
func (s SelfAssessment) Ref() string { return fmt.Sprintf("SA-%03d", s.RefNum) }
