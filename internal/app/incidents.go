package app

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/isms-dev/isms/internal/isms"
	"github.com/isms-dev/isms/internal/report"
	"github.com/isms-dev/isms/internal/store"
)

// IncidentInput is an incident as entered. On an update, nil fields stay
// as they are; a time with its Set flag true is replaced, so that it can
// be cleared.
type IncidentInput struct {
	Title       *string
	Description *string
	Category    *string
	Severity    *string
	Status      *string

	OccurredAt    *time.Time
	SetOccurredAt bool
	DetectedAt    *time.Time
	AwareAt       *time.Time
	SetAwareAt    bool

	Reporter  *string
	HandlerID *string
	AssetIDs  *[]string

	PersonalData            *bool
	DataSubjects            *int
	AuthorityNotifiedAt     *time.Time
	SetAuthorityNotifiedAt  bool
	AuthorityRef            *string
	NotificationNotRequired *string

	AIHighRisk      *bool
	AISerious       *bool
	AICase          *string
	AIReportedAt    *time.Time
	SetAIReportedAt bool
	AIReportRef     *string

	Containment    *string
	ContainedAt    *time.Time
	SetContainedAt bool
	Eradication    *string
	Recovery       *string
	LessonsLearned *string
	// ClosedAt is when the incident was closed, for one logged after the
	// fact; now by default.
	ClosedAt    *time.Time
	SetClosedAt bool
}

// mayEditIncident allows a change to an incident: anyone who may change
// ISMS records; a contributor who handles it; and the contributor who
// reported it, until it is triaged.
func (a Access) mayEditIncident(i isms.Incident) error {
	if a.Can(isms.PermWriteRecords) {
		return nil
	}
	if a.Role == isms.RoleContributor && a.Member.ID != "" &&
		(a.Member.ID == i.HandlerID || a.Member.ID == i.RaisedBy && i.Status == isms.IncidentReported) {
		return nil
	}
	if a.Role == isms.RoleContributor {
		return fmt.Errorf("a contributor changes the incidents they handle, or their own report until it is triaged: %w", isms.ErrForbidden)
	}
	return a.require(isms.PermWriteRecords)
}

// actorName is how a timeline or custody record names the caller when
// they name nobody: the member's name, or the operator.
func (a Access) actorName() string {
	if a.Member.Name != "" {
		return a.Member.Name
	}
	return a.Principal.Actor()
}

// ReportIncident adds an incident to the register (6.8): anyone who works
// in the organisation reports what they observed. Who reports it may hand
// it to a handler only if they may change ISMS records, or name
// themselves.
func (s *Service) ReportIncident(ctx context.Context, a Access, in IncidentInput) (isms.Incident, error) {
	if err := a.mayRaise(); err != nil {
		return isms.Incident{}, err
	}
	if in.HandlerID != nil && strings.TrimSpace(*in.HandlerID) == "" {
		in.HandlerID = nil
	}
	if !a.Can(isms.PermWriteRecords) && in.HandlerID != nil && *in.HandlerID != a.Member.ID {
		return isms.Incident{}, fmt.Errorf("a contributor may handle the incident themselves; an ISMS manager assigns it to someone else: %w",
			isms.ErrForbidden)
	}
	// Detected now unless said otherwise, or when the organisation became
	// aware of it, if that is all that is given.
	if in.DetectedAt == nil && in.SetAwareAt && in.AwareAt != nil {
		in.DetectedAt = in.AwareAt
	}
	now := s.now()
	i := isms.Incident{OrgID: a.Org.ID, RaisedBy: a.Member.ID, Status: isms.IncidentReported, DetectedAt: now, AssetIDs: []string{}}
	var out isms.Incident
	err := s.db.InTx(ctx, a.Principal.Actor(), func(tx *store.Tx) error {
		if err := s.applyIncidentInput(ctx, tx, a, &i, in, now); err != nil {
			return err
		}
		var err error
		out, err = tx.CreateIncident(ctx, i)
		return err
	})
	return out, err
}

// UpdateIncident changes an incident that is not closed.
func (s *Service) UpdateIncident(ctx context.Context, a Access, ref string, in IncidentInput) (isms.Incident, error) {
	var out isms.Incident
	err := s.db.InTx(ctx, a.Principal.Actor(), func(tx *store.Tx) error {
		i, err := incidentByRef(ctx, tx.Reads, a.Org.ID, ref)
		if err != nil {
			return err
		}
		if err := a.mayEditIncident(i); err != nil {
			return err
		}
		if in.HandlerID != nil && strings.TrimSpace(*in.HandlerID) != i.HandlerID && !a.Can(isms.PermWriteRecords) &&
			strings.TrimSpace(*in.HandlerID) != a.Member.ID {
			return fmt.Errorf("only an ISMS manager hands an incident to someone else: %w", isms.ErrForbidden)
		}
		if i.Closed() {
			return &isms.ConflictError{Field: "status", Detail: i.Ref() + " is closed; its record no longer changes, though its timeline " +
				"and the custody of its evidence may still grow"}
		}
		if err := s.applyIncidentInput(ctx, tx, a, &i, in, s.now()); err != nil {
			return err
		}
		out, err = tx.UpdateIncident(ctx, i)
		return err
	})
	return out, err
}

