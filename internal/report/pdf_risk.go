package report

import (
	"fmt"
	"io"
	"strconv"
	"strings"
)

func riskMeta(r RiskReport, title, subtitle string) pdfMeta {
	m := r.Methodology
	return pdfMeta{
		title:       title,
		subtitle:    subtitle,
		org:         r.Organisation,
		versionName: "Methodology version",
		version:     strconv.Itoa(m.Version),
		status:      m.Status,
		approvedBy:  m.ApprovedBy,
		approvedAt:  m.ApprovedAt,
		generatedAt: r.GeneratedAt,
		generatedBy: r.GeneratedBy,
		draftWarning: fmt.Sprintf("Risk assessment methodology version %d has not been approved. "+
			"Results based on it are provisional until it is.", m.Version),
	}
}

func levelNames(risks []Risk, residualLevel bool) []string {
	out := make([]string, len(risks))
	for k, r := range risks {
		out[k] = r.InherentLevel
		if residualLevel {
			out[k] = r.ResidualLevel
		}
	}
	return out
}

// RiskAssessmentPDF writes the results of the information security risk
// assessment (ISO/IEC 27001:2022 clause 8.2): a summary with the inherent
// heat map, the methodology it was performed with, and the risk register
// on landscape pages.
func RiskAssessmentPDF(w io.Writer, r RiskReport) error {
	meta := riskMeta(r, "Information security risk assessment",
		"Risk assessment results – ISO/IEC 27001:2022 clause 8.2")
	return writePDF(w, meta, func(p *pdfDoc) {
		g, lv := newGrid(r.Methodology), newLevels(r.Methodology.Levels)
		p.heading("1 Summary")
		p.paragraph(fmt.Sprintf("This report records the information security risks identified for %s, "+
			"analysed for likelihood and impact and evaluated against the risk acceptance criteria of "+
			"risk assessment methodology version %d. The register holds %d risk(s); ratings are inherent, "+
			"that is, before the planned treatment and taking existing controls into account.",
			r.Organisation, r.Methodology.Version, len(r.Risks)))
		p.levelSummary(lv, levelNames(r.Risks, false), "Inherent risk level")
		p.heatMap("Inherent risk heat map", g, lv, newHeat(g, r.Risks, inherent))

		p.addPage("P")
		methodologySection(p, r.Methodology, g, lv)

		p.addPage("L")
		p.heading("3 Risk register")
		cols := []column{
			{header: "Ref", weight: 6},
			{header: "Risk", weight: 11},
			{header: "Scenario", weight: 14},
			{header: "Assets", weight: 9},
			{header: "Threat", weight: 10},
			{header: "Vulnerability", weight: 10},
			{header: "Consequences", weight: 11},
			{header: "Existing controls", weight: 11},
			{header: "Owner", weight: 8},
			{header: "L", weight: 3, align: "C"},
			{header: "I", weight: 3, align: "C"},
			{header: "Level", weight: 6.5},
			{header: "Status", weight: 6},
			{header: "Review", weight: 7},
		}
		rows := make([][]cell, 0, len(r.Risks))
		for _, k := range r.Risks {
			rows = append(rows, []cell{
				{text: k.Ref, bold: true},
				{text: k.Title},
				{text: k.Scenario},
				{text: strings.Join(k.Assets, "\n")},
				{text: k.Threat},
				{text: k.Vulnerability},
				{text: k.Consequences},
				{text: k.ExistingControls},
				{text: k.Owner},
				{text: scoreText(k.InherentLikelihood)},
				{text: scoreText(k.InherentImpact)},
				levelCell(lv, k.InherentLevel),
				{text: k.Status},
				{text: fmtOptDate(k.ReviewDate)},
			})
		}
		if len(rows) == 0 {
			p.paragraph("No risks have been identified.")
			return
		}
		p.table(cols, rows, 7)
	})
}

func scoreText(v int) string {
	if v == 0 {
		return "–"
	}
	return strconv.Itoa(v)
}

