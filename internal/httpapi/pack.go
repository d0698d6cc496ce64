package httpapi

import (
	"bytes"
	"fmt"
	"net/http"
	"time"

	"github.com/isms-dev/isms/internal/app"
)

func (a *API) auditorPack(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	if err := knownQuery(r); err != nil {
		return err
	}
	var b bytes.Buffer
	if err := a.svc.AuditorPack(r.Context(), acc, &b); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/zip")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="auditor-pack-%s-%s.zip"`, acc.Org.Slug, time.Now().UTC().Format("2006-01-02")))
	_, err := w.Write(b.Bytes())
	return err
}
