package isms

import (
	"maps"
	"slices"
	"strings"
	"time"
)

// AssetType says what kind of thing an asset is. The AI types come first:
// an AI company's most valuable and most attacked assets are models,
// their data and the compute that trains and serves them.
type AssetType string

// Asset types.
const (
	AssetAISystem          AssetType = "ai_system"
	AssetModel             AssetType = "model"
	AssetDataset           AssetType = "dataset"
	AssetFeatureStore      AssetType = "feature_store"
	AssetVectorStore       AssetType = "vector_store"
	AssetPromptSet         AssetType = "prompt_set"
	AssetMLPipeline        AssetType = "ml_pipeline"
	AssetModelRegistry     AssetType = "model_registry"
	AssetInferenceEndpoint AssetType = "inference_endpoint"
	AssetNotebook          AssetType = "notebook_environment"
	AssetComputeCluster    AssetType = "compute_cluster"
	AssetCloudAccount      AssetType = "cloud_account"
	AssetAIService         AssetType = "ai_service"
	AssetApplication       AssetType = "application"
	AssetDatabase          AssetType = "database"
	AssetServer            AssetType = "server"
	AssetNetwork           AssetType = "network"
	AssetEndpoint          AssetType = "endpoint_device"
	AssetDocument          AssetType = "document"
	AssetPerson            AssetType = "person_role"
	AssetSupplier          AssetType = "supplier"
)

// AssetTypeInfo describes an asset type: its label, whether it is an AI
// asset, and the attributes an asset of the type may carry.
type AssetTypeInfo struct {
	Type  AssetType
	Label string
	AI    bool
	// Attributes are the type's own fields, in display order.
	Attributes []AttributeSpec
}

// AttributeSpec is one type-specific asset field.
type AttributeSpec struct {
	Key   string
	Label string
	// Values, when set, are the only values allowed.
	Values []string
}

// AssetTypes lists every asset type, AI first.
var AssetTypes = []AssetTypeInfo{
	{AssetAISystem, "AI system", true, []AttributeSpec{{"purpose", "Purpose", nil}, {"risk_category", "Risk category", []string{"minimal", "limited", "high", "prohibited"}}}},
	{AssetModel, "Model", true, []AttributeSpec{{"version", "Version", nil}, {"framework", "Framework", nil}, {"provider", "Provider", nil},
		{"base_model", "Base model", nil}, {"licence", "Licence", nil}, {"task", "Task", nil}}},
	{AssetDataset, "Dataset", true, []AttributeSpec{{"purpose", "Purpose", []string{"training", "fine_tuning", "evaluation", "production_input"}},
		{"provenance", "Provenance", nil}, {"licence", "Licence", nil}, {"personal_data", "Personal data", []string{"yes", "no", "unknown"}},
		{"retention", "Retention", nil}}},
	{AssetFeatureStore, "Feature store", true, []AttributeSpec{{"technology", "Technology", nil}}},
	{AssetVectorStore, "Vector store", true, []AttributeSpec{{"technology", "Technology", nil}, {"embedding_model", "Embedding model", nil}}},
	{AssetPromptSet, "Prompt and system-prompt set", true, []AttributeSpec{{"version", "Version", nil}}},
	{AssetMLPipeline, "ML pipeline", true, []AttributeSpec{{"orchestrator", "Orchestrator", nil}}},
	{AssetModelRegistry, "Model registry", true, []AttributeSpec{{"technology", "Technology", nil}}},
	{AssetInferenceEndpoint, "Inference endpoint", true, []AttributeSpec{{"url", "URL", nil}, {"exposure", "Exposure", []string{"internet", "partner", "internal"}},
		{"interface", "Interface", []string{"llm", "prediction", "embedding", "other"}}}},
	{AssetNotebook, "Notebook environment", true, []AttributeSpec{{"technology", "Technology", nil}}},
	{AssetComputeCluster, "GPU / compute cluster", true, append([]AttributeSpec{{"provider", "Provider", nil}, {"accelerators", "Accelerators", nil},
		{"region", "Region", nil}}, hostIdentity...)},
	{AssetCloudAccount, "Cloud account", false, []AttributeSpec{{"provider", "Provider", nil}, {"account_id", "Account id", nil}}},
	{AssetAIService, "Third-party AI service", true, []AttributeSpec{{"provider", "Provider", nil}, {"model", "Model", nil}, {"data_use", "Use of our data", []string{"none", "abuse_monitoring", "training"}}}},
	{AssetApplication, "Application", false, nil},
	{AssetDatabase, "Database", false, append([]AttributeSpec{{"technology", "Technology", nil}}, hostIdentity...)},
	{AssetServer, "Server", false, hostIdentity},
	{AssetNetwork, "Network", false, nil},
	{AssetEndpoint, "Endpoint device", false, hostIdentity},
	{AssetDocument, "Document", false, nil},
	{AssetPerson, "Person or role", false, nil},
	{AssetSupplier, "Supplier", false, []AttributeSpec{{"contact", "Contact", nil}, {"contract", "Contract", nil}}},
}

