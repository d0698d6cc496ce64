// Package soa builds an organisation's Statement of Applicability (ISO/IEC
// 27001 6.1.3 d) from its records rather than from retyped text: every
// control of the framework's annex, included where a risk treatment selects
// it or a documented reason requires it, excluded only with a written
// justification, with its implementation and evidence, and with the
// contradictions an auditor would find flagged before the auditor finds them.
//
// A Document is also what an approved version freezes: it is encoded as
// JSON, hashed, and kept unchanged, so the exports of version 3 are the
// same in five years as on the day it was approved.
package soa

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/isms-dev/isms/internal/framework"
	"github.com/isms-dev/isms/internal/isms"
)

// Document is one Statement of Applicability: the draft as it stands, or a
// frozen, approved version.
type Document struct {
	Org            string `json:"org"`
	OrgSlug        string `json:"org_slug"`
	Framework      string `json:"framework"`
	FrameworkTitle string `json:"framework_title"`
	// Version is the approved version's number; 0 for the draft.
	Version     int        `json:"version"`
	ApprovedBy  string     `json:"approved_by,omitempty"`
	ApprovedAt  *time.Time `json:"approved_at,omitempty"`
	Note        string     `json:"note,omitempty"`
	GeneratedAt time.Time  `json:"generated_at"`
	// History lists the approved versions up to this one, for the document
	// control table of the exports.
	History []VersionInfo `json:"history"`
	Entries []Entry       `json:"entries"`
}

// VersionInfo is one line of the document control table.
type VersionInfo struct {
	Version     int       `json:"version"`
	ApprovedBy  string    `json:"approved_by"`
	ApprovedAt  time.Time `json:"approved_at"`
	Note        string    `json:"note,omitempty"`
	ContentHash string    `json:"content_hash,omitempty"`
}

// Entry is one control of the statement.
type Entry struct {
	// Control is the framework reference (iso27001-2022:A.8.8); ID is how
	// the standard numbers it (A.8.8).
	Control string `json:"control"`
	ID      string `json:"id"`
	Title   string `json:"title"`
	// Theme is the top-level grouping: a 2022 theme or a 2013 category.
	Theme         string             `json:"theme"`
	Applicability isms.Applicability `json:"applicability"`
	// Derived is set when nobody decided and risk treatments include the
	// control.
	Derived   bool                      `json:"derived,omitempty"`
	Reasons   []Reason                  `json:"reasons"`
	Exclusion string                    `json:"exclusion,omitempty"`
	Status    isms.ImplementationStatus `json:"status"`
	Owner     string                    `json:"owner,omitempty"`
	// OwnerID is the owner's membership, for editing; Owner is how the
	// statement names them.
	OwnerID         string         `json:"owner_id,omitempty"`
	Implementation  string         `json:"implementation,omitempty"`
	Refinements     []Refinement   `json:"refinements,omitempty"`
	Evidence        []EvidenceItem `json:"evidence"`
	EvidenceCadence isms.Cadence   `json:"evidence_cadence,omitempty"`
	Flags           []Flag         `json:"flags,omitempty"`
	Custom          bool           `json:"custom,omitempty"`
}

// Included reports whether the control applies.
func (e Entry) Included() bool { return e.Applicability == isms.Included }

// Reason is one justification for including a control: a risk whose
// treatment selected it, or a legal, contractual or business reason.
type Reason struct {
	// Kind is "risk" or an isms.ReasonKind.
	Kind  string `json:"kind"`
	Ref   string `json:"ref"`
	Title string `json:"title"`
	URL   string `json:"url"`
}

// Refinement is an AI overlay requirement that makes the control concrete.
type Refinement struct {
	Ref   string `json:"ref"`
	ID    string `json:"id"`
	Title string `json:"title"`
}

// EvidenceItem is evidence of the control, with its freshness when the
// document was made.
type EvidenceItem struct {
	ID        string         `json:"id"`
	Title     string         `json:"title"`
	Kind      string         `json:"kind"`
	PeriodEnd time.Time      `json:"period_end"`
	ExpiresAt *time.Time     `json:"expires_at,omitempty"`
	Freshness isms.Freshness `json:"freshness"`
	SHA256    string         `json:"sha256,omitempty"`
}

