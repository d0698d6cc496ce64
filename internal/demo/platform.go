package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/isms-dev/isms/internal/app"
	"github.com/isms-dev/isms/internal/isms"
)

// The demo company's AI platform: what it runs, its ISMS context, and a
// risk register in every state from freshly identified to accepted.

type demoAsset struct {
	key, name    string
	typ          isms.AssetType
	owner        string // email
	custodian    string
	class        string
	c, i, a      int
	location     string
	lifecycle    isms.Lifecycle
	description  string
	tags         []string
	attributes   map[string]string
	disposalDays int // for retired assets: disposed this many days ago
}

var platformAssets = []demoAsset{
	{key: "llama-base", name: "Llama 3.1 70B (base weights)", typ: isms.AssetModel, owner: "sam.okafor@helix-ai.example", class: "internal", c: 2, i: 4, a: 2,
		location: "s3://helix-models/base/llama-3.1-70b", description: "Open-weights base model the assistant is fine-tuned from.",
		attributes: map[string]string{"provider": "Meta", "licence": "llama3.1", "version": "3.1", "framework": "pytorch", "task": "text-generation"}},
	{key: "helix-chat-70b", name: "helix-chat-70b", typ: isms.AssetModel, owner: "sam.okafor@helix-ai.example", custodian: "tomas.ortega@helix-ai.example",
		class: "restricted", c: 5, i: 5, a: 4, location: "MLflow registry, eu-west GPU cluster",
		description: "Flagship assistant model serving the Helix API and console.", tags: []string{"flagship", "customer-facing"},
		attributes: map[string]string{"version": "4.2.0", "framework": "pytorch", "provider": "Helix AI", "base_model": "meta-llama/Llama-3.1-70B", "licence": "proprietary", "task": "text-generation"}},
	{key: "helix-chat-8b", name: "helix-chat-8b", typ: isms.AssetModel, owner: "sam.okafor@helix-ai.example", custodian: "tomas.ortega@helix-ai.example",
		class: "confidential", c: 4, i: 4, a: 3, location: "MLflow registry", description: "Distilled assistant for the free tier and on-device trials.",
		tags: []string{"customer-facing"}, attributes: map[string]string{"version": "2.0.1", "framework": "pytorch", "base_model": "helix-chat-70b", "licence": "proprietary", "task": "text-generation"}},
	{key: "helix-embed-v2", name: "helix-embed-v2", typ: isms.AssetModel, owner: "tomas.ortega@helix-ai.example", class: "confidential", c: 3, i: 4, a: 3,
		location: "MLflow registry", description: "Embedding model behind retrieval and the embeddings API.",
		attributes: map[string]string{"version": "2.3", "framework": "sentence-transformers", "licence": "proprietary", "task": "feature-extraction"}},
	{key: "helix-guard", name: "helix-guard safety classifier", typ: isms.AssetModel, owner: "priya.raman@helix-ai.example", class: "confidential", c: 3, i: 5, a: 4,
		location: "MLflow registry", description: "Classifier that screens prompts and completions for abuse and injection attempts.", tags: []string{"safety"},
		attributes: map[string]string{"version": "1.4", "framework": "onnx", "task": "text-classification"}},
	{key: "web-crawl-2025", name: "Web crawl 2025 (filtered)", typ: isms.AssetDataset, owner: "lena.vogel@helix-ai.example", class: "internal", c: 2, i: 5, a: 2,
		location: "s3://helix-data/pretrain/crawl-2025", description: "Filtered public web text used for continued pre-training.",
		attributes: map[string]string{"purpose": "training", "provenance": "Common Crawl snapshots, deduplicated and filtered", "licence": "mixed; see data register", "personal_data": "unknown", "retention": "until superseded"}},
	{key: "support-conversations", name: "Customer support conversations", typ: isms.AssetDataset, owner: "lena.vogel@helix-ai.example", class: "restricted", c: 5, i: 4, a: 2,
		location: "s3://helix-data/finetune/support-2025", description: "Pseudonymised support chats used to fine-tune helix-chat.", tags: []string{"personal-data", "gdpr"},
		attributes: map[string]string{"purpose": "fine_tuning", "provenance": "Zendesk export, pseudonymised", "licence": "customer terms §7", "personal_data": "yes", "retention": "24 months"}},
	{key: "eval-suite-v4", name: "Evaluation suite v4", typ: isms.AssetDataset, owner: "priya.raman@helix-ai.example", class: "confidential", c: 3, i: 5, a: 2,
		location: "git: helix/evals", description: "Red-team prompts, injection cases and quality benchmarks run before every release.",
		attributes: map[string]string{"purpose": "evaluation", "provenance": "written in-house and from public benchmarks", "personal_data": "no"}},
	{key: "prompt-logs", name: "Production prompt logs", typ: isms.AssetDataset, owner: "priya.raman@helix-ai.example", class: "restricted", c: 5, i: 3, a: 2,
		location: "ClickHouse, eu-west", description: "Prompts and completions kept 30 days for abuse investigation.", tags: []string{"personal-data"},
		attributes: map[string]string{"purpose": "production_input", "personal_data": "yes", "retention": "30 days"}},
	{key: "customer-docs-index", name: "Customer document index", typ: isms.AssetVectorStore, owner: "tomas.ortega@helix-ai.example", class: "restricted", c: 5, i: 4, a: 4,
		location: "pgvector on the production database cluster", description: "Embeddings of documents customers upload for retrieval-augmented answers.",
		attributes: map[string]string{"technology": "pgvector", "embedding_model": "helix-embed-v2"}},
	{key: "system-prompts", name: "Assistant system prompts", typ: isms.AssetPromptSet, owner: "priya.raman@helix-ai.example", class: "confidential", c: 3, i: 5, a: 3,
		location: "git: helix/prompts", description: "System prompts and tool definitions of the assistant.", attributes: map[string]string{"version": "2026.11"}},
	{key: "training-pipeline", name: "Training pipeline", typ: isms.AssetMLPipeline, owner: "tomas.ortega@helix-ai.example", class: "confidential", c: 3, i: 5, a: 3,
		location: "Kubeflow on the GPU cluster", description: "Data preparation, fine-tuning, evaluation and registration of models.",
		attributes: map[string]string{"orchestrator": "Kubeflow Pipelines"}},
	{key: "model-registry", name: "Model registry", typ: isms.AssetModelRegistry, owner: "tomas.ortega@helix-ai.example", class: "restricted", c: 5, i: 5, a: 4,
		location: "MLflow, eu-west", description: "Every released and candidate model with its lineage.", attributes: map[string]string{"technology": "MLflow"}},
	{key: "chat-api", name: "Helix chat API", typ: isms.AssetInferenceEndpoint, owner: "sam.okafor@helix-ai.example", custodian: "tomas.ortega@helix-ai.example",
		class: "confidential", c: 4, i: 4, a: 5, location: "https://api.helix-ai.example/v1/chat", description: "Public chat completions API used by customers and the console.",
		tags: []string{"customer-facing", "tier-1"}, attributes: map[string]string{"url": "https://api.helix-ai.example/v1/chat", "exposure": "internet", "interface": "llm"}},
	{key: "embeddings-api", name: "Embeddings API", typ: isms.AssetInferenceEndpoint, owner: "tomas.ortega@helix-ai.example", class: "confidential", c: 3, i: 3, a: 4,
		location: "https://api.helix-ai.example/v1/embeddings", attributes: map[string]string{"url": "https://api.helix-ai.example/v1/embeddings", "exposure": "internet", "interface": "embedding"}},
	{key: "jupyterhub", name: "Research JupyterHub", typ: isms.AssetNotebook, owner: "lena.vogel@helix-ai.example", class: "confidential", c: 4, i: 3, a: 2,
		location: "GPU cluster, research namespace", description: "Notebooks for researchers with access to sampled training data.", attributes: map[string]string{"technology": "JupyterHub"}},
	{key: "gpu-cluster-eu", name: "GPU cluster eu-west", typ: isms.AssetComputeCluster, owner: "sam.okafor@helix-ai.example", class: "confidential", c: 4, i: 4, a: 5,
		location: "NordCompute, Frankfurt", description: "128 H100 accelerators for training and serving.", tags: []string{"tier-1"},
		attributes: map[string]string{"provider": "NordCompute", "accelerators": "128 × H100 80GB", "region": "eu-central",
			"fqdn": "gpu-eu.helix-ai.internal", "ip": "10.20.0.10"}},
	{key: "aws-prod", name: "AWS production account", typ: isms.AssetCloudAccount, owner: "sam.okafor@helix-ai.example", class: "restricted", c: 5, i: 5, a: 5,
		location: "eu-west-1", attributes: map[string]string{"provider": "AWS", "account_id": "4471-0000-2291"}},
	{key: "moderation-api", name: "External moderation API", typ: isms.AssetAIService, owner: "priya.raman@helix-ai.example", class: "confidential", c: 4, i: 3, a: 3,
		description: "Third-party moderation model used as a second opinion on flagged completions.",
		attributes:  map[string]string{"provider": "Moderon Inc.", "model": "moderon-2", "data_use": "abuse_monitoring"}},
	{key: "console", name: "Helix web console", typ: isms.AssetApplication, owner: "sam.okafor@helix-ai.example", class: "confidential", c: 4, i: 4, a: 4,
		location: "https://console.helix-ai.example", description: "Customer console: chats, document uploads, API keys and billing."},
	{key: "customer-db", name: "Customer database", typ: isms.AssetDatabase, owner: "sam.okafor@helix-ai.example", class: "restricted", c: 5, i: 5, a: 5,
		location: "Aurora PostgreSQL, eu-west-1", description: "Accounts, API keys, billing and uploaded document metadata.",
		attributes: map[string]string{"technology": "PostgreSQL", "fqdn": "customer-db.helix-ai.internal"}},
	{key: "nordcompute", name: "NordCompute GmbH", typ: isms.AssetSupplier, owner: "dana.whitfield@helix-ai.example", class: "internal", c: 3, i: 3, a: 5,
		description: "GPU hosting provider.", attributes: map[string]string{"contact": "accounts@nordcompute.example", "contract": "MSA 2025-014"}},
	{key: "labelworks", name: "LabelWorks annotation services", typ: isms.AssetSupplier, owner: "lena.vogel@helix-ai.example", class: "internal", c: 4, i: 4, a: 2,
		description: "Annotation vendor labelling support conversations.", attributes: map[string]string{"contract": "DPA 2025-031"}},
	{key: "ml-oncall", name: "ML platform on-call", typ: isms.AssetPerson, owner: "sam.okafor@helix-ai.example", class: "internal", c: 2, i: 3, a: 4,
		description: "The four engineers who run training and serving out of hours."},
	{key: "laptops", name: "Engineer laptops", typ: isms.AssetEndpoint, owner: "sam.okafor@helix-ai.example", class: "confidential", c: 4, i: 3, a: 2,
		description: "62 managed MacBooks with disk encryption and EDR."},
	{key: "helix-chat-3", name: "helix-chat-3 (retired)", typ: isms.AssetModel, owner: "sam.okafor@helix-ai.example", class: "confidential", c: 3, i: 2, a: 1,
		lifecycle: isms.LifecycleRetired, disposalDays: 60, description: "Previous generation assistant, withdrawn in 2026.",
		attributes: map[string]string{"version": "3.9", "framework": "pytorch"}},
}

