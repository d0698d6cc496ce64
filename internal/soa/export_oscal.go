package soa

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/isms-dev/isms/internal/framework"
	"github.com/isms-dev/isms/internal/isms"
)

// oscalNS qualifies the properties that carry what OSCAL has no field for:
// the applicability decision, its reasons, evidence freshness and flags.
const oscalNS = "https://isms.dev/ns/soa"

// oscalNamespace makes every UUID of the export a version 5 UUID of what
// it identifies, so that two exports of one statement are byte for byte
// the same and a requirement keeps its UUID from one version to the next.
var oscalNamespace = uuid.MustParse("708acc61-811f-4024-862a-67fd32c5a8d8")

func oscalUUID(parts ...string) string {
	return uuid.NewSHA1(oscalNamespace, []byte(strings.Join(parts, "\x00"))).String()
}

type oscalFile struct {
	ComponentDefinition oscalComponentDefinition `json:"component-definition"`
}

type oscalComponentDefinition struct {
	UUID       string           `json:"uuid"`
	Metadata   oscalMetadata    `json:"metadata"`
	Components []oscalComponent `json:"components"`
	BackMatter *oscalBackMatter `json:"back-matter,omitempty"`
}

type oscalMetadata struct {
	Title              string                  `json:"title"`
	Published          string                  `json:"published,omitempty"`
	LastModified       string                  `json:"last-modified"`
	Version            string                  `json:"version"`
	OSCALVersion       string                  `json:"oscal-version"`
	Revisions          []oscalRevision         `json:"revisions,omitempty"`
	Props              []oscalProp             `json:"props,omitempty"`
	Roles              []oscalRole             `json:"roles,omitempty"`
	Parties            []oscalParty            `json:"parties,omitempty"`
	ResponsibleParties []oscalResponsibleParty `json:"responsible-parties,omitempty"`
	Remarks            string                  `json:"remarks,omitempty"`
}

type oscalRevision struct {
	Published string      `json:"published"`
	Version   string      `json:"version"`
	Props     []oscalProp `json:"props,omitempty"`
	Remarks   string      `json:"remarks,omitempty"`
}

type oscalProp struct {
	Name    string `json:"name"`
	NS      string `json:"ns,omitempty"`
	Value   string `json:"value"`
	Class   string `json:"class,omitempty"`
	Remarks string `json:"remarks,omitempty"`
}

type oscalLink struct {
	Href string `json:"href"`
	Rel  string `json:"rel,omitempty"`
	Text string `json:"text,omitempty"`
}

type oscalRole struct {
	ID    string `json:"id"`
	Title string `json:"title"`
}

type oscalParty struct {
	UUID string `json:"uuid"`
	Type string `json:"type"`
	Name string `json:"name"`
}

type oscalResponsibleParty struct {
	RoleID     string   `json:"role-id"`
	PartyUUIDs []string `json:"party-uuids"`
}

type oscalResponsibleRole struct {
	RoleID     string   `json:"role-id"`
	PartyUUIDs []string `json:"party-uuids"`
}

type oscalComponent struct {
	UUID                   string                       `json:"uuid"`
	Type                   string                       `json:"type"`
	Title                  string                       `json:"title"`
	Description            string                       `json:"description"`
	ControlImplementations []oscalControlImplementation `json:"control-implementations,omitempty"`
}

type oscalControlImplementation struct {
	UUID                    string             `json:"uuid"`
	Source                  string             `json:"source"`
	Description             string             `json:"description"`
	ImplementedRequirements []oscalRequirement `json:"implemented-requirements"`
}

type oscalRequirement struct {
	UUID             string                 `json:"uuid"`
	ControlID        string                 `json:"control-id"`
	Description      string                 `json:"description"`
	Props            []oscalProp            `json:"props"`
	Links            []oscalLink            `json:"links,omitempty"`
	ResponsibleRoles []oscalResponsibleRole `json:"responsible-roles,omitempty"`
	Remarks          string                 `json:"remarks,omitempty"`
}

type oscalBackMatter struct {
	Resources []oscalResource `json:"resources"`
}

type oscalResource struct {
	UUID  string      `json:"uuid"`
	Title string      `json:"title"`
	Props []oscalProp `json:"props"`
}

// WriteOSCAL writes the statement as an OSCAL 1.1.3 component definition
// whose one component, of type this-system, is the organisation's ISMS.
// Every entry becomes an implemented requirement, excluded ones too (as
// not-applicable, with the justification in the remarks), so that a tool
// reading it sees every control of the annex and how it was decided. The
// framework's annex and the organisation's own controls are separate
// control implementations, each with its source in the back matter.
func WriteOSCAL(w io.Writer, d Document) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(oscalFile{oscalOf(d)}); err != nil {
		return fmt.Errorf("soa: write OSCAL: %w", err)
	}
	return nil
}