// FlagKind names a contradiction in the statement.
type FlagKind string

// The contradictions the statement flags.
const (
	FlagExcludedButSelected   FlagKind = "excluded_but_selected"
	FlagIncludedWithoutReason FlagKind = "included_without_reason"
	FlagImplementedNoEvidence FlagKind = "implemented_without_current_evidence"
	FlagEvidenceExpired       FlagKind = "evidence_expired"
	FlagUndecided             FlagKind = "undecided"
	FlagExcludedButRequired   FlagKind = "excluded_but_required"
)

// Flag is one contradiction, with a sentence saying what to fix.
type Flag struct {
	Kind    FlagKind `json:"kind"`
	Message string   `json:"message"`
}

// Selection is a risk whose treatment selects a control.
type Selection struct {
	// Control is the selected control as the treatment names it; it may
	// belong to another framework than the statement's, in which case the
	// mapping between the two carries it over.
	Control string
	RiskRef string
	Title   string
	URL     string
}

// Requirement is an applicable legal, statutory, regulatory or
// contractual obligation that a control meets.
type Requirement struct {
	// Control is as the obligation names it; like a selection, it may be
	// of another framework, which a mapping carries over.
	Control string
	Kind    isms.ReasonKind
	Ref     string
	Title   string
	URL     string
}

// Input is everything a statement is built from.
type Input struct {
	Org       isms.Organization
	Framework *framework.Framework
	// Library resolves overlay refinements and carries selections of
	// another framework's controls (a 2022 control for a 2013 statement).
	Library *framework.Library
	// Controls are the organisation's records, by control reference;
	// Custom lists the organisation's own controls, shown after the annex.
	Controls map[string]isms.Control
	Custom   []isms.Control
	// Reasons are the documented reasons, by control record id.
	Reasons    map[string][]isms.ControlReason
	Selections []Selection
	// Requirements include the controls that obligations need, with the
	// obligation as a legal or contractual reason.
	Requirements []Requirement
	// Evidence is the evidence linked to each control reference.
	Evidence map[string][]isms.Evidence
	// Owners names members by membership id.
	Owners map[string]string
	Now    time.Time
}

// Build makes the statement of in.Framework's annex controls.
func Build(in Input) Document {
	fw := in.Framework
	doc := Document{
		Org: in.Org.Name, OrgSlug: in.Org.Slug, Framework: fw.ID, FrameworkTitle: fw.Title(),
		GeneratedAt: in.Now.UTC(), History: []VersionInfo{},
	}
	selected := selectionsFor(in)
	required := requirementsFor(in)
	for _, it := range Controls(fw) {
		ref := framework.Ref{Framework: fw.ID, Item: it.ID}.String()
		e := Entry{Control: ref, ID: it.Cite(), Title: it.Title, Theme: themeOf(fw, it)}
		e.Refinements = refinements(in.Library, ref)
		doc.Entries = append(doc.Entries, fill(in, e, in.Controls[ref], selected[ref], required[ref]))
	}
	for _, c := range in.Custom {
		e := Entry{Control: c.Control, ID: strings.TrimPrefix(c.Control, isms.CustomFramework+":"), Title: c.Title,
			Theme: "Organisation's own controls", Custom: true}
		doc.Entries = append(doc.Entries, fill(in, e, c, selected[c.Control], required[c.Control]))
	}
	return doc
}

// Controls returns the annex controls of a framework, in the standard's order.
func Controls(fw *framework.Framework) []*framework.Item {
	var out []*framework.Item
	for _, it := range fw.Items {
		if it.Kind == framework.ItemControl && it.Assessable {
			out = append(out, it)
		}
	}
	return out
}