var platformRelations = []struct {
	from string
	kind isms.RelationKind
	to   string
}{
	{"helix-chat-70b", isms.RelFineTunedFrom, "llama-base"},
	{"helix-chat-70b", isms.RelTrainedOn, "web-crawl-2025"},
	{"helix-chat-70b", isms.RelTrainedOn, "support-conversations"},
	{"helix-chat-70b", isms.RelEvaluatedOn, "eval-suite-v4"},
	{"helix-chat-8b", isms.RelFineTunedFrom, "helix-chat-70b"},
	{"helix-chat-8b", isms.RelEvaluatedOn, "eval-suite-v4"},
	{"chat-api", isms.RelServes, "helix-chat-70b"},
	{"chat-api", isms.RelServes, "helix-chat-8b"},
	{"chat-api", isms.RelUses, "helix-guard"},
	{"chat-api", isms.RelUses, "system-prompts"},
	{"chat-api", isms.RelUses, "customer-docs-index"},
	{"chat-api", isms.RelUses, "moderation-api"},
	{"chat-api", isms.RelRunsOn, "gpu-cluster-eu"},
	{"embeddings-api", isms.RelServes, "helix-embed-v2"},
	{"embeddings-api", isms.RelRunsOn, "gpu-cluster-eu"},
	{"customer-docs-index", isms.RelDependsOn, "helix-embed-v2"},
	{"customer-docs-index", isms.RelPartOf, "customer-db"},
	{"training-pipeline", isms.RelRunsOn, "gpu-cluster-eu"},
	{"training-pipeline", isms.RelUses, "model-registry"},
	{"model-registry", isms.RelStores, "helix-chat-70b"},
	{"model-registry", isms.RelStores, "helix-chat-8b"},
	{"model-registry", isms.RelStores, "helix-embed-v2"},
	{"jupyterhub", isms.RelRunsOn, "gpu-cluster-eu"},
	{"gpu-cluster-eu", isms.RelProvidedBy, "nordcompute"},
	{"support-conversations", isms.RelProvidedBy, "labelworks"},
	{"console", isms.RelUses, "chat-api"},
	{"console", isms.RelStores, "customer-db"},
	{"prompt-logs", isms.RelPartOf, "chat-api"},
}