// hostIdentity are the fields that name a machine on the network, which
// vulnerability scans match their hosts against, in the order they are
// tried. Several MAC addresses are separated by commas.
var hostIdentity = []AttributeSpec{{"fqdn", "FQDN", nil}, {"ip", "IP address", nil}, {"netbios", "NetBIOS name", nil},
	{"mac", "MAC addresses", nil}}

// HostIdentityKeys are the attribute keys of hostIdentity, in matching
// order.
var HostIdentityKeys = []string{"fqdn", "ip", "netbios", "mac"}

// Info returns the description of an asset type.
func (t AssetType) Info() (AssetTypeInfo, bool) {
	for _, info := range AssetTypes {
		if info.Type == t {
			return info, true
		}
	}
	return AssetTypeInfo{}, false
}

// IsValid reports whether t is a known asset type.
func (t AssetType) IsValid() bool {
	_, ok := t.Info()
	return ok
}

// Label is the type's name for people.
func (t AssetType) Label() string {
	if info, ok := t.Info(); ok {
		return info.Label
	}
	return string(t)
}

func assetTypeNames() string {
	names := make([]string, len(AssetTypes))
	for i, info := range AssetTypes {
		names[i] = string(info.Type)
	}
	return strings.Join(names, ", ")
}

// Lifecycle is where an asset stands.
type Lifecycle string

// Lifecycle states.
const (
	LifecyclePlanned       Lifecycle = "planned"
	LifecycleInDevelopment Lifecycle = "in_development"
	LifecycleInProduction  Lifecycle = "in_production"
	LifecycleRetired       Lifecycle = "retired"
)

// Lifecycles lists the lifecycle states in order.
var Lifecycles = []Lifecycle{LifecyclePlanned, LifecycleInDevelopment, LifecycleInProduction, LifecycleRetired}

// DefaultClassifications is the classification scheme an organisation
// starts with; it can set its own.
var DefaultClassifications = []string{"public", "internal", "confidential", "restricted"}

// RelationKind is how one asset depends on another, read "FROM kind TO".
type RelationKind string

// Asset relation kinds.
const (
	RelTrainedOn     RelationKind = "trained_on"
	RelFineTunedFrom RelationKind = "fine_tuned_from"
	RelEvaluatedOn   RelationKind = "evaluated_on"
	RelServes        RelationKind = "serves"
	RelRunsOn        RelationKind = "runs_on"
	RelStores        RelationKind = "stores"
	RelPartOf        RelationKind = "part_of"
	RelUses          RelationKind = "uses"
	RelProvidedBy    RelationKind = "provided_by"
	RelDependsOn     RelationKind = "depends_on"
)

// RelationKinds lists every relation kind.
var RelationKinds = []RelationKind{RelTrainedOn, RelFineTunedFrom, RelEvaluatedOn, RelServes, RelRunsOn, RelStores,
	RelPartOf, RelUses, RelProvidedBy, RelDependsOn}

// Label reads the relation forwards.
func (k RelationKind) Label() string { return strings.ReplaceAll(string(k), "_", " ") }

// IsValid reports whether k is a known relation kind.
func (k RelationKind) IsValid() bool { return slices.Contains(RelationKinds, k) }