func (s *Service) applyIncidentInput(ctx context.Context, tx *store.Tx, a Access, i *isms.Incident, in IncidentInput, now time.Time) error {
	text := func(dst *string, src *string) {
		if src != nil {
			*dst = strings.TrimSpace(*src)
		}
	}
	at := func(t *time.Time) *time.Time {
		if t == nil {
			return nil
		}
		v := t.UTC().Truncate(time.Microsecond)
		return &v
	}
	text(&i.Title, in.Title)
	text(&i.Description, in.Description)
	if in.Category != nil {
		i.Category = isms.IncidentCategory(strings.TrimSpace(*in.Category))
	}
	if in.Severity != nil {
		i.Severity = isms.IncidentSeverity(strings.TrimSpace(*in.Severity))
	}
	before := i.Status
	if in.Status != nil {
		i.Status = isms.IncidentStatus(strings.TrimSpace(*in.Status))
	}
	if in.SetOccurredAt {
		i.OccurredAt = at(in.OccurredAt)
	}
	if in.DetectedAt != nil {
		i.DetectedAt = *at(in.DetectedAt)
	}
	if in.SetAwareAt {
		i.AwareAt = at(in.AwareAt)
	}
	text(&i.Reporter, in.Reporter)
	text(&i.HandlerID, in.HandlerID)
	if in.AssetIDs != nil {
		i.AssetIDs = slices.Compact(slices.Sorted(slices.Values(*in.AssetIDs)))
		i.AssetIDs = slices.DeleteFunc(i.AssetIDs, func(id string) bool { return id == "" })
	}
	if in.PersonalData != nil {
		i.PersonalData = *in.PersonalData
	}
	if in.DataSubjects != nil {
		i.DataSubjects = *in.DataSubjects
	}
	if in.SetAuthorityNotifiedAt {
		i.AuthorityNotifiedAt = at(in.AuthorityNotifiedAt)
	}
	text(&i.AuthorityRef, in.AuthorityRef)
	text(&i.NotificationNotRequired, in.NotificationNotRequired)
	if in.AIHighRisk != nil {
		i.AIHighRisk = *in.AIHighRisk
	}
	if in.AISerious != nil {
		i.AISerious = *in.AISerious
	}
	if in.AICase != nil {
		i.AICase = isms.AIActCase(strings.TrimSpace(*in.AICase))
	}
	if in.SetAIReportedAt {
		i.AIReportedAt = at(in.AIReportedAt)
	}
	text(&i.AIReportRef, in.AIReportRef)
	text(&i.Containment, in.Containment)
	if in.SetContainedAt {
		i.ContainedAt = at(in.ContainedAt)
	}
	text(&i.Eradication, in.Eradication)
	text(&i.Recovery, in.Recovery)
	text(&i.LessonsLearned, in.LessonsLearned)

	// The case of art. 73 matters only for a serious incident of a
	// high-risk AI system; the general rule applies unless another is
	// chosen.
	switch {
	case !i.AIHighRisk || !i.AISerious:
		if slices.Contains(isms.AIActCases, i.AICase) {
			i.AICase = ""
		}
	case i.AICase == "":
		i.AICase = isms.AICaseGeneral
	}
	// When the response reached containment and closure follows from the
	// status: the time it first got there, unless someone says otherwise.
	switch {
	case !i.Status.AtLeast(isms.IncidentContained):
		i.ContainedAt = nil
	case i.ContainedAt == nil:
		i.ContainedAt = &now
	}
	switch {
	case i.Status != isms.IncidentClosed:
		i.ClosedAt = nil
	case in.SetClosedAt && in.ClosedAt != nil:
		i.ClosedAt = at(in.ClosedAt)
	case before != isms.IncidentClosed || i.ClosedAt == nil:
		i.ClosedAt = &now
	}

	v := &isms.ValidationError{}
	if err := s.checkMembers(ctx, tx, a.Org.ID, v, map[string]string{"handler": i.HandlerID}); err != nil {
		return err
	}
	if len(i.AssetIDs) > 0 {
		found, err := tx.AssetLabels(ctx, a.Org.ID, i.AssetIDs, 0)
		if err != nil {
			return err
		}
		if len(found) != len(i.AssetIDs) {
			v.Add("asset_ids", "names an asset that is not in this organisation's inventory")
		}
	}
	if i.ContainedAt != nil && i.ContainedAt.Before(i.DetectedAt) {
		v.Add("contained_at", "is before the incident was detected")
	}
	if i.ContainedAt != nil && i.ContainedAt.After(now.Add(5*time.Minute)) {
		v.Add("contained_at", "is in the future")
	}
	if i.ClosedAt != nil && i.ClosedAt.After(now.Add(5*time.Minute)) {
		v.Add("closed_at", "is in the future")
	}
	if i.ClosedAt != nil && (i.ClosedAt.Before(i.DetectedAt) || i.ContainedAt != nil && i.ClosedAt.Before(*i.ContainedAt)) {
		v.Add("closed_at", "is before the incident was detected or contained")
	}
	if err := v.Err(); err != nil {
		// Report these with whatever else is wrong.
		if verr := i.Validate(now); verr != nil {
			v.Fields = append(v.Fields, isms.FieldErrors(verr)...)
		}
		return v
	}
	return i.Validate(now)
}

