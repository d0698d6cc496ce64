// Package httpapi is the JSON API under /api/v1/. Scripts authenticate with
// API tokens (Authorization: Bearer); every organisation resource lives
// under /api/v1/orgs/{org}/, and every error is an RFC 9457 problem that
// names the offending field.
package httpapi

import (
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/isms-dev/isms/internal/app"
	"github.com/isms-dev/isms/internal/isms"
	"github.com/isms-dev/isms/internal/problem"
	"github.com/isms-dev/isms/internal/router"
)

// Prefix is where the API is mounted.
const Prefix = "/api/v1"

// API serves the JSON API.
type API struct {
	svc     *app.Service
	log     *slog.Logger
	maxBody int64
}

// New returns the API over svc. Request bodies larger than maxBody bytes
// are refused.
func New(svc *app.Service, log *slog.Logger, maxBody int64) *API {
	return &API{svc: svc, log: log, maxBody: maxBody}
}

// Register adds every API route to r.
func (a *API) Register(r *router.Router) {
	r.HandleFunc("GET", Prefix+"/openapi.json", a.openAPI)
	r.HandleFunc("GET", Prefix+"/problems/{kind}", a.problemType)
	r.Handle("GET", Prefix+"/me", a.authed(a.me))
	r.Handle("GET", Prefix+"/orgs", a.authed(a.listOrgs))
	r.Handle("GET", Prefix+"/orgs/{org}", a.inOrg(a.getOrg))
	r.Handle("PATCH", Prefix+"/orgs/{org}", a.inOrg(a.patchOrg))
	r.Handle("GET", Prefix+"/orgs/{org}/members", a.inOrg(a.listMembers))
	r.Handle("POST", Prefix+"/orgs/{org}/members", a.inOrg(a.addMember))
	r.Handle("GET", Prefix+"/orgs/{org}/members/{id}", a.inOrg(a.getMember))
	r.Handle("PATCH", Prefix+"/orgs/{org}/members/{id}", a.inOrg(a.patchMember))
	r.Handle("DELETE", Prefix+"/orgs/{org}/members/{id}", a.inOrg(a.removeMember))
	r.Handle("GET", Prefix+"/orgs/{org}/tokens", a.inOrg(a.listTokens))
	r.Handle("GET", Prefix+"/orgs/{org}/tokens/{id}", a.inOrg(a.getToken))
	r.Handle("DELETE", Prefix+"/orgs/{org}/tokens/{id}", a.inOrg(a.revokeToken))
	r.Handle("GET", Prefix+"/orgs/{org}/ledger", a.inOrg(a.listLedger))
	r.Handle("GET", Prefix+"/orgs/{org}/ledger/verify", a.inOrg(a.verifyLedger))
	r.Handle("GET", Prefix+"/orgs/{org}/ledger/export", a.inOrg(a.exportLedger))
	r.Handle("GET", Prefix+"/orgs/{org}/frameworks", a.inOrg(a.listFrameworks))
	r.Handle("GET", Prefix+"/orgs/{org}/frameworks/{id}", a.inOrg(a.getFramework))
	r.Handle("PATCH", Prefix+"/orgs/{org}/frameworks/{id}", a.inOrg(a.patchFramework))
	r.Handle("GET", Prefix+"/orgs/{org}/frameworks/{id}/export", a.inOrg(a.exportFramework))
	r.Handle("GET", Prefix+"/orgs/{org}/frameworks/{id}/items", a.inOrg(a.listItems))
	r.Handle("GET", Prefix+"/orgs/{org}/frameworks/{id}/items/{item...}", a.inOrg(a.getItem))
	r.Handle("GET", Prefix+"/orgs/{org}/framework-items", a.inOrg(a.searchItems))
	r.Handle("GET", Prefix+"/orgs/{org}/framework-imports", a.inOrg(a.listImports))
	r.Handle("POST", Prefix+"/orgs/{org}/framework-imports", a.inOrg(a.importFrameworks))
	r.Handle("GET", Prefix+"/orgs/{org}/framework-imports/{id}", a.inOrg(a.getImport))
	r.Handle("DELETE", Prefix+"/orgs/{org}/framework-imports/{id}", a.inOrg(a.removeImport))

	r.Handle("GET", Prefix+"/orgs/{org}/assets", a.inOrg(a.listAssets))
	r.Handle("POST", Prefix+"/orgs/{org}/assets", a.inOrg(a.createAsset))
	r.Handle("GET", Prefix+"/orgs/{org}/assets/export", a.inOrg(a.exportAssets))
	r.Handle("GET", Prefix+"/orgs/{org}/assets/{id}", a.inOrg(a.getAsset))
	r.Handle("PUT", Prefix+"/orgs/{org}/assets/{id}", a.inOrg(a.putAsset))
	r.Handle("DELETE", Prefix+"/orgs/{org}/assets/{id}", a.inOrg(a.deleteAsset))
	r.Handle("GET", Prefix+"/orgs/{org}/assets/{id}/graph", a.inOrg(a.assetGraph))
	r.Handle("POST", Prefix+"/orgs/{org}/assets/{id}/relations", a.inOrg(a.addRelation))
	r.Handle("GET", Prefix+"/orgs/{org}/assets/{id}/risk-suggestions", a.inOrg(a.riskSuggestions))
	r.Handle("POST", Prefix+"/orgs/{org}/assets/{id}/risk-suggestions", a.inOrg(a.acceptSuggestion))
	r.Handle("GET", Prefix+"/orgs/{org}/suppliers", a.inOrg(a.listSuppliers))
	r.Handle("POST", Prefix+"/orgs/{org}/suppliers", a.inOrg(a.createSupplier))
	r.Handle("GET", Prefix+"/orgs/{org}/suppliers/export", a.inOrg(a.exportSuppliers))
	r.Handle("POST", Prefix+"/orgs/{org}/supplier-imports", a.inOrg(a.importSuppliers))
	r.Handle("GET", Prefix+"/orgs/{org}/suppliers/{id}", a.inOrg(a.getSupplier))
	r.Handle("PUT", Prefix+"/orgs/{org}/suppliers/{id}", a.inOrg(a.putSupplier))
	r.Handle("DELETE", Prefix+"/orgs/{org}/suppliers/{id}", a.inOrg(a.deleteSupplier))
	r.Handle("POST", Prefix+"/orgs/{org}/suppliers/{id}/reviews", a.inOrg(a.reviewSupplier))
	r.Handle("POST", Prefix+"/orgs/{org}/suppliers/{id}/assets", a.inOrg(a.linkSupplierAsset))
	r.Handle("DELETE", Prefix+"/orgs/{org}/suppliers/{id}/assets/{link}", a.inOrg(a.unlinkSupplierAsset))
	r.Handle("POST", Prefix+"/orgs/{org}/suppliers/{id}/certifications", a.inOrg(a.addCertification))
	r.Handle("DELETE", Prefix+"/orgs/{org}/suppliers/{id}/certifications/{cert}", a.inOrg(a.removeCertification))
	r.Handle("POST", Prefix+"/orgs/{org}/suppliers/{id}/assessments", a.inOrg(a.addAssessment))
	r.Handle("DELETE", Prefix+"/orgs/{org}/suppliers/{id}/assessments/{assessment}", a.inOrg(a.removeAssessment))
	r.Handle("DELETE", Prefix+"/orgs/{org}/asset-relations/{id}", a.inOrg(a.removeRelation))
	r.Handle("POST", Prefix+"/orgs/{org}/asset-imports", a.inOrg(a.importAssets))
	r.Handle("GET", Prefix+"/orgs/{org}/asset-imports/template", a.inOrg(a.assetTemplate))
	r.Handle("GET", Prefix+"/orgs/{org}/classifications", a.inOrg(a.getClassifications))
	r.Handle("PUT", Prefix+"/orgs/{org}/classifications", a.inOrg(a.putClassifications))

	r.Handle("GET", Prefix+"/orgs/{org}/context", a.inOrg(a.getContext))
	r.Handle("PUT", Prefix+"/orgs/{org}/context/draft", a.inOrg(a.putContextDraft))
	r.Handle("GET", Prefix+"/orgs/{org}/context/export", a.inOrg(a.exportContext))
	r.Handle("GET", Prefix+"/orgs/{org}/context/versions/{id}", a.inOrg(a.getContextVersion))
	r.Handle("POST", Prefix+"/orgs/{org}/context/versions/{id}/approve", a.inOrg(a.approveContext))
	r.Handle("DELETE", Prefix+"/orgs/{org}/context/versions/{id}", a.inOrg(a.discardContext))
	r.Handle("GET", Prefix+"/orgs/{org}/risk-methodology", a.inOrg(a.getMethodology))
	r.Handle("PUT", Prefix+"/orgs/{org}/risk-methodology/draft", a.inOrg(a.putMethodologyDraft))
	r.Handle("GET", Prefix+"/orgs/{org}/risk-methodology/versions/{id}", a.inOrg(a.getMethodologyVersion))
	r.Handle("POST", Prefix+"/orgs/{org}/risk-methodology/versions/{id}/approve", a.inOrg(a.approveMethodology))
	r.Handle("DELETE", Prefix+"/orgs/{org}/risk-methodology/versions/{id}", a.inOrg(a.discardMethodology))

	r.Handle("GET", Prefix+"/orgs/{org}/risks", a.inOrg(a.listRisks))
	r.Handle("POST", Prefix+"/orgs/{org}/risks", a.inOrg(a.createRisk))
	r.Handle("GET", Prefix+"/orgs/{org}/risks/{id}", a.inOrg(a.getRisk))
	r.Handle("PUT", Prefix+"/orgs/{org}/risks/{id}", a.inOrg(a.putRisk))
	r.Handle("PUT", Prefix+"/orgs/{org}/risks/{id}/treatment", a.inOrg(a.putTreatment))
	r.Handle("POST", Prefix+"/orgs/{org}/risks/{id}/actions", a.inOrg(a.addAction))
	r.Handle("PATCH", Prefix+"/orgs/{org}/risks/{id}/actions/{action}", a.inOrg(a.patchAction))
	r.Handle("POST", Prefix+"/orgs/{org}/risks/{id}/decisions", a.inOrg(a.decideOnRisk))
	r.Handle("GET", Prefix+"/orgs/{org}/risks/{id}/history", a.inOrg(a.riskHistory))
	r.Handle("GET", Prefix+"/orgs/{org}/risk-heatmap", a.inOrg(a.riskHeatMap))
	r.Handle("GET", Prefix+"/orgs/{org}/risk-reports/{kind}", a.inOrg(a.riskReport))

	r.Handle("GET", Prefix+"/orgs/{org}/soa", a.inOrg(a.listSoA))
	r.Handle("GET", Prefix+"/orgs/{org}/soa/{framework}", a.inOrg(a.getSoA))
	r.Handle("GET", Prefix+"/orgs/{org}/soa/{framework}/versions", a.inOrg(a.listSoAVersions))
	r.Handle("POST", Prefix+"/orgs/{org}/soa/{framework}/versions", a.inOrg(a.approveSoA))
	r.Handle("GET", Prefix+"/orgs/{org}/soa/{framework}/versions/{n}", a.inOrg(a.getSoAVersion))
	r.Handle("GET", Prefix+"/orgs/{org}/soa/{framework}/compare", a.inOrg(a.compareSoA))
	r.Handle("GET", Prefix+"/orgs/{org}/soa/{framework}/export", a.inOrg(a.exportSoA))
	r.Handle("POST", Prefix+"/orgs/{org}/controls", a.inOrg(a.createControl))
	r.Handle("GET", Prefix+"/orgs/{org}/controls/{ref...}", a.inOrg(a.getControl))
	r.Handle("PATCH", Prefix+"/orgs/{org}/controls/{ref...}", a.inOrg(a.patchControl))
	r.Handle("POST", Prefix+"/orgs/{org}/control-reasons", a.inOrg(a.addControlReason))
	r.Handle("DELETE", Prefix+"/orgs/{org}/control-reasons/{id}", a.inOrg(a.removeControlReason))
	r.Handle("POST", Prefix+"/orgs/{org}/control-tasks", a.inOrg(a.addControlTask))
	r.Handle("PATCH", Prefix+"/orgs/{org}/control-tasks/{id}", a.inOrg(a.patchControlTask))
	r.Handle("GET", Prefix+"/orgs/{org}/evidence", a.inOrg(a.listEvidence))
	r.Handle("POST", Prefix+"/orgs/{org}/evidence", a.inOrg(a.createEvidence))
	r.Handle("GET", Prefix+"/orgs/{org}/evidence/verify", a.inOrg(a.verifyEvidence))
	r.Handle("GET", Prefix+"/orgs/{org}/evidence/{id}", a.inOrg(a.getEvidence))
	r.Handle("PATCH", Prefix+"/orgs/{org}/evidence/{id}", a.inOrg(a.patchEvidence))
	r.Handle("GET", Prefix+"/orgs/{org}/evidence/{id}/file", a.inOrg(a.evidenceFile))
	r.Handle("GET", Prefix+"/orgs/{org}/evidence-requests", a.inOrg(a.listEvidenceRequests))
	r.Handle("POST", Prefix+"/orgs/{org}/evidence-requests", a.inOrg(a.requestEvidence))
	r.Handle("POST", Prefix+"/orgs/{org}/evidence-requests/{id}/cancel", a.inOrg(a.cancelEvidenceRequest))

	r.Handle("GET", Prefix+"/orgs/{org}/obligations", a.inOrg(a.listObligations))
	r.Handle("POST", Prefix+"/orgs/{org}/obligations", a.inOrg(a.createObligation))
	r.Handle("GET", Prefix+"/orgs/{org}/obligations/export", a.inOrg(a.exportObligations))
	r.Handle("GET", Prefix+"/orgs/{org}/obligations/{id}", a.inOrg(a.getObligation))
	r.Handle("PUT", Prefix+"/orgs/{org}/obligations/{id}", a.inOrg(a.putObligation))
	r.Handle("DELETE", Prefix+"/orgs/{org}/obligations/{id}", a.inOrg(a.deleteObligation))
	r.Handle("POST", Prefix+"/orgs/{org}/obligation-imports", a.inOrg(a.importObligations))
	r.Handle("GET", Prefix+"/orgs/{org}/obligation-imports/template", a.inOrg(a.obligationTemplate))
	r.Handle("POST", Prefix+"/orgs/{org}/obligation-starters", a.inOrg(a.addStarterObligations))

	r.Handle("GET", Prefix+"/orgs/{org}/scans", a.inOrg(a.listScans))
	r.Handle("POST", Prefix+"/orgs/{org}/scans", a.inOrg(a.importScan))
	r.Handle("GET", Prefix+"/orgs/{org}/scans/{id}", a.inOrg(a.getScan))
	r.Handle("GET", Prefix+"/orgs/{org}/findings", a.inOrg(a.listFindings))
	r.Handle("GET", Prefix+"/orgs/{org}/findings/{id}", a.inOrg(a.getFinding))
	r.Handle("POST", Prefix+"/orgs/{org}/findings/{id}/risk", a.inOrg(a.raiseFindingRisk))
	r.Handle("GET", Prefix+"/orgs/{org}/vulnerability-metrics", a.inOrg(a.vulnMetrics))
	r.Handle("POST", Prefix+"/orgs/{org}/findings/{id}/nonconformity", a.inOrg(a.raiseFindingNonconformity))

	r.Handle("GET", Prefix+"/orgs/{org}/nonconformities", a.inOrg(a.listNonconformities))
	r.Handle("POST", Prefix+"/orgs/{org}/nonconformities", a.inOrg(a.raiseNonconformity))
	r.Handle("GET", Prefix+"/orgs/{org}/nonconformities/{id}", a.inOrg(a.getNonconformity))
	r.Handle("PATCH", Prefix+"/orgs/{org}/nonconformities/{id}", a.inOrg(a.patchNonconformity))
	r.Handle("POST", Prefix+"/orgs/{org}/nonconformities/{id}/actions", a.inOrg(a.saveCorrectiveAction))
	r.Handle("PATCH", Prefix+"/orgs/{org}/nonconformities/{id}/actions/{action}", a.inOrg(a.saveCorrectiveAction))
	r.Handle("POST", Prefix+"/orgs/{org}/nonconformities/{id}/verification", a.inOrg(a.verifyNonconformity))
	r.Handle("GET", Prefix+"/orgs/{org}/nonconformity-metrics", a.inOrg(a.nonconformityMetrics))

	r.Handle("GET", Prefix+"/orgs/{org}/readiness", a.inOrg(a.getReadiness))
	r.Handle("GET", Prefix+"/orgs/{org}/auditor-pack", a.inOrg(a.auditorPack))
	r.Handle("GET", Prefix+"/orgs/{org}/metrics", a.inOrg(a.listMetrics))
	r.Handle("POST", Prefix+"/orgs/{org}/metrics", a.inOrg(a.createMetric))
	r.Handle("GET", Prefix+"/orgs/{org}/metrics/{key}", a.inOrg(a.getMetric))
	r.Handle("PATCH", Prefix+"/orgs/{org}/metrics/{key}", a.inOrg(a.patchMetric))
	r.Handle("POST", Prefix+"/orgs/{org}/metrics/{key}/measurements", a.inOrg(a.recordMeasurement))
	r.Handle("POST", Prefix+"/orgs/{org}/metric-snapshots", a.inOrg(a.snapshotMetrics))
	r.Handle("GET", Prefix+"/orgs/{org}/objectives", a.inOrg(a.listObjectives))
	r.Handle("POST", Prefix+"/orgs/{org}/objectives", a.inOrg(a.createObjective))
	r.Handle("GET", Prefix+"/orgs/{org}/objectives/{id}", a.inOrg(a.getObjective))
	r.Handle("PATCH", Prefix+"/orgs/{org}/objectives/{id}", a.inOrg(a.patchObjective))
	r.Handle("DELETE", Prefix+"/orgs/{org}/objectives/{id}", a.inOrg(a.deleteObjective))
	r.Handle("GET", Prefix+"/orgs/{org}/reviews", a.inOrg(a.listReviews))
	r.Handle("POST", Prefix+"/orgs/{org}/reviews", a.inOrg(a.createReview))
	r.Handle("GET", Prefix+"/orgs/{org}/reviews/{id}", a.inOrg(a.getReview))
	r.Handle("PATCH", Prefix+"/orgs/{org}/reviews/{id}", a.inOrg(a.patchReview))
	r.Handle("POST", Prefix+"/orgs/{org}/reviews/{id}/inputs", a.inOrg(a.compileReview))
	r.Handle("POST", Prefix+"/orgs/{org}/reviews/{id}/status", a.inOrg(a.setReviewStatus))
	r.Handle("POST", Prefix+"/orgs/{org}/reviews/{id}/decisions", a.inOrg(a.addReviewDecision))
	r.Handle("POST", Prefix+"/orgs/{org}/reviews/{id}/actions", a.inOrg(a.saveReviewAction))
	r.Handle("PATCH", Prefix+"/orgs/{org}/reviews/{id}/actions/{action}", a.inOrg(a.saveReviewAction))
	r.Handle("GET", Prefix+"/orgs/{org}/self-assessment/questions", a.inOrg(a.selfAssessmentQuestions))
	r.Handle("GET", Prefix+"/orgs/{org}/self-assessments", a.inOrg(a.listSelfAssessments))
	r.Handle("POST", Prefix+"/orgs/{org}/self-assessments", a.inOrg(a.startSelfAssessment))
	r.Handle("GET", Prefix+"/orgs/{org}/self-assessments/{id}", a.inOrg(a.getSelfAssessment))
	r.Handle("PATCH", Prefix+"/orgs/{org}/self-assessments/{id}", a.inOrg(a.patchSelfAssessment))
	r.Handle("POST", Prefix+"/orgs/{org}/self-assessments/{id}/tasks", a.inOrg(a.createSelfAssessmentTasks))
	r.Handle("GET", Prefix+"/orgs/{org}/reviews/{id}/minutes", a.inOrg(a.reviewMinutes))

	r.Handle("GET", Prefix+"/orgs/{org}/certification", a.inOrg(a.getCertification))
	r.Handle("POST", Prefix+"/orgs/{org}/certification/cycles", a.inOrg(a.startCertCycle))
	r.Handle("PATCH", Prefix+"/orgs/{org}/certification/cycles/{id}", a.inOrg(a.patchCertCycle))
	r.Handle("POST", Prefix+"/orgs/{org}/certification/audits", a.inOrg(a.saveExternalAudit))
	r.Handle("PATCH", Prefix+"/orgs/{org}/certification/audits/{id}", a.inOrg(a.saveExternalAudit))
	r.Handle("POST", Prefix+"/orgs/{org}/certification/audits/{id}/findings", a.inOrg(a.raiseAuditFinding))

	r.Handle("GET", Prefix+"/orgs/{org}/audit-programme", a.inOrg(a.getAuditProgramme))
	r.Handle("PUT", Prefix+"/orgs/{org}/audit-programme", a.inOrg(a.putAuditProgramme))
	r.Handle("GET", Prefix+"/orgs/{org}/audits", a.inOrg(a.listAudits))
	r.Handle("POST", Prefix+"/orgs/{org}/audits", a.inOrg(a.planAudit))
	r.Handle("GET", Prefix+"/orgs/{org}/audits/{id}", a.inOrg(a.getAudit))
	r.Handle("PATCH", Prefix+"/orgs/{org}/audits/{id}", a.inOrg(a.patchAudit))
	r.Handle("PATCH", Prefix+"/orgs/{org}/audits/{id}/items/{item}", a.inOrg(a.recordAuditResult))
	r.Handle("GET", Prefix+"/orgs/{org}/audits/{id}/report", a.inOrg(a.auditReport))

	r.Handle("GET", Prefix+"/orgs/{org}/documents", a.inOrg(a.listRegisterDocs))
	r.Handle("POST", Prefix+"/orgs/{org}/documents", a.inOrg(a.createRegisterDoc))
	r.Handle("GET", Prefix+"/orgs/{org}/documents/export", a.inOrg(a.exportRegisterDocs))
	r.Handle("GET", Prefix+"/orgs/{org}/documents/{id}", a.inOrg(a.getRegisterDoc))
	r.Handle("PATCH", Prefix+"/orgs/{org}/documents/{id}", a.inOrg(a.patchRegisterDoc))
	r.Handle("PUT", Prefix+"/orgs/{org}/documents/{id}/draft", a.inOrg(a.saveDraftVersion))
	r.Handle("PUT", Prefix+"/orgs/{org}/documents/{id}/draft/file", a.inOrg(a.uploadDraftVersion))
	r.Handle("POST", Prefix+"/orgs/{org}/documents/{id}/submit", a.inOrg(a.docStep("submit")))
	r.Handle("POST", Prefix+"/orgs/{org}/documents/{id}/decision", a.inOrg(a.docStep("decision")))
	r.Handle("POST", Prefix+"/orgs/{org}/documents/{id}/publish", a.inOrg(a.docStep("publish")))
	r.Handle("POST", Prefix+"/orgs/{org}/documents/{id}/acknowledgement", a.inOrg(a.docStep("acknowledgement")))
	r.Handle("POST", Prefix+"/orgs/{org}/documents/{id}/retire", a.inOrg(a.docStep("retire")))
	r.Handle("GET", Prefix+"/orgs/{org}/documents/{id}/versions/{version}", a.inOrg(a.getDocVersion))
	r.Handle("GET", Prefix+"/orgs/{org}/documents/{id}/versions/{version}/pdf", a.inOrg(a.docVersionPDF))
	r.Handle("GET", Prefix+"/orgs/{org}/documents/{id}/versions/{version}/file", a.inOrg(a.docVersionFile))
	r.Handle("GET", Prefix+"/orgs/{org}/document-templates", a.inOrg(a.listDocTemplates))
	r.Handle("POST", Prefix+"/orgs/{org}/document-templates/{id}", a.inOrg(a.startFromTemplate))
	r.Handle("GET", Prefix+"/orgs/{org}/continuity/bias", a.inOrg(a.listBIAs))
	r.Handle("POST", Prefix+"/orgs/{org}/continuity/bias", a.inOrg(a.saveBIA))
	r.Handle("GET", Prefix+"/orgs/{org}/continuity/bias/{id}", a.inOrg(a.getBIA))
	r.Handle("PUT", Prefix+"/orgs/{org}/continuity/bias/{id}", a.inOrg(a.saveBIA))
	r.Handle("GET", Prefix+"/orgs/{org}/continuity/plans", a.inOrg(a.listPlans))
	r.Handle("POST", Prefix+"/orgs/{org}/continuity/plans", a.inOrg(a.savePlan))
	r.Handle("GET", Prefix+"/orgs/{org}/continuity/plans/{id}", a.inOrg(a.getPlan))
	r.Handle("PUT", Prefix+"/orgs/{org}/continuity/plans/{id}", a.inOrg(a.savePlan))
	r.Handle("POST", Prefix+"/orgs/{org}/continuity/plans/{id}/tests", a.inOrg(a.recordTest))
	r.Handle("POST", Prefix+"/orgs/{org}/continuity/tests/{id}/follow-ups", a.inOrg(a.addFollowUp))
	r.Handle("POST", Prefix+"/orgs/{org}/continuity/tests/{id}/follow-ups/{followup}/nonconformity", a.inOrg(a.raiseFollowUpNonconformity))
	r.Handle("GET", Prefix+"/orgs/{org}/continuity/export", a.inOrg(a.exportContinuity))
	r.Handle("GET", Prefix+"/orgs/{org}/incidents", a.inOrg(a.listIncidents))
	r.Handle("POST", Prefix+"/orgs/{org}/incidents", a.inOrg(a.reportIncident))
	r.Handle("GET", Prefix+"/orgs/{org}/incidents/export", a.inOrg(a.exportIncidents))
	r.Handle("GET", Prefix+"/orgs/{org}/incidents/{id}", a.inOrg(a.getIncident))
	r.Handle("PATCH", Prefix+"/orgs/{org}/incidents/{id}", a.inOrg(a.patchIncident))
	r.Handle("POST", Prefix+"/orgs/{org}/incidents/{id}/events", a.inOrg(a.addIncidentEvent))
	r.Handle("POST", Prefix+"/orgs/{org}/incidents/{id}/evidence", a.inOrg(a.attachIncidentEvidence))
	r.Handle("POST", Prefix+"/orgs/{org}/incidents/{id}/evidence/{item}/custody", a.inOrg(a.recordCustody))
	r.Handle("GET", Prefix+"/orgs/{org}/incidents/{id}/evidence-check", a.inOrg(a.checkIncidentEvidence))
	r.Handle("POST", Prefix+"/orgs/{org}/incidents/{id}/nonconformity", a.inOrg(a.raiseIncidentNonconformity))
	r.Handle("POST", Prefix+"/orgs/{org}/incidents/{id}/risk", a.inOrg(a.raiseIncidentRisk))
	r.Handle("POST", Prefix+"/orgs/{org}/incidents/{id}/control-change", a.inOrg(a.proposeControlChange))
	r.Handle("GET", Prefix+"/orgs/{org}/incident-metrics", a.inOrg(a.incidentMetrics))
	r.Handle("GET", Prefix+"/orgs/{org}/people", a.inOrg(a.listPeople))
	r.Handle("POST", Prefix+"/orgs/{org}/people", a.inOrg(a.createPerson))
	r.Handle("GET", Prefix+"/orgs/{org}/people/export", a.inOrg(a.exportPeople))
	r.Handle("GET", Prefix+"/orgs/{org}/people/{id}", a.inOrg(a.getPerson))
	r.Handle("PATCH", Prefix+"/orgs/{org}/people/{id}", a.inOrg(a.patchPerson))
	r.Handle("POST", Prefix+"/orgs/{org}/people/{id}/checklists", a.inOrg(a.startChecklist))
	r.Handle("POST", Prefix+"/orgs/{org}/person-imports", a.inOrg(a.importPeople))
	r.Handle("GET", Prefix+"/orgs/{org}/checklists/{id}", a.inOrg(a.getChecklist))
	r.Handle("POST", Prefix+"/orgs/{org}/checklists/{id}/items", a.inOrg(a.saveChecklistItem))
	r.Handle("PATCH", Prefix+"/orgs/{org}/checklists/{id}/items/{item}", a.inOrg(a.saveChecklistItem))
	r.Handle("GET", Prefix+"/orgs/{org}/isms-roles", a.inOrg(a.listISMSRoles))
	r.Handle("POST", Prefix+"/orgs/{org}/isms-roles", a.inOrg(a.createISMSRole))
	r.Handle("GET", Prefix+"/orgs/{org}/isms-roles/{id}", a.inOrg(a.getISMSRole))
	r.Handle("PATCH", Prefix+"/orgs/{org}/isms-roles/{id}", a.inOrg(a.patchISMSRole))
	r.Handle("GET", Prefix+"/orgs/{org}/training-courses", a.inOrg(a.listCourses))
	r.Handle("POST", Prefix+"/orgs/{org}/training-courses", a.inOrg(a.createCourse))
	r.Handle("GET", Prefix+"/orgs/{org}/training-courses/{id}", a.inOrg(a.getCourse))
	r.Handle("PATCH", Prefix+"/orgs/{org}/training-courses/{id}", a.inOrg(a.patchCourse))
	r.Handle("GET", Prefix+"/orgs/{org}/training-records", a.inOrg(a.listTrainingRecords))
	r.Handle("POST", Prefix+"/orgs/{org}/training-records", a.inOrg(a.recordTraining))
	r.Handle("GET", Prefix+"/orgs/{org}/training-status", a.inOrg(a.trainingStatus))
	r.Handle("GET", Prefix+"/orgs/{org}/training-metrics", a.inOrg(a.trainingMetrics))

	r.Handle("GET", Prefix+"/orgs/{org}/access-reviews", a.inOrg(a.listAccessReviews))
	r.Handle("POST", Prefix+"/orgs/{org}/access-reviews", a.inOrg(a.createAccessReview))
	r.Handle("GET", Prefix+"/orgs/{org}/access-reviews/{id}", a.inOrg(a.getAccessReview))
	r.Handle("PATCH", Prefix+"/orgs/{org}/access-reviews/{id}", a.inOrg(a.patchAccessReview))
	r.Handle("POST", Prefix+"/orgs/{org}/access-reviews/{id}/accounts", a.inOrg(a.addReviewAccount))
	r.Handle("PATCH", Prefix+"/orgs/{org}/access-reviews/{id}/accounts/{account}", a.inOrg(a.decideReviewAccount))
	r.Handle("POST", Prefix+"/orgs/{org}/access-reviews/{id}/account-imports", a.inOrg(a.importReviewAccounts))
	r.Handle("POST", Prefix+"/orgs/{org}/access-reviews/{id}/completion", a.inOrg(a.completeAccessReview))
	r.Handle("GET", Prefix+"/orgs/{org}/vulnerability-sla", a.inOrg(a.getVulnSLA))
	r.Handle("PUT", Prefix+"/orgs/{org}/vulnerability-sla", a.inOrg(a.putVulnSLA))
}

