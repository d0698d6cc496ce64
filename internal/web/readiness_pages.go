package web

import (
	"bytes"
	"fmt"
	"net/http"
	"time"

	"github.com/isms-dev/isms/internal/app"
	"github.com/isms-dev/isms/internal/router"
)

func (u *UI) registerReadinessPages(r *router.Router) {
	r.Handle("GET", "/o/{org}/readiness", u.inOrg(u.readinessPage))
	r.Handle("GET", "/o/{org}/auditor-pack", u.inOrg(u.auditorPack))
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

// auditorPack streams the pack as a download. It is built in memory
// first, so that a failure shows an error page rather than half an
// archive.
func (u *UI) auditorPack(q *request) error {
	var b bytes.Buffer
	if err := u.svc.AuditorPack(q.r.Context(), q.access, &b); err != nil {
		return err
	}
	h := q.w.Header()
	h.Set("Content-Type", "application/zip")
	h.Set("Content-Disposition", attachment(fmt.Sprintf("auditor-pack-%s-%s.zip", q.access.Org.Slug, time.Now().UTC().Format("2006-01-02"))))
	h.Set("Cache-Control", "private, no-store")
	_, err := q.w.Write(b.Bytes())
	return err
}
