package app

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/isms-dev/isms/internal/framework"
	"github.com/isms-dev/isms/internal/isms"
	"github.com/isms-dev/isms/internal/report"
	"github.com/isms-dev/isms/internal/store"
)

// ReviewInput is a management review as entered. On an update, nil fields
// stay as they are.
type ReviewInput struct {
	Title       *string
	MeetingDate *time.Time
	ChairID     *string
	AttendeeIDs *[]string
	Guests      *string
	Notes       *string
}

// CreateReview plans a management review as a draft.
func (s *Service) CreateReview(ctx context.Context, a Access, in ReviewInput) (isms.Review, error) {
	if err := a.require(isms.PermWriteRecords); err != nil {
		return isms.Review{}, err
	}
	var out isms.Review
	err := s.db.InTx(ctx, a.Principal.Actor(), func(tx *store.Tx) error {
		r := isms.Review{OrgID: a.Org.ID, Status: isms.ReviewDraft, ChairID: a.Member.ID}
		if err := s.applyMeetingInput(ctx, tx, a, &r, in); err != nil {
			return err
		}
		var err error
		out, err = tx.CreateReview(ctx, r)
		return err
	})
	return out, err
}

// UpdateReview changes a review whose minutes are not yet approved. Once
// the meeting is held its date is part of what the inputs were compiled
// for, so it stays.
func (s *Service) UpdateReview(ctx context.Context, a Access, ref string, in ReviewInput) (isms.Review, error) {
	if err := a.require(isms.PermWriteRecords); err != nil {
		return isms.Review{}, err
	}
	var out isms.Review
	err := s.db.InTx(ctx, a.Principal.Actor(), func(tx *store.Tx) error {
		r, err := meetingByRef(ctx, tx.Reads, a.Org.ID, ref)
		if err != nil {
			return err
		}
		if r.Status == isms.ReviewApproved {
			return &isms.ConflictError{Field: "status", Detail: r.Ref() + "'s minutes are approved; they no longer change"}
		}
		if r.Status == isms.ReviewHeld && in.MeetingDate != nil && !in.MeetingDate.Equal(r.MeetingDate) {
			return &isms.ConflictError{Field: "meeting_date", Detail: r.Ref() + " was held; its date is fixed with the inputs presented"}
		}
		if err := s.applyMeetingInput(ctx, tx, a, &r, in); err != nil {
			return err
		}
		out, err = tx.UpdateReview(ctx, r)
		return err
	})
	return out, err
}

func (s *Service) applyMeetingInput(ctx context.Context, tx *store.Tx, a Access, r *isms.Review, in ReviewInput) error {
	if in.Title != nil {
		r.Title = strings.TrimSpace(*in.Title)
	}
	if in.MeetingDate != nil {
		r.MeetingDate = in.MeetingDate.UTC()
	}
	if in.ChairID != nil {
		r.ChairID = strings.TrimSpace(*in.ChairID)
	}
	if in.AttendeeIDs != nil {
		r.AttendeeIDs = nil
		for _, id := range *in.AttendeeIDs {
			if id = strings.TrimSpace(id); id != "" {
				r.AttendeeIDs = append(r.AttendeeIDs, id)
			}
		}
	}
	if in.Guests != nil {
		r.Guests = strings.TrimSpace(*in.Guests)
	}
	if in.Notes != nil {
		r.Notes = strings.TrimSpace(*in.Notes)
	}
	v := &isms.ValidationError{}
	fields := map[string]string{"chair": r.ChairID}
	for i, id := range r.AttendeeIDs {
		fields[fmt.Sprintf("attendees[%d]", i)] = id
	}
	if err := s.checkMembers(ctx, tx, a.Org.ID, v, fields); err != nil {
		return err
	}
	if err := v.Err(); err != nil {
		return err
	}
	return r.Validate()
}

// SetReviewStatus moves a review on: a draft is held once its inputs are
// compiled and someone attended; held minutes are approved by a member,
// who is named on them. Neither step goes back, because each fixes what
// the record says happened.
func (s *Service) SetReviewStatus(ctx context.Context, a Access, ref string, status isms.MeetingStatus) (isms.Review, error) {
	if err := a.require(isms.PermWriteRecords); err != nil {
		return isms.Review{}, err
	}
	var out isms.Review
	err := s.db.InTx(ctx, a.Principal.Actor(), func(tx *store.Tx) error {
		r, err := meetingByRef(ctx, tx.Reads, a.Org.ID, ref)
		if err != nil {
			return err
		}
		switch {
		case status == isms.ReviewHeld && r.Status == isms.ReviewDraft:
			if r.CompiledAt == nil {
				return &isms.ConflictError{Field: "inputs", Detail: "are not compiled: compile what the review is to look at before holding it"}
			}
			if len(r.AttendeeIDs) == 0 {
				return isms.Invalid("attendees", "are required: record who attended before marking the review held")
			}
			if r.MeetingDate.After(s.now()) {
				return &isms.ConflictError{Field: "meeting_date", Detail: "is still to come: a review is held on or after its meeting date"}
			}
		case status == isms.ReviewApproved && r.Status == isms.ReviewHeld:
			if a.Member.ID == "" {
				return fmt.Errorf("minutes are approved by a member of the organisation, who is named on them: %w", isms.ErrForbidden)
			}
			now := s.now()
			r.ApprovedBy, r.ApprovedAt = a.Member.ID, &now
		case !slices.Contains(isms.MeetingStatuses, status):
			return isms.Invalid("status", "%q is not a status; use held or approved", status)
		default:
			return &isms.ConflictError{Field: "status", Detail: fmt.Sprintf("%s is %s; it cannot become %s",
				r.Ref(), strings.ToLower(r.Status.Label()), strings.ToLower(status.Label()))}
		}
		r.Status = status
		out, err = tx.UpdateReview(ctx, r)
		return err
	})
	return out, err
}

