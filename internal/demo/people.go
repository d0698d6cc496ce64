package demo

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"time"

	"github.com/isms-dev/isms/internal/app"
	"github.com/isms-dev/isms/internal/isms"
)

// demoRole is an ISMS role of the demo company.
type demoRole struct {
	name, responsibilities, competence string
	raci                               map[string]string
}

var demoRoles = []demoRole{
	{"ISMS manager", "Runs the management system day to day: keeps the risk register, the Statement of Applicability and the evidence current, plans internal audits and the management review, and reports to the leadership team.",
		"ISO/IEC 27001 lead implementer or equivalent experience\nRisk assessment under the organisation's methodology\nWorking knowledge of ISO/IEC 42001 and AI security threats",
		map[string]string{"isms": "A", "A.5": "A", "A.6": "R", "A.7": "C", "A.8": "C"}},
	{"Head of people", "Owns screening, terms of employment, the disciplinary process and joiner and leaver checklists; makes sure every joiner is trained and every leaver's access is removed on their last day.",
		"Employment law in the UK and the EU\nBackground screening proportionate to the role",
		map[string]string{"isms": "I", "A.5": "C", "A.6": "A"}},
	{"Platform lead", "Owns the production platform, the GPU clusters and the offices' physical security; runs vulnerability management and the quarterly access reviews of production.",
		"Cloud security architecture\nIncident response\nVulnerability management",
		map[string]string{"isms": "C", "A.5": "R", "A.7": "A", "A.8": "A"}},
	{"AI system owner", "Answers for a model in production: its risk assessment, its release checklist, red-teaming, monitoring for misuse and drift, and who may publish to the model registry.",
		"Threat modelling of ML systems (MITRE ATLAS, OWASP LLM Top 10)\nModel cards and ML-BOMs\nEvaluation and red-teaming of language models",
		map[string]string{"isms": "I", "A.5": "C", "A.8": "R"}},
	{"Data protection officer", "Advises on personal data in training sets, prompt logs and customer documents; runs data protection impact assessments and answers data subjects.",
		"GDPR and UK GDPR\nData protection impact assessments for AI systems",
		map[string]string{"isms": "C", "A.5": "C", "A.8": "C"}},
}

// demoPerson is a staff record of the demo company; email names the
// member when they sign in to isms.
type demoPerson struct {
	name, email, team, title string
	startDays                int
	// leaving: today is their last day.
	leaving bool
	roles   []string
	member  bool
}

var demoPeople = []demoPerson{
	{"Dana Whitfield", dana, "Leadership", "Chief executive", -1600, false, nil, true},
	{"Priya Raman", priya, "Security", "Head of security and compliance", -900, false, []string{"ISMS manager", "Data protection officer"}, true},
	{"Sam Okafor", sam, "Platform", "Platform lead", -1200, false, []string{"Platform lead"}, true},
	{"Tomás Ortega", tomas, "ML platform", "Staff ML engineer", -700, false, []string{"AI system owner"}, true},
	{"Lena Vogel", lena, "Research", "Research scientist", -500, false, []string{"AI system owner"}, true},
	{"Jun Park", "jun.park@helix-ai.example", "Customer success", "Solutions engineer", -800, false, nil, true},
	{"Noor Haddad", "noor.haddad@helix-ai.example", "People", "Head of people", -1000, false, []string{"Head of people"}, false},
	{"Aiko Tanaka", "aiko.tanaka@helix-ai.example", "Research", "ML researcher", -300, false, nil, false},
	{"Ravi Shah", "ravi.shah@helix-ai.example", "ML platform", "Data engineer", -400, false, nil, false},
	{"Felix Braun", "felix.braun@helix-ai.example", "ML platform", "ML engineer", -650, true, []string{"AI system owner"}, false},
	{"Mei Chen", "mei.chen@helix-ai.example", "ML platform", "ML engineer", 7, false, nil, false},
}

type demoCourse struct {
	title, description string
	audience           []string // role names; none is everyone
	months             int
	ai                 bool
}

