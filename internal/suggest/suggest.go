// Package suggest proposes risk scenarios for an asset from the threat
// libraries, by the asset's type and what its attributes say about it: an
// internet-facing LLM endpoint gets prompt injection and unbounded
// consumption, a training dataset gets poisoning, a model gets theft and
// inversion. Each proposal carries a starting rating that the ISMS manager
// adjusts; the controls that treat a threat come from the framework
// library's treated_by mappings, not from here.
package suggest

import (
	"slices"

	"github.com/isms-dev/isms/internal/isms"
)

// Threat library framework ids.
const (
	llm     = "owasp-llm-top10-2025"
	ml      = "owasp-ml-top10-2023"
	infosec = "infosec-threats"
)

// Suggestion is a proposed risk scenario for an asset.
type Suggestion struct {
	// Threat cites the threat library item, "framework:item".
	Threat string
	// Why says what about the asset makes the threat relevant.
	Why string
	// Likelihood and Impact are the starting inherent rating on a 1 to 5
	// scale.
	Likelihood, Impact int
	// AffectsC, AffectsI and AffectsA say which properties the threat
	// harms.
	AffectsC, AffectsI, AffectsA bool
}

type cia uint8

const (
	c cia = 1 << iota
	i
	a
)

type rule struct {
	threat     string
	why        string
	likelihood int
	impact     int
	affects    cia
	// when limits the rule to assets whose attributes match.
	when func(attrs map[string]string) bool
}

func attr(key string, values ...string) func(map[string]string) bool {
	return func(m map[string]string) bool { return slices.Contains(values, m[key]) }
}

func not(f func(map[string]string) bool) func(map[string]string) bool {
	return func(m map[string]string) bool { return !f(m) }
}

var (
	llmInterface  = attr("interface", "llm", "")
	predictive    = attr("interface", "prediction", "embedding", "other")
	internet      = attr("exposure", "internet")
	trainingData  = attr("purpose", "training", "fine_tuning", "")
	personalData  = attr("personal_data", "yes")
	fromBase      = func(m map[string]string) bool { return m["base_model"] != "" }
	sharesForTrng = attr("data_use", "training")
	highRiskAI    = attr("risk_category", "high", "prohibited")
)