// demoRisk is a register entry made from a suggestion for an asset, taken
// as far through treatment as the demo needs.
type demoRisk struct {
	asset, threat string
	owner         string
	l, i          int    // 0: as suggested
	treatment     string // "" leaves the risk identified
	residual      [2]int
	notes         string
	controls      int // how many of the treating controls to select
	actions       []demoAction
	approve       bool // owner approves the plan
	accept        bool // owner accepts the residual risk
	reviewDays    int  // review date from now; negative is overdue
	onOldVersion  bool // rated before methodology version 2
}

type demoAction struct {
	description, owner string
	dueDays            int
	status             string
}

const (
	dana  = "dana.whitfield@helix-ai.example"
	priya = "priya.raman@helix-ai.example"
	sam   = "sam.okafor@helix-ai.example"
	tomas = "tomas.ortega@helix-ai.example"
	lena  = "lena.vogel@helix-ai.example"
)

var platformRisks = []demoRisk{
	// Rated against methodology version 1, before the impact criteria were
	// sharpened: they show as due for re-rating.
	{asset: "gpu-cluster-eu", threat: "infosec-threats:TH-TEC-03", owner: sam, onOldVersion: true, reviewDays: 30},
	{asset: "laptops", threat: "infosec-threats:TH-PHY-02", owner: sam, onOldVersion: true, treatment: "mitigate", residual: [2]int{2, 2}, controls: 2,
		notes: "Disk encryption and remote wipe through MDM.", approve: true, accept: true, reviewDays: -10},

	{asset: "chat-api", threat: "owasp-llm-top10-2025:LLM01:2025", owner: sam, treatment: "mitigate", residual: [2]int{2, 3}, controls: 4,
		notes: "helix-guard screens prompts and retrieved content; tools run with the caller's rights only; injection cases gate every release.",
		actions: []demoAction{{"Route retrieved documents through helix-guard before they reach the model", tomas, 21, "open"},
			{"Add 200 indirect-injection cases to the evaluation suite", priya, -5, "open"},
			{"Remove write tools from the free tier", tomas, -30, "done"}},
		approve: true, reviewDays: 90},
	{asset: "chat-api", threat: "owasp-llm-top10-2025:LLM10:2025", owner: sam, treatment: "mitigate", residual: [2]int{2, 2}, controls: 3,
		notes:   "Per-key token budgets, request size limits and autoscaling ceilings.",
		actions: []demoAction{{"Enforce per-key token budgets at the gateway", tomas, -45, "done"}}, approve: true, accept: true, reviewDays: 180},
	{asset: "chat-api", threat: "owasp-llm-top10-2025:LLM02:2025", owner: sam, treatment: "mitigate", residual: [2]int{2, 3}, controls: 3,
		notes:   "Output filters for secrets and personal data; tenant isolation tests on retrieval.",
		actions: []demoAction{{"Ship the output PII filter to all tenants", priya, 14, "open"}}, reviewDays: 60},
	{asset: "chat-api", threat: "owasp-ml-top10-2023:ML05:2023", owner: sam, treatment: "mitigate", residual: [2]int{2, 4}, controls: 3,
		notes: "Rate limits, anomaly detection on query patterns, watermarking of outputs.", reviewDays: 120},
	{asset: "chat-api", threat: "owasp-llm-top10-2025:LLM07:2025", owner: priya, l: 2, i: 3, treatment: "accept",
		notes: "System prompts hold no secrets; disclosure would embarrass but not harm.", accept: true, reviewDays: 365},
	{asset: "chat-api", threat: "infosec-threats:TH-UNA-07", owner: sam, treatment: "transfer", residual: [2]int{2, 3},
		notes: "DDoS protection and scrubbing contracted from the CDN provider.", approve: true, accept: true, reviewDays: 200},
	{asset: "helix-chat-70b", threat: "owasp-ml-top10-2023:ML05:2023", owner: dana, treatment: "mitigate", residual: [2]int{1, 5}, controls: 4,
		notes:   "Weights only in the registry and the serving cluster, encrypted, with access by break-glass.",
		actions: []demoAction{{"Move weight decryption keys to the HSM", sam, 45, "open"}}, approve: true, reviewDays: 120},
	{asset: "helix-chat-70b", threat: "owasp-ml-top10-2023:ML06:2023", owner: sam, treatment: "mitigate", residual: [2]int{2, 3}, controls: 3,
		notes: "Pinned, scanned dependencies and a verified base model checksum.", approve: true, accept: true, reviewDays: 150},
	{asset: "helix-chat-70b", threat: "owasp-ml-top10-2023:ML03:2023", owner: sam, reviewDays: -3},
	{asset: "helix-chat-70b", threat: "owasp-ml-top10-2023:ML10:2023", owner: tomas},
	{asset: "support-conversations", threat: "infosec-threats:TH-COM-02", owner: lena, treatment: "mitigate", residual: [2]int{2, 4}, controls: 3,
		notes:   "Pseudonymisation before export; access only from the training pipeline.",
		actions: []demoAction{{"Re-run the pseudonymisation audit on the 2025 export", lena, -12, "open"}}, reviewDays: 90},
	{asset: "support-conversations", threat: "infosec-threats:TH-HUM-04", owner: dana, treatment: "mitigate", residual: [2]int{2, 3}, controls: 2,
		notes: "Customer terms updated; DPIA done; opt-out honoured in exports.", approve: true, accept: true, reviewDays: 365},
	{asset: "web-crawl-2025", threat: "owasp-ml-top10-2023:ML02:2023", owner: lena, treatment: "mitigate", residual: [2]int{2, 4}, controls: 3,
		notes:   "Source allow-lists, deduplication and poisoning canaries in evaluation.",
		actions: []demoAction{{"Add canary prompts for known poisoning campaigns", priya, 30, "open"}}, approve: true, reviewDays: 120},
	{asset: "customer-docs-index", threat: "owasp-llm-top10-2025:LLM08:2025", owner: tomas, treatment: "mitigate", residual: [2]int{2, 3}, controls: 3,
		notes: "Tenant filter enforced in the database, not in the prompt.", reviewDays: 90},
	{asset: "system-prompts", threat: "infosec-threats:TH-COM-04", owner: priya},
	{asset: "training-pipeline", threat: "owasp-ml-top10-2023:ML06:2023", owner: tomas, treatment: "mitigate", residual: [2]int{2, 2}, controls: 2,
		notes: "Signed pipeline images from the internal registry only.", approve: true, accept: true, reviewDays: 150},
	{asset: "jupyterhub", threat: "infosec-threats:TH-UNA-03", owner: lena},
	{asset: "aws-prod", threat: "infosec-threats:TH-TEC-04", owner: sam, treatment: "mitigate", residual: [2]int{2, 3}, controls: 3,
		notes: "Policy-as-code with drift alerts; no public buckets by SCP.", approve: true, accept: true, reviewDays: 120},
	{asset: "moderation-api", threat: "infosec-threats:TH-SUP-03", owner: priya, treatment: "avoid", residual: [2]int{1, 3},
		notes: "The assistant no longer depends on the moderation API to answer; it is advisory only.", reviewDays: 180},
	{asset: "nordcompute", threat: "infosec-threats:TH-SUP-01", owner: dana},
	{asset: "labelworks", threat: "infosec-threats:TH-SUP-02", owner: lena, treatment: "mitigate", residual: [2]int{2, 2}, controls: 2,
		notes: "Annotators see pseudonymised text in a locked-down tool.", approve: true, accept: true, reviewDays: 200},
	{asset: "ml-oncall", threat: "infosec-threats:TH-HUM-03", owner: dana},
}

