package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/isms-dev/isms/internal/isms"
	"github.com/isms-dev/isms/internal/ledger"
	"github.com/isms-dev/isms/internal/store"
)

// HistoryFilter selects ledger entries of the organisation.
type HistoryFilter struct {
	RecordType string
	RecordID   string
	Action     string
	Actor      string
	Cursor     string
	Limit      int
}

// History returns the organisation's ledger, newest first, and the cursor
// of the next page.
func (s *Service) History(ctx context.Context, a Access, f HistoryFilter) ([]ledger.Entry, string, error) {
	if err := a.require(isms.PermRead); err != nil {
		return nil, "", err
	}
	switch f.Action {
	case "", ledger.ActionCreate, ledger.ActionUpdate, ledger.ActionDelete:
	default:
		return nil, "", isms.Invalid("action", "%q is not an action; use create, update or delete", f.Action)
	}
	return s.history(ctx, a, store.LedgerFilter{RecordType: f.RecordType, RecordID: f.RecordID, Action: f.Action, Actor: f.Actor}, f.Cursor, f.Limit)
}

// history reads a page of the organisation's chain.
func (s *Service) history(ctx context.Context, a Access, lf store.LedgerFilter, cursor string, pageLimit int) ([]ledger.Entry, string, error) {
	var before int64
	if cursor != "" {
		raw, err := store.DecodeCursor("cursor", cursor)
		if err != nil {
			return nil, "", err
		}
		if before, err = strconv.ParseInt(raw, 10, 64); err != nil || before < 1 {
			return nil, "", isms.Invalid("cursor", "is not a cursor returned by this API")
		}
	}
	limit := pageSize(pageLimit)
	lf.Chain, lf.BeforeSeq, lf.Limit = a.Org.ID, before, limit+1
	entries, err := s.db.ListLedger(ctx, lf)
	if err != nil {
		return nil, "", err
	}
	entries, more := page(entries, limit)
	next := ""
	if more {
		next = store.EncodeCursor(strconv.FormatInt(entries[len(entries)-1].Seq, 10))
	}
	return entries, next, nil
}

// RiskHistory returns the ledger entries of a risk and its parts: the
// assets and controls linked to it now, its actions and the owner's
// decisions, newest first.
func (s *Service) RiskHistory(ctx context.Context, a Access, riskID, cursor string, limit int) ([]ledger.Entry, string, error) {
	v, err := s.Risk(ctx, a, riskID)
	if err != nil {
		return nil, "", err
	}
	ids, err := s.db.RiskLinkIDs(ctx, a.Org.ID, riskID)
	if err != nil {
		return nil, "", err
	}
	ids[store.RecordRisk] = []string{riskID}
	for _, act := range v.Actions {
		ids[store.RecordRiskAction] = append(ids[store.RecordRiskAction], act.ID)
	}
	for _, d := range v.Decisions {
		ids[store.RecordRiskDecision] = append(ids[store.RecordRiskDecision], d.ID)
	}
	return s.history(ctx, a, store.LedgerFilter{Records: ids}, cursor, limit)
}

// VerifyLedger checks the organisation's chain and records.
func (s *Service) VerifyLedger(ctx context.Context, a Access) (ledger.Report, error) {
	if err := a.require(isms.PermRead); err != nil {
		return ledger.Report{}, err
	}
	return s.db.VerifyChain(ctx, a.Org.ID)
}

// VerifyAllChains checks every chain of the instance, for operators.
func (s *Service) VerifyAllChains(ctx context.Context, p Principal) ([]ledger.Report, error) {
	if p.Operator == "" {
		return nil, isms.ErrForbidden
	}
	chains, err := s.db.LedgerChains(ctx)
	if err != nil {
		return nil, err
	}
	reports := make([]ledger.Report, 0, len(chains))
	for _, c := range chains {
		r, err := s.db.VerifyChain(ctx, c)
		if err != nil {
			return reports, fmt.Errorf("verify chain %s: %w", c, err)
		}
		reports = append(reports, r)
	}
	return reports, nil
}

// ExportLedger streams the organisation's whole chain, oldest first.
func (s *Service) ExportLedger(ctx context.Context, a Access, fn func(ledger.Entry) error) error {
	if err := a.require(isms.PermRead); err != nil {
		return err
	}
	return s.db.ExportLedger(ctx, a.Org.ID, fn)
}

// ActorNames resolves the actors of entries to names people recognise:
// the email of a user, the token's name and owner for a token.
func (s *Service) ActorNames(ctx context.Context, a Access, entries []ledger.Entry) map[string]string {
	names := make(map[string]string)
	for _, e := range entries {
		if _, done := names[e.Actor]; done {
			continue
		}
		names[e.Actor] = s.actorName(ctx, a, e.Actor)
	}
	return names
}