var rules = map[isms.AssetType][]rule{
	isms.AssetInferenceEndpoint: {
		{llm + ":LLM01:2025", "The endpoint passes user and retrieved text to a language model.", 4, 4, c | i, llmInterface},
		{llm + ":LLM02:2025", "Responses can carry data from training, context or connected systems.", 3, 4, c, llmInterface},
		{llm + ":LLM05:2025", "Downstream systems act on what the model writes.", 3, 3, i, llmInterface},
		{llm + ":LLM07:2025", "The system prompt sits beside user input in every request.", 3, 2, c, llmInterface},
		{llm + ":LLM10:2025", "Each request costs GPU time that a caller can multiply.", 4, 3, a, llmInterface},
		{ml + ":ML01:2023", "Crafted inputs can steer the predictions the endpoint serves.", 3, 3, i, predictive},
		{ml + ":ML04:2023", "Confidence scores reveal whether a record was in the training data.", 2, 3, c, predictive},
		{ml + ":ML05:2023", "Enough queries through the endpoint can reproduce the model.", 3, 4, c, internet},
		{ml + ":ML05:2023", "Partners and staff can query the model at will.", 2, 4, c, not(internet)},
		{infosec + ":TH-UNA-07", "Anyone on the internet can send it traffic.", 4, 3, a, internet},
	},
	isms.AssetModel: {
		{ml + ":ML05:2023", "The weights are the product of the training spend and can be copied.", 3, 5, c, nil},
		{ml + ":ML03:2023", "Outputs of the model can be inverted to recover training examples.", 2, 4, c, nil},
		{ml + ":ML04:2023", "Attackers can test whether a person's record was used to train it.", 2, 3, c, nil},
		{ml + ":ML06:2023", "It builds on a model or libraries from outside the organisation.", 3, 4, i, fromBase},
		{ml + ":ML06:2023", "Its training and serving stack pulls in third-party packages.", 2, 4, i, not(fromBase)},
		{ml + ":ML07:2023", "It was fine-tuned from a base model whose behaviour it inherits.", 2, 3, i, fromBase},
		{ml + ":ML10:2023", "Whoever can change its weights or training run can plant a backdoor.", 2, 4, i, nil},
	},
	isms.AssetDataset: {
		{ml + ":ML02:2023", "Models learn whatever this data contains, including planted samples.", 3, 4, i, trainingData},
		{llm + ":LLM04:2025", "Poisoned fine-tuning or pre-training data changes model behaviour.", 3, 4, i, attr("purpose", "fine_tuning")},
		{ml + ":ML08:2023", "Production inputs fed back into training can be skewed on purpose.", 3, 3, i, attr("purpose", "production_input")},
		{infosec + ":TH-COM-02", "It holds personal data that must not leave its controls.", 3, 5, c, personalData},
		{infosec + ":TH-COM-02", "Copies of datasets spread to notebooks, buckets and vendors.", 3, 3, c, not(personalData)},
		{infosec + ":TH-HUM-04", "Licence, consent or retention terms bind how it may be used.", 3, 4, c, nil},
		{infosec + ":TH-COM-05", "Losing it means models cannot be retrained or audited.", 2, 3, a, nil},
	},
	isms.AssetVectorStore: {
		{llm + ":LLM08:2025", "Retrieval can return documents a user should not see, and embeddings can be inverted.", 3, 4, c, nil},
		{llm + ":LLM04:2025", "Documents added to the index steer what the model answers.", 3, 3, i, nil},
		{infosec + ":TH-COM-02", "It holds chunks of the organisation's documents in plain text.", 3, 4, c, nil},
	},
	isms.AssetPromptSet: {
		{llm + ":LLM07:2025", "System prompts reveal business logic and sometimes secrets.", 3, 3, c, nil},
		{infosec + ":TH-COM-04", "A changed prompt silently changes how the product behaves.", 2, 4, i, nil},
	},
	isms.AssetFeatureStore: {
		{ml + ":ML02:2023", "Features feed both training and live predictions.", 2, 4, i, nil},
		{ml + ":ML08:2023", "Feedback features can be pushed to skew the model.", 2, 3, i, nil},
		{infosec + ":TH-COM-02", "Features are often derived from customer data.", 3, 3, c, nil},
	},
	isms.AssetMLPipeline: {
		{ml + ":ML06:2023", "Pipelines pull containers, packages and models from outside.", 3, 4, i, nil},
		{ml + ":ML10:2023", "A pipeline step can alter the model it produces.", 2, 4, i, nil},
		{infosec + ":TH-COM-04", "Pipeline definitions and artefacts can be changed between runs.", 2, 4, i, nil},
		{infosec + ":TH-TEC-04", "Pipelines run with broad credentials to data and registries.", 3, 4, c | i, nil},
	},
	isms.AssetModelRegistry: {
		{ml + ":ML05:2023", "Every released model's weights are in one place.", 3, 5, c, nil},
		{infosec + ":TH-COM-04", "A swapped artefact is what production deploys next.", 2, 5, i, nil},
		{ml + ":ML06:2023", "Models pulled in from public hubs land here.", 3, 4, i, nil},
	},
	isms.AssetNotebook: {
		{infosec + ":TH-UNA-03", "Notebooks hold tokens for data stores and clusters.", 3, 4, c, nil},
		{infosec + ":TH-COM-02", "Extracts of data end up in notebooks and their outputs.", 3, 4, c, nil},
		{infosec + ":TH-UNA-01", "Notebooks install and run packages from anywhere.", 2, 4, c | i | a, nil},
	},
	isms.AssetComputeCluster: {
		{infosec + ":TH-UNA-04", "The cluster sees training data, weights and credentials.", 3, 4, c | i, nil},
		{infosec + ":TH-TEC-04", "Schedulers, dashboards and storage mounts are easy to expose.", 3, 4, c | i | a, nil},
		{infosec + ":TH-UNA-08", "Idle accelerators attract unauthorised jobs such as mining.", 3, 3, a, nil},
		{infosec + ":TH-TEC-03", "Training and serving compete for scarce accelerators.", 3, 3, a, nil},
		{infosec + ":TH-INF-02", "Dense GPU racks fail quickly without cooling.", 2, 4, a, attr("provider", "on-premises", "on_prem", "onprem", "colocation")},
	},
	isms.AssetCloudAccount: {
		{infosec + ":TH-UNA-03", "Cloud credentials open every resource of the account.", 3, 5, c | i | a, nil},
		{infosec + ":TH-TEC-04", "One wrong policy or public bucket exposes data.", 4, 4, c, nil},
		{infosec + ":TH-INF-04", "Products depend on the provider's region staying up.", 2, 4, a, nil},
	},
	isms.AssetAIService: {
		{infosec + ":TH-SUP-02", "Prompts and files go to the provider, which may keep them.", 3, 4, c, not(sharesForTrng)},
		{infosec + ":TH-SUP-02", "The provider may train on the data sent to it.", 4, 4, c, sharesForTrng},
		{infosec + ":TH-SUP-03", "Providers change and retire models at short notice.", 4, 3, a | i, nil},
		{llm + ":LLM03:2025", "Its model and data are outside the organisation's control.", 3, 3, i, nil},
		{llm + ":LLM02:2025", "Answers may include data from other sources than intended.", 3, 3, c, nil},
	},
	isms.AssetAISystem: {
		{llm + ":LLM09:2025", "People act on what the system tells them.", 3, 3, i, nil},
		{llm + ":LLM06:2025", "It can take actions through tools and integrations.", 3, 4, i | a, nil},
		{ml + ":ML09:2023", "Its outputs can be altered between the model and the user.", 2, 3, i, nil},
		{infosec + ":TH-HUM-04", "It falls in a regulated risk category.", 3, 5, c | i, highRiskAI},
	},
	isms.AssetApplication: {
		{infosec + ":TH-UNA-06", "Applications carry third-party code that gets vulnerable.", 3, 4, c | i | a, nil},
		{infosec + ":TH-UNA-04", "Weak access control lets users reach others' data.", 3, 4, c | i, nil},
		{infosec + ":TH-TEC-02", "Defects reach production with each release.", 3, 3, i | a, nil},
	},
	isms.AssetDatabase: {
		{infosec + ":TH-COM-02", "It is where the structured data lives.", 3, 4, c, nil},
		{infosec + ":TH-COM-05", "Deletion or corruption without a restorable backup.", 2, 4, a | i, nil},
		{infosec + ":TH-UNA-04", "Service accounts and admins reach every row.", 3, 4, c | i, nil},
	},
	isms.AssetServer: {
		{infosec + ":TH-UNA-06", "Operating systems and services need patching.", 3, 4, c | i | a, nil},
		{infosec + ":TH-UNA-01", "A compromised server spreads malware.", 2, 4, c | i | a, nil},
		{infosec + ":TH-TEC-01", "Hardware wears out.", 2, 3, a, nil},
	},
	isms.AssetNetwork: {
		{infosec + ":TH-COM-01", "Traffic crosses links the organisation does not own.", 2, 4, c, nil},
		{infosec + ":TH-UNA-07", "Floods saturate links and gateways.", 3, 3, a, nil},
		{infosec + ":TH-INF-03", "Carriers and links fail.", 2, 3, a, nil},
	},
	isms.AssetEndpoint: {
		{infosec + ":TH-PHY-02", "Laptops and phones travel.", 3, 3, c | a, nil},
		{infosec + ":TH-UNA-01", "Users open mail, files and links.", 3, 4, c | i | a, nil},
		{infosec + ":TH-UNA-02", "Phishing reaches people through their devices.", 4, 3, c, nil},
	},
	isms.AssetDocument: {
		{infosec + ":TH-COM-02", "Documents get forwarded and shared.", 3, 3, c, nil},
		{infosec + ":TH-COM-05", "The only copy can be lost.", 2, 2, a, nil},
	},
	isms.AssetPerson: {
		{infosec + ":TH-UNA-02", "People are the target of phishing and pretexting.", 4, 3, c, nil},
		{infosec + ":TH-HUM-01", "Mistakes happen under time pressure.", 3, 3, c | i | a, nil},
		{infosec + ":TH-HUM-02", "Insiders hold legitimate access.", 2, 4, c | i, nil},
		{infosec + ":TH-HUM-03", "Knowledge sits with few people.", 3, 3, a, nil},
	},
	isms.AssetSupplier: {
		{infosec + ":TH-SUP-01", "The organisation depends on the supplier's service and security.", 3, 4, c | i | a, nil},
		{infosec + ":TH-SUP-02", "The supplier handles the organisation's data.", 2, 4, c, nil},
	},
}

