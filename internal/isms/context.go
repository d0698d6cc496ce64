package isms

import (
	"fmt"
	"strings"
)

// Context is the ISMS scope and context (clauses 4.1 to 4.3 and the
// policy objectives' owner of 5.2): what the ISMS covers, what shapes it,
// and who has a stake in it.
type Context struct {
	// Scope is the scope statement as it would appear on the certificate.
	Scope      string   `json:"scope"`
	Boundaries string   `json:"boundaries"`
	Locations  []string `json:"locations"`
	// Included and Excluded are the systems, processes and units inside
	// and outside the scope; every exclusion needs its reason.
	Included []ScopeEntry `json:"included"`
	Excluded []ScopeEntry `json:"excluded"`
	// InternalIssues and ExternalIssues are the issues of 4.1.
	InternalIssues []ContextIssue `json:"internal_issues"`
	ExternalIssues []ContextIssue `json:"external_issues"`
	// ClimateRelevant records the decision 4.1 asks for since the 2024
	// amendment: whether climate change is a relevant issue. Nil while
	// undecided.
	ClimateRelevant *bool  `json:"climate_relevant"`
	ClimateNotes    string `json:"climate_notes"`
	// InterestedParties are the parties of 4.2 with their requirements.
	InterestedParties []InterestedParty `json:"interested_parties"`
	// ObjectivesOwnerID is the member accountable for the information
	// security objectives.
	ObjectivesOwnerID string `json:"objectives_owner_id"`
}

// ScopeEntry is a system, process or unit in or out of scope.
type ScopeEntry struct {
	Name   string `json:"name"`
	Reason string `json:"reason"`
}

// ContextIssue is an internal or external issue and how it bears on the
// ISMS.
type ContextIssue struct {
	Issue  string `json:"issue"`
	Effect string `json:"effect"`
}

// InterestedParty is a party with a stake in the ISMS.
type InterestedParty struct {
	Name         string `json:"name"`
	Requirements string `json:"requirements"`
	// AddressedBy says how the ISMS meets the requirements.
	AddressedBy string `json:"addressed_by"`
}

// Validate checks what any saved version must satisfy; complete also
// checks what an approved one needs.
func (c *Context) Validate(complete bool) error {
	v := &ValidationError{}
	c.Scope = strings.TrimSpace(c.Scope)
	long := func(field, s string, max int) {
		if len([]rune(s)) > max {
			v.Add(field, "is longer than %d characters", max)
		}
	}
	long("scope", c.Scope, 5000)
	long("boundaries", c.Boundaries, 10000)
	long("climate_notes", c.ClimateNotes, 5000)
	c.Locations = trimList(c.Locations)
	for i, l := range c.Locations {
		long(fmt.Sprintf("locations[%d]", i), l, 200)
	}
	entries := func(field string, list []ScopeEntry, needReason bool) []ScopeEntry {
		var out []ScopeEntry
		for _, e := range list {
			e.Name, e.Reason = strings.TrimSpace(e.Name), strings.TrimSpace(e.Reason)
			if e.Name == "" && e.Reason == "" {
				continue
			}
			i := len(out)
			if e.Name == "" {
				v.Add(fmt.Sprintf("%s[%d].name", field, i), "is required")
			}
			if needReason && e.Reason == "" {
				v.Add(fmt.Sprintf("%s[%d].reason", field, i), "say why %s is outside the scope", e.Name)
			}
			long(fmt.Sprintf("%s[%d].name", field, i), e.Name, 200)
			long(fmt.Sprintf("%s[%d].reason", field, i), e.Reason, 2000)
			out = append(out, e)
		}
		return out
	}
	c.Included = entries("included", c.Included, false)
	c.Excluded = entries("excluded", c.Excluded, true)
	issues := func(field string, list []ContextIssue) []ContextIssue {
		var out []ContextIssue
		for _, e := range list {
			e.Issue, e.Effect = strings.TrimSpace(e.Issue), strings.TrimSpace(e.Effect)
			if e.Issue == "" && e.Effect == "" {
				continue
			}
			if e.Issue == "" {
				v.Add(fmt.Sprintf("%s[%d].issue", field, len(out)), "is required")
			}
			long(fmt.Sprintf("%s[%d].issue", field, len(out)), e.Issue, 2000)
			long(fmt.Sprintf("%s[%d].effect", field, len(out)), e.Effect, 2000)
			out = append(out, e)
		}
		return out
	}
	c.InternalIssues = issues("internal_issues", c.InternalIssues)
	c.ExternalIssues = issues("external_issues", c.ExternalIssues)
	var parties []InterestedParty
	for _, p := range c.InterestedParties {
		p.Name, p.Requirements, p.AddressedBy = strings.TrimSpace(p.Name), strings.TrimSpace(p.Requirements), strings.TrimSpace(p.AddressedBy)
		if p.Name == "" && p.Requirements == "" && p.AddressedBy == "" {
			continue
		}
		field := fmt.Sprintf("interested_parties[%d]", len(parties))
		if p.Name == "" {
			v.Add(field+".name", "is required")
		}
		if complete && p.Requirements == "" {
			v.Add(field+".requirements", "say what %s requires of the ISMS", p.Name)
		}
		long(field+".name", p.Name, 200)
		long(field+".requirements", p.Requirements, 2000)
		long(field+".addressed_by", p.AddressedBy, 2000)
		parties = append(parties, p)
	}
	c.InterestedParties = parties
	if complete {
		if c.Scope == "" {
			v.Add("scope", "the scope statement is required before approval")
		}
		if len(c.Included) == 0 {
			v.Add("included", "name at least one system, process or unit in scope")
		}
		if len(c.InternalIssues) == 0 || len(c.ExternalIssues) == 0 {
			v.Add("internal_issues", "record at least one internal and one external issue (4.1)")
		}
		if c.ClimateRelevant == nil {
			v.Add("climate_relevant", "decide whether climate change is a relevant issue (4.1)")
		}
		if len(c.InterestedParties) == 0 {
			v.Add("interested_parties", "record at least one interested party (4.2)")
		}
		if c.ObjectivesOwnerID == "" {
			v.Add("objectives_owner_id", "name the owner of the information security objectives")
		}
	}
	return v.Err()
}

func trimList(list []string) []string {
	var out []string
	for _, s := range list {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}