// seedPlatform records the demo company's context, methodology, assets
// and risks, each through the member who would do it.
func seedPlatform(ctx context.Context, svc *app.Service, slug string) error {
	as := map[string]app.Access{}
	for _, email := range []string{dana, priya, sam, tomas, lena} {
		u, _, err := svc.DB().UserByEmail(ctx, email)
		if err != nil {
			return err
		}
		if as[email], err = svc.OpenOrg(ctx, app.UserPrincipal(u), slug); err != nil {
			return err
		}
	}
	member := func(email string) string { return as[email].Member.ID }
	now := time.Now().UTC().Truncate(24 * time.Hour)
	days := func(n int) *time.Time {
		t := now.AddDate(0, 0, n)
		return &t
	}

	if err := seedContext(ctx, svc, as[priya], as[dana], member); err != nil {
		return err
	}
	m := isms.DefaultMethodology()
	v1, err := svc.SaveMethodology(ctx, as[priya], m)
	if err != nil {
		return fmt.Errorf("demo methodology: %w", err)
	}
	if err := svc.ApproveMethodology(ctx, as[dana], v1.ID); err != nil {
		return fmt.Errorf("demo methodology approval: %w", err)
	}

	ids := map[string]string{}
	for _, d := range platformAssets {
		a := isms.Asset{Name: d.name, Type: d.typ, Description: d.description, OwnerID: member(d.owner), Classification: d.class,
			Confidentiality: d.c, Integrity: d.i, Availability: d.a, Location: d.location, Lifecycle: d.lifecycle, Tags: d.tags, Attributes: d.attributes}
		if d.custodian != "" {
			a.CustodianID = member(d.custodian)
		}
		if d.disposalDays > 0 {
			a.DisposalDate, a.DisposalMethod = days(-d.disposalDays), "Weights and checkpoints crypto-shredded; registry entry archived"
		}
		got, err := svc.CreateAsset(ctx, as[priya], a)
		if err != nil {
			return fmt.Errorf("demo asset %s: %w", d.name, err)
		}
		ids[d.key] = got.ID
	}
	for _, r := range platformRelations {
		if _, err := svc.AddAssetRelation(ctx, as[priya], app.RelationInput{FromID: ids[r.from], Kind: string(r.kind), ToID: ids[r.to]}); err != nil {
			return fmt.Errorf("demo relation %s %s %s: %w", r.from, r.kind, r.to, err)
		}
	}

	// Risks rated before the methodology changed come first.
	for _, pass := range []bool{true, false} {
		if !pass {
			m.Impact[3].Criteria = "Outage for days or loss of a key customer; loss under €10m; personal data breach to notify; proprietary weights or a customer's documents exposed."
			m.Notes += " Version 2 names exposure of customer documents in retrieval indexes as a major impact."
			v2, err := svc.SaveMethodology(ctx, as[priya], m)
			if err != nil {
				return err
			}
			if err := svc.ApproveMethodology(ctx, as[dana], v2.ID); err != nil {
				return err
			}
		}
		for _, d := range platformRisks {
			if d.onOldVersion != pass {
				continue
			}
			if err := seedRisk(ctx, svc, as, ids, member, days, d); err != nil {
				return fmt.Errorf("demo risk %s on %s: %w", d.threat, d.asset, err)
			}
		}
	}
	if err := seedObligations(ctx, svc, as[priya], ids, member, now); err != nil {
		return err
	}
	if err := seedSoA(ctx, svc, as, member, now); err != nil {
		return err
	}
	if err := seedScans(ctx, svc, as[priya], now); err != nil {
		return err
	}
	if err := seedSuppliers(ctx, svc, as[priya], ids, member, now); err != nil {
		return err
	}
	if err := seedNonconformities(ctx, svc, as, member, now); err != nil {
		return err
	}
	if err := seedMetrics(ctx, svc, as, member, now); err != nil {
		return err
	}
	if err := seedAudits(ctx, svc, as, member, now); err != nil {
		return err
	}
	if err := seedContinuity(ctx, svc, as, ids, member, now); err != nil {
		return err
	}
	if err := seedDocuments(ctx, svc, as, member); err != nil {
		return err
	}
	if err := seedIncidents(ctx, svc, as, ids, member); err != nil {
		return err
	}
	if err := seedPeople(ctx, svc, as, member, ids, now); err != nil {
		return err
	}
	if err := seedCertification(ctx, svc, as, member, now); err != nil {
		return err
	}
	return seedReviews(ctx, svc, as, member, now)
}

