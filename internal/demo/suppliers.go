package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/isms-dev/isms/internal/app"
	"github.com/isms-dev/isms/internal/isms"
)

// demoSupplier is a supplier of the demo register with its assurance.
type demoSupplier struct {
	s           isms.Supplier
	owner       string
	reviewedAgo int // days; 0 for never
	assets      []string
	certs       []demoCert
	assessments []demoAssessment
}

type demoCert struct {
	kind                 isms.CertificationKind
	reference, issuer    string
	issuedAgo, validDays int // valid_until relative to today; negative has lapsed
}

type demoAssessment struct {
	daysAgo  int
	assessor string
	result   isms.AssessmentResult
	summary  string
	answers  []string // in the order of isms.AssessmentQuestions; "" skips one
}

var general = []string{isms.ClauseConfidentiality, isms.ClauseSecurityRequirements, isms.ClauseRightToAudit, isms.ClauseIncidentNotification,
	isms.ClauseDataLocation, isms.ClauseSubprocessors, isms.ClauseReturnDeletion}

// demoSuppliers are Helix's GPU cloud, its hyperscaler, the model APIs it
// calls and its data vendors: some in order, some showing each flag an
// auditor looks for.
var demoSuppliers = []demoSupplier{
	{s: isms.Supplier{Name: "NordCompute GmbH", Kind: isms.SupplierCloud, Criticality: isms.CriticalityCritical,
		Services: "Dedicated H100 cluster in Frankfurt for training and serving; remote hands in the GPU hall.",
		Website:  "https://nordcompute.example", Contact: "security@nordcompute.example",
		DataShared: []isms.DataCategory{isms.DataTraining, isms.DataModelWeights, isms.DataCustomer}, DataLocation: "Germany (Frankfurt), no replication outside the EU",
		Clauses: general, IncidentHours: 24, ReviewCadence: isms.Quarterly,
		ExitPlan: "Weights and datasets are mirrored nightly to the AWS account (encrypted, our keys). Serving can move to on-demand GPU capacity in eu-west-1 within five days at reduced throughput; training pauses until a second provider is contracted (shortlist kept by Sam). The contract gives 90 days of assisted exit and certified wiping of the nodes."},
		owner: sam, reviewedAgo: 40, assets: []string{"gpu-cluster-eu", "training-pipeline", "model-registry"},
		certs: []demoCert{{isms.CertISO27001, "DE-ISMS-21877", "a German certification body", 400, 695},
			{isms.CertSOC2Type2, "Period 2025-09-01 to 2026-08-31", "an audit firm", 60, 40}},
		assessments: []demoAssessment{{70, "Priya Raman", isms.AssessmentPass, "Strong physical controls in the hall; node wiping witnessed.",
			[]string{"ISO/IEC 27001 certificate covering the Frankfurt hall and remote hands; SOC 2 Type II report for the same scope.",
				"Disks encrypted with keys in our own KMS; traffic to the cluster only over our WireGuard tunnel.", "Frankfurt only; backups in a second Frankfurt room.",
				"None for our cluster; remote hands are their own staff.", "24 hours, by phone to our on-call and by email.", "", "",
				"Hall access by badge and biometrics, logged; no logical access to our nodes.", "Nodes wiped to NIST 800-88 with a certificate per disk."}}}},
	{s: isms.Supplier{Name: "Amazon Web Services", Kind: isms.SupplierCloud, Criticality: isms.CriticalityCritical,
		Services: "Production account: customer database, console, backups and the mirror of our models.",
		Website:  "https://aws.amazon.com", DataShared: []isms.DataCategory{isms.DataPersonal, isms.DataCustomer, isms.DataModelWeights, isms.DataCredentials},
		DataLocation: "eu-west-1 (Ireland)", Clauses: general, IncidentHours: 72, ReviewCadence: isms.Yearly,
		ExitPlan: "Infrastructure is code; the database and object stores are exported nightly in open formats to the NordCompute storage tier. A move to another cloud is estimated at eight weeks; the runbook is in the platform wiki."},
		owner: sam, reviewedAgo: 120, assets: []string{"aws-prod", "customer-db", "console"},
		certs: []demoCert{{isms.CertISO27001, "Certificate of the provider's ISMS", "the provider's certification body", 300, 800},
			{isms.CertSOC2Type2, "Period 2025-04-01 to 2026-03-31", "the provider's auditor", 200, 160}},
		assessments: []demoAssessment{{130, "Priya Raman", isms.AssessmentPass, "Reviewed against the provider's reports; shared responsibility mapped to our controls.", nil}}},
	{s: isms.Supplier{Name: "Moderon Inc.", Kind: isms.SupplierModelProvider, Criticality: isms.CriticalityHigh,
		Services: "Moderation model API, called on completions the guard model flags.", Website: "https://moderon.example",
		DataShared: []isms.DataCategory{isms.DataPrompts, isms.DataPersonal}, DataLocation: "United States, with EU processing on request",
		Clauses: append([]string{isms.ClauseNoTraining}, general...), IncidentHours: 48, ReviewCadence: isms.Yearly,
		Notes: "The notice of model changes is under negotiation; until it is signed, each moderon release is re-evaluated against our red-team set."},
		owner: priya, reviewedAgo: 200, assets: []string{"moderation-api"},
		certs: []demoCert{{isms.CertSOC2Type2, "Period 2025-01-01 to 2025-12-31", "an audit firm", 150, 260}},
		assessments: []demoAssessment{{210, "Priya Raman", isms.AssessmentConditions, "Pass on condition that EU processing is enabled for our tenant by the next review.",
			[]string{"SOC 2 Type II; the moderation API is in scope.", "TLS 1.3; at rest with provider-held keys.", "US by default; EU region available.",
				"One: their hosting provider.", "48 hours by email.", "Not used for training under the enterprise terms; abuse monitoring keeps samples for 30 days.",
				"Versions are pinned for 90 days; no contractual notice yet.", "", "Deleted within 30 days of the end, on request."}}}},
	{s: isms.Supplier{Name: "Cortexa AI", Kind: isms.SupplierModelProvider, Criticality: isms.CriticalityCritical, Status: isms.SupplierOnboarding,
		Services: "Frontier LLM API behind the console's research mode, and the generator of synthetic evaluation cases.", Website: "https://cortexa.example",
		DataShared: []isms.DataCategory{isms.DataPrompts, isms.DataCustomer}, DataLocation: "United States", ReviewCadence: isms.Quarterly,
		Clauses: []string{isms.ClauseConfidentiality, isms.ClauseNoTraining}},
		owner: tomas, assets: []string{"eval-suite-v4", "console"}},
	{s: isms.Supplier{Name: "LabelWorks annotation services", Kind: isms.SupplierDataVendor, Criticality: isms.CriticalityHigh,
		Services:   "Annotators labelling support conversations for fine-tuning, in two shifts.",
		DataShared: []isms.DataCategory{isms.DataPersonal, isms.DataTraining, isms.DataCustomer}, DataLocation: "Portugal and Kenya",
		Clauses: append([]string{isms.ClauseNoTraining}, general...), IncidentHours: 24, ReviewCadence: isms.Quarterly,
		ExitPlan: "Labelling can move in-house at a third of the throughput; datasets are held on our platform, never on theirs."},
		owner: lena, reviewedAgo: 30, assets: []string{"support-conversations"},
		certs: []demoCert{{isms.CertISO27001, "PT-27001-0931", "a Portuguese certification body", 1100, -25}},
		assessments: []demoAssessment{{20, "Lena Vogel", isms.AssessmentFail, "Annotators in the Nairobi site share workstation logins; screenshots were not blocked. Remediation plan requested within 30 days.",
			[]string{"ISO/IEC 27001, lapsed last month; recertification audit booked.", "Data stays on our platform; annotators work through our VDI.",
				"Viewed from Portugal and Kenya; stored only with us.", "None.", "24 hours to Lena.", "They do not train models.", "",
				"Shared logins found at one site.", "Nothing is held by them."}}}},
	{s: isms.Supplier{Name: "Ticketdesk", Kind: isms.SupplierSaaS, Criticality: isms.CriticalityMedium,
		Services: "Customer support ticketing.", DataShared: []isms.DataCategory{isms.DataPersonal, isms.DataCustomer}, DataLocation: "EU",
		Clauses: general, IncidentHours: 72, ReviewCadence: isms.Yearly},
		owner: sam, reviewedAgo: 400, certs: []demoCert{{isms.CertISO27001, "IE-4410", "an Irish certification body", 500, 600}}},
	{s: isms.Supplier{Name: "Crowdlabel Ltd", Kind: isms.SupplierDataVendor, Criticality: isms.CriticalityMedium, Status: isms.SupplierEnded,
		Services: "Former labelling vendor, replaced by LabelWorks in 2025.", ReviewCadence: isms.Yearly,
		Notes: "Deletion of our data confirmed in writing on exit."},
		owner: lena, reviewedAgo: 300},
}

