package httpapi

import (
	"encoding/json"
	"net/http"

	"github.com/isms-dev/isms/internal/app"
	"github.com/isms-dev/isms/internal/ledger"
	"github.com/isms-dev/isms/internal/router"
)

func (a *API) listLedger(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	if err := knownQuery(r, "record_type", "record_id", "action", "actor", "cursor", "limit"); err != nil {
		return err
	}
	limit, err := queryInt(r, "limit")
	if err != nil {
		return err
	}
	q := r.URL.Query()
	entries, next, err := a.svc.History(r.Context(), acc, app.HistoryFilter{
		RecordType: q.Get("record_type"), RecordID: q.Get("record_id"), Action: q.Get("action"), Actor: q.Get("actor"),
		Cursor: q.Get("cursor"), Limit: limit,
	})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, newList(entries, next))
}

type verifyJSON struct {
	OK bool `json:"ok"`
	ledger.Report
}

func (a *API) verifyLedger(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	report, err := a.svc.VerifyLedger(r.Context(), acc)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, verifyJSON{OK: report.OK(), Report: report})
}

// exportLedger streams the chain as JSON Lines, the format docs/ledger.md
// specifies for offline verification. The headers go out with the first
// entry, so a failure before it is still an ordinary problem.
func (a *API) exportLedger(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	started := false
	start := func() {
		if started {
			return
		}
		started = true
		w.Header().Set("Content-Type", "application/jsonl")
		w.Header().Set("Cache-Control", "no-store")
		w.Header().Set("Content-Disposition", `attachment; filename="ledger-`+acc.Org.Slug+`.jsonl"`)
		w.WriteHeader(http.StatusOK)
	}
	enc := json.NewEncoder(w)
	err := a.svc.ExportLedger(r.Context(), acc, func(e ledger.Entry) error {
		start()
		return enc.Encode(e)
	})
	if err != nil && started {
		// The status is sent; cutting the stream short is all that is
		// left, and a verifier will notice the missing head.
		a.log.ErrorContext(r.Context(), "ledger export failed midway", "err", err, "request_id", router.RequestID(r.Context()))
		return nil
	}
	if err != nil {
		return err
	}
	start()
	return nil
}