// methodologySection reproduces the methodology inside the assessment so the
// report can be read on its own, as clause 6.1.2 requires repeatable and
// comparable results.
func methodologySection(p *pdfDoc, m Methodology, g grid, lv levels) {
	p.heading("2 Risk assessment methodology")
	text, approved := approvalText(m.ApprovedBy, m.ApprovedAt)
	if approved {
		p.paragraph(fmt.Sprintf("Methodology version %d (%s). %s.", m.Version, m.Status, text))
	} else {
		p.font("B", 9.5)
		p.color(draftRed)
		p.lines(fmt.Sprintf("Methodology version %d (%s): %s.", m.Version, m.Status, text), 9.5)
		p.f.Ln(2)
		p.color(ink)
	}
	scale := func(title string, s []Scale) {
		p.subheading(title)
		rows := make([][]cell, 0, len(s))
		for _, v := range s {
			rows = append(rows, []cell{{text: strconv.Itoa(v.Value), bold: true}, {text: v.Label, bold: true}, {text: v.Criteria}})
		}
		p.table([]column{{header: "Value", weight: 1.2, align: "C"}, {header: "Label", weight: 3}, {header: "Criteria", weight: 10}}, rows, 8.5)
	}
	scale("2.1 Likelihood scale", g.likelihood)
	scale("2.2 Impact scale", g.impact)
	p.riskGrid("2.3 Risk matrix", g, lv, func(l, i int) (string, string) { return g.level(l, i), "" })
	p.subheading("2.4 Risk acceptance criteria")
	rows := make([][]cell, 0, len(lv.list))
	for _, l := range lv.list {
		a, ok := acceptanceRule(m, l.Name)
		acceptable, by := "Not defined", ""
		if ok {
			acceptable, by = yesNo(a.Acceptable), strings.Join(a.ByRoles, ", ")
		}
		rows = append(rows, []cell{levelCell(lv, l.Name), {text: acceptable}, {text: by}})
	}
	p.table([]column{{header: "Risk level", weight: 3}, {header: "Acceptable", weight: 2}, {header: "May be accepted by", weight: 8}}, rows, 8.5)
}

// TreatmentPlanPDF writes the risk treatment plan (ISO/IEC 27001:2022
// clauses 6.1.3 and 8.3): a summary with the residual heat map, an overview
// of every risk's treatment and, per risk, its controls, actions, residual
// rating and the owner's approval and acceptance decisions.
func TreatmentPlanPDF(w io.Writer, r RiskReport) error {
	meta := riskMeta(r, "Information security risk treatment plan",
		"Risk treatment – ISO/IEC 27001:2022 clauses 6.1.3 and 8.3")
	return writePDF(w, meta, func(p *pdfDoc) {
		m := r.Methodology
		g, lv := newGrid(m), newLevels(m.Levels)
		states := map[acceptState]int{}
		options := map[string]int{}
		var optionOrder []string
		for _, k := range r.Risks {
			state, _ := acceptance(k)
			states[state]++
			o := k.Option
			if o == "" {
				o = "Not decided"
			}
			if options[o] == 0 {
				optionOrder = append(optionOrder, o)
			}
			options[o]++
		}
		p.heading("1 Summary")
		p.paragraph(fmt.Sprintf("This plan records how each of the %d risk(s) of %s is treated, the controls "+
			"and actions chosen, the residual risk expected after treatment and the risk owners' decisions. "+
			"Residual risk of %d risk(s) is accepted under a current decision; %d acceptance(s) were reopened by "+
			"a later change and need a new decision.", len(r.Risks), r.Organisation, states[accepted], states[reopened]))
		optionRows := make([][]cell, 0, len(optionOrder))
		for _, o := range optionOrder {
			optionRows = append(optionRows, []cell{{text: o}, {text: strconv.Itoa(options[o])}})
		}
		p.tableWidth(80, []column{{header: "Treatment option", weight: 2}, {header: "Risks", weight: 1, align: "R"}}, optionRows, 9)
		p.levelSummary(lv, levelNames(r.Risks, true), "Residual risk level")
		p.heatMap("Residual risk heat map", g, lv, newHeat(g, r.Risks, residual))

		p.addPage("L")
		p.heading("2 Treatment overview")
		rows := make([][]cell, 0, len(r.Risks))
		for _, k := range r.Risks {
			rows = append(rows, []cell{
				{text: k.Ref, bold: true},
				{text: k.Title},
				{text: k.Owner},
				levelCell(lv, k.InherentLevel),
				{text: k.Option},
				{text: strings.Join(k.Controls, "\n")},
				{text: scoreText(k.ResidualLikelihood)},
				{text: scoreText(k.ResidualImpact)},
				levelCell(lv, k.ResidualLevel),
				{text: acceptanceText(k)},
			})
		}
		if len(rows) == 0 {
			p.paragraph("No risks have been identified.")
			return
		}
		p.table([]column{
			{header: "Ref", weight: 6},
			{header: "Risk", weight: 16},
			{header: "Owner", weight: 9},
			{header: "Inherent", weight: 7},
			{header: "Option", weight: 7},
			{header: "Controls", weight: 24},
			{header: "L", weight: 3, align: "C"},
			{header: "I", weight: 3, align: "C"},
			{header: "Residual", weight: 7},
			{header: "Residual risk acceptance", weight: 16},
		}, rows, 7.5)

		p.addPage("P")
		p.heading("3 Treatment per risk")
		for _, k := range r.Risks {
			treatmentDetail(p, m, lv, k)
		}
	})
}