// NotFound answers requests under the prefix that match no route, so API
// clients get a problem rather than the UI's HTML page.
func (a *API) NotFound(w http.ResponseWriter, r *http.Request) {
	a.fail(w, r, isms.ErrNotFound)
}

// principalHandler serves a request whose token is valid.
type principalHandler func(w http.ResponseWriter, r *http.Request, p app.Principal) error

// orgHandler serves a request within one organisation.
type orgHandler func(w http.ResponseWriter, r *http.Request, acc app.Access) error

func (a *API) authed(h principalHandler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, err := a.authenticate(r)
		if err == nil {
			err = h(w, r, p)
		}
		if err != nil {
			a.fail(w, r, err)
		}
	})
}

func (a *API) inOrg(h orgHandler) http.Handler {
	return a.authed(func(w http.ResponseWriter, r *http.Request, p app.Principal) error {
		slug := r.PathValue("org")
		if isms.ValidateSlug("org", slug) != nil {
			// No organisation can have this slug.
			return fmt.Errorf("organisation %q: %w", slug, isms.ErrNotFound)
		}
		acc, err := a.svc.OpenOrg(r.Context(), p, slug)
		if err != nil {
			return err
		}
		return h(w, r, acc)
	})
}

// authenticate reads the bearer token. The API takes no cookies, so a
// browser session cannot be made to call it from another site.
func (a *API) authenticate(r *http.Request) (app.Principal, error) {
	h := r.Header.Get("Authorization")
	scheme, token, ok := strings.Cut(h, " ")
	if h == "" || !ok || !strings.EqualFold(scheme, "Bearer") {
		return app.Principal{}, isms.ErrUnauthenticated
	}
	return a.svc.AuthenticateToken(r.Context(), strings.TrimSpace(token))
}