// Asset is one thing the organisation has and must protect.
type Asset struct {
	ID          string
	OrgID       string
	Name        string
	Type        AssetType
	Description string
	// OwnerID is the accountable member; CustodianID the one who looks
	// after it day to day. Either may be empty.
	OwnerID        string
	CustodianID    string
	Classification string
	// Confidentiality, Integrity and Availability are values 1 (low) to
	// 5 (critical); 0 means not yet assessed.
	Confidentiality int
	Integrity       int
	Availability    int
	Location        string
	Lifecycle       Lifecycle
	// Disposal records how a retired asset was disposed of.
	DisposalDate   *time.Time
	DisposalMethod string
	Tags           []string
	Attributes     map[string]string
	// SourceKey identifies the asset in the file it was imported from
	// (a BOM reference, a model id), so importing again updates it.
	SourceKey string
	CreatedAt time.Time
	UpdatedAt time.Time
}

// AssetRelation links two assets.
type AssetRelation struct {
	ID        string
	OrgID     string
	FromID    string
	ToID      string
	Kind      RelationKind
	CreatedAt time.Time
}

// Validate checks an asset against the rules and the organisation's
// classification scheme, naming every offending field.
func (a *Asset) Validate(classifications []string) error {
	v := &ValidationError{}
	a.Name = NormalizeName(v, "name", a.Name, 200)
	if !a.Type.IsValid() {
		v.Add("type", "%q is not an asset type; use one of %s", a.Type, assetTypeNames())
	}
	if a.Classification != "" && !slices.Contains(classifications, a.Classification) {
		v.Add("classification", "%q is not a classification of this organisation; use one of %s", a.Classification, strings.Join(classifications, ", "))
	}
	for _, p := range []struct {
		field string
		value int
	}{{"confidentiality", a.Confidentiality}, {"integrity", a.Integrity}, {"availability", a.Availability}} {
		if p.value < 0 || p.value > 5 {
			v.Add(p.field, "must be 1 (low) to 5 (critical), or 0 when not assessed")
		}
	}
	if a.Lifecycle == "" {
		a.Lifecycle = LifecycleInProduction
	}
	if !slices.Contains(Lifecycles, a.Lifecycle) {
		v.Add("lifecycle", "%q is not a lifecycle state; use planned, in_development, in_production or retired", a.Lifecycle)
	}
	if a.Lifecycle == LifecycleRetired && (a.DisposalDate == nil || strings.TrimSpace(a.DisposalMethod) == "") {
		v.Add("disposal_method", "a retired asset needs its disposal record: the date and how it was disposed of")
	}
	if a.Lifecycle != LifecycleRetired && (a.DisposalDate != nil || a.DisposalMethod != "") {
		v.Add("lifecycle", "only a retired asset has a disposal record")
	}
	if len([]rune(a.Description)) > 10000 || len([]rune(a.Location)) > 200 {
		v.Add("description", "is too long")
	}
	for i, t := range a.Tags {
		t = strings.TrimSpace(t)
		if t == "" || len(t) > 50 || strings.ContainsAny(t, ",;") {
			v.Add("tags", "tag %d: tags are 1 to 50 characters without commas or semicolons", i+1)
		}
		a.Tags[i] = strings.ToLower(t)
	}
	slices.Sort(a.Tags)
	a.Tags = slices.Compact(a.Tags)
	if info, ok := a.Type.Info(); ok {
		for _, key := range slices.Sorted(maps.Keys(a.Attributes)) {
			value := a.Attributes[key]
			spec, known := findSpec(info.Attributes, key)
			switch {
			case !known:
				v.Add("attributes."+key, "is not a field of a %s", info.Label)
			case value == "":
				delete(a.Attributes, key)
			case len(spec.Values) > 0 && !slices.Contains(spec.Values, value):
				v.Add("attributes."+key, "%q is not one of %s", value, strings.Join(spec.Values, ", "))
			case len([]rune(value)) > 500:
				v.Add("attributes."+key, "is longer than 500 characters")
			}
		}
	}
	return v.Err()
}

func findSpec(specs []AttributeSpec, key string) (AttributeSpec, bool) {
	for _, s := range specs {
		if s.Key == key {
			return s, true
		}
	}
	return AttributeSpec{}, false
}
