package httpapi

import (
	"net/http"

	"github.com/isms-dev/isms/internal/app"
)

func (a *API) getReadiness(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	if err := knownQuery(r); err != nil {
		return err
	}
	out, err := a.svc.Readiness(r.Context(), acc)
	if err != nil {
		return err
	}
	if out.Gaps == nil {
		out.Gaps = []app.ControlGap{}
	}
	if out.Themes == nil {
		out.Themes = []app.ThemeScore{}
	}
	return writeJSON(w, http.StatusOK, out)
}