// fail writes err as a problem; unexpected errors are logged with the
// request id, expected ones are the client's business.
func (a *API) fail(w http.ResponseWriter, r *http.Request, err error) {
	p := problem.From(err)
	var syntax *malformedError
	if errors.As(err, &syntax) {
		p = problem.New(http.StatusBadRequest, "malformed-request", syntax.Error(), syntax.fields()...)
	}
	var media *mediaTypeError
	if errors.As(err, &media) {
		p = problem.New(http.StatusUnsupportedMediaType, "unsupported-media", media.Error())
	}
	var file *fileTooLargeError
	if errors.As(err, &file) {
		p = problem.New(http.StatusRequestEntityTooLarge, "too-large", file.Error())
	}
	if errors.Is(err, app.ErrNoFileStore) {
		// A state of the server, not a failure of the request.
		p = problem.New(http.StatusConflict, "conflict", app.ErrNoFileStore.Error())
	}
	p.Instance = r.URL.Path
	p.RequestID = router.RequestID(r.Context())
	if p.Status == http.StatusUnauthorized && r.Header.Get("Authorization") != "" {
		// RFC 6750: a token was sent and refused.
		w.Header().Set("WWW-Authenticate", `Bearer realm="isms", error="invalid_token"`)
	}
	if p.Status >= 500 {
		a.log.ErrorContext(r.Context(), "api request failed", "err", err, "request_id", p.RequestID, "path", r.URL.Path)
	}
	problem.Write(w, p)
}