func seedRisk(ctx context.Context, svc *app.Service, as map[string]app.Access, ids map[string]string, member func(string) string,
	days func(int) *time.Time, d demoRisk) error {
	manager := as[priya]
	k, err := svc.AcceptSuggestion(ctx, manager, ids[d.asset], d.threat, member(d.owner), d.l, d.i)
	if err != nil {
		return err
	}
	if d.reviewDays != 0 {
		view, err := svc.Risk(ctx, manager, k.ID)
		if err != nil {
			return err
		}
		in := app.RiskInput{Title: view.Title, ThreatRef: view.ThreatRef, ThreatText: view.ThreatText, Vulnerability: view.Vulnerability,
			Scenario: view.Scenario, AffectsC: view.AffectsC, AffectsI: view.AffectsI, AffectsA: view.AffectsA, Consequences: view.Consequences,
			InherentLikelihood: view.InherentLikelihood, InherentImpact: view.InherentImpact, ExistingControls: view.ExistingControls,
			OwnerID: view.OwnerID, ReviewDate: days(d.reviewDays), AssetIDs: view.AssetIDs}
		if _, err := svc.UpdateRisk(ctx, manager, k.ID, in); err != nil {
			return err
		}
	}
	if d.treatment == "" {
		return nil
	}
	var controls []string
	if d.controls > 0 {
		treating, err := svc.TreatingControls(ctx, manager, d.threat)
		if err != nil {
			return err
		}
		for _, c := range treating[:min(d.controls, len(treating))] {
			controls = append(controls, c.Ref)
		}
	}
	if _, err := svc.TreatRisk(ctx, manager, k.ID, app.TreatmentInput{Treatment: d.treatment, Notes: d.notes, Controls: controls,
		ResidualLikelihood: d.residual[0], ResidualImpact: d.residual[1]}); err != nil {
		return err
	}
	for _, act := range d.actions {
		added, err := svc.AddRiskAction(ctx, manager, k.ID, app.ActionInput{Description: act.description, OwnerID: member(act.owner), DueDate: days(act.dueDays)})
		if err != nil {
			return err
		}
		if act.status != "open" {
			if _, err := svc.UpdateRiskAction(ctx, manager, k.ID, added.ID, app.ActionInput{Description: added.Description, OwnerID: added.OwnerID,
				DueDate: added.DueDate, Status: act.status}); err != nil {
				return err
			}
		}
	}
	owner := as[d.owner]
	if d.approve {
		if _, err := svc.DecideOnRisk(ctx, owner, k.ID, app.DecisionInput{Kind: isms.DecisionPlanApproval,
			Justification: "The plan addresses the scenario at a cost in proportion to the risk."}); err != nil {
			return err
		}
	}
	if d.accept {
		if _, err := svc.DecideOnRisk(ctx, owner, k.ID, app.DecisionInput{Kind: isms.DecisionResidualAcceptance,
			Justification: "The residual risk is within the appetite agreed at the last management review."}); err != nil {
			return err
		}
	}
	return nil
}