// For proposes risk scenarios for an asset, in the order of the rules.
// Where the asset's C, I or A values are assessed (1 to 5), the impact is
// at least the highest value of a property the threat harms, so a
// critical asset's risks start critical.
func For(asset isms.Asset) []Suggestion {
	var out []Suggestion
	seen := map[string]bool{}
	for _, r := range rules[asset.Type] {
		if r.when != nil && !r.when(asset.Attributes) {
			continue
		}
		if seen[r.threat] {
			continue
		}
		seen[r.threat] = true
		s := Suggestion{Threat: r.threat, Why: r.why, Likelihood: r.likelihood, Impact: r.impact,
			AffectsC: r.affects&c != 0, AffectsI: r.affects&i != 0, AffectsA: r.affects&a != 0}
		for _, p := range []struct {
			affected bool
			value    int
		}{{s.AffectsC, asset.Confidentiality}, {s.AffectsI, asset.Integrity}, {s.AffectsA, asset.Availability}} {
			if p.affected && p.value > s.Impact {
				s.Impact = p.value
			}
		}
		out = append(out, s)
	}
	return out
}

// Threats lists every threat the rules may propose, for checking them
// against the library.
func Threats() []string {
	var out []string
	for _, list := range rules {
		for _, r := range list {
			if !slices.Contains(out, r.threat) {
				out = append(out, r.threat)
			}
		}
	}
	slices.Sort(out)
	return out
}