var demoCourses = []demoCourse{
	{"Security awareness", "Phishing and social engineering, passwords and passkeys, handling customer data, reporting incidents, and the safe use of public AI tools with company data.",
		nil, 12, false},
	{"AI security for model builders", "Prompt injection and jailbreaks, training data poisoning, model theft and extraction, supply chain risks of open weights, and the release checklist. Hands-on with the red-team suite.",
		[]string{"AI system owner", "ISMS manager"}, 12, true},
	{"ISO/IEC 27001 internal auditor", "Auditing an ISMS against ISO/IEC 27001:2022 and ISO 19011, with AI-specific evidence.",
		[]string{"ISMS manager"}, 36, false},
	{"Data protection essentials", "Lawful bases, data minimisation in training sets, DPIAs for AI systems, data subject requests.",
		[]string{"Data protection officer", "Head of people"}, 24, false},
}

// seedPeople adds the staff list with its ISMS roles and RACI, the
// training with its completions (Jun Park's awareness training has
// lapsed), a leaver whose access removal is recorded on his last day and a
// joiner starting next week, last quarter's access review of the model registry,
// completed, with its evidence on A.5.18, and this quarter's review of
// training data and inference administration under way.
func seedPeople(ctx context.Context, svc *app.Service, as map[string]app.Access, member func(string) string, assets map[string]string,
	now time.Time) error {
	mgr := as[priya]
	roleIDs := map[string]string{}
	for _, r := range demoRoles {
		saved, err := svc.SaveISMSRole(ctx, mgr, "", app.ISMSRoleInput{Name: &r.name, Responsibilities: &r.responsibilities,
			Competence: &r.competence, RACI: r.raci})
		if err != nil {
			return fmt.Errorf("demo role %s: %w", r.name, err)
		}
		roleIDs[r.name] = saved.ID
	}
	day := func(n int) *time.Time { t := now.AddDate(0, 0, n); return &t }
	people := map[string]isms.Person{}
	for _, d := range demoPeople {
		in := app.PersonInput{Name: &d.name, Email: &d.email, Team: &d.team, JobTitle: &d.title, StartDate: day(d.startDays), SetStartDate: true}
		if d.leaving {
			in.EndDate, in.SetEndDate = day(0), true
		}
		roles := []string{}
		for _, r := range d.roles {
			roles = append(roles, roleIDs[r])
		}
		in.RoleIDs = &roles
		if d.member {
			id := member(d.email)
			if id == "" {
				members, _, err := svc.ListMembers(ctx, mgr, isms.MemberFilter{Query: d.email})
				if err != nil || len(members) != 1 {
					return fmt.Errorf("demo member %s: %d found, %v", d.email, len(members), err)
				}
				id = members[0].ID
			}
			in.MemberID = &id
		}
		p, err := svc.CreatePerson(ctx, mgr, in)
		if err != nil {
			return fmt.Errorf("demo person %s: %w", d.name, err)
		}
		people[d.email] = p
	}

	courseIDs := map[string]string{}
	for _, c := range demoCourses {
		audience := []string{}
		for _, r := range c.audience {
			audience = append(audience, roleIDs[r])
		}
		saved, err := svc.SaveTrainingCourse(ctx, mgr, "", app.CourseInput{Title: &c.title, Description: &c.description,
			AudienceRoleIDs: &audience, RecurrenceMonths: &c.months, AISecurity: &c.ai})
		if err != nil {
			return fmt.Errorf("demo course %s: %w", c.title, err)
		}
		courseIDs[c.title] = saved.ID
	}
	// The AI security workshop's attendance list is the evidence of its
	// completions.
	workshop, err := svc.AddEvidence(ctx, mgr, app.EvidenceInput{Kind: string(isms.EvidenceRecord), Title: "AI security workshop: attendance and quiz results",
		Body: "Two-day workshop with the red team: prompt injection, data poisoning, model extraction. Attendees: Priya Raman, Tomás Ortega, " +
			"Lena Vogel, Felix Braun. All passed the closing quiz (pass mark 80%).",
		PeriodEnd: day(-60), Cadence: string(isms.Yearly), Links: []isms.EvidenceLinkTo{{Target: isms.TargetControl, Ref: "iso27001-2022:A.6.3"}}},
		nil)
	if err != nil {
		return fmt.Errorf("demo workshop evidence: %w", err)
	}
	for _, t := range []struct {
		person, course string
		days           int
		evidence       string
	}{
		{dana, "Security awareness", -100, ""},
		{priya, "Security awareness", -95, ""},
		{sam, "Security awareness", -95, ""},
		{tomas, "Security awareness", -120, ""},
		{lena, "Security awareness", -340, ""},                        // due again within the month
		{"jun.park@helix-ai.example", "Security awareness", -430, ""}, // lapsed: overdue
		{"noor.haddad@helix-ai.example", "Security awareness", -80, ""},
		{"aiko.tanaka@helix-ai.example", "Security awareness", -250, ""},
		{"ravi.shah@helix-ai.example", "Security awareness", -200, ""},
		{"felix.braun@helix-ai.example", "Security awareness", -300, ""},
		{priya, "AI security for model builders", -60, workshop.ID},
		{tomas, "AI security for model builders", -60, workshop.ID},
		{lena, "AI security for model builders", -60, workshop.ID},
		{"felix.braun@helix-ai.example", "AI security for model builders", -60, workshop.ID},
		{priya, "ISO/IEC 27001 internal auditor", -400, ""},
		{priya, "Data protection essentials", -300, ""},
		{"noor.haddad@helix-ai.example", "Data protection essentials", -500, ""},
	} {
		if _, err := svc.RecordTraining(ctx, mgr, app.TrainingInput{PersonID: people[t.person].ID, CourseID: courseIDs[t.course],
			CompletedAt: *day(t.days), EvidenceID: t.evidence}); err != nil {
			return fmt.Errorf("demo training of %s: %w", t.person, err)
		}
	}

	// Today is Felix's last day: his leaver checklist is done and his
	// access removed. Mei starts next week.
	yes := true
	felix, err := svc.StartChecklist(ctx, as[sam], people["felix.braun@helix-ai.example"].ID, "leaver", nil)
	if err != nil {
		return fmt.Errorf("demo leaver checklist: %w", err)
	}
	for _, it := range felix.Items {
		if _, err := svc.SaveChecklistItem(ctx, as[sam], felix.ID, it.ID, app.ChecklistItemInput{Done: &yes}); err != nil {
			return fmt.Errorf("demo leaver checklist: %w", err)
		}
	}
	mei, err := svc.StartChecklist(ctx, mgr, people["mei.chen@helix-ai.example"].ID, "joiner", nil)
	if err != nil {
		return fmt.Errorf("demo joiner checklist: %w", err)
	}
	for _, it := range mei.Items[:3] {
		if _, err := svc.SaveChecklistItem(ctx, mgr, mei.ID, it.ID, app.ChecklistItemInput{Done: &yes}); err != nil {
			return fmt.Errorf("demo joiner checklist: %w", err)
		}
	}
	return seedAccessReviews(ctx, svc, as, member, assets, now)
}