// incidentByRef finds an incident by id or by its reference (INC-007, 7).
func incidentByRef(ctx context.Context, r store.Reads, orgID, ref string) (isms.Incident, error) {
	rest := ref
	if len(rest) > 4 && strings.EqualFold(rest[:4], "INC-") {
		rest = rest[4:]
	}
	if n, err := strconv.Atoi(rest); err == nil && n > 0 {
		return r.IncidentByRef(ctx, orgID, n)
	}
	return r.Incident(ctx, orgID, ref)
}

// IncidentDetail is an incident with everything recorded about it, and
// the deadlines its facts set.
type IncidentDetail struct {
	isms.Incident
	Deadlines []isms.Deadline
	Events    []isms.IncidentEvent
	Evidence  []store.IncidentEvidenceItem
	Links     []store.IncidentLinkView
	Assets    []store.AssetLabel
	// Members names the organisation's members by membership id.
	Members map[string]string
}

// Incident returns an incident of the register by id or reference.
func (s *Service) Incident(ctx context.Context, a Access, ref string) (IncidentDetail, error) {
	if err := a.require(isms.PermRead); err != nil {
		return IncidentDetail{}, err
	}
	i, err := incidentByRef(ctx, s.db.Reads, a.Org.ID, ref)
	if err != nil {
		return IncidentDetail{}, err
	}
	d := IncidentDetail{Incident: i, Deadlines: i.Deadlines()}
	events, err := s.db.IncidentEvents(ctx, a.Org.ID, i.ID)
	if err != nil {
		return d, err
	}
	d.Events = events[i.ID]
	if d.Evidence, err = s.db.IncidentEvidence(ctx, a.Org.ID, i.ID); err != nil {
		return d, err
	}
	if d.Links, err = s.db.IncidentLinks(ctx, a.Org.ID, i.ID); err != nil {
		return d, err
	}
	if len(i.AssetIDs) > 0 {
		if d.Assets, err = s.db.AssetLabels(ctx, a.Org.ID, i.AssetIDs, 0); err != nil {
			return d, err
		}
	}
	d.Members, err = s.memberNames(ctx, a.Org.ID)
	return d, err
}

// IncidentRow is a line of the register, with its deadlines.
type IncidentRow struct {
	isms.Incident
	Deadlines []isms.Deadline
}

// Incidents lists the register, newest first.
func (s *Service) Incidents(ctx context.Context, a Access, f store.IncidentFilter) ([]IncidentRow, error) {
	if err := a.require(isms.PermRead); err != nil {
		return nil, err
	}
	if err := checkIncidentFilter(f); err != nil {
		return nil, err
	}
	list, err := s.db.Incidents(ctx, a.Org.ID, f)
	if err != nil {
		return nil, err
	}
	out := make([]IncidentRow, len(list))
	for k, i := range list {
		out[k] = IncidentRow{Incident: i, Deadlines: i.Deadlines()}
	}
	return out, nil
}

func checkIncidentFilter(f store.IncidentFilter) error {
	v := &isms.ValidationError{}
	if f.Status != "" && f.Status != "open" && isms.IncidentStatus(f.Status).Rank() == 0 {
		v.Add("status", "%q is not a status; use open or one of reported, triaged, contained, eradicated, recovered, closed", f.Status)
	}
	if f.Category != "" && !f.Category.Valid() {
		v.Add("category", "%q is not a category", f.Category)
	}
	if f.Severity != "" && f.Severity.Rank() == 0 {
		v.Add("severity", "%q is not a severity; use low, medium, high or critical", f.Severity)
	}
	return v.Err()
}

// ---------------------------------------------------------------------
// The timeline.

// IncidentEventInput is a timeline entry as entered; At defaults to now
// and Who to the caller.
type IncidentEventInput struct {
	At   *time.Time
	What string
	Who  string
}