func treatmentDetail(p *pdfDoc, m Methodology, lv levels, k Risk) {
	p.f.Ln(2)
	p.ensure(60)
	p.subheading(k.Ref + " · " + k.Title)
	inh, res := levelCell(lv, k.InherentLevel), levelCell(lv, k.ResidualLevel)
	inh.text = ratingText(k.InherentLikelihood, k.InherentImpact, k.InherentLevel)
	res.text = ratingText(k.ResidualLikelihood, k.ResidualImpact, k.ResidualLevel)
	controls := strings.Join(k.Controls, "\n")
	if controls == "" {
		controls = "None selected"
	}
	p.table([]column{{weight: 1}, {weight: 3.4}}, [][]cell{
		{label("Risk owner"), {text: k.Owner}},
		{label("Status"), {text: k.Status}},
		{label("Treatment option"), {text: k.Option, bold: true}},
		{label("Inherent risk"), inh},
		{label("Controls"), {text: controls}},
		{label("Residual risk"), res},
		{label("Acceptance criteria"), {text: criteriaText(m, k.ResidualLevel)}},
		{label("Acceptance"), {text: acceptanceText(k)}},
		{label("Next review"), {text: fmtOptDate(k.ReviewDate)}},
	}, 8.5)
	if len(k.Actions) > 0 {
		rows := make([][]cell, 0, len(k.Actions))
		for _, a := range k.Actions {
			rows = append(rows, []cell{{text: a.Description}, {text: a.Owner}, {text: fmtOptDate(a.Due)}, {text: a.Status}})
		}
		p.table([]column{
			{header: "Action", weight: 9}, {header: "Owner", weight: 3.5},
			{header: "Due", weight: 2.5}, {header: "Status", weight: 2.5},
		}, rows, 8)
	} else {
		p.paragraph("No treatment actions recorded.")
	}
	if len(k.Decisions) > 0 {
		rows := make([][]cell, 0, len(k.Decisions))
		for _, d := range k.Decisions {
			current := cell{text: currentText(d)}
			if !d.Current {
				current.ink, current.bold = &draftRed, true
			}
			rows = append(rows, []cell{
				{text: d.Kind}, {text: d.By}, {text: fmtMinute(d.At)},
				levelCell(lv, d.Level), {text: d.Justification}, current,
			})
		}
		p.table([]column{
			{header: "Decision", weight: 3.2}, {header: "By", weight: 3}, {header: "When (UTC)", weight: 3},
			{header: "Level", weight: 2.2}, {header: "Justification", weight: 6.5}, {header: "Current", weight: 2.6},
		}, rows, 8)
	} else {
		p.paragraph("No decisions recorded.")
	}
}