// writeJSON sends v with status. It encodes v before sending anything, so
// that a value that cannot be encoded becomes a problem rather than a
// success status with half a body; an error writing the body means the
// client has gone, and there is nobody left to tell.
func writeJSON(w http.ResponseWriter, status int, v any) error {
	body, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return fmt.Errorf("encode response: %w", err)
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(append(body, '\n'))
	return nil
}

// now is the service's clock, so that a token's status agrees with what
// authentication decides.
func (a *API) now() time.Time { return a.svc.DB().Now() }

// list is the envelope of every list response.
type list[T any] struct {
	Items      []T    `json:"items"`
	NextCursor string `json:"next_cursor"`
}

func newList[T any](items []T, next string) list[T] {
	if items == nil {
		items = []T{}
	}
	return list[T]{Items: items, NextCursor: next}
}

func (a *API) problemType(w http.ResponseWriter, r *http.Request) {
	kind := r.PathValue("kind")
	desc, ok := problem.Kinds[kind]
	if !ok {
		a.fail(w, r, isms.ErrNotFound)
		return
	}
	_ = writeJSON(w, http.StatusOK, map[string]string{"type": problem.TypeBase + kind, "description": desc})
}

//go:embed openapi.json
var openAPIDoc []byte

// OpenAPIDocument returns the API's OpenAPI 3.1 description.
func OpenAPIDocument() []byte { return openAPIDoc }

func (a *API) openAPI(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(openAPIDoc)
}