// AddIncidentEvent adds an entry to an incident's timeline. Entries are
// never changed or removed: a mistake is corrected by a later entry. The
// timeline stays open after closure, for what follows (the authority's
// answer, a claim).
func (s *Service) AddIncidentEvent(ctx context.Context, a Access, ref string, in IncidentEventInput) (isms.IncidentEvent, error) {
	var out isms.IncidentEvent
	err := s.db.InTx(ctx, a.Principal.Actor(), func(tx *store.Tx) error {
		i, err := incidentByRef(ctx, tx.Reads, a.Org.ID, ref)
		if err != nil {
			return err
		}
		if err := a.mayEditIncident(i); err != nil {
			return err
		}
		now := s.now()
		e := isms.IncidentEvent{OrgID: a.Org.ID, IncidentID: i.ID, At: now, What: strings.TrimSpace(in.What),
			Who: cmp.Or(strings.TrimSpace(in.Who), a.actorName()), RecordedBy: a.Member.ID}
		if in.At != nil {
			e.At = in.At.UTC().Truncate(time.Microsecond)
		}
		if err := e.Validate(now); err != nil {
			return err
		}
		out, err = tx.AddIncidentEvent(ctx, e)
		return err
	})
	return out, err
}

// ---------------------------------------------------------------------
// Evidence (5.28).

// IncidentEvidenceInput attaches an evidence item of the register to an
// incident. CollectedBy and CollectedAt default to who uploaded the item
// and when.
type IncidentEvidenceInput struct {
	EvidenceID  string
	CollectedBy string
	CollectedAt *time.Time
	Note        string
}

// contentHash is the SHA-256 of what an evidence item holds: its stored
// file's, or its written text's; a link holds nothing to hash.
func contentHash(e isms.Evidence) string {
	switch e.Kind {
	case isms.EvidenceFile:
		return e.SHA256
	case isms.EvidenceRecord:
		return isms.HashText(e.Body)
	}
	return ""
}

// AttachIncidentEvidence links an evidence item to an incident and starts
// its chain of custody with who collected it, when, and the SHA-256 of its
// content now.
func (s *Service) AttachIncidentEvidence(ctx context.Context, a Access, ref string, in IncidentEvidenceInput) (isms.IncidentEvidence, error) {
	var out isms.IncidentEvidence
	err := s.db.InTx(ctx, a.Principal.Actor(), func(tx *store.Tx) error {
		i, err := incidentByRef(ctx, tx.Reads, a.Org.ID, ref)
		if err != nil {
			return err
		}
		if err := a.mayEditIncident(i); err != nil {
			return err
		}
		id := strings.TrimSpace(in.EvidenceID)
		if id == "" {
			return isms.Invalid("evidence", "is required: choose an item of the evidence register")
		}
		e, err := tx.Evidence(ctx, a.Org.ID, id)
		if errors.Is(err, isms.ErrNotFound) {
			return isms.Invalid("evidence", "is not an evidence item of this organisation")
		}
		if err != nil {
			return err
		}
		item := isms.IncidentEvidence{OrgID: a.Org.ID, IncidentID: i.ID, EvidenceID: e.ID, SHA256: contentHash(e),
			CollectedBy: strings.TrimSpace(in.CollectedBy), CollectedAt: e.CreatedAt, Note: strings.TrimSpace(in.Note),
			RecordedBy: a.Member.ID}
		if item.CollectedBy == "" {
			if m, err := tx.Member(ctx, a.Org.ID, e.CollectedBy); err == nil {
				item.CollectedBy = m.Name
			} else {
				item.CollectedBy = a.actorName()
			}
		}
		if in.CollectedAt != nil {
			item.CollectedAt = in.CollectedAt.UTC().Truncate(time.Microsecond)
		}
		if err := item.Validate(s.now()); err != nil {
			return err
		}
		out, err = tx.AttachIncidentEvidence(ctx, item)
		if errors.Is(err, isms.ErrConflict) {
			return &isms.ConflictError{Field: "evidence", Detail: "is already attached to " + i.Ref()}
		}
		return err
	})
	return out, err
}

// CustodyInput is a hand-over of an evidence item; At defaults to now.
type CustodyInput struct {
	At   *time.Time
	Who  string
	Note string
}

// RecordCustody adds a hand-over to the chain of custody of an incident's
// evidence item. Custody events are never changed or removed, and can be
// recorded after the incident is closed.
func (s *Service) RecordCustody(ctx context.Context, a Access, ref, itemID string, in CustodyInput) (isms.CustodyEvent, error) {
	var out isms.CustodyEvent
	err := s.db.InTx(ctx, a.Principal.Actor(), func(tx *store.Tx) error {
		i, err := incidentByRef(ctx, tx.Reads, a.Org.ID, ref)
		if err != nil {
			return err
		}
		if err := a.mayEditIncident(i); err != nil {
			return err
		}
		items, err := tx.IncidentEvidence(ctx, a.Org.ID, i.ID)
		if err != nil {
			return err
		}
		k := slices.IndexFunc(items, func(it store.IncidentEvidenceItem) bool { return it.ID == itemID })
		if k < 0 {
			return fmt.Errorf("evidence item %s of %s: %w", itemID, i.Ref(), isms.ErrNotFound)
		}
		now := s.now()
		c := isms.CustodyEvent{OrgID: a.Org.ID, IncidentEvidenceID: itemID, At: now, Who: strings.TrimSpace(in.Who),
			Note: strings.TrimSpace(in.Note), RecordedBy: a.Member.ID}
		if in.At != nil {
			c.At = in.At.UTC().Truncate(time.Microsecond)
		}
		if err := c.Validate(now); err != nil {
			return err
		}
		if c.At.Before(items[k].CollectedAt) {
			return isms.Invalid("at", "is before the item was collected")
		}
		out, err = tx.AddCustodyEvent(ctx, c)
		return err
	})
	return out, err
}