// CompileReviewInputs snapshots the inputs of 9.3.2 from the records as
// they stand now, replacing an earlier snapshot while the review is a
// draft. The snapshot and its SHA-256 are stored with the review, so that
// the minutes show exactly what was presented.
func (s *Service) CompileReviewInputs(ctx context.Context, a Access, ref string) (isms.Review, error) {
	if err := a.require(isms.PermWriteRecords); err != nil {
		return isms.Review{}, err
	}
	r, err := meetingByRef(ctx, s.db.Reads, a.Org.ID, ref)
	if err != nil {
		return r, err
	}
	if r.Status != isms.ReviewDraft {
		return r, &isms.ConflictError{Field: "status", Detail: r.Ref() + " was held; its inputs are kept as presented"}
	}
	// The inputs are read outside the write transaction: they come from
	// many registers, and holding the writer while the statement of
	// applicability is built would stall everyone else.
	in, err := s.compileInputs(ctx, a, r)
	if err != nil {
		return r, err
	}
	body, err := json.Marshal(in)
	if err != nil {
		return r, fmt.Errorf("encode review inputs: %w", err)
	}
	sum := sha256.Sum256(body)
	var out isms.Review
	err = s.db.InTx(ctx, a.Principal.Actor(), func(tx *store.Tx) error {
		cur, err := tx.Review(ctx, a.Org.ID, r.ID)
		if err != nil {
			return err
		}
		if cur.Status != isms.ReviewDraft {
			return &isms.ConflictError{Field: "status", Detail: r.Ref() + " was held meanwhile; its inputs are kept as presented"}
		}
		compiled := in.CompiledAt
		cur.Inputs, cur.InputsHash, cur.CompiledAt = body, hex.EncodeToString(sum[:]), &compiled
		out, err = tx.UpdateReview(ctx, cur)
		return err
	})
	return out, err
}

// AddReviewDecision records a decision of a review whose minutes are not
// yet approved.
func (s *Service) AddReviewDecision(ctx context.Context, a Access, ref, text string) (isms.ReviewDecision, error) {
	if err := a.require(isms.PermWriteRecords); err != nil {
		return isms.ReviewDecision{}, err
	}
	var out isms.ReviewDecision
	err := s.db.InTx(ctx, a.Principal.Actor(), func(tx *store.Tx) error {
		r, err := meetingByRef(ctx, tx.Reads, a.Org.ID, ref)
		if err != nil {
			return err
		}
		if r.Status == isms.ReviewApproved {
			return &isms.ConflictError{Field: "status", Detail: r.Ref() + "'s minutes are approved; record new decisions at the next review"}
		}
		d := isms.ReviewDecision{OrgID: a.Org.ID, ReviewID: r.ID, Text: strings.TrimSpace(text)}
		if err := d.Validate(); err != nil {
			return err
		}
		out, err = tx.AddReviewDecision(ctx, d)
		return err
	})
	return out, err
}

// ReviewActionInput is an action of a review as entered; nil fields stay.
// Done marks it complete, false reopens it.
type ReviewActionInput struct {
	Title   *string
	OwnerID *string
	DueDate *time.Time
	Done    *bool
}

// SaveReviewAction adds an action to a review, or changes one when
// actionID is set. What is to be done, by whom and when is fixed with the
// approved minutes; whether it is done is followed up after them, by the
// action's owner or an ISMS manager.
func (s *Service) SaveReviewAction(ctx context.Context, a Access, ref, actionID string, in ReviewActionInput) (isms.ReviewAction, error) {
	var out isms.ReviewAction
	err := s.db.InTx(ctx, a.Principal.Actor(), func(tx *store.Tx) error {
		r, err := meetingByRef(ctx, tx.Reads, a.Org.ID, ref)
		if err != nil {
			return err
		}
		act := isms.ReviewAction{OrgID: a.Org.ID, ReviewID: r.ID}
		if actionID == "" {
			if err := a.require(isms.PermWriteRecords); err != nil {
				return err
			}
		} else {
			all, err := tx.ReviewActions(ctx, a.Org.ID, r.ID)
			if err != nil {
				return err
			}
			i := slices.IndexFunc(all[r.ID], func(x isms.ReviewAction) bool { return x.ID == actionID })
			if i < 0 {
				return fmt.Errorf("review action %s: %w", actionID, isms.ErrNotFound)
			}
			act = all[r.ID][i]
			if err := a.mayEdit("action", act.OwnerID); err != nil {
				return err
			}
			if !a.Can(isms.PermWriteRecords) && (in.Title != nil || in.OwnerID != nil || in.DueDate != nil) {
				return fmt.Errorf("an ISMS manager changes what an action is; you may report yours done: %w", isms.ErrForbidden)
			}
		}
		if r.Status == isms.ReviewApproved && (actionID == "" || in.Title != nil || in.OwnerID != nil || in.DueDate != nil) {
			return &isms.ConflictError{Field: "status", Detail: r.Ref() + "'s minutes are approved; their actions are only reported done"}
		}
		if in.Title != nil {
			act.Title = strings.TrimSpace(*in.Title)
		}
		if in.OwnerID != nil {
			act.OwnerID = strings.TrimSpace(*in.OwnerID)
		}
		if in.DueDate != nil {
			act.DueDate = in.DueDate
		}
		if in.Done != nil {
			switch {
			case *in.Done && act.DoneAt == nil:
				now := s.now()
				act.DoneAt = &now
			case !*in.Done:
				act.DoneAt = nil
			}
		}
		v := &isms.ValidationError{}
		if err := s.checkMembers(ctx, tx, a.Org.ID, v, map[string]string{"owner": act.OwnerID}); err != nil {
			return err
		}
		if err := v.Err(); err != nil {
			return err
		}
		if err := act.Validate(); err != nil {
			return err
		}
		out, err = tx.SaveReviewAction(ctx, act)
		return err
	})
	return out, err
}

// meetingByRef finds a review by id or by its reference (MR-003, 3).
func meetingByRef(ctx context.Context, r store.Reads, orgID, ref string) (isms.Review, error) {
	if n, ok := refNumber("MR", ref); ok {
		return r.ReviewByRef(ctx, orgID, n)
	}
	return r.Review(ctx, orgID, ref)
}