func seedContext(ctx context.Context, svc *app.Service, writer, approver app.Access, member func(string) string) error {
	yes := true
	c := isms.Context{
		Scope: "The information security management system of Helix AI Ltd covers the development, training, evaluation and operation of " +
			"the Helix assistant models and the Helix API and console, including the data used to train them and the people, " +
			"offices and cloud and GPU infrastructure that support them.",
		Boundaries: "Inside: the ML platform, the production AWS account, the NordCompute GPU cluster and the London office network. " +
			"Interfaces: customers call the public API; NordCompute and LabelWorks act on Helix's instructions under contract.",
		Locations: []string{"London, United Kingdom (head office)", "Frankfurt, Germany (GPU cluster, NordCompute)", "AWS eu-west-1 (Ireland)"},
		Included: []isms.ScopeEntry{{Name: "Model development and training"}, {Name: "Helix API and console"},
			{Name: "Data acquisition and annotation"}, {Name: "Corporate IT supporting the above"}},
		Excluded: []isms.ScopeEntry{{Name: "Helix AI Europe GmbH sales office", Reason: "Runs its own ISMS under the subsidiary; it holds no customer or training data."}},
		InternalIssues: []isms.ContextIssue{
			{Issue: "Rapid growth of the ML team (from 18 to 40 people in a year)", Effect: "Access reviews and onboarding must scale; knowledge sits with few engineers."},
			{Issue: "Model weights are the company's main asset", Effect: "Protection of weights drives the classification of the registry and the serving cluster."}},
		ExternalIssues: []isms.ContextIssue{
			{Issue: "EU AI Act obligations for general-purpose AI models", Effect: "Documentation, transparency and incident reporting duties feed the ISMS and the AI management system."},
			{Issue: "Customers in finance require ISO/IEC 27001 certification", Effect: "Certification by Q3 is a sales condition."},
			{Issue: "Targeted attacks on LLM providers (prompt injection, model extraction)", Effect: "AI-specific threats are part of every risk assessment."}},
		ClimateRelevant: &yes,
		ClimateNotes:    "Heat waves raise the cooling risk of the Frankfurt GPU hall; the provider's resilience is reviewed yearly.",
		InterestedParties: []isms.InterestedParty{
			{Name: "Enterprise customers", Requirements: "Confidentiality of prompts and documents; no training on their data; availability of 99.9%.", AddressedBy: "Contract terms, tenant isolation, SLOs."},
			{Name: "Data protection authorities", Requirements: "Lawful processing of personal data in training and logs (GDPR).", AddressedBy: "DPIAs, retention limits, pseudonymisation."},
			{Name: "Investors", Requirements: "Certification and no material security incidents.", AddressedBy: "ISMS reporting at board meetings."},
			{Name: "NordCompute GmbH", Requirements: "Compliance with the acceptable use policy of the GPU hall.", AddressedBy: "Supplier management."}},
		ObjectivesOwnerID: member(dana),
	}
	v, err := svc.SaveContext(ctx, writer, c)
	if err != nil {
		return fmt.Errorf("demo context: %w", err)
	}
	if err := svc.ApproveContext(ctx, approver, v.ID); err != nil {
		return fmt.Errorf("demo context approval: %w", err)
	}
	return nil
}