// EvidenceCheck is the result of checking one of an incident's evidence
// items against the hash recorded when it was attached.
type EvidenceCheck struct {
	ItemID string
	Title  string
	SHA256 string
	// State is "intact", "altered" (the content no longer hashes to the
	// recorded value), "missing" (the stored file is gone) or "no_content"
	// (a link).
	State  string
	Detail string
}

// VerifyIncidentEvidence rehashes the content of every evidence item of an
// incident and compares it with the hash recorded at attachment.
func (s *Service) VerifyIncidentEvidence(ctx context.Context, a Access, ref string) ([]EvidenceCheck, error) {
	if err := a.require(isms.PermRead); err != nil {
		return nil, err
	}
	i, err := incidentByRef(ctx, s.db.Reads, a.Org.ID, ref)
	if err != nil {
		return nil, err
	}
	items, err := s.db.IncidentEvidence(ctx, a.Org.ID, i.ID)
	if err != nil {
		return nil, err
	}
	var files []string
	for _, it := range items {
		if it.Kind == isms.EvidenceFile {
			files = append(files, it.SHA256)
		}
	}
	problems := map[string]string{}
	if len(files) > 0 {
		if s.files == nil {
			return nil, ErrNoFileStore
		}
		found, err := s.files.Verify(ctx, files)
		if err != nil {
			return nil, err
		}
		for _, p := range found {
			problems[p.SHA256] = p.Kind
		}
	}
	out := make([]EvidenceCheck, 0, len(items))
	for _, it := range items {
		c := EvidenceCheck{ItemID: it.ID, Title: it.Title, SHA256: it.SHA256, State: "intact"}
		switch it.Kind {
		case isms.EvidenceFile:
			switch kind := problems[it.SHA256]; {
			case it.StoredSHA256 != it.SHA256:
				c.State, c.Detail = "altered", "the evidence register now names another file than the one collected"
			case kind == "missing":
				c.State, c.Detail = "missing", "the stored file is missing from the evidence store"
			case kind != "":
				c.State, c.Detail = "altered", "the stored file no longer hashes to the value recorded when it was collected"
			default:
				c.Detail = "the stored file still hashes to the value recorded when it was collected"
			}
		case isms.EvidenceRecord:
			e, err := s.db.Evidence(ctx, a.Org.ID, it.EvidenceID)
			if err != nil {
				return nil, err
			}
			if isms.HashText(e.Body) != it.SHA256 {
				c.State, c.Detail = "altered", "the written record was edited after it was collected"
			} else {
				c.Detail = "the written record is as it was when collected"
			}
		default:
			c.State, c.Detail = "no_content", "a link holds no content to hash"
		}
		out = append(out, c)
	}
	return out, nil
}

// ---------------------------------------------------------------------
// What an incident raises: a nonconformity, a risk, a control change.

// incidentSummary describes an incident for the records raised from it.
func incidentSummary(i isms.Incident) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Raised from incident %s (%s, %s severity), detected %s.", i.Ref(), i.Category.Label(), strings.ToLower(i.Severity.Label()),
		i.DetectedAt.Format("2006-01-02 15:04 UTC"))
	if i.Description != "" {
		b.WriteString("\n\n" + i.Description)
	}
	if i.LessonsLearned != "" {
		b.WriteString("\n\nLessons learned: " + i.LessonsLearned)
	}
	return b.String()
}

