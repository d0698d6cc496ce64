package isms

import (
	"fmt"
	"strings"
	"time"
)

// DocKind is what kind of documented information a document is (7.5).
type DocKind string

// The kinds of document.
const (
	DocPolicy      DocKind = "policy"
	DocTopicPolicy DocKind = "topic_policy"
	DocProcedure   DocKind = "procedure"
	DocPlan        DocKind = "plan"
	DocRecord      DocKind = "record"
)

// DocKinds lists the kinds, for forms and messages.
var DocKinds = []DocKind{DocPolicy, DocTopicPolicy, DocProcedure, DocPlan, DocRecord}

// Label is the kind's name for people.
func (k DocKind) Label() string {
	switch k {
	case DocPolicy:
		return "Policy"
	case DocTopicPolicy:
		return "Topic-specific policy"
	case DocProcedure:
		return "Procedure"
	case DocPlan:
		return "Plan"
	case DocRecord:
		return "Record"
	}
	return string(k)
}

// VersionStatus is where one version of a document stands.
type VersionStatus string

// The states of a version, in order; superseded follows published when a
// later version is published.
const (
	VersionDraft      VersionStatus = "draft"
	VersionInReview   VersionStatus = "in_review"
	VersionApproved   VersionStatus = "approved"
	VersionPublished  VersionStatus = "published"
	VersionSuperseded VersionStatus = "superseded"
)

// Label is the state's name for people.
func (s VersionStatus) Label() string {
	switch s {
	case VersionDraft:
		return "Draft"
	case VersionInReview:
		return "In review"
	case VersionApproved:
		return "Approved"
	case VersionPublished:
		return "Published"
	case VersionSuperseded:
		return "Superseded"
	}
	return string(s)
}

// Document is an entry of the document register: a policy, procedure,
// plan or record, with the versions kept apart.
type Document struct {
	ID     string
	OrgID  string
	RefNum int
	Kind   DocKind
	Title  string
	// Summary says in a sentence what the document is for.
	Summary        string
	OwnerID        string
	Classification string
	// ReviewMonths is how often the document is reviewed; publishing a
	// version sets NextReview that far ahead.
	ReviewMonths int
	NextReview   *time.Time
	// ApproverIDs are the members who must all approve a version before
	// it can be published.
	ApproverIDs []string
	// Controls are the framework items the document addresses, as
	// FRAMEWORK:ITEM.
	Controls []string
	// Audience is who must acknowledge the published version: every
	// member, or the members of the listed roles. Empty means nobody.
	Audience  []Role
	RetiredAt *time.Time
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Ref is the document's reference, DOC-004.
func (d Document) Ref() string { return fmt.Sprintf("DOC-%03d", d.RefNum) }

// ReviewOverdue reports whether a live document is past its review date.
func (d Document) ReviewOverdue(now time.Time) bool {
	return d.RetiredAt == nil && d.NextReview != nil && d.NextReview.Before(now)
}

// Validate checks the document's own fields.
func (d Document) Validate() error {
	v := &ValidationError{}
	valid := false
	for _, k := range DocKinds {
		valid = valid || d.Kind == k
	}
	if !valid {
		names := make([]string, len(DocKinds))
		for i, k := range DocKinds {
			names[i] = string(k)
		}
		v.Add("kind", "%q is not a kind of document; use one of %s", d.Kind, strings.Join(names, ", "))
	}
	if strings.TrimSpace(d.Title) == "" {
		v.Add("title", "is required")
	}
	checkLen(v, "title", d.Title, 300)
	checkLen(v, "summary", d.Summary, 2000)
	if d.OwnerID == "" {
		v.Add("owner", "is required: someone keeps the document current")
	}
	if d.ReviewMonths < 0 || d.ReviewMonths > 60 {
		v.Add("review_months", "must be between 0 (no fixed cycle) and 60 months")
	}
	seen := map[string]bool{}
	for _, id := range d.ApproverIDs {
		if seen[id] {
			v.Add("approvers", "names someone twice")
		}
		seen[id] = true
	}
	if len(d.ApproverIDs) > 10 {
		v.Add("approvers", "are at most 10")
	}
	for _, r := range d.Audience {
		if !r.IsValid() {
			v.Add("audience", "%q is not a role", r)
		}
	}
	return v.Err()
}

// DocFormat is how a version's content is held.
type DocFormat string

// The formats: written in isms as Markdown, or an uploaded file kept in
// the evidence file store under its SHA-256.
const (
	FormatMarkdown DocFormat = "markdown"
	FormatFile     DocFormat = "file"
)

// DocVersion is one version of a document, numbered major.minor.
type DocVersion struct {
	ID         string
	OrgID      string
	DocumentID string
	Major      int
	Minor      int
	Format     DocFormat
	// Body is the Markdown of a written version.
	Body string
	// The file of an uploaded version.
	FileSHA256, FileName, MediaType string
	FileSize                        int64
	ChangeNote                      string
	Status                          VersionStatus
	AuthorID                        string
	SubmittedAt                     *time.Time
	ApprovedAt                      *time.Time
	PublishedAt                     *time.Time
	PublishedBy                     string
	CreatedAt                       time.Time
	UpdatedAt                       time.Time
}

// Number is the version's number, 1.2.
func (v DocVersion) Number() string { return fmt.Sprintf("%d.%d", v.Major, v.Minor) }

// Validate checks the version's content.
func (v DocVersion) Validate() error {
	e := &ValidationError{}
	switch v.Format {
	case FormatMarkdown:
		if strings.TrimSpace(v.Body) == "" {
			e.Add("body", "is required: write the document, or upload it as a file")
		}
		checkLen(e, "body", v.Body, 500_000)
	case FormatFile:
		if v.FileSHA256 == "" {
			e.Add("file", "is required")
		}
	default:
		e.Add("format", "%q is not markdown or file", v.Format)
	}
	checkLen(e, "change_note", v.ChangeNote, 2000)
	return e.Err()
}

// DocApproval is one approver's decision on a version in review.
type DocApproval struct {
	ID         string
	OrgID      string
	VersionID  string
	ApproverID string
	// Approved is false for a rejection, which sends the version back to
	// draft.
	Approved  bool
	Note      string
	CreatedAt time.Time
}

// DocAck is a member's acknowledgement that they have read a published
// version.
type DocAck struct {
	ID         string
	OrgID      string
	DocumentID string
	VersionID  string
	MemberID   string
	CreatedAt  time.Time
}