// ReviewPeriod is the span a review looks back over: from the previous
// review's meeting, or for the first review from when the organisation's
// records begin, to this meeting.
type ReviewPeriod struct {
	From, To time.Time
	// Previous is the review held before this one, if any.
	Previous *isms.Review
}

// reviewPeriod finds r's period among all reviews. Drafts do not end a
// period: only a review that took place does.
func reviewPeriod(org isms.Organization, r isms.Review, all []isms.Review) ReviewPeriod {
	p := ReviewPeriod{From: org.CreatedAt.UTC().Truncate(24 * time.Hour), To: r.MeetingDate}
	for i, o := range all {
		if o.ID == r.ID || o.Status == isms.ReviewDraft || !o.MeetingDate.Before(r.MeetingDate) {
			continue
		}
		if p.Previous == nil || o.MeetingDate.After(p.Previous.MeetingDate) {
			p.Previous = &all[i]
		}
	}
	if p.Previous != nil {
		p.From = p.Previous.MeetingDate
	}
	// Records entered after the first meeting they belong to (an
	// organisation moving into isms) would give a period that ends
	// before it starts.
	if p.From.After(p.To) {
		p.From = p.To
	}
	return p
}

// ReviewDetail is a review with everything the page, the API and the
// minutes show.
type ReviewDetail struct {
	isms.Review
	Period    ReviewPeriod
	Decisions []isms.ReviewDecision
	Actions   []isms.ReviewAction
	// Inputs is the compiled snapshot, nil until compiled.
	Inputs *ReviewInputs
	// Members names the organisation's members by membership id.
	Members map[string]string
}

// Review returns a review by id or reference, with its inputs checked
// against the hash recorded when they were compiled.
func (s *Service) Review(ctx context.Context, a Access, ref string) (ReviewDetail, error) {
	if err := a.require(isms.PermRead); err != nil {
		return ReviewDetail{}, err
	}
	r, err := meetingByRef(ctx, s.db.Reads, a.Org.ID, ref)
	if err != nil {
		return ReviewDetail{}, err
	}
	all, err := s.db.Reviews(ctx, a.Org.ID)
	if err != nil {
		return ReviewDetail{}, err
	}
	d := ReviewDetail{Review: r, Period: reviewPeriod(a.Org, r, all)}
	if d.Decisions, err = s.db.ReviewDecisions(ctx, a.Org.ID, r.ID); err != nil {
		return d, err
	}
	actions, err := s.db.ReviewActions(ctx, a.Org.ID, r.ID)
	if err != nil {
		return d, err
	}
	d.Actions = actions[r.ID]
	if r.Inputs != nil {
		if sum := sha256.Sum256(r.Inputs); hex.EncodeToString(sum[:]) != r.InputsHash {
			return d, fmt.Errorf("inputs of %s: they no longer match the hash recorded when they were compiled", r.Ref())
		}
		d.Inputs = &ReviewInputs{}
		if err := json.Unmarshal(r.Inputs, d.Inputs); err != nil {
			return d, fmt.Errorf("inputs of %s: %w", r.Ref(), err)
		}
	}
	d.Members, err = s.memberNames(ctx, a.Org.ID)
	return d, err
}

// ReviewRow is a review in the list.
type ReviewRow struct {
	isms.Review
	Period               ReviewPeriod
	Actions, OpenActions int
}

// Reviews lists the organisation's reviews, latest meeting first.
func (s *Service) Reviews(ctx context.Context, a Access) ([]ReviewRow, error) {
	if err := a.require(isms.PermRead); err != nil {
		return nil, err
	}
	all, err := s.db.Reviews(ctx, a.Org.ID)
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(all))
	for i, r := range all {
		ids[i] = r.ID
	}
	actions, err := s.db.ReviewActions(ctx, a.Org.ID, ids...)
	if err != nil {
		return nil, err
	}
	out := make([]ReviewRow, len(all))
	for i, r := range all {
		out[i] = ReviewRow{Review: r, Period: reviewPeriod(a.Org, r, all), Actions: len(actions[r.ID])}
		for _, act := range actions[r.ID] {
			if !act.Done() {
				out[i].OpenActions++
			}
		}
	}
	return out, nil
}

// ---------------------------------------------------------------------
// The inputs of 9.3.2.

// ReviewInputs is what a review is shown, compiled from the records. Each
// section names the item of 9.3.2 it answers. It is stored as JSON, so its
// shape is part of every compiled review: fields are added, never renamed.
type ReviewInputs struct {
	CompiledAt time.Time `json:"compiled_at"`
	PeriodFrom string    `json:"period_from"`
	PeriodTo   string    `json:"period_to"`
	// PreviousActions: 9.3.2 a).
	PreviousActions PreviousActionsInput `json:"previous_actions"`
	// ContextChanges: 9.3.2 b) and c).
	ContextChanges ContextChangesInput `json:"context_changes"`
	// Nonconformities: 9.3.2 d) 1).
	Nonconformities NonconformitiesInput `json:"nonconformities"`
	// Monitoring: 9.3.2 d) 2).
	Monitoring MonitoringInput `json:"monitoring"`
	// AuditResults: 9.3.2 d) 3).
	AuditResults AuditResultsInput `json:"audit_results"`
	// Objectives: 9.3.2 d) 4). ObjectiveStatus lists them, since
	// objectives are recorded in isms.
	Objectives      NotRecordedInput `json:"objectives"`
	ObjectiveStatus []ObjectiveLine  `json:"objective_status,omitempty"`
	// Feedback: 9.3.2 e).
	Feedback NotRecordedInput `json:"feedback"`
	// Risks: 9.3.2 f).
	Risks RisksInput `json:"risks"`
	// Improvements: 9.3.2 g).
	Improvements ImprovementsInput `json:"improvements"`
}