// Role ids of the export's metadata.
const (
	roleApprover = "approver"
	roleOwner    = "control-owner"
)

func oscalOf(d Document) oscalComponentDefinition {
	version, last := "draft", d.GeneratedAt
	if d.Version > 0 {
		version = "v" + strconv.Itoa(d.Version)
	}
	if d.ApprovedAt != nil {
		last = *d.ApprovedAt
	}
	md := oscalMetadata{
		Title:        d.Title(),
		LastModified: oscalTime(last),
		Version:      version,
		OSCALVersion: framework.OSCALVersion,
		Props:        []oscalProp{{Name: "framework-id", NS: oscalNS, Value: d.Framework}},
		Parties:      []oscalParty{{UUID: oscalUUID("party", d.OrgSlug), Type: "organization", Name: oneLine(d.Org)}},
		Remarks:      d.Note,
	}
	if d.Version > 0 && d.ApprovedAt != nil {
		md.Published = oscalTime(*d.ApprovedAt)
	}
	// OSCAL lists revisions latest first.
	for _, v := range slices.Backward(d.History) {
		r := oscalRevision{Published: oscalTime(v.ApprovedAt), Version: "v" + strconv.Itoa(v.Version),
			Remarks: strings.TrimSpace("Approved by " + v.ApprovedBy + ".\n\n" + v.Note)}
		if v.ContentHash != "" {
			r.Props = []oscalProp{{Name: "content-hash", NS: oscalNS, Value: v.ContentHash}}
		}
		md.Revisions = append(md.Revisions, r)
	}
	persons := map[string]string{} // name to party UUID
	// A party's name is one line of text in OSCAL; names are free text
	// here, so they are folded before they are compared.
	person := func(name string) string {
		name = oneLine(name)
		id, ok := persons[name]
		if !ok {
			id = oscalUUID("person", d.OrgSlug, name)
			persons[name] = id
		}
		return id
	}
	if d.Version > 0 && oneLine(d.ApprovedBy) != "" {
		md.Roles = append(md.Roles, oscalRole{roleApprover, "Approver of the Statement of Applicability"})
		md.ResponsibleParties = []oscalResponsibleParty{{roleApprover, []string{person(d.ApprovedBy)}}}
	}

	annex := oscalControlImplementation{
		UUID:   oscalUUID("control-implementation", d.OrgSlug, d.Framework),
		Source: "#" + oscalUUID("source", d.Framework),
		Description: "How " + d.Org + " applies each control of " + d.FrameworkTitle +
			", as decided in its Statement of Applicability.",
	}
	own := oscalControlImplementation{
		UUID:        oscalUUID("control-implementation", d.OrgSlug, isms.CustomFramework),
		Source:      "#" + oscalUUID("source", d.OrgSlug, isms.CustomFramework),
		Description: "The controls " + d.Org + " defined for itself, beyond the annex.",
	}
	for _, e := range d.Entries {
		r := oscalRequirementOf(d, e)
		if oneLine(e.Owner) != "" {
			r.ResponsibleRoles = []oscalResponsibleRole{{roleOwner, []string{person(e.Owner)}}}
		}
		if e.Custom {
			own.ImplementedRequirements = append(own.ImplementedRequirements, r)
		} else {
			annex.ImplementedRequirements = append(annex.ImplementedRequirements, r)
		}
	}
	if slices.ContainsFunc(d.Entries, func(e Entry) bool { return oneLine(e.Owner) != "" }) {
		md.Roles = append(md.Roles, oscalRole{roleOwner, "Control owner"})
	}
	for _, name := range slices.Sorted(maps.Keys(persons)) {
		md.Parties = append(md.Parties, oscalParty{UUID: persons[name], Type: "person", Name: name})
	}

	comp := oscalComponent{
		UUID:  oscalUUID("component", d.OrgSlug),
		Type:  "this-system",
		Title: d.Org + " information security management system",
		Description: "The information security management system of " + d.Org +
			": the controls it applies, how, and the evidence that shows them operating.",
	}
	back := &oscalBackMatter{}
	if len(annex.ImplementedRequirements) > 0 {
		comp.ControlImplementations = append(comp.ControlImplementations, annex)
		back.Resources = append(back.Resources, oscalResource{UUID: strings.TrimPrefix(annex.Source, "#"),
			Title: d.FrameworkTitle, Props: []oscalProp{{Name: "framework-id", NS: oscalNS, Value: d.Framework}}})
	}
	if len(own.ImplementedRequirements) > 0 {
		comp.ControlImplementations = append(comp.ControlImplementations, own)
		back.Resources = append(back.Resources, oscalResource{UUID: strings.TrimPrefix(own.Source, "#"),
			Title: d.Org + "'s own controls", Props: []oscalProp{{Name: "framework-id", NS: oscalNS, Value: isms.CustomFramework}}})
	}
	if len(back.Resources) == 0 {
		back = nil
	}
	return oscalComponentDefinition{
		// The document's UUID changes with every version and every draft
		// export, as OSCAL asks of a changed document.
		UUID:       oscalUUID("component-definition", d.OrgSlug, d.Framework, version, oscalTime(d.GeneratedAt)),
		Metadata:   md,
		Components: []oscalComponent{comp},
		BackMatter: back,
	}
}

