package app

import (
	"bytes"
	"cmp"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/isms-dev/isms/internal/isms"
	"github.com/isms-dev/isms/internal/ledger"
	"github.com/isms-dev/isms/internal/pack"
	"github.com/isms-dev/isms/internal/soa"
	"github.com/isms-dev/isms/internal/store"
)

// AuditorPack writes the archive an external auditor is handed: the
// Statement of Applicability, the risk assessment and treatment plan,
// the scope and the risk methodology, the policies and procedures in
// force, the nonconformity and document registers, the figures, the
// readiness check, the change ledger (which verifies offline), and every
// evidence file the statement refers to, with a manifest of their SHA-256.
// Any member may produce it, the auditor role included: it holds nothing
// they may not read.
func (s *Service) AuditorPack(ctx context.Context, a Access, w io.Writer) error {
	if err := a.require(isms.PermRead); err != nil {
		return err
	}
	p := pack.NewWriter(w, a.Org.Name, a.Principal.Actor(), s.now())
	add := func(name, what string, write func(io.Writer) error) error {
		var b bytes.Buffer
		if err := write(&b); err != nil {
			return fmt.Errorf("auditor pack %s: %w", name, err)
		}
		return p.Add(name, what, &b)
	}
	addJSON := func(name, what string, v any) error {
		return add(name, what, func(w io.Writer) error {
			enc := json.NewEncoder(w)
			enc.SetIndent("", "  ")
			return enc.Encode(v)
		})
	}

	// The statement: the latest approved version, or the draft when none
	// is approved yet.
	versions, err := s.SoAVersions(ctx, a, readinessFramework)
	if err != nil {
		return err
	}
	soaVersion, soaWhat := 0, "the draft Statement of Applicability (no version is approved)"
	if len(versions) > 0 {
		v := slices.MaxFunc(versions, func(x, y store.SoAVersion) int { return cmp.Compare(x.Number, y.Number) })
		soaVersion, soaWhat = v.Number, fmt.Sprintf("the Statement of Applicability, approved version %d", v.Number)
	}
	for _, format := range []string{"xlsx", "pdf"} {
		e, err := s.ExportSoA(ctx, a, readinessFramework, soaVersion, format)
		if err != nil {
			return err
		}
		if err := p.Add("soa/statement-of-applicability."+format, soaWhat, bytes.NewReader(e.Body)); err != nil {
			return err
		}
	}
	for _, r := range []struct{ kind, name, what string }{
		{ReportAssessment, "risk-assessment", "the risk assessment report (8.2)"},
		{ReportTreatment, "risk-treatment-plan", "the risk treatment plan (6.1.3, 8.3)"},
	} {
		for _, format := range []string{FormatPDF, FormatXLSX} {
			if err := add("risks/"+r.name+"."+format, r.what, func(w io.Writer) error {
				return s.WriteRiskReport(ctx, a, r.kind, format, isms.RiskFilter{}, w)
			}); err != nil {
				return err
			}
		}
	}
	c, err := s.Context(ctx, a)
	if err != nil {
		return err
	}
	if c.Approved != nil {
		if err := add(fmt.Sprintf("context/scope-and-context-v%d.pdf", c.Approved.Number), "the ISMS scope and context in force (4.1-4.3)",
			func(w io.Writer) error { return s.WriteContextPDF(ctx, a, c.Approved.ID, w) }); err != nil {
			return err
		}
	}
	m, err := s.Methodology(ctx, a)
	if err != nil {
		return err
	}
	if err := addJSON(fmt.Sprintf("risks/methodology-v%d.json", m.Current.Number), "the risk methodology in force (6.1.2)",
		m.Current.Methodology); err != nil {
		return err
	}

	// Policies and procedures in force, as PDF, and uploaded ones as
	// they were uploaded.
	docs, err := s.Documents(ctx, a, store.DocFilter{})
	if err != nil {
		return err
	}
	for _, d := range docs {
		if d.Published == nil {
			continue
		}
		v := d.Published
		base := fmt.Sprintf("documents/%s-v%s", d.Ref(), v.Number())
		what := fmt.Sprintf("%s %s, version %s in force", d.Ref(), d.Title, v.Number())
		if err := add(base+".pdf", what, func(w io.Writer) error {
			_, err := s.DocumentPDF(ctx, a, d.ID, v.Number(), w)
			return err
		}); err != nil {
			return err
		}
		if v.Format == isms.FormatFile && s.files != nil {
			f, err := s.files.Open(v.FileSHA256)
			if err != nil {
				return err
			}
			err = p.Add(base+"-"+safeName(v.FileName), what+", the file as uploaded", f)
			f.Close()
			if err != nil {
				return err
			}
		}
	}
	if err := add("registers/documents.csv", "the document register (7.5)", func(w io.Writer) error {
		return s.ExportDocuments(ctx, a, "csv", w)
	}); err != nil {
		return err
	}
	if err := add("registers/nonconformities.csv", "the nonconformity register with corrective actions (10.2)", func(w io.Writer) error {
		return s.writeNonconformitiesCSV(ctx, a, w)
	}); err != nil {
		return err
	}

	// The audit programme, the completed internal audits' reports and the
	// minutes of the reviews held.
	prog, err := s.AuditProgramme(ctx, a)
	if err != nil {
		return err
	}
	if err := addJSON("audits/programme.json", "the internal audit programme with its coverage and gaps (9.2.2)", prog); err != nil {
		return err
	}
	audits, err := s.Audits(ctx, a, store.AuditFilter{Status: isms.AuditCompleted, Limit: store.MaxLimit})
	if err != nil {
		return err
	}
	for _, au := range audits {
		if err := add("audits/"+au.Ref()+"-report.pdf", fmt.Sprintf("the report of internal audit %s %s (9.2)", au.Ref(), au.Title),
			func(w io.Writer) error { return s.AuditReportPDF(ctx, a, au.ID, w) }); err != nil {
			return err
		}
	}
	reviews, err := s.Reviews(ctx, a)
	if err != nil {
		return err
	}
	for _, r := range reviews {
		if r.Status == isms.ReviewDraft {
			continue
		}
		if err := add("reviews/"+r.Ref()+"-minutes.pdf", fmt.Sprintf("the minutes of management review %s, %s (9.3)", r.Ref(),
			r.MeetingDate.Format("2006-01-02")), func(w io.Writer) error { return s.WriteReviewMinutes(ctx, a, r.ID, w) }); err != nil {
			return err
		}
	}
	objectives, err := s.Objectives(ctx, a)
	if err != nil {
		return err
	}
	metrics, err := s.Metrics(ctx, a)
	if err != nil {
		return err
	}
	if err := addJSON("metrics/objectives-and-metrics.json", "information security objectives (6.2) and metrics with their history (9.1)",
		map[string]any{"objectives": objectives, "metrics": metrics}); err != nil {
		return err
	}

	// Figures and the readiness check, as computed now.
	vm, err := s.VulnMetrics(ctx, a)
	if err != nil {
		return err
	}
	nc, err := s.NonconformityCounts(ctx, a)
	if err != nil {
		return err
	}
	if err := addJSON("metrics/figures.json", "monitoring results computed at the time of the pack (9.1)",
		map[string]any{"vulnerabilities": vm, "nonconformities": nc}); err != nil {
		return err
	}
	r, err := s.Readiness(ctx, a)
	if err != nil {
		return err
	}
	if err := addJSON("readiness.json", "the Stage 1 and Stage 2 readiness check", r); err != nil {
		return err
	}
	if err := add("ledger/ledger.jsonl", "the change ledger of every record; `isms ledger verify --file` checks it offline",
		func(w io.Writer) error {
			enc := json.NewEncoder(w)
			return s.ExportLedger(ctx, a, func(e ledger.Entry) error { return enc.Encode(e) })
		}); err != nil {
		return err
	}

	// Every evidence file the statement refers to, once: the approved
	// version's and the draft's, since evidence collected after the
	// approval is what the auditor samples next.
	statements := []soa.Document{}
	for _, v := range slices.Compact([]int{soaVersion, 0}) {
		doc, err := s.SoA(ctx, a, readinessFramework, v)
		if err != nil {
			return err
		}
		statements = append(statements, doc)
	}
	if err := s.packEvidence(ctx, a, p, statements...); err != nil {
		return err
	}
	return p.Close()
}