// NotRecordedInput is an input isms does not hold records for, so that
// the review sees plainly that it must come from elsewhere.
type NotRecordedInput struct {
	Recorded bool   `json:"recorded"`
	Note     string `json:"note"`
}

// ReviewActionLine is an open action of an earlier review.
type ReviewActionLine struct {
	Review  string `json:"review"`
	Title   string `json:"title"`
	Owner   string `json:"owner"`
	DueDate string `json:"due_date"`
	Overdue bool   `json:"overdue"`
}

// PreviousActionsInput lists what earlier reviews decided and is not done.
type PreviousActionsInput struct {
	Open []ReviewActionLine `json:"open"`
	// DoneInPeriod counts earlier reviews' actions reported done since the
	// previous review.
	DoneInPeriod int `json:"done_in_period"`
}

// ContextVersionLine is a version of the ISMS context approved in the
// period.
type ContextVersionLine struct {
	Version           int    `json:"version"`
	ApprovedOn        string `json:"approved_on"`
	InternalIssues    int    `json:"internal_issues"`
	ExternalIssues    int    `json:"external_issues"`
	InterestedParties int    `json:"interested_parties"`
}

// ContextChangesInput shows the changes to the issues of 4.1 and the
// interested parties of 4.2 through the context versions approved.
type ContextChangesInput struct {
	Approved []ContextVersionLine `json:"approved"`
	// InForce is the version in force when compiled, 0 when none is.
	InForce int `json:"in_force"`
}

// NCLine is a record of the nonconformity register as a review sees it.
type NCLine struct {
	Ref      string `json:"ref"`
	Title    string `json:"title"`
	Kind     string `json:"kind"`
	Grade    string `json:"grade,omitempty"`
	Source   string `json:"source"`
	Stage    string `json:"stage"`
	RaisedOn string `json:"raised_on"`
	ClosedOn string `json:"closed_on,omitempty"`
	Overdue  bool   `json:"overdue"`
}

// NonconformitiesInput is the register's movement in the period and its
// state when compiled.
type NonconformitiesInput struct {
	Raised    []NCLine       `json:"raised"`
	Closed    []NCLine       `json:"closed"`
	Open      int            `json:"open"`
	OpenMajor int            `json:"open_major"`
	Overdue   int            `json:"overdue"`
	ByStage   map[string]int `json:"by_stage"`
}

// MonitoringInput gathers the measurements isms makes itself.
type MonitoringInput struct {
	Vulnerabilities VulnerabilitiesInput   `json:"vulnerabilities"`
	Evidence        EvidenceFreshnessInput `json:"evidence"`
	// SoA is nil when the organisation does not run ISO/IEC 27001:2022.
	SoA *SoAInput `json:"soa"`
}

// VulnerabilitiesInput is vulnerability management's figures.
type VulnerabilitiesInput struct {
	OpenBySeverity map[string]int `json:"open_by_severity"`
	Overdue        int            `json:"overdue"`
	// SLACompliance is the share fixed in time; -1 when none is judged.
	SLACompliance float64 `json:"sla_compliance"`
	MeanDaysToFix float64 `json:"mean_days_to_fix"`
	Scans         int     `json:"scans"`
	LastScan      string  `json:"last_scan,omitempty"`
}

// EvidenceFreshnessInput is how fresh the evidence of the included controls is.
type EvidenceFreshnessInput struct {
	Current                 int `json:"current"`
	DueSoon                 int `json:"due_soon"`
	Stale                   int `json:"stale"`
	IncludedWithoutEvidence int `json:"included_without_evidence"`
}

// SoAInput summarises the Statement of Applicability.
type SoAInput struct {
	Framework       string         `json:"framework"`
	ApprovedVersion int            `json:"approved_version"`
	Controls        int            `json:"controls"`
	Included        int            `json:"included"`
	Excluded        int            `json:"excluded"`
	Undecided       int            `json:"undecided"`
	ByStatus        map[string]int `json:"by_status"`
	Flagged         int            `json:"flagged"`
}

// ExternalAuditLine is a certification body's audit done in the period.
type ExternalAuditLine struct {
	Kind        string   `json:"kind"`
	DoneOn      string   `json:"done_on"`
	LeadAuditor string   `json:"lead_auditor"`
	Result      string   `json:"result"`
	Findings    []string `json:"findings"`
}

// AuditResultsInput holds the internal audits completed in the period
// and the external audits from the certification cycle.
type AuditResultsInput struct {
	Internal       NotRecordedInput    `json:"internal"`
	InternalAudits []InternalAuditLine `json:"internal_audits,omitempty"`
	External       []ExternalAuditLine `json:"external"`
}

// InternalAuditLine is an internal audit completed in the period, with
// what it found.
type InternalAuditLine struct {
	Ref         string         `json:"ref"`
	Title       string         `json:"title"`
	CompletedOn string         `json:"completed_on"`
	Results     map[string]int `json:"results"`
	// Records are the nonconformities and improvements it raised.
	Records []string `json:"records"`
}

// ObjectiveLine is an objective and where it stands.
type ObjectiveLine struct {
	Ref     string `json:"ref"`
	Title   string `json:"title"`
	Owner   string `json:"owner"`
	Status  string `json:"status"`
	DueDate string `json:"due_date,omitempty"`
}

// RiskLevelCount counts risks at one level.
type RiskLevelCount struct {
	Level string `json:"level"`
	Count int    `json:"count"`
}

// RiskLine is a risk as a review sees it.
type RiskLine struct {
	Ref      string `json:"ref"`
	Title    string `json:"title"`
	Residual string `json:"residual"`
}

// RisksInput is the results of risk assessment and the status of risk
// treatment.
type RisksInput struct {
	Total           int              `json:"total"`
	ByLevel         []RiskLevelCount `json:"by_level"`
	ByResidualLevel []RiskLevelCount `json:"by_residual_level"`
	ByStatus        map[string]int   `json:"by_status"`
	ByTreatment     map[string]int   `json:"by_treatment"`
	OpenActions     int              `json:"open_actions"`
	OverdueActions  int              `json:"overdue_actions"`
	Accepted        []RiskLine       `json:"accepted"`
}