func oscalRequirementOf(d Document, e Entry) oscalRequirement {
	_, item, _ := strings.Cut(e.Control, ":")
	r := oscalRequirement{
		UUID:        oscalUUID("implemented-requirement", d.OrgSlug, d.Framework, e.Control),
		ControlID:   oscalControlID(item),
		Description: e.Implementation,
	}
	status := oscalProp{Name: "implementation-status", Value: oscalStatus[e.Status]}
	if e.Status == isms.NotStarted {
		status.Remarks = "Recorded as not started: the control is to be implemented and no work has begun."
	}
	applicability := string(e.Applicability)
	switch e.Applicability {
	case isms.Excluded:
		status = oscalProp{Name: "implementation-status", Value: "not-applicable"}
		r.Description = "Excluded from the Statement of Applicability; the remarks give the justification."
		r.Remarks = "Justification for excluding the control: " + e.Exclusion
	case isms.Undecided:
		applicability = "undecided"
	}
	if r.Description == "" {
		r.Description = "No implementation statement has been written for this control."
	}
	r.Props = append(r.Props, status, oscalProp{Name: "applicability", NS: oscalNS, Value: applicability})
	if e.Derived {
		r.Props = append(r.Props, oscalProp{Name: "derived", NS: oscalNS, Value: "true",
			Remarks: "Included because a risk treatment selects it; nobody has decided on it otherwise."})
	}
	for _, reason := range e.Reasons {
		if v := oneLine(reason.Text()); v != "" {
			r.Props = append(r.Props, oscalProp{Name: "justification", NS: oscalNS, Value: v, Class: oscalToken(reason.Kind)})
		}
	}
	r.Props = append(r.Props, oscalProp{Name: "evidence-freshness", NS: oscalNS, Value: e.FreshnessText()})
	for _, f := range e.Flags {
		r.Props = append(r.Props, oscalProp{Name: "flag", NS: oscalNS, Value: string(f.Kind), Remarks: f.Message})
	}
	for _, ref := range e.Refinements {
		r.Links = append(r.Links, oscalLink{Href: "urn:isms:" + ref.Ref, Rel: "refined-by", Text: ref.ID + " " + ref.Title})
	}
	for _, ev := range e.Evidence {
		r.Links = append(r.Links, oscalLink{Href: "urn:isms:evidence:" + url.PathEscape(ev.ID), Rel: "evidence", Text: ev.Text()})
	}
	return r
}

// oscalStatus maps isms's implementation states to the values OSCAL uses
// for implementation status. OSCAL has no "not started": such a control is
// planned, and the property's remarks say that no work has begun.
var oscalStatus = map[isms.ImplementationStatus]string{
	isms.NotStarted:           "planned",
	isms.Planned:              "planned",
	isms.PartiallyImplemented: "partial",
	isms.Implemented:          "implemented",
}

// oscalTime writes a time as OSCAL's date-time, which must carry a zone.
func oscalTime(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

// oneLine fits text to an OSCAL property value, which may not hold line
// breaks or leading and trailing space.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

var oscalTokenStrip = regexp.MustCompile(`[^\p{L}\p{N}._-]+`)

// oscalToken makes s an OSCAL token: letters, digits, '.', '-' and '_',
// starting with a letter or '_'.
func oscalToken(s string) string {
	t := strings.Trim(oscalTokenStrip.ReplaceAllString(s, "-"), "-")
	if r, _ := utf8.DecodeRuneInString(t); t == "" || !(r == '_' || unicode.IsLetter(r)) {
		t = "x-" + t
	}
	return t
}

// oscalControlID is the control's id as isms's OSCAL catalog export writes
// it (framework.ExportOSCAL): the item id, prefixed when it starts with a
// digit, which OSCAL ids may not.
func oscalControlID(item string) string {
	if item != "" && item[0] >= '0' && item[0] <= '9' {
		item = "control-" + item
	}
	return oscalToken(item)
}
