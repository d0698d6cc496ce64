package web

import (
	"cmp"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/isms-dev/isms/internal/framework"
)

// workItem is something the signed-in member is asked to do: an open
// evidence request, an open implementation task of a control, an
// unfinished corrective action, or an access review they are a reviewer
// of.
type workItem struct {
	// Kind is "request", "task", "action", "review", "read" or
	// "access-review"; for an action, Control is the nonconformity it
	// corrects, for a review or a reading the document, and for an
	// access review the campaign.
	Kind         string
	Title        string
	Control      string
	ControlLink  string
	Due          *time.Time
	Overdue      bool
	Action       string
	ActionLabel  string
	ControlTitle string
}

// yourWork lists the member's open requests, tasks, corrective actions
// and access reviews, soonest due first.
func (u *UI) yourWork(q *request) ([]workItem, error) {
	ctx := q.r.Context()
	w, err := u.svc.Work(ctx, q.access)
	if err != nil {
		return nil, err
	}
	out, err := u.reviewWork(q)
	if err != nil || len(w.Requests)+len(w.Tasks)+len(w.Actions)+len(w.Reviews)+len(w.ToRead) == 0 {
		return out, err
	}
	lib, err := u.svc.Library(ctx, q.access)
	if err != nil {
		return nil, err
	}
	cite := func(ref string) (string, string) {
		r, err := framework.ParseRef(ref)
		if err != nil {
			return ref, ""
		}
		if _, it, ok := lib.Resolve(r); ok {
			return it.Cite(), it.Title
		}
		return r.Item, ""
	}
	now := time.Now()
	for _, r := range w.Requests {
		due := r.DueDate
		c, title := cite(r.Control)
		out = append(out, workItem{Kind: "request", Title: r.Title, Control: c, ControlTitle: title, ControlLink: q.controlPath(r.Control),
			Due: &due, Overdue: due.Before(now), ActionLabel: "Upload evidence",
			Action: urlWith(q.orgPath("evidence", "new"), url.Values{"request": {r.ID}, "control": {r.Control}})})
	}
	for _, t := range w.Tasks {
		ref := w.TaskControls[t.ControlID]
		c, title := cite(ref)
		out = append(out, workItem{Kind: "task", Title: t.Title, Control: c, ControlTitle: title, ControlLink: q.controlPath(ref),
			Due: t.DueDate, Overdue: t.DueDate != nil && t.DueDate.Before(now), ActionLabel: "Open the control",
			Action: q.controlPath(ref) + "#tasks"})
	}
	for _, c := range w.Actions {
		n := w.ActionRecords[c.NonconformityID]
		out = append(out, workItem{Kind: "action", Title: c.Title, Control: n.Ref(), ControlTitle: n.Title, ControlLink: q.ncPath(n),
			Due: c.DueDate, Overdue: c.Overdue(now), ActionLabel: "Report it done", Action: q.ncPath(n) + "#action-" + c.ID})
	}
	for _, d := range w.Reviews {
		out = append(out, workItem{Kind: "review", Title: "Approve or reject version " + d.Open.Number(), Control: d.Ref(), ControlTitle: d.Title,
			ControlLink: q.docPath(d.Document), Action: q.docPath(d.Document) + "#under-way", ActionLabel: "Review it"})
	}
	for _, d := range w.ToRead {
		out = append(out, workItem{Kind: "read", Title: "Read and acknowledge version " + d.Published.Number(), Control: d.Ref(),
			ControlTitle: d.Title, ControlLink: q.docPath(d.Document), Action: q.docPath(d.Document), ActionLabel: "Read it"})
	}
	slices.SortStableFunc(out, func(a, b workItem) int {
		switch {
		case a.Due == nil && b.Due == nil:
			return strings.Compare(a.Title, b.Title)
		case a.Due == nil:
			return 1
		case b.Due == nil:
			return -1
		}
		return cmp.Or(a.Due.Compare(*b.Due), strings.Compare(a.Title, b.Title))
	})
	return out, nil
}