// ImprovementsInput is the opportunities for improvement on the register.
type ImprovementsInput struct {
	Open           []NCLine `json:"open"`
	RaisedInPeriod int      `json:"raised_in_period"`
}

const (
	objectivesNote = "Information security objectives and their measurement are not recorded in isms yet; " +
		"present them from where they are kept."
	feedbackNote = "Feedback from interested parties is not recorded in isms; " +
		"bring customers', regulators' and staff's feedback to the meeting."
	internalAuditNote = "Internal audits are not recorded in isms yet; present the internal audit reports of the period."
)

func day(t time.Time) string { return t.UTC().Format(time.DateOnly) }

// compileInputs reads the records for r's period.
func (s *Service) compileInputs(ctx context.Context, a Access, r isms.Review) (ReviewInputs, error) {
	now := s.now()
	all, err := s.db.Reviews(ctx, a.Org.ID)
	if err != nil {
		return ReviewInputs{}, err
	}
	p := reviewPeriod(a.Org, r, all)
	// The period runs to the end of the meeting day.
	from, to := p.From, p.To.Truncate(24*time.Hour).AddDate(0, 0, 1)
	in := ReviewInputs{CompiledAt: now, PeriodFrom: day(p.From), PeriodTo: day(p.To),
		Objectives: NotRecordedInput{Note: objectivesNote}, Feedback: NotRecordedInput{Note: feedbackNote},
		AuditResults: AuditResultsInput{Internal: NotRecordedInput{Note: internalAuditNote}, External: []ExternalAuditLine{}}}
	names, err := s.memberNames(ctx, a.Org.ID)
	if err != nil {
		return in, err
	}
	inPeriod := func(t *time.Time) bool { return t != nil && !t.Before(from) && t.Before(to) }
	if err := s.compileAuditsAndObjectives(ctx, a, &in, names, inPeriod); err != nil {
		return in, err
	}

	// a) Earlier reviews' actions.
	var earlier []string
	refs := map[string]string{}
	for _, o := range all {
		if o.ID != r.ID && o.MeetingDate.Before(r.MeetingDate) {
			earlier = append(earlier, o.ID)
			refs[o.ID] = o.Ref()
		}
	}
	actions, err := s.db.ReviewActions(ctx, a.Org.ID, earlier...)
	if err != nil {
		return in, err
	}
	in.PreviousActions.Open = []ReviewActionLine{}
	for _, id := range earlier {
		for _, act := range actions[id] {
			if act.Done() {
				if inPeriod(act.DoneAt) {
					in.PreviousActions.DoneInPeriod++
				}
				continue
			}
			in.PreviousActions.Open = append(in.PreviousActions.Open, ReviewActionLine{Review: refs[id], Title: act.Title,
				Owner: names[act.OwnerID], DueDate: day(*act.DueDate), Overdue: act.Overdue(now)})
		}
	}

	// b), c) The context.
	versions, err := s.db.Versions(ctx, store.ContextDocument, a.Org.ID)
	if err != nil {
		return in, err
	}
	in.ContextChanges.Approved = []ContextVersionLine{}
	for _, v := range versions {
		if v.Status == isms.StatusApproved {
			in.ContextChanges.InForce = v.Number
		}
		if v.Status == isms.StatusDraft || !inPeriod(v.ApprovedAt) {
			continue
		}
		cv, err := readContext(v)
		if err != nil {
			return in, err
		}
		in.ContextChanges.Approved = append(in.ContextChanges.Approved, ContextVersionLine{Version: v.Number, ApprovedOn: day(*v.ApprovedAt),
			InternalIssues: len(cv.Context.InternalIssues), ExternalIssues: len(cv.Context.ExternalIssues),
			InterestedParties: len(cv.Context.InterestedParties)})
	}

	// d) 1) and g) The nonconformity register.
	ncs, err := s.db.NonconformitiesSince(ctx, a.Org.ID, from)
	if err != nil {
		return in, err
	}
	ids := make([]string, len(ncs))
	for i, n := range ncs {
		ids[i] = n.ID
	}
	ncActions, err := s.db.CorrectiveActions(ctx, a.Org.ID, ids...)
	if err != nil {
		return in, err
	}
	nc := &in.Nonconformities
	nc.Raised, nc.Closed, nc.ByStage = []NCLine{}, []NCLine{}, map[string]int{}
	in.Improvements.Open = []NCLine{}
	for _, n := range ncs {
		stage := n.Stage(ncActions[n.ID])
		line := NCLine{Ref: n.Ref(), Title: n.Title, Kind: string(n.Kind), Grade: string(n.Grade), Source: string(n.Source),
			Stage: string(stage), RaisedOn: day(n.CreatedAt), Overdue: n.Overdue(ncActions[n.ID], now)}
		if n.ClosedAt != nil {
			line.ClosedOn = day(*n.ClosedAt)
		}
		raised := inPeriod(&n.CreatedAt)
		if n.Kind == isms.KindImprovement {
			if raised {
				in.Improvements.RaisedInPeriod++
			}
			if !n.Closed() {
				in.Improvements.Open = append(in.Improvements.Open, line)
			}
			continue
		}
		if raised {
			nc.Raised = append(nc.Raised, line)
		}
		if inPeriod(n.ClosedAt) {
			nc.Closed = append(nc.Closed, line)
		}
		if !n.Closed() {
			nc.Open++
			nc.ByStage[string(stage)]++
			if n.Grade == isms.GradeMajor {
				nc.OpenMajor++
			}
			if line.Overdue {
				nc.Overdue++
			}
		}
	}

	// d) 2) Monitoring.
	if err := s.compileMonitoring(ctx, a, &in.Monitoring); err != nil {
		return in, err
	}

	// d) 3) The certification body's audits.
	cycles, err := s.db.CertCycles(ctx, a.Org.ID)
	if err != nil {
		return in, err
	}
	cycleIDs := make([]string, len(cycles))
	for i, c := range cycles {
		cycleIDs[i] = c.ID
	}
	audits, err := s.db.ExternalAudits(ctx, a.Org.ID, cycleIDs...)
	if err != nil {
		return in, err
	}
	for _, id := range slices.Backward(cycleIDs) {
		var auditIDs []string
		for _, au := range audits[id] {
			auditIDs = append(auditIDs, au.ID)
		}
		findings, err := s.db.AuditFindings(ctx, a.Org.ID, auditIDs...)
		if err != nil {
			return in, err
		}
		for _, au := range audits[id] {
			if !inPeriod(au.DoneDate) {
				continue
			}
			line := ExternalAuditLine{Kind: au.Kind.Label(), DoneOn: day(*au.DoneDate), LeadAuditor: au.LeadAuditor, Result: au.Result,
				Findings: []string{}}
			for _, n := range findings[au.ID] {
				line.Findings = append(line.Findings, n.Ref())
			}
			in.AuditResults.External = append(in.AuditResults.External, line)
		}
	}

	// f) Risks.
	return in, s.compileRisks(ctx, a, now, &in.Risks)
}