func (s *Service) actorName(ctx context.Context, a Access, actor string) string {
	kind, id, _ := strings.Cut(actor, ":")
	switch kind {
	case "user":
		if u, err := s.db.UserByID(ctx, id); err == nil {
			return u.Email
		}
	case "token":
		t, err := s.db.Token(ctx, a.Org.ID, id)
		if err == nil {
			return fmt.Sprintf("%s (token %q)", t.UserEmail, t.Name)
		}
		if !errors.Is(err, isms.ErrNotFound) {
			s.log.WarnContext(ctx, "resolve actor", "actor", actor, "err", err)
		}
	case "cli":
		return "command line (" + id + ")"
	case "system":
		if id == "demo" {
			return "demo data"
		}
		return "isms (" + id + ")"
	}
	return actor
}

// RecordLabels names the records of entries the way people know them: an
// organisation or token by its name, a member by their email. A record
// whose entry holds no content (a deletion) is labelled from its id.
func (s *Service) RecordLabels(ctx context.Context, a Access, entries []ledger.Entry) map[ledger.RecordKey]string {
	labels := make(map[ledger.RecordKey]string)
	emails := make(map[string]string)
	for _, e := range entries {
		key := ledger.RecordKey{Type: e.RecordType, ID: e.RecordID}
		if _, done := labels[key]; done {
			continue
		}
		var content map[string]any
		_ = json.Unmarshal(e.Content, &content)
		label := ""
		switch e.RecordType {
		case store.RecordOrganization, store.RecordAPIToken:
			label, _ = content["name"].(string)
		case store.RecordUser:
			label, _ = content["email"].(string)
		case store.RecordFrameworkImport:
			label, _ = content["file_name"].(string)
		case store.RecordOrgFramework:
			label, _ = content["framework_id"].(string)
		case store.RecordAsset, store.RecordRiskAction, store.RecordSupplier:
			label, _ = content["name"].(string)
			if label == "" {
				label, _ = content["description"].(string)
			}
		case store.RecordRisk:
			title, _ := content["title"].(string)
			if ref, ok := content["ref_num"].(float64); ok {
				label = fmt.Sprintf("R-%03d %s", int(ref), title)
			}
		case store.RecordContext, store.RecordMethodology:
			if n, ok := content["version"].(float64); ok {
				label = fmt.Sprintf("version %d", int(n))
			}
		case store.RecordRiskDecision:
			kind, _ := content["kind"].(string)
			label = strings.ReplaceAll(kind, "_", " ")
		case store.RecordRiskControl, store.RecordControl:
			label, _ = content["control"].(string)
		case store.RecordControlReason, store.RecordControlTask, store.RecordEvidence, store.RecordEvidenceRequest:
			label, _ = content["title"].(string)
		case store.RecordEvidenceLink:
			target, _ := content["target"].(string)
			ref, _ := content["ref"].(string)
			label = strings.TrimSpace(target + " " + ref)
		case store.RecordSupplierCert:
			kind, _ := content["kind"].(string)
			label = isms.CertificationKind(kind).Label()
		case store.RecordSupplierAssessment:
			result, _ := content["result"].(string)
			assessor, _ := content["assessor"].(string)
			label = isms.AssessmentResult(result).Label() + ", " + assessor
		case store.RecordSoAVersion:
			fw, _ := content["framework"].(string)
			if n, ok := content["version"].(float64); ok {
				label = fmt.Sprintf("%s version %d", fw, int(n))
			}
		case store.RecordIncident:
			title, _ := content["title"].(string)
			if ref, ok := content["ref_num"].(float64); ok {
				label = fmt.Sprintf("INC-%03d %s", int(ref), title)
			}
		case store.RecordIncidentEvent:
			what, _ := content["what"].(string)
			label = clipRunes(what, 80)
		case store.RecordIncidentEvidence:
			if by, _ := content["collected_by"].(string); by != "" {
				label = "collected by " + by
			}
		case store.RecordIncidentCustody:
			if who, _ := content["who"].(string); who != "" {
				label = "to " + who
			}
		case store.RecordIncidentLink:
			kind, _ := content["kind"].(string)
			label = strings.ReplaceAll(kind, "_", " ")
		case store.RecordPerson, store.RecordISMSRole:
			label, _ = content["name"].(string)
		case store.RecordTrainingCourse, store.RecordChecklistItem:
			label, _ = content["title"].(string)
		case store.RecordAccessReview:
			title, _ := content["title"].(string)
			if ref, ok := content["ref_num"].(float64); ok {
				label = fmt.Sprintf("AR-%03d %s", int(ref), title)
			}
		case store.RecordSelfAssessment:
			if ref, ok := content["ref_num"].(float64); ok {
				label = fmt.Sprintf("SA-%03d", int(ref))
			}
		case store.RecordReviewAccount:
			system, _ := content["system"].(string)
			account, _ := content["account"].(string)
			label = account + " on " + system
		case store.RecordChecklist:
			kind, _ := content["kind"].(string)
			label = kind + " checklist"
		case store.RecordMember:
			if uid, ok := content["user_id"].(string); ok {
				if _, seen := emails[uid]; !seen {
					if u, err := s.db.UserByID(ctx, uid); err == nil {
						emails[uid] = u.Email
					}
				}
				label = emails[uid]
			}
		}
		if label == "" {
			label = e.RecordID
		}
		labels[key] = label
	}
	return labels
}