// RaiseIncidentNonconformity raises a nonconformity from an incident,
// with source "incident": a requirement the incident showed was not met.
// Title and description default to the incident's; the link is kept with
// the incident.
func (s *Service) RaiseIncidentNonconformity(ctx context.Context, a Access, ref string, in NCInput) (isms.Nonconformity, error) {
	if err := a.mayRaise(); err != nil {
		return isms.Nonconformity{}, err
	}
	if in.OwnerID != nil && strings.TrimSpace(*in.OwnerID) == "" {
		in.OwnerID = nil
	}
	if a.Role == isms.RoleContributor && in.OwnerID != nil && *in.OwnerID != a.Member.ID {
		return isms.Nonconformity{}, fmt.Errorf("a contributor raises records they own; an ISMS manager assigns them: %w", isms.ErrForbidden)
	}
	var out isms.Nonconformity
	err := s.db.InTx(ctx, a.Principal.Actor(), func(tx *store.Tx) error {
		i, err := incidentByRef(ctx, tx.Reads, a.Org.ID, ref)
		if err != nil {
			return err
		}
		if err := a.mayEditIncident(i); err != nil {
			return err
		}
		in.Source = string(isms.SourceIncident)
		if in.Title == nil || strings.TrimSpace(*in.Title) == "" {
			t := clipRunes(i.Ref()+": "+i.Title, 300)
			in.Title = &t
		}
		if in.Description == nil || strings.TrimSpace(*in.Description) == "" {
			d := clipRunes(incidentSummary(i), 10000)
			in.Description = &d
		}
		if in.Grade == nil && in.Kind != string(isms.KindImprovement) {
			g := string(isms.GradeMinor)
			in.Grade = &g
		}
		if out, err = s.raiseNonconformity(ctx, tx, a, in); err != nil {
			return err
		}
		_, err = tx.AddIncidentLink(ctx, isms.IncidentLink{OrgID: a.Org.ID, IncidentID: i.ID, Kind: isms.LinkNonconformity, NonconformityID: out.ID})
		return err
	})
	return out, err
}

// incidentThreats are the threats of the libraries a risk raised from an
// incident of each category cites. Categories without one describe the
// threat in words.
var incidentThreats = map[isms.IncidentCategory]string{
	isms.IncidentMalware:            "infosec-threats:TH-UNA-01",
	isms.IncidentPhishing:           "infosec-threats:TH-UNA-02",
	isms.IncidentUnauthorisedAccess: "infosec-threats:TH-UNA-04",
	isms.IncidentDataLoss:           "infosec-threats:TH-COM-05",
	isms.IncidentDenialOfService:    "infosec-threats:TH-UNA-07",
	isms.IncidentMisconfiguration:   "infosec-threats:TH-TEC-04",
	isms.IncidentPhysical:           "infosec-threats:TH-PHY-03",
	isms.IncidentModelCompromise:    "owasp-ml-top10-2023:ML05:2023",
	isms.IncidentDataPoisoning:      "owasp-llm-top10-2025:LLM04:2025",
	isms.IncidentPromptInjection:    "owasp-llm-top10-2025:LLM01:2025",
	isms.IncidentTrainingDataLeak:   "owasp-llm-top10-2025:LLM02:2025",
	isms.IncidentHarmfulOutput:      "owasp-llm-top10-2025:LLM09:2025",
	isms.IncidentAISupplierBreach:   "owasp-llm-top10-2025:LLM03:2025",
}

// RaiseIncidentRisk adds a risk to the register from an incident: the
// incident showed that the threat is real. It cites the threat of the
// incident's category, covers the affected assets, is rated from the
// severity on the methodology's scales (the owner then adjusts it), and is
// owned by the handler. The link is kept with the incident.
func (s *Service) RaiseIncidentRisk(ctx context.Context, a Access, ref string) (isms.Risk, error) {
	if err := a.require(isms.PermWriteRecords); err != nil {
		return isms.Risk{}, err
	}
	lib, err := s.library(ctx, a.Org.ID)
	if err != nil {
		return isms.Risk{}, err
	}
	var out isms.Risk
	err = s.db.InTx(ctx, a.Principal.Actor(), func(tx *store.Tx) error {
		i, err := incidentByRef(ctx, tx.Reads, a.Org.ID, ref)
		if err != nil {
			return err
		}
		mv, err := s.methodologyInForce(ctx, tx, a)
		if err != nil {
			return err
		}
		// A starting rating on a five-point scale: it happened, so it is
		// at least possible; the severity says how much it hurt.
		likelihood, impact := 3, 2
		switch i.Severity {
		case isms.IncidentMedium:
			impact = 3
		case isms.IncidentHigh:
			likelihood, impact = 4, 4
		case isms.IncidentCritical:
			likelihood, impact = 4, 5
		}
		m := mv.Methodology
		in := RiskInput{Title: clipRunes(i.Title, 200), ThreatRef: incidentThreats[i.Category],
			Scenario: clipRunes(incidentSummary(i), 2000), AffectsC: true, AffectsI: true, AffectsA: true,
			InherentLikelihood: onScale(likelihood, len(m.Likelihood)), InherentImpact: onScale(impact, len(m.Impact)),
			OwnerID: cmp.Or(i.HandlerID, a.Member.ID), AssetIDs: i.AssetIDs}
		if in.ThreatRef == "" {
			in.ThreatText = clipRunes(i.Category.Label()+": "+i.Title, 500)
		}
		if i.Containment != "" {
			in.ExistingControls = clipRunes("Containment in "+i.Ref()+": "+i.Containment, 2000)
		}
		if out, err = s.createRisk(ctx, tx, a, lib.lib, in); err != nil {
			return err
		}
		_, err = tx.AddIncidentLink(ctx, isms.IncidentLink{OrgID: a.Org.ID, IncidentID: i.ID, Kind: isms.LinkRisk, RiskID: out.ID})
		return err
	})
	return out, err
}