func (s *Service) compileMonitoring(ctx context.Context, a Access, m *MonitoringInput) error {
	vm, err := s.VulnMetrics(ctx, a)
	if err != nil {
		return err
	}
	m.Vulnerabilities = VulnerabilitiesInput{OpenBySeverity: map[string]int{}, Overdue: vm.Overdue, SLACompliance: vm.SLACompliance,
		MeanDaysToFix: vm.MeanDaysToFix, Scans: vm.Scans}
	for i, n := range vm.OpenBySeverity {
		m.Vulnerabilities.OpenBySeverity[isms.SeverityNames[i]] = n
	}
	if vm.LastScan != nil {
		m.Vulnerabilities.LastScan = day(vm.LastScan.CreatedAt)
	}
	doc, err := s.SoA(ctx, a, framework.ISO27001v2022, 0)
	if errors.Is(err, isms.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	sum := doc.Summarise()
	m.SoA = &SoAInput{Framework: doc.FrameworkTitle, Controls: sum.Controls, Included: sum.Included, Excluded: sum.Excluded,
		Undecided: sum.Undecided, ByStatus: map[string]int{}, Flagged: sum.Flagged}
	for st, n := range sum.ByStatus {
		m.SoA.ByStatus[string(st)] = n
	}
	versions, err := s.db.SoAVersions(ctx, a.Org.ID, framework.ISO27001v2022)
	if err != nil {
		return err
	}
	if len(versions) > 0 {
		m.SoA.ApprovedVersion = versions[0].Number
	}
	for _, e := range doc.Entries {
		if !e.Included() {
			continue
		}
		if len(e.Evidence) == 0 {
			m.Evidence.IncludedWithoutEvidence++
		}
		for _, ev := range e.Evidence {
			switch ev.Freshness {
			case isms.Stale:
				m.Evidence.Stale++
			case isms.DueSoon:
				m.Evidence.DueSoon++
			default:
				m.Evidence.Current++
			}
		}
	}
	return nil
}

func (s *Service) compileRisks(ctx context.Context, a Access, now time.Time, out *RisksInput) error {
	out.ByStatus, out.ByTreatment, out.Accepted = map[string]int{}, map[string]int{}, []RiskLine{}
	inherent, residual := map[string]int{}, map[string]int{}
	var order []string
	seen := map[string]bool{}
	note := func(level string) {
		if !seen[level] {
			seen[level] = true
			order = append(order, level)
		}
	}
	f := isms.RiskFilter{Sort: store.SortLevel, Limit: store.MaxLimit}
	for {
		page, err := s.ListRisks(ctx, a, f)
		if err != nil {
			return err
		}
		for _, k := range page.Risks {
			out.Total++
			out.ByStatus[string(k.Status)]++
			if k.Treatment != "" {
				out.ByTreatment[string(k.Treatment)]++
			}
			note(k.Inherent.Name)
			inherent[k.Inherent.Name]++
			if k.Residual.Name != "" {
				note(k.Residual.Name)
				residual[k.Residual.Name]++
			}
			if k.Status == isms.RiskAccepted {
				out.Accepted = append(out.Accepted, RiskLine{Ref: k.Ref(), Title: k.Title, Residual: k.Residual.Name})
			}
		}
		if page.Next == "" {
			break
		}
		f.Cursor = page.Next
	}
	// Sorted by level, most severe first, so the levels come in the
	// methodology's order.
	out.ByLevel, out.ByResidualLevel = []RiskLevelCount{}, []RiskLevelCount{}
	for _, l := range order {
		if inherent[l] > 0 {
			out.ByLevel = append(out.ByLevel, RiskLevelCount{Level: l, Count: inherent[l]})
		}
		if residual[l] > 0 {
			out.ByResidualLevel = append(out.ByResidualLevel, RiskLevelCount{Level: l, Count: residual[l]})
		}
	}
	var err error
	out.OpenActions, out.OverdueActions, err = s.db.OpenRiskActions(ctx, a.Org.ID, now)
	return err
}

// WriteReviewMinutes writes a review's minutes as PDF: the meeting, the
// inputs as compiled and presented, the discussion, decisions and actions.
// Until the minutes are approved the PDF carries the draft warning.
func (s *Service) WriteReviewMinutes(ctx context.Context, a Access, ref string, w io.Writer) error {
	d, err := s.Review(ctx, a, ref)
	if err != nil {
		return err
	}
	doc := report.Document{Title: d.Title, Subtitle: d.Ref() + " · Management review minutes (ISO/IEC 27001 9.3)",
		Organisation: a.Org.Name, VersionLabel: d.Ref(), Status: d.Status.Label(), GeneratedAt: s.now(), GeneratedBy: a.Principal.Actor()}
	if d.ApprovedAt != nil {
		doc.ApprovedBy, doc.ApprovedAt = d.Members[d.ApprovedBy], d.ApprovedAt
	}
	var attendees []string
	for _, id := range d.AttendeeIDs {
		attendees = append(attendees, d.Members[id])
	}
	meeting := [][]string{
		{"Meeting", day(d.MeetingDate)},
		{"Period reviewed", day(d.Period.From) + " to " + day(d.Period.To)},
		{"Chair", d.Members[d.ChairID]},
		{"Attendees", strings.Join(attendees, ", ")},
	}
	if guests := d.GuestList(); len(guests) > 0 {
		meeting = append(meeting, []string{"Guests", strings.Join(guests, ", ")})
	}
	doc.Sections = append(doc.Sections, report.Section{Heading: "The meeting", Table: &report.Table{Header: []string{"", ""}, Rows: meeting}})
	if d.Inputs == nil {
		doc.Sections = append(doc.Sections, report.Section{Heading: "Inputs (9.3.2)",
			Paragraphs: []string{"The inputs have not been compiled."}})
	} else {
		doc.Sections = append(doc.Sections, inputSections(d.Inputs)...)
	}
	if d.Notes != "" {
		doc.Sections = append(doc.Sections, report.Section{Heading: "Discussion", Paragraphs: strings.Split(d.Notes, "\n\n")})
	}
	decisions := report.Section{Heading: "Decisions (9.3.3)"}
	for i, dec := range d.Decisions {
		decisions.Paragraphs = append(decisions.Paragraphs, fmt.Sprintf("%d. %s", i+1, dec.Text))
	}
	if len(d.Decisions) == 0 {
		decisions.Paragraphs = []string{"No decision recorded."}
	}
	actions := report.Section{Heading: "Actions (9.3.3)", Table: &report.Table{Header: []string{"Action", "Owner", "Due", "Status"}}}
	for _, act := range d.Actions {
		status := "open"
		if act.Done() {
			status = "done " + day(*act.DoneAt)
		}
		actions.Table.Rows = append(actions.Table.Rows, []string{act.Title, d.Members[act.OwnerID], day(*act.DueDate), status})
	}
	doc.Sections = append(doc.Sections, decisions, actions)
	return report.DocumentPDF(w, doc)
}

// inputSections lays the compiled inputs out for the minutes, in the
// order of 9.3.2.
func inputSections(in *ReviewInputs) []report.Section {
	count := func(m map[string]int) string {
		var parts []string
		for _, k := range slices.Sorted(maps.Keys(m)) {
			parts = append(parts, fmt.Sprintf("%s %d", strings.ReplaceAll(k, "_", " "), m[k]))
		}
		if len(parts) == 0 {
			return "none"
		}
		return strings.Join(parts, ", ")
	}
	ncTable := func(lines []NCLine) *report.Table {
		t := &report.Table{Header: []string{"Ref", "Title", "Grade", "Source", "Stage", "Raised", "Closed"}}
		for _, l := range lines {
			t.Rows = append(t.Rows, []string{l.Ref, l.Title, l.Grade, isms.NCSource(l.Source).Label(), isms.NCStage(l.Stage).Label(),
				l.RaisedOn, l.ClosedOn})
		}
		return t
	}
	var out []report.Section
	intro := fmt.Sprintf("Compiled from the records on %s for the period %s to %s.", day(in.CompiledAt), in.PeriodFrom, in.PeriodTo)
	prev := report.Section{Heading: "a) Actions from previous reviews", Paragraphs: []string{intro,
		fmt.Sprintf("%d done in the period; %d still open.", in.PreviousActions.DoneInPeriod, len(in.PreviousActions.Open))}}
	if len(in.PreviousActions.Open) > 0 {
		prev.Table = &report.Table{Header: []string{"Review", "Action", "Owner", "Due"}}
		for _, l := range in.PreviousActions.Open {
			due := l.DueDate
			if l.Overdue {
				due += " (overdue)"
			}
			prev.Table.Rows = append(prev.Table.Rows, []string{l.Review, l.Title, l.Owner, due})
		}
	}
	out = append(out, prev)
	ctxSection := report.Section{Heading: "b), c) Changes in issues and interested parties"}
	if len(in.ContextChanges.Approved) == 0 {
		ctxSection.Paragraphs = []string{fmt.Sprintf("No new version of the ISMS context was approved in the period; version %d is in force.",
			in.ContextChanges.InForce)}
	} else {
		ctxSection.Table = &report.Table{Header: []string{"Version", "Approved", "Internal issues", "External issues", "Interested parties"}}
		for _, v := range in.ContextChanges.Approved {
			ctxSection.Table.Rows = append(ctxSection.Table.Rows, []string{fmt.Sprint(v.Version), v.ApprovedOn, fmt.Sprint(v.InternalIssues),
				fmt.Sprint(v.ExternalIssues), fmt.Sprint(v.InterestedParties)})
		}
	}
	out = append(out, ctxSection)
	nc := in.Nonconformities
	out = append(out, report.Section{Heading: "d) 1) Nonconformities raised in the period", Paragraphs: []string{
		fmt.Sprintf("%d open when compiled (%d major, %d overdue); open by stage: %s.", nc.Open, nc.OpenMajor, nc.Overdue, count(nc.ByStage))},
		Table: ncTable(nc.Raised)},
		report.Section{Heading: "d) 1) Nonconformities closed in the period", Table: ncTable(nc.Closed)})
	m := in.Monitoring
	mon := []string{fmt.Sprintf("Vulnerabilities open by severity: %s; %d past their deadline.", count(m.Vulnerabilities.OpenBySeverity),
		m.Vulnerabilities.Overdue)}
	if m.Vulnerabilities.SLACompliance >= 0 {
		mon = append(mon, fmt.Sprintf("Fixed within the deadline: %.0f%%.", 100*m.Vulnerabilities.SLACompliance))
	}
	mon = append(mon, fmt.Sprintf("Evidence of included controls: %d current, %d due soon, %d stale; %d included controls without evidence.",
		m.Evidence.Current, m.Evidence.DueSoon, m.Evidence.Stale, m.Evidence.IncludedWithoutEvidence))
	if m.SoA != nil {
		mon = append(mon, fmt.Sprintf("%s Statement of Applicability (approved version %d): %d controls, %d included, %d excluded, %d undecided, "+
			"%d flagged; implementation: %s.", m.SoA.Framework, m.SoA.ApprovedVersion, m.SoA.Controls, m.SoA.Included, m.SoA.Excluded,
			m.SoA.Undecided, m.SoA.Flagged, count(m.SoA.ByStatus)))
	}
	out = append(out, report.Section{Heading: "d) 2) Monitoring and measurement", Paragraphs: mon})
	audits := report.Section{Heading: "d) 3) Audit results", Paragraphs: []string{in.AuditResults.Internal.Note}}
	for _, l := range in.AuditResults.InternalAudits {
		var results []string
		for k, v := range l.Results {
			results = append(results, fmt.Sprintf("%s %d", k, v))
		}
		slices.Sort(results)
		p := fmt.Sprintf("%s %s, completed %s: %s.", l.Ref, l.Title, l.CompletedOn, strings.Join(results, ", "))
		if len(l.Records) > 0 {
			p += " Raised: " + strings.Join(l.Records, ", ") + "."
		}
		audits.Paragraphs = append(audits.Paragraphs, p)
	}
	if len(in.AuditResults.External) > 0 {
		audits.Table = &report.Table{Header: []string{"Audit", "Done", "Lead auditor", "Result", "Findings"}}
		for _, l := range in.AuditResults.External {
			audits.Table.Rows = append(audits.Table.Rows, []string{l.Kind, l.DoneOn, l.LeadAuditor, l.Result, strings.Join(l.Findings, ", ")})
		}
	} else {
		audits.Paragraphs = append(audits.Paragraphs, "No certification body audit took place in the period.")
	}
	out = append(out, audits,
		objectivesSection(*in),
		report.Section{Heading: "e) Feedback from interested parties", Paragraphs: []string{in.Feedback.Note}})
	rk := in.Risks
	levels := func(ls []RiskLevelCount) string {
		var parts []string
		for _, l := range ls {
			parts = append(parts, fmt.Sprintf("%s %d", l.Level, l.Count))
		}
		if len(parts) == 0 {
			return "none"
		}
		return strings.Join(parts, ", ")
	}
	risks := report.Section{Heading: "f) Risk assessment and treatment", Paragraphs: []string{
		fmt.Sprintf("%d risks. Inherent levels: %s. Residual levels: %s.", rk.Total, levels(rk.ByLevel), levels(rk.ByResidualLevel)),
		fmt.Sprintf("By status: %s. By treatment: %s.", count(rk.ByStatus), count(rk.ByTreatment)),
		fmt.Sprintf("Treatment actions: %d open, %d overdue.", rk.OpenActions, rk.OverdueActions)}}
	if len(rk.Accepted) > 0 {
		risks.Table = &report.Table{Header: []string{"Accepted risk", "Title", "Residual level"}}
		for _, l := range rk.Accepted {
			risks.Table.Rows = append(risks.Table.Rows, []string{l.Ref, l.Title, l.Residual})
		}
	}
	out = append(out, risks, report.Section{Heading: "g) Opportunities for improvement", Paragraphs: []string{
		fmt.Sprintf("%d raised in the period; %d open.", in.Improvements.RaisedInPeriod, len(in.Improvements.Open))},
		Table: ncTable(in.Improvements.Open)})
	return out
}

// compileAuditsAndObjectives adds the internal audits completed in the
// period and every objective's status to the inputs.
func (s *Service) compileAuditsAndObjectives(ctx context.Context, a Access, in *ReviewInputs, names map[string]string,
	inPeriod func(*time.Time) bool) error {
	audits, err := s.Audits(ctx, a, store.AuditFilter{Status: isms.AuditCompleted, Limit: store.MaxLimit})
	if err != nil {
		return err
	}
	for _, row := range audits {
		if !inPeriod(row.CompletedAt) {
			continue
		}
		d, err := s.Audit(ctx, a, row.ID)
		if err != nil {
			return err
		}
		line := InternalAuditLine{Ref: d.Ref(), Title: d.Title, CompletedOn: day(*d.CompletedAt), Results: map[string]int{}, Records: []string{}}
		for _, it := range d.Items {
			if it.Result != isms.ResultNone {
				line.Results[it.Result.Label()]++
			}
			if it.NCRef != "" {
				line.Records = append(line.Records, it.NCRef)
			}
		}
		in.AuditResults.InternalAudits = append(in.AuditResults.InternalAudits, line)
	}
	in.AuditResults.Internal = NotRecordedInput{Recorded: true,
		Note: fmt.Sprintf("%d internal %s completed in the period.", len(in.AuditResults.InternalAudits),
			plural(len(in.AuditResults.InternalAudits), "audit", "audits"))}
	objectives, err := s.Objectives(ctx, a)
	if err != nil {
		return err
	}
	for _, o := range objectives {
		l := ObjectiveLine{Ref: o.Ref(), Title: o.Title, Owner: names[o.OwnerID], Status: o.Current.Label()}
		if o.DueDate != nil {
			l.DueDate = day(*o.DueDate)
		}
		in.ObjectiveStatus = append(in.ObjectiveStatus, l)
	}
	in.Objectives = NotRecordedInput{Recorded: true, Note: fmt.Sprintf("%d information security objectives.", len(objectives))}
	return nil
}

func objectivesSection(in ReviewInputs) report.Section {
	sec := report.Section{Heading: "d) 4) Fulfilment of objectives", Paragraphs: []string{in.Objectives.Note}}
	if len(in.ObjectiveStatus) > 0 {
		sec.Table = &report.Table{Header: []string{"Objective", "Owner", "Due", "Status"}}
		for _, o := range in.ObjectiveStatus {
			sec.Table.Rows = append(sec.Table.Rows, []string{o.Ref + " " + o.Title, o.Owner, o.DueDate, o.Status})
		}
	}
	return sec
}