func fill(in Input, e Entry, c isms.Control, risks []Selection, reqs []Requirement) Entry {
	e.Applicability = c.Applicability
	e.Exclusion = c.ExclusionReason
	e.Status = cmp.Or(c.Status, isms.NotStarted)
	e.Owner, e.OwnerID = in.Owners[c.OwnerID], c.OwnerID
	e.Implementation = c.Implementation
	e.EvidenceCadence = c.EvidenceCadence
	e.Reasons = []Reason{}
	for _, s := range risks {
		e.Reasons = append(e.Reasons, Reason{Kind: "risk", Ref: s.RiskRef, Title: s.Title, URL: s.URL})
	}
	for _, q := range reqs {
		e.Reasons = append(e.Reasons, Reason{Kind: string(q.Kind), Ref: q.Ref, Title: q.Title, URL: q.URL})
	}
	for _, r := range in.Reasons[c.ID] {
		e.Reasons = append(e.Reasons, Reason{Kind: string(r.Kind), Ref: r.ID, Title: r.Title, URL: r.URL})
	}
	if e.Applicability == isms.Undecided && len(risks)+len(reqs) > 0 {
		e.Applicability, e.Derived = isms.Included, true
	}
	e.Evidence = []EvidenceItem{}
	for _, ev := range in.Evidence[e.Control] {
		item := EvidenceItem{ID: ev.ID, Title: ev.Title, Kind: string(ev.Kind), PeriodEnd: ev.PeriodEnd,
			Freshness: ev.Freshness(in.Now, c.EvidenceCadence), SHA256: ev.SHA256}
		if exp := ev.ExpiresAt(c.EvidenceCadence); !exp.IsZero() {
			item.ExpiresAt = &exp
		}
		e.Evidence = append(e.Evidence, item)
	}
	slices.SortFunc(e.Evidence, func(a, b EvidenceItem) int {
		return cmp.Or(b.PeriodEnd.Compare(a.PeriodEnd), strings.Compare(a.ID, b.ID))
	})
	e.Flags = flags(e, risks, reqs)
	return e
}

func flags(e Entry, risks []Selection, reqs []Requirement) []Flag {
	var out []Flag
	switch {
	case e.Applicability == isms.Excluded && len(risks) > 0:
		refs := make([]string, len(risks))
		for i, s := range risks {
			refs[i] = s.RiskRef
		}
		out = append(out, Flag{FlagExcludedButSelected, fmt.Sprintf(
			"Excluded, but the treatment of %s selects it: include it or change the treatment.", strings.Join(refs, ", "))})
	case e.Applicability == isms.Excluded && len(reqs) > 0:
		refs := make([]string, len(reqs))
		for i, q := range reqs {
			refs[i] = q.Ref
		}
		out = append(out, Flag{FlagExcludedButRequired, fmt.Sprintf(
			"Excluded, but the applicable obligation %s needs it: include it, or record why the obligation does not apply.",
			strings.Join(refs, ", "))})
	case e.Applicability == isms.Included && len(e.Reasons) == 0:
		out = append(out, Flag{FlagIncludedWithoutReason,
			"Included with no reason: link the risk, legal or contractual requirement or business need that calls for it."})
	case e.Applicability == isms.Undecided:
		out = append(out, Flag{FlagUndecided, "Not decided: include it with a reason or exclude it with a justification."})
	}
	current, stale := 0, 0
	for _, ev := range e.Evidence {
		if ev.Freshness == isms.Stale {
			stale++
		} else {
			current++
		}
	}
	if e.Status == isms.Implemented && current == 0 {
		out = append(out, Flag{FlagImplementedNoEvidence,
			"Implemented, but no current evidence shows it operating: add evidence."})
	}
	if stale > 0 && current == 0 && e.Applicability != isms.Excluded {
		out = append(out, Flag{FlagEvidenceExpired, "All of its evidence has expired: collect it again."})
	}
	return out
}