func (s *Service) packEvidence(ctx context.Context, a Access, p *pack.Writer, docs ...soa.Document) error {
	seen := map[string]bool{}
	for _, e := range slices.Concat(entriesOf(docs)...) {
		for _, ev := range e.Evidence {
			if ev.SHA256 == "" || seen[ev.ID] || s.files == nil {
				continue
			}
			seen[ev.ID] = true
			item, f, err := s.OpenEvidenceFile(ctx, a, ev.ID)
			if err != nil {
				return err
			}
			name := "evidence/" + item.ID + "-" + safeName(cmp.Or(item.FileName, "file"))
			err = p.Add(name, fmt.Sprintf("evidence %q for %s", item.Title, e.ID), f)
			f.Close()
			if err != nil {
				return err
			}
		}
	}
	return nil
}

// safeName keeps a file name to one plain path segment.
func safeName(name string) string {
	name = sanitizeFileName(name)
	name = strings.NewReplacer("/", "_", "\\", "_", "..", "_").Replace(name)
	if name == "" || name == "." {
		return "file"
	}
	return name
}

// writeNonconformitiesCSV writes the whole register with each record's
// actions, formula-like cells neutralised.
func (s *Service) writeNonconformitiesCSV(ctx context.Context, a Access, w io.Writer) error {
	names, err := s.memberNames(ctx, a.Org.ID)
	if err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	_ = cw.Write([]string{"ref", "kind", "grade", "source", "title", "requirement", "owner", "raised", "due", "stage", "correction",
		"root_cause", "actions", "actions_done", "verified_by", "effective", "closed"})
	after := 0
	for {
		rows, err := s.Nonconformities(ctx, a, store.NCFilter{After: after, Limit: store.MaxLimit})
		if err != nil {
			return err
		}
		for _, n := range rows {
			due, closed, effective := "", "", ""
			if n.DueDate != nil {
				due = n.DueDate.Format("2006-01-02")
			}
			if n.ClosedAt != nil {
				closed = n.ClosedAt.Format("2006-01-02")
			}
			if n.Effective != nil {
				effective = strconv.FormatBool(*n.Effective)
			}
			cells := []string{n.Ref(), string(n.Kind), string(n.Grade), string(n.Source), n.Title, n.Requirement, names[n.OwnerID],
				n.CreatedAt.Format("2006-01-02"), due, string(n.Stage), n.Correction, n.RootCause, strconv.Itoa(n.Actions),
				strconv.Itoa(n.ActionsDone), names[n.VerifiedBy], effective, closed}
			for i := range cells {
				cells[i] = soa.Neutralise(cells[i])
			}
			_ = cw.Write(cells)
		}
		if len(rows) < store.MaxLimit {
			break
		}
		after = rows[len(rows)-1].RefNum
	}
	cw.Flush()
	return cw.Error()
}

func entriesOf(docs []soa.Document) [][]soa.Entry {
	out := make([][]soa.Entry, len(docs))
	for i, d := range docs {
		out[i] = d.Entries
	}
	return out
}