// ControlChangeInput proposes a change to a control after an incident:
// an implementation task on the control. Title defaults to one naming the
// incident.
type ControlChangeInput struct {
	Control    string
	Title      string
	AssigneeID string
	DueDate    *time.Time
}

// ProposeControlChange adds an implementation task to a control, titled
// from the incident, so that what the incident taught changes how the
// control works (5.27). The link is kept with the incident.
func (s *Service) ProposeControlChange(ctx context.Context, a Access, ref string, in ControlChangeInput) (isms.ControlTask, error) {
	var out isms.ControlTask
	err := s.db.InTx(ctx, a.Principal.Actor(), func(tx *store.Tx) error {
		i, err := incidentByRef(ctx, tx.Reads, a.Org.ID, ref)
		if err != nil {
			return err
		}
		if err := a.mayEditIncident(i); err != nil {
			return err
		}
		control := strings.TrimSpace(in.Control)
		if control == "" {
			return isms.Invalid("control", "is required: name the control to change, such as iso27001-2022:A.8.16")
		}
		title := strings.TrimSpace(in.Title)
		if title == "" {
			title = clipRunes("Change after "+i.Ref()+": "+i.Title, 500)
		}
		out, err = s.saveControlTask(ctx, tx, a, control, "", TaskInput{Title: title, AssigneeID: cmp.Or(strings.TrimSpace(in.AssigneeID),
			i.HandlerID), DueDate: in.DueDate})
		if errors.Is(err, isms.ErrNotFound) {
			return isms.Invalid("control", "%q is not a control of the organisation's frameworks", control)
		}
		if err != nil {
			return err
		}
		_, err = tx.AddIncidentLink(ctx, isms.IncidentLink{OrgID: a.Org.ID, IncidentID: i.ID, Kind: isms.LinkControlTask, ControlTaskID: out.ID})
		return err
	})
	return out, err
}

// ---------------------------------------------------------------------
// Figures: live evidence for 5.24 to 5.28 and 6.8.

// PendingDeadline is a notification still to make, with its incident.
type PendingDeadline struct {
	isms.Deadline
	Incident isms.Incident
}

// IncidentMetrics are the incident register's figures.
type IncidentMetrics struct {
	Open           int
	OpenBySeverity map[isms.IncidentSeverity]int
	// Last12Months counts incidents detected in the last 365 days, and
	// AILast12Months those of them in an AI category.
	Last12Months, AILast12Months int
	// Pending lists the notifications and reports still to make, the
	// earliest due first; Overdue counts those past their deadline.
	Pending []PendingDeadline
	Overdue int
	// Notified counts the notifications and reports made, and Late those
	// made after their deadline.
	Notified, Late int
	// Contained counts incidents contained, with the mean hours from
	// detection to containment; Closed those closed, with the mean days
	// from detection to closure.
	Contained          int
	MeanHoursToContain float64
	Closed             int
	MeanDaysToClose    float64
	store.IncidentCounts
}

// IncidentMetrics computes the figures now.
func (s *Service) IncidentMetrics(ctx context.Context, a Access) (IncidentMetrics, error) {
	if err := a.require(isms.PermRead); err != nil {
		return IncidentMetrics{}, err
	}
	all, err := s.db.Incidents(ctx, a.Org.ID, store.IncidentFilter{Limit: -1, WithoutAssets: true})
	if err != nil {
		return IncidentMetrics{}, err
	}
	now := s.now()
	m := IncidentMetrics{OpenBySeverity: map[isms.IncidentSeverity]int{}}
	var toContain, toClose time.Duration
	for _, i := range all {
		if !i.Closed() {
			m.Open++
			m.OpenBySeverity[i.Severity]++
		}
		if now.Sub(i.DetectedAt) <= 365*24*time.Hour {
			m.Last12Months++
			if i.Category.AI() {
				m.AILast12Months++
			}
		}
		for _, d := range i.Deadlines() {
			switch d.State(now) {
			case isms.DeadlineRunning:
				m.Pending = append(m.Pending, PendingDeadline{Deadline: d, Incident: i})
			case isms.DeadlineOverdue:
				m.Pending = append(m.Pending, PendingDeadline{Deadline: d, Incident: i})
				m.Overdue++
			case isms.DeadlineMet:
				m.Notified++
			case isms.DeadlineLate:
				m.Notified++
				m.Late++
			}
		}
		if i.ContainedAt != nil {
			m.Contained++
			toContain += i.ContainedAt.Sub(i.DetectedAt)
		}
		if i.ClosedAt != nil {
			m.Closed++
			toClose += i.ClosedAt.Sub(i.DetectedAt)
		}
	}
	slices.SortFunc(m.Pending, func(x, y PendingDeadline) int { return x.Due.Compare(y.Due) })
	if m.Contained > 0 {
		m.MeanHoursToContain = toContain.Hours() / float64(m.Contained)
	}
	if m.Closed > 0 {
		m.MeanDaysToClose = toClose.Hours() / 24 / float64(m.Closed)
	}
	m.IncidentCounts, err = s.db.IncidentCounts(ctx, a.Org.ID)
	return m, err
}

