package report

import (
	"fmt"
	"time"
)

func ptr[T any](v T) *T { return &v }

var (
	generated  = time.Date(2025, 3, 14, 9, 30, 0, 0, time.UTC)
	approvedAt = time.Date(2025, 1, 20, 16, 45, 0, 0, time.UTC)
)

func methodology() Methodology {
	return Methodology{
		Version:    3,
		Status:     "approved",
		ApprovedBy: "Tomás Ortega",
		ApprovedAt: ptr(approvedAt),
		Likelihood: []Scale{
			{1, "Rare", "Less than once in ten years"},
			{2, "Unlikely", "Once in three to ten years"},
			{3, "Possible", "Once in one to three years"},
			{4, "Likely", "Several times a year"},
			{5, "Almost certain", "Monthly or more often"},
		},
		Impact: []Scale{
			{1, "Negligible", "Loss below €1,000; no customer notices"},
			{2, "Minor", "Loss up to €10,000 – contained to one team"},
			{3, "Moderate", "Loss up to €100,000 or a contractual breach"},
			{4, "Major", "Loss up to €1m, regulator notification"},
			{5, "Severe", "Loss above €1m or model weights disclosed"},
		},
		Levels: []Level{
			{"Low", "#2E7D32"}, {"Medium", "#F9A825"}, {"High", "#EF6C00"}, {"Critical", "#B71C1C"},
		},
		Matrix: [][]string{
			{"Low", "Low", "Low", "Medium", "Medium"},
			{"Low", "Low", "Medium", "Medium", "High"},
			{"Low", "Medium", "Medium", "High", "High"},
			{"Medium", "Medium", "High", "High", "Critical"},
			{"Medium", "High", "High", "Critical", "Critical"},
		},
		Acceptance: []AcceptanceRule{
			{"Low", true, []string{"Risk owner"}},
			{"Medium", true, []string{"Risk owner", "CISO"}},
			{"High", true, []string{"CEO"}},
			{"Critical", false, nil},
		},
	}
}

func riskReport() RiskReport {
	return RiskReport{
		Organisation: "Helix Labs Ltd",
		GeneratedAt:  generated,
		GeneratedBy:  "Ana Lima",
		Methodology:  methodology(),
		Risks: []Risk{
			{
				Ref: "R-001", Title: "Model weights exfiltration", Status: "treated",
				Assets:             []string{"Foundation model weights", "Training cluster"},
				Threat:             "External attacker",
				Vulnerability:      "Over-privileged service accounts",
				Scenario:           "An attacker abuses a leaked token to copy the weights.",
				Consequences:       "Loss of IP worth €40m – competitors gain the model.",
				InherentLikelihood: 4, InherentImpact: 5, InherentLevel: "Critical",
				ExistingControls: "SSO, quarterly access review",
				Owner:            "Tomás Ortega",
				ReviewDate:       ptr(time.Date(2025, 9, 30, 0, 0, 0, 0, time.UTC)),
				Option:           "mitigate",
				Controls:         []string{"A.8.16 Monitoring activities", "AIS-MP-01 Protection against model extraction"},
				Actions: []Action{
					{"Enforce short-lived tokens", "Ana Lima", ptr(time.Date(2025, 4, 30, 0, 0, 0, 0, time.UTC)), "in progress"},
					{"Egress monitoring on the cluster", "Tomás Ortega", nil, "open"},
				},
				ResidualLikelihood: 2, ResidualImpact: 5, ResidualLevel: "High",
				Decisions: []Decision{
					{"treatment plan approved", "Tomás Ortega", time.Date(2025, 2, 1, 10, 0, 0, 0, time.UTC), "Critical", "Plan reduces exposure", true},
					{"residual risk accepted", "Chen Wei", time.Date(2025, 2, 3, 11, 15, 0, 0, time.UTC), "High", "Within appetite after MFA", false},
					{"residual risk accepted", "Chen Wei", time.Date(2025, 3, 1, 8, 0, 0, 0, time.UTC), "High", "Re-accepted after token change", true},
				},
			},
			{
				Ref: "R-002", Title: "=HYPERLINK(\"http://evil\")", Status: "open",
				Assets:             []string{"+Customer prompts"},
				Threat:             "-Insider",
				Vulnerability:      "@No DLP",
				Scenario:           "\tPrompts leak",
				Consequences:       "\rPrivacy breach",
				InherentLikelihood: 3, InherentImpact: 3, InherentLevel: "Medium",
				Owner:              "Ana Lima",
				Option:             "accept",
				ResidualLikelihood: 3, ResidualImpact: 3, ResidualLevel: "Medium",
				Decisions: []Decision{
					{"residual risk accepted", "Ana Lima", time.Date(2025, 2, 10, 9, 0, 0, 0, time.UTC), "Medium", "=1+1", false},
				},
			},
			{
				Ref: "R-003", Title: "Unrated supplier risk", Status: "identified",
			},
		},
	}
}

// longReport has n risks with enough text to wrap in every column.
func longReport(n int) RiskReport {
	r := riskReport()
	r.Risks = nil
	levels := []string{"Low", "Medium", "High", "Critical"}
	for k := range n {
		l, i := k%5+1, (k/5)%5+1
		r.Risks = append(r.Risks, Risk{
			Ref:                fmt.Sprintf("R-%04d", k+1),
			Title:              fmt.Sprintf("Risk number %d to the inference platform", k+1),
			Status:             "open",
			Assets:             []string{"Inference API", "Model registry"},
			Threat:             "Adversarial prompt injection by an external user",
			Vulnerability:      "Guardrails do not cover tool calls",
			Scenario:           "A crafted prompt makes the agent call an internal tool and disclose data it should not.",
			Consequences:       "Disclosure of customer data and contractual penalties.",
			InherentLikelihood: l, InherentImpact: i, InherentLevel: levels[k%4],
			ExistingControls:   "Output filtering, rate limiting",
			Owner:              "Tomás Ortega",
			Option:             "mitigate",
			Controls:           []string{"A.8.16 Monitoring activities"},
			ResidualLikelihood: 1, ResidualImpact: i, ResidualLevel: "Low",
		})
	}
	return r
}

func document(approved bool) Document {
	d := Document{
		Title:        "ISMS scope and context",
		Subtitle:     "ISO/IEC 27001:2022 clause 4",
		Organisation: "Helix Labs Ltd",
		Version:      2,
		Status:       "draft",
		GeneratedAt:  generated,
		GeneratedBy:  "Ana Lima",
		Sections: []Section{
			{
				Heading:    "1 Context of the organisation",
				Paragraphs: []string{"Helix Labs trains and serves foundation models for European customers. Revenue of €12m – mostly API usage."},
			},
			{
				Heading:    "2 Interested parties",
				Paragraphs: []string{"The parties below have requirements relevant to information security."},
				Table: &Table{
					Header: []string{"Party", "Requirement", "Owner"},
					Rows: [][]string{
						{"Customers", "Confidentiality of prompts and outputs; EU data residency", "Tomás Ortega"},
						{"Regulators", "EU AI Act transparency obligations", "Chen Wei"},
					},
				},
			},
		},
	}
	if approved {
		d.Status, d.ApprovedBy, d.ApprovedAt = "approved", "Tomás Ortega", ptr(approvedAt)
	}
	return d
}