// seedSuppliers fills the supplier register through the application,
// so each record and link is in the ledger.
func seedSuppliers(ctx context.Context, svc *app.Service, as app.Access, ids map[string]string, member func(string) string, now time.Time) error {
	ago := func(days int) time.Time { return now.AddDate(0, 0, -days) }
	for _, d := range demoSuppliers {
		in := d.s
		in.OwnerID = member(d.owner)
		if d.reviewedAgo > 0 {
			t := ago(d.reviewedAgo)
			in.LastReviewed = &t
		}
		s, err := svc.CreateSupplier(ctx, as, in)
		if err != nil {
			return fmt.Errorf("demo supplier %s: %w", in.Name, err)
		}
		for _, key := range d.assets {
			if _, err := svc.LinkSupplierAsset(ctx, as, s.ID, ids[key]); err != nil {
				return fmt.Errorf("demo supplier %s asset %s: %w", in.Name, key, err)
			}
		}
		for _, c := range d.certs {
			issued := ago(c.issuedAgo)
			if _, err := svc.AddCertification(ctx, as, isms.Certification{SupplierID: s.ID, Kind: c.kind, Reference: c.reference, Issuer: c.issuer,
				IssuedOn: &issued, ValidUntil: now.AddDate(0, 0, c.validDays)}); err != nil {
				return fmt.Errorf("demo supplier %s certification: %w", in.Name, err)
			}
		}
		for _, a := range d.assessments {
			x := isms.Assessment{SupplierID: s.ID, AssessedOn: ago(a.daysAgo), Assessor: a.assessor, Result: a.result, Summary: a.summary}
			for i, answer := range a.answers {
				if answer != "" {
					x.Answers = append(x.Answers, isms.Answer{Question: isms.AssessmentQuestions[i], Answer: answer})
				}
			}
			if _, err := svc.AddAssessment(ctx, as, x); err != nil {
				return fmt.Errorf("demo supplier %s assessment: %w", in.Name, err)
			}
		}
	}
	return nil
}