// seedAccessReviews adds last quarter's review of the model registry,
// completed by its owner (which records its evidence for A.5.18), and
// this quarter's review of training data and inference administration,
// with some accounts decided.
func seedAccessReviews(ctx context.Context, svc *app.Service, as map[string]app.Access, member func(string) string,
	assets map[string]string, now time.Time) error {
	mgr := as[priya]
	qStart := time.Date(now.Year(), time.Month((int(now.Month())-1)/3*3+1), 1, 0, 0, 0, 0, time.UTC)
	lastStart, lastEnd := qStart.AddDate(0, -3, 0), qStart.AddDate(0, 0, -1)
	quarter := func(t time.Time) string { return fmt.Sprintf("Q%d %d", (int(t.Month())-1)/3+1, t.Year()) }
	type account struct{ system, account, holder, rights, decision, note string }
	for _, c := range []struct {
		title      string
		systems    []string
		assets     []string
		reviewers  []string
		due        time.Time
		start, end *time.Time
		accounts   []account
		decider    string
		complete   bool
	}{
		{
			title: "Model registry access, " + quarter(lastStart), systems: []string{"MLflow model registry"}, assets: []string{"model-registry"},
			reviewers: []string{tomas}, due: now.AddDate(0, 0, 3), start: &lastStart, end: &lastEnd, decider: tomas, complete: true,
			accounts: []account{
				{"MLflow model registry", "tomas.ortega", "Tomás Ortega", "admin", "keep", ""},
				{"MLflow model registry", "lena.vogel", "Lena Vogel", "publish", "keep", ""},
				{"MLflow model registry", "sam.okafor", "Sam Okafor", "admin", "keep", "Break-glass only; kept for incident response."},
				{"MLflow model registry", "aiko.tanaka", "Aiko Tanaka", "publish", "change", "Research needs read only; publishing goes through the release pipeline."},
				{"MLflow model registry", "ravi.shah", "Ravi Shah", "read", "keep", ""},
				{"MLflow model registry", "maja.lindqvist", "Maja Lindqvist", "publish", "revoke", "Left in August; her registry account was still active."},
				{"MLflow model registry", "svc-training-pipeline", "Training pipeline", "publish", "keep", "Publishes candidate models only to the staging stage."},
				{"MLflow model registry", "svc-eval-legacy", "Evaluation v3 job", "read", "revoke", "Evaluation v3 was retired in June; the token was still live."},
				{"MLflow model registry", "svc-serving", "Chat API serving", "read", "keep", ""},
			},
		},
		{
			title: "Training data and inference admin access, " + quarter(now), systems: []string{"S3 training data buckets", "Inference admin console"},
			assets: []string{"web-crawl-2025", "support-conversations", "chat-api"}, reviewers: []string{sam, dana},
			due: now.AddDate(0, 0, 12), start: &qStart, decider: sam,
			accounts: []account{
				{"S3 training data buckets", "role/ml-training", "Training pipeline", "read", "keep", ""},
				{"S3 training data buckets", "lena.vogel", "Lena Vogel", "read, write", "keep", ""},
				{"S3 training data buckets", "labelworks-sync", "LabelWorks annotation sync", "write to /incoming", "change", "Limit to the annotation prefix; no read of the raw crawl."},
				{"S3 training data buckets", "aiko.tanaka", "Aiko Tanaka", "read", "", ""},
				{"Inference admin console", "sam.okafor", "Sam Okafor", "admin", "", ""},
				{"Inference admin console", "jun.park", "Jun Park", "operator", "", ""},
				{"Inference admin console", "support-bot", "Support automation", "rate limits", "", ""},
			},
		},
	} {
		reviewers := []string{}
		for _, r := range c.reviewers {
			reviewers = append(reviewers, member(r))
		}
		assetIDs := []string{}
		for _, k := range c.assets {
			assetIDs = append(assetIDs, assets[k])
		}
		r, err := svc.CreateAccessReview(ctx, mgr, app.AccessReviewInput{Title: &c.title, Systems: &c.systems, AssetIDs: &assetIDs,
			ReviewerIDs: &reviewers, DueDate: &c.due, PeriodStart: c.start, PeriodEnd: c.end, SetPeriod: true})
		if err != nil {
			return fmt.Errorf("demo access review %s: %w", c.title, err)
		}
		// The accounts come as each system exports them.
		var file bytes.Buffer
		w := csv.NewWriter(&file)
		_ = w.Write(app.ReviewAccountColumns)
		for _, a := range c.accounts {
			_ = w.Write([]string{a.system, a.account, a.holder, a.rights})
		}
		w.Flush()
		if _, err := svc.ImportReviewAccounts(ctx, mgr, r.ID, file.Bytes()); err != nil {
			return fmt.Errorf("demo accounts of %s: %w", r.Ref(), err)
		}
		d, err := svc.AccessReview(ctx, mgr, r.ID)
		if err != nil {
			return err
		}
		byName := map[string]string{}
		for _, a := range d.Accounts {
			byName[a.System+"/"+a.Account] = a.ID
		}
		for _, a := range c.accounts {
			if a.decision == "" {
				continue
			}
			if _, err := svc.DecideReviewAccount(ctx, as[c.decider], r.ID, byName[a.system+"/"+a.account], a.decision, a.note); err != nil {
				return fmt.Errorf("demo decision on %s: %w", a.account, err)
			}
		}
		if c.complete {
			if _, err := svc.CompleteAccessReview(ctx, as[c.decider], r.ID); err != nil {
				return fmt.Errorf("demo completion of %s: %w", r.Ref(), err)
			}
		}
	}
	return nil
}