// ---------------------------------------------------------------------
// Exports.

// incidentReport loads the incidents a filter selects, with their
// timelines, evidence and the records raised from them, in words.
func (s *Service) incidentReport(ctx context.Context, a Access, f store.IncidentFilter) ([]report.Incident, error) {
	if err := a.require(isms.PermRead); err != nil {
		return nil, err
	}
	if err := checkIncidentFilter(f); err != nil {
		return nil, err
	}
	f.Limit, f.After = -1, 0
	list, err := s.db.Incidents(ctx, a.Org.ID, f)
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(list))
	var assetIDs []string
	for k, i := range list {
		ids[k] = i.ID
		assetIDs = append(assetIDs, i.AssetIDs...)
	}
	events, err := s.db.IncidentEvents(ctx, a.Org.ID, ids...)
	if err != nil {
		return nil, err
	}
	names, err := s.memberNames(ctx, a.Org.ID)
	if err != nil {
		return nil, err
	}
	assets := map[string]string{}
	for batch := range slices.Chunk(slices.Compact(slices.Sorted(slices.Values(assetIDs))), 500) {
		labels, err := s.db.AssetLabels(ctx, a.Org.ID, batch, 0)
		if err != nil {
			return nil, err
		}
		for _, l := range labels {
			assets[l.ID] = l.Name
		}
	}
	now := s.now()
	out := make([]report.Incident, 0, len(list))
	for _, i := range list {
		r := report.Incident{Ref: i.Ref(), Title: i.Title, Description: i.Description, Category: i.Category.Label(), AI: i.Category.AI(),
			Severity: i.Severity.Label(), Status: i.Status.Label(), Occurred: i.OccurredAt, Detected: &i.DetectedAt, Aware: i.AwareAt,
			Reporter: i.Reporter, Handler: names[i.HandlerID], PersonalData: i.PersonalData, DataSubjects: i.DataSubjects,
			AuthorityNotified: i.AuthorityNotifiedAt, AuthorityRef: i.AuthorityRef, NotRequired: i.NotificationNotRequired,
			AIHighRisk: i.AIHighRisk, AISerious: i.AISerious, AIReported: i.AIReportedAt, AIReportRef: i.AIReportRef,
			Containment: i.Containment, Eradication: i.Eradication, Recovery: i.Recovery, LessonsLearned: i.LessonsLearned,
			Contained: i.ContainedAt, Closed: i.ClosedAt}
		if i.AICase != "" {
			r.AICase = i.AICase.Label()
		}
		for _, id := range i.AssetIDs {
			r.Assets = append(r.Assets, assets[id])
		}
		if d, ok := i.GDPRDeadline(); ok {
			r.GDPRDue, r.GDPRState = &d.Due, d.State(now).Label()
		}
		if d, ok := i.AIActDeadline(); ok {
			r.AIDue, r.AIState = &d.Due, d.State(now).Label()
		}
		for _, e := range events[i.ID] {
			r.Timeline = append(r.Timeline, report.IncidentEvent{At: e.At, What: e.What, Who: e.Who})
		}
		items, err := s.db.IncidentEvidence(ctx, a.Org.ID, i.ID)
		if err != nil {
			return nil, err
		}
		for _, it := range items {
			ev := report.IncidentEvidence{Title: it.Title, SHA256: it.SHA256, CollectedBy: it.CollectedBy, CollectedAt: it.CollectedAt,
				Note: it.Note}
			for _, c := range it.Custody {
				ev.Custody = append(ev.Custody, report.IncidentEvent{At: c.At, What: c.Note, Who: c.Who})
			}
			r.Evidence = append(r.Evidence, ev)
		}
		links, err := s.db.IncidentLinks(ctx, a.Org.ID, i.ID)
		if err != nil {
			return nil, err
		}
		for _, l := range links {
			r.RaisedRecords = append(r.RaisedRecords, strings.TrimSpace(l.Ref+" "+l.Title))
		}
		out = append(out, r)
	}
	return out, nil
}

// ExportIncidentsCSV writes the incidents a filter selects as CSV.
func (s *Service) ExportIncidentsCSV(ctx context.Context, a Access, f store.IncidentFilter, w io.Writer) error {
	list, err := s.incidentReport(ctx, a, f)
	if err != nil {
		return err
	}
	return report.IncidentsCSV(w, list)
}

// ExportIncidentsXLSX writes the incidents a filter selects as a
// workbook, with their timelines and evidence.
func (s *Service) ExportIncidentsXLSX(ctx context.Context, a Access, f store.IncidentFilter, w io.Writer) error {
	list, err := s.incidentReport(ctx, a, f)
	if err != nil {
		return err
	}
	return report.IncidentsXLSX(w, a.Org.Name, s.now(), list)
}
