package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/isms-dev/isms/internal/app"
	"github.com/isms-dev/isms/internal/isms"
)

// seedMetrics sets the objectives of the current cycle and the metrics
// that measure them. The organisation's own metrics carry the monthly
// values the ISMS manager has recorded since the cycle began; the built-in
// ones are computed from the records, and today's snapshot starts their
// history, since a computed value cannot honestly be backdated.
func seedMetrics(ctx context.Context, svc *app.Service, as map[string]app.Access, member func(string) string, now time.Time) error {
	str := func(s string) *string { return &s }
	num := func(v float64) *float64 { return &v }
	for _, m := range []struct {
		in      app.MetricInput
		history []float64
		note    string
	}{
		{in: app.MetricInput{Key: "ai-security-training", Name: str("Staff who completed AI security training"), Unit: str("%"),
			Direction: str("higher"), Target: num(100), SetTarget: true,
			Description: str("Share of current staff, contractors included, who passed the AI security course (prompt injection, " +
				"data handling, model supply chain) in the learning platform. Exported on the first working day of the month.")},
			history: []float64{22, 41, 58, 71, 83}, note: "Learning platform export"},
		{in: app.MetricInput{Key: "critical-vulns-in-15-days", Name: str("Critical vulnerabilities fixed within 15 days"), Unit: str("%"),
			Direction: str("higher"), Target: num(100), SetTarget: true,
			Description: str("Of the critical findings closed in the month, the share closed within 15 days of first being seen, " +
				"from the ticket system's security queue; fed by the monthly reporting job.")},
			history: []float64{67, 75, 100, 80, 100}, note: "Ticket system, security queue"},
		{in: app.MetricInput{Key: "phishing-click-rate", Name: str("Phishing simulation click rate"), Unit: str("%"),
			Direction: str("lower"), Target: num(5), SetTarget: true,
			Description: str("Share of recipients who clicked the link in the month's phishing simulation.")},
			history: []float64{14, 11, 9.5, 7, 6.2}, note: "Simulation platform report"},
	} {
		if _, err := svc.CreateMetric(ctx, as[priya], m.in); err != nil {
			return fmt.Errorf("demo metric %s: %w", m.in.Key, err)
		}
		for i, v := range m.history {
			at := now.AddDate(0, i-len(m.history)+1, 0).AddDate(0, 0, -1)
			if _, err := svc.RecordMeasurement(ctx, as[priya], m.in.Key, app.MeasurementInput{Value: v, At: at, Note: m.note,
				Source: isms.MeasuredManual}); err != nil {
				return fmt.Errorf("demo measurement of %s: %w", m.in.Key, err)
			}
		}
	}
	if _, err := svc.SnapshotMetrics(ctx, as[priya]); err != nil {
		return fmt.Errorf("demo snapshot: %w", err)
	}
	due := func(months int) *time.Time { t := now.AddDate(0, months, 0); return &t }
	for _, o := range []app.ObjectiveInput{
		{Title: str("All critical vulnerabilities fixed within 15 days"), Target: str("100% of critical findings closed within 15 days, every month"),
			OwnerID: str(member(sam)), DueDate: due(4), MeasuredHow: str("The monthly share from the security queue, and the remediation deadlines isms tracks."),
			Description: str("GPU nodes and inference endpoints are internet-facing; a critical flaw left open for weeks is the likeliest way in."),
			Metrics:     &[]string{"critical-vulns-in-15-days", app.MetricVulnSLA}},
		{Title: str("Every staff member completes AI security training"), Target: str("100% of staff trained before the surveillance audit"),
			OwnerID: str(member(lena)), DueDate: due(3), MeasuredHow: str("Monthly export from the learning platform."),
			Metrics: &[]string{"ai-security-training"}},
		{Title: str("SoA controls implemented ≥ 90%"), Target: str("At least 90% of the included Annex A controls implemented"),
			OwnerID: str(member(priya)), DueDate: due(6), MeasuredHow: str("The Statement of Applicability, as the records stand."),
			Metrics: &[]string{app.MetricControlsImplemented}},
		{Title: str("Staff resist phishing"), Target: str("Click rate in the simulations at or below 5%"), OwnerID: str(member(lena)),
			DueDate: due(5), Metrics: &[]string{"phishing-click-rate"}},
		{Title: str("Security requirements in every model card"), Target: str("Every production model's card states its security requirements"),
			OwnerID: str(member(tomas)), DueDate: due(2), Status: str(string(isms.ObjectiveAtRisk)),
			MeasuredHow: str("Reviewed by the ML platform lead at each release; no metric yet.")},
	} {
		if _, err := svc.CreateObjective(ctx, as[priya], o); err != nil {
			return fmt.Errorf("demo objective %s: %w", *o.Title, err)
		}
	}
	return nil
}
