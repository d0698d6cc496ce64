package web

import (
	"errors"
	"net/http"
	"strings"

	"github.com/isms-dev/isms/internal/app"
	"github.com/isms-dev/isms/internal/isms"
	"github.com/isms-dev/isms/internal/ledger"
)

type orgsPage struct {
	Page
	Form   app.OrgInput
	Errors map[string]string
}

func (u *UI) orgsPage(q *request) error {
	return u.render(q, http.StatusOK, "orgs", &orgsPage{Page: Page{Title: "Organisations", Section: "orgs"}})
}

func (u *UI) createOrg(q *request) error {
	in := app.OrgInput{Slug: q.r.PostFormValue("slug"), Name: q.r.PostFormValue("name")}
	org, err := u.svc.CreateOrg(q.r.Context(), q.principal(), in)
	var conflict *isms.ConflictError
	if fields := isms.FieldErrors(err); fields != nil || errors.As(err, &conflict) {
		errs := fieldMap(fields)
		if conflict != nil {
			errs = map[string]string{conflict.Field: conflict.Detail}
		}
		return u.render(q, http.StatusUnprocessableEntity, "orgs", &orgsPage{
			Page: Page{Title: "Organisations", Section: "orgs"}, Form: in, Errors: errs})
	}
	if err != nil {
		return err
	}
	return u.redirect(q, "/o/"+org.Slug+"/", "Organisation "+org.Name+" created. You are its owner.")
}

// switchOrg is the organisation switcher's target: a plain GET form, so
// it works without script.
func (u *UI) switchOrg(q *request) error {
	slug := q.r.URL.Query().Get("org")
	if err := isms.ValidateSlug("org", slug); err != nil {
		return isms.ErrNotFound
	}
	http.Redirect(q.w, q.r, "/o/"+slug+"/", http.StatusSeeOther)
	return nil
}

type overviewPage struct {
	Page
	Summary app.OrgSummary
	Recent  []entryView
	Head    string
	Work    []workItem
	// Vulns is set when open critical or high findings, or overdue
	// ones, need attention.
	Vulns *vulnCard
	// NCs is set when nonconformities are open: overdue ones escalate
	// here.
	NCs *ncCard
	// Incidents is set when incidents are open or a notification is
	// due: its countdowns escalate here.
	Incidents *incidentMetricsView
	// Metrics shows each metric's value against its target.
	Metrics *metricsSummary
	// Cert is set once a certification cycle is recorded: what the
	// certification body comes for next.
	Cert *certCard
}

func (u *UI) overview(q *request) error {
	ctx := q.r.Context()
	sum, err := u.svc.Summary(ctx, q.access)
	if err != nil {
		return err
	}
	entries, _, err := u.svc.History(ctx, q.access, app.HistoryFilter{Limit: 8})
	if err != nil {
		return err
	}
	page := &overviewPage{Page: Page{Title: q.access.Org.Name, Section: "overview"}, Summary: sum,
		Recent: u.entryViews(q, entries)}
	if len(entries) > 0 {
		page.Head = entries[0].Hash
	}
	if page.Work, err = u.yourWork(q); err != nil {
		return err
	}
	if page.Vulns, err = u.vulnCard(q); err != nil {
		return err
	}
	if page.NCs, err = u.ncCard(q); err != nil {
		return err
	}
	if page.Incidents, err = u.incidentCard(q); err != nil {
		return err
	}
	if page.Metrics, err = u.metricsCard(q); err != nil {
		return err
	}
	if page.Cert, err = u.certCard(q); err != nil {
		return err
	}
	return u.render(q, http.StatusOK, "overview", page)
}

type settingsPage struct {
	Page
	Name   string
	Errors map[string]string
	// Classifications is the organisation's scheme, lowest first;
	// ClassificationText the scheme's form as typed.
	Classifications    []string
	ClassificationText string
}

func (u *UI) settingsPage(q *request) error {
	return u.showSettings(q, http.StatusOK, &settingsPage{Name: q.access.Org.Name})
}

func (u *UI) showSettings(q *request, status int, page *settingsPage) error {
	page.Title, page.Section = "Organisation settings", "settings"
	classes, err := u.svc.Classifications(q.r.Context(), q.access)
	if err != nil {
		return err
	}
	page.Classifications = classes
	if page.ClassificationText == "" {
		page.ClassificationText = strings.Join(classes, "\n")
	}
	return u.render(q, status, "settings", page)
}

func (u *UI) updateSettings(q *request) error {
	name := q.r.PostFormValue("name")
	org, err := u.svc.RenameOrg(q.r.Context(), q.access, name)
	if fields := isms.FieldErrors(err); fields != nil {
		return u.showSettings(q, http.StatusUnprocessableEntity, &settingsPage{Name: name, Errors: fieldMap(fields)})
	}
	if err != nil {
		return err
	}
	q.access.Org = org
	return u.redirect(q, q.orgPath("settings"), "Organisation renamed to "+org.Name+".")
}

// entryView is a ledger entry as a row of a table.
type entryView struct {
	ledger.Entry
	ActorName string
	Label     string
	Link      string
	Changes   []change
}

func (u *UI) entryViews(q *request, entries []ledger.Entry) []entryView {
	names := u.svc.ActorNames(q.r.Context(), q.access, entries)
	labels := u.svc.RecordLabels(q.r.Context(), q.access, entries)
	out := make([]entryView, len(entries))
	for i, e := range entries {
		out[i] = entryView{Entry: e, ActorName: names[e.Actor], Label: labels[ledger.RecordKey{Type: e.RecordType, ID: e.RecordID}],
			Link: q.orgPath("history", e.RecordType, e.RecordID)}
	}
	return out
}