// selectionsFor gathers, per control of the statement's framework, the
// risks whose treatments select it directly or through a mapping between
// framework versions (a risk treated with 2022's A.8.8 includes 2013's
// A.12.6.1 in a 2013 statement).
func selectionsFor(in Input) map[string][]Selection {
	out := map[string][]Selection{}
	for _, s := range in.Selections {
		for _, ref := range statementRefs(in, s.Control) {
			if !slices.ContainsFunc(out[ref], func(have Selection) bool { return have.RiskRef == s.RiskRef }) {
				out[ref] = append(out[ref], s)
			}
		}
	}
	for ref := range out {
		slices.SortFunc(out[ref], func(a, b Selection) int { return strings.Compare(a.RiskRef, b.RiskRef) })
	}
	return out
}

// requirementsFor gathers, per control of the statement's framework, the
// obligations that need it, carried between framework versions as
// selections are.
func requirementsFor(in Input) map[string][]Requirement {
	out := map[string][]Requirement{}
	for _, q := range in.Requirements {
		for _, ref := range statementRefs(in, q.Control) {
			if !slices.ContainsFunc(out[ref], func(have Requirement) bool { return have.Ref == q.Ref }) {
				out[ref] = append(out[ref], q)
			}
		}
	}
	for ref := range out {
		slices.SortFunc(out[ref], func(a, b Requirement) int { return strings.Compare(a.Ref, b.Ref) })
	}
	return out
}

// statementRefs returns the controls of the statement's framework that
// control stands for: itself when it is one of them or the organisation's
// own, else those a mapping between versions of the standard carries it to.
func statementRefs(in Input, control string) []string {
	r, err := framework.ParseRef(control)
	if err != nil {
		return nil
	}
	if r.Framework == in.Framework.ID || r.Framework == isms.CustomFramework {
		return []string{control}
	}
	if in.Library == nil {
		return nil
	}
	var out []string
	for _, m := range in.Library.Outgoing(r) {
		if m.To.Framework == in.Framework.ID && carries(m.Relation) {
			out = append(out, m.To.String())
		}
	}
	for _, m := range in.Library.Incoming(r) {
		if m.From.Framework == in.Framework.ID && carries(m.Relation) {
			out = append(out, m.From.String())
		}
	}
	return out
}

// carries reports whether a mapping between two versions of a standard says
// the controls cover the same ground, so that selecting one selects the other.
func carries(r framework.Relation) bool {
	return r == framework.RelSuccessor || r == framework.RelEqual || r == framework.RelSubset || r == framework.RelSuperset
}

func refinements(lib *framework.Library, ref string) []Refinement {
	if lib == nil {
		return nil
	}
	r, _ := framework.ParseRef(ref)
	var out []Refinement
	for _, m := range lib.Incoming(r) {
		fw, it, ok := lib.Resolve(m.From)
		if !ok || fw.Kind != framework.KindOverlay {
			continue
		}
		out = append(out, Refinement{Ref: m.From.String(), ID: it.Cite(), Title: it.Title})
	}
	slices.SortFunc(out, func(a, b Refinement) int { return strings.Compare(a.Ref, b.Ref) })
	return slices.CompactFunc(out, func(a, b Refinement) bool { return a.Ref == b.Ref })
}

func themeOf(fw *framework.Framework, it *framework.Item) string {
	top := it
	for top.Parent != "" {
		p, ok := fw.Item(top.Parent)
		if !ok {
			break
		}
		top = p
	}
	if top == it {
		return ""
	}
	return top.Cite() + " " + top.Title
}

// Summary counts a statement's entries.
type Summary struct {
	Controls, Included, Excluded, Undecided int
	ByStatus                                map[isms.ImplementationStatus]int
	Flagged                                 int
	StaleEvidence                           int
}

// Summarise counts the document's entries.
func (d Document) Summarise() Summary {
	s := Summary{Controls: len(d.Entries), ByStatus: map[isms.ImplementationStatus]int{}}
	for _, e := range d.Entries {
		switch e.Applicability {
		case isms.Included:
			s.Included++
			s.ByStatus[e.Status]++
		case isms.Excluded:
			s.Excluded++
		default:
			s.Undecided++
		}
		if len(e.Flags) > 0 {
			s.Flagged++
		}
		for _, ev := range e.Evidence {
			if ev.Freshness == isms.Stale {
				s.StaleEvidence++
				break
			}
		}
	}
	return s
}
