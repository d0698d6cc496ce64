package web

import (
	"net/http"

	"github.com/isms-dev/isms/internal/app"
	"github.com/isms-dev/isms/internal/router"
)

func (u *UI) registerReadinessPages(r *router.Router) {
	r.Handle("GET", "/o/{org}/readiness", u.inOrg(u.readinessPage))
}

type readinessItem struct {
	app.ReadinessItem
	Link string
}

type readinessGap struct {
	app.ControlGap
	Link string
}

type readinessPage struct {
	Page
	R     app.Readiness
	Items []readinessItem
	Gaps  []readinessGap
}

func (u *UI) readinessPage(q *request) error {
	r, err := u.svc.Readiness(q.r.Context(), q.access)
	if err != nil {
		return err
	}
	page := &readinessPage{R: r}
	page.Title, page.Section = "Certification readiness", "readiness"
	for _, it := range r.Stage1 {
		page.Items = append(page.Items, readinessItem{ReadinessItem: it, Link: q.orgPath(it.Fix)})
	}
	for _, g := range r.Gaps {
		page.Gaps = append(page.Gaps, readinessGap{ControlGap: g, Link: q.controlPath(g.Control)})
	}
	return u.render(q, http.StatusOK, "readiness", page)
}
