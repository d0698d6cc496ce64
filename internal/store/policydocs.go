package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/isms-dev/isms/internal/isms"
	"github.com/isms-dev/isms/internal/ledger"
)

// The document register: documents, their versions, approvals and
// acknowledgements. (documents.go holds the versioned context and
// methodology, which are other things.)

const docColumns = `id, org_id, ref_num, kind, title, summary, owner_id, classification, review_months, next_review, approvers, controls,
	audience, retired_at, created_at, updated_at`

func scanDoc(row interface{ Scan(...any) error }) (isms.Document, error) {
	var (
		d                          isms.Document
		kind, approvers, ctls, aud string
		next, retired              nullTime
	)
	err := row.Scan(&d.ID, &d.OrgID, &d.RefNum, &kind, &d.Title, &d.Summary, &d.OwnerID, &d.Classification, &d.ReviewMonths, &next,
		&approvers, &ctls, &aud, &retired, &d.CreatedAt, &d.UpdatedAt)
	if err != nil {
		return d, err
	}
	d.Kind, d.NextReview, d.RetiredAt = isms.DocKind(kind), next.ptr(), retired.ptr()
	d.CreatedAt, d.UpdatedAt = d.CreatedAt.UTC(), d.UpdatedAt.UTC()
	for _, f := range []struct {
		raw string
		dst any
	}{{approvers, &d.ApproverIDs}, {ctls, &d.Controls}, {aud, &d.Audience}} {
		if err := json.Unmarshal([]byte(f.raw), f.dst); err != nil {
			return d, fmt.Errorf("document %s: %w", d.ID, err)
		}
	}
	return d, nil
}

// jsonList encodes a list column; nil is stored as [] so that the ledger
// sees one form.
func jsonList[T any](v []T) string {
	if v == nil {
		v = []T{}
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// CreateDocument adds a document under the next reference number.
func (tx *Tx) CreateDocument(ctx context.Context, d isms.Document) (isms.Document, error) {
	if err := tx.tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(ref_num), 0) + 1 FROM documents WHERE org_id = $1`, d.OrgID).Scan(&d.RefNum); err != nil {
		return d, fmt.Errorf("create document: %w", err)
	}
	d.ID, d.CreatedAt, d.UpdatedAt = NewID(), tx.now, tx.now
	_, err := tx.tx.ExecContext(ctx, `INSERT INTO documents (`+docColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12,
		$13, $14, $15, $16)`, d.ID, d.OrgID, d.RefNum, string(d.Kind), d.Title, d.Summary, d.OwnerID, d.Classification, d.ReviewMonths,
		timeArg(d.NextReview), jsonList(d.ApproverIDs), jsonList(d.Controls), jsonList(d.Audience), timeArg(d.RetiredAt), d.CreatedAt, d.UpdatedAt)
	if err != nil {
		return d, conflict(err, "create document "+d.Title)
	}
	return d, tx.record(ctx, RecordDocument, d.ID, ledger.ActionCreate)
}

// UpdateDocument replaces a document's fields.
func (tx *Tx) UpdateDocument(ctx context.Context, d isms.Document) (isms.Document, error) {
	d.UpdatedAt = tx.now
	res, err := tx.tx.ExecContext(ctx, `UPDATE documents SET kind = $3, title = $4, summary = $5, owner_id = $6, classification = $7,
		review_months = $8, next_review = $9, approvers = $10, controls = $11, audience = $12, retired_at = $13, updated_at = $14
		WHERE org_id = $1 AND id = $2`, d.OrgID, d.ID, string(d.Kind), d.Title, d.Summary, d.OwnerID, d.Classification, d.ReviewMonths,
		timeArg(d.NextReview), jsonList(d.ApproverIDs), jsonList(d.Controls), jsonList(d.Audience), timeArg(d.RetiredAt), d.UpdatedAt)
	if err := mustAffect(res, err, "document "+d.ID); err != nil {
		return d, err
	}
	return d, tx.record(ctx, RecordDocument, d.ID, ledger.ActionUpdate)
}

// Document returns a document by id.
func (r Reads) Document(ctx context.Context, orgID, id string) (isms.Document, error) {
	d, err := scanDoc(r.q.QueryRowContext(ctx, `SELECT `+docColumns+` FROM documents WHERE org_id = $1 AND id = $2`, orgID, id))
	if err != nil {
		return d, notFound(err, "document "+id)
	}
	return d, nil
}

// DocumentByRef returns a document by its reference number.
func (r Reads) DocumentByRef(ctx context.Context, orgID string, ref int) (isms.Document, error) {
	d, err := scanDoc(r.q.QueryRowContext(ctx, `SELECT `+docColumns+` FROM documents WHERE org_id = $1 AND ref_num = $2`, orgID, ref))
	if err != nil {
		return d, notFound(err, fmt.Sprintf("document DOC-%03d", ref))
	}
	return d, nil
}

// DocFilter selects documents.
type DocFilter struct {
	Kind isms.DocKind
	// Control selects the documents that address a control.
	Control string
	Query   string
	// Retired includes retired documents.
	Retired bool
}

// Documents lists the register by reference. Organisations keep tens to a
// few hundred documents, so the register is read whole.
func (r Reads) Documents(ctx context.Context, orgID string, f DocFilter) ([]isms.Document, error) {
	w := newWhere()
	w.add("org_id = $%d", orgID)
	if f.Kind != "" {
		w.add("kind = $%d", string(f.Kind))
	}
	if f.Control != "" {
		// The column is a JSON array of strings; a quoted match is exact.
		b, _ := json.Marshal(f.Control)
		w.add("controls LIKE $%d ESCAPE '\\'", "%"+likeEscape(string(b))+"%")
	}
	if !f.Retired {
		w.add("retired_at IS NULL")
	}
	if f.Query != "" {
		if n, err := strconv.Atoi(trimDocPrefix(f.Query)); err == nil {
			w.add("(ref_num = $%[1]d OR "+r.contains("title", 2)+")", n, likePattern(f.Query))
		} else {
			w.add(r.contains("title", 1), likePattern(f.Query))
		}
	}
	rows, err := r.q.QueryContext(ctx, `SELECT `+docColumns+` FROM documents WHERE `+w.sql()+` ORDER BY ref_num`, w.args...)
	if err != nil {
		return nil, fmt.Errorf("documents: %w", err)
	}
	defer rows.Close()
	var out []isms.Document
	for rows.Next() {
		d, err := scanDoc(rows)
		if err != nil {
			return nil, fmt.Errorf("documents: %w", err)
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

func trimDocPrefix(q string) string {
	if len(q) > 4 && (q[:4] == "DOC-" || q[:4] == "doc-") {
		return q[4:]
	}
	return q
}

// likeEscape escapes LIKE's wildcards, keeping the case.
func likeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

const docVersionColumns = `id, org_id, document_id, major, minor, format, body, file_sha256, file_name, media_type, file_size, change_note,
	status, author_id, submitted_at, approved_at, published_at, published_by, created_at, updated_at`

func scanDocVersion(row interface{ Scan(...any) error }) (isms.DocVersion, error) {
	var (
		v                              isms.DocVersion
		format, status                 string
		author, publishedBy            *string
		submitted, approved, published nullTime
	)
	err := row.Scan(&v.ID, &v.OrgID, &v.DocumentID, &v.Major, &v.Minor, &format, &v.Body, &v.FileSHA256, &v.FileName, &v.MediaType,
		&v.FileSize, &v.ChangeNote, &status, &author, &submitted, &approved, &published, &publishedBy, &v.CreatedAt, &v.UpdatedAt)
	v.Format, v.Status, v.AuthorID, v.PublishedBy = isms.DocFormat(format), isms.VersionStatus(status), deref(author), deref(publishedBy)
	v.SubmittedAt, v.ApprovedAt, v.PublishedAt = submitted.ptr(), approved.ptr(), published.ptr()
	v.CreatedAt, v.UpdatedAt = v.CreatedAt.UTC(), v.UpdatedAt.UTC()
	return v, err
}

// SaveDocVersion adds a version, or replaces one when v.ID is set.
func (tx *Tx) SaveDocVersion(ctx context.Context, v isms.DocVersion) (isms.DocVersion, error) {
	v.UpdatedAt = tx.now
	args := []any{v.OrgID, v.DocumentID, v.Major, v.Minor, string(v.Format), v.Body, v.FileSHA256, v.FileName, v.MediaType, v.FileSize,
		v.ChangeNote, string(v.Status), nullString(v.AuthorID), timeArg(v.SubmittedAt), timeArg(v.ApprovedAt), timeArg(v.PublishedAt),
		nullString(v.PublishedBy), v.UpdatedAt}
	if v.ID == "" {
		v.ID, v.CreatedAt = NewID(), tx.now
		_, err := tx.tx.ExecContext(ctx, `INSERT INTO document_versions (org_id, document_id, major, minor, format, body, file_sha256,
			file_name, media_type, file_size, change_note, status, author_id, submitted_at, approved_at, published_at, published_by,
			updated_at, id, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20)`,
			append(args, v.ID, v.CreatedAt)...)
		if err != nil {
			return v, conflict(err, "version "+v.Number())
		}
		return v, tx.record(ctx, RecordDocVersion, v.ID, ledger.ActionCreate)
	}
	res, err := tx.tx.ExecContext(ctx, `UPDATE document_versions SET major = $3, minor = $4, format = $5, body = $6, file_sha256 = $7,
		file_name = $8, media_type = $9, file_size = $10, change_note = $11, status = $12, author_id = $13, submitted_at = $14,
		approved_at = $15, published_at = $16, published_by = $17, updated_at = $18 WHERE org_id = $1 AND document_id = $2 AND id = $19`,
		append(args, v.ID)...)
	if err := mustAffect(res, err, "version "+v.ID); err != nil {
		return v, err
	}
	return v, tx.record(ctx, RecordDocVersion, v.ID, ledger.ActionUpdate)
}

// DocVersions returns the versions of the given documents, newest first,
// by document.
func (r Reads) DocVersions(ctx context.Context, orgID string, docIDs ...string) (map[string][]isms.DocVersion, error) {
	out := map[string][]isms.DocVersion{}
	if len(docIDs) == 0 {
		return out, nil
	}
	w := newWhere()
	w.add("org_id = $%d", orgID)
	w.in("document_id", docIDs)
	rows, err := r.q.QueryContext(ctx, `SELECT `+docVersionColumns+` FROM document_versions WHERE `+w.sql()+`
		ORDER BY major DESC, minor DESC`, w.args...)
	if err != nil {
		return nil, fmt.Errorf("document versions: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		v, err := scanDocVersion(rows)
		if err != nil {
			return nil, fmt.Errorf("document versions: %w", err)
		}
		out[v.DocumentID] = append(out[v.DocumentID], v)
	}
	return out, rows.Err()
}

// AddDocApproval records an approver's decision.
func (tx *Tx) AddDocApproval(ctx context.Context, a isms.DocApproval) (isms.DocApproval, error) {
	a.ID, a.CreatedAt = NewID(), tx.now
	if _, err := tx.tx.ExecContext(ctx, `INSERT INTO document_approvals (id, org_id, version_id, approver_id, approved, note, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, a.ID, a.OrgID, a.VersionID, a.ApproverID, a.Approved, a.Note, a.CreatedAt); err != nil {
		return a, fmt.Errorf("approval: %w", err)
	}
	return a, tx.record(ctx, RecordDocApproval, a.ID, ledger.ActionCreate)
}

// DocApprovals returns the decisions on a version, oldest first.
func (r Reads) DocApprovals(ctx context.Context, orgID, versionID string) ([]isms.DocApproval, error) {
	rows, err := r.q.QueryContext(ctx, `SELECT id, org_id, version_id, approver_id, approved, note, created_at FROM document_approvals
		WHERE org_id = $1 AND version_id = $2 ORDER BY created_at, id`, orgID, versionID)
	if err != nil {
		return nil, fmt.Errorf("approvals: %w", err)
	}
	defer rows.Close()
	var out []isms.DocApproval
	for rows.Next() {
		var a isms.DocApproval
		if err := rows.Scan(&a.ID, &a.OrgID, &a.VersionID, &a.ApproverID, &a.Approved, &a.Note, &a.CreatedAt); err != nil {
			return nil, fmt.Errorf("approvals: %w", err)
		}
		a.CreatedAt = a.CreatedAt.UTC()
		out = append(out, a)
	}
	return out, rows.Err()
}

// AddDocAck records that a member has read a published version; once is
// enough.
func (tx *Tx) AddDocAck(ctx context.Context, a isms.DocAck) (isms.DocAck, error) {
	a.ID, a.CreatedAt = NewID(), tx.now
	if _, err := tx.tx.ExecContext(ctx, `INSERT INTO document_acks (id, org_id, document_id, version_id, member_id, created_at)
		VALUES ($1, $2, $3, $4, $5, $6)`, a.ID, a.OrgID, a.DocumentID, a.VersionID, a.MemberID, a.CreatedAt); err != nil {
		return a, conflict(err, "acknowledgement")
	}
	return a, tx.record(ctx, RecordDocAck, a.ID, ledger.ActionCreate)
}

// DocAcks returns the acknowledgements of the given versions by member id,
// by version.
func (r Reads) DocAcks(ctx context.Context, orgID string, versionIDs ...string) (map[string]map[string]isms.DocAck, error) {
	out := map[string]map[string]isms.DocAck{}
	if len(versionIDs) == 0 {
		return out, nil
	}
	w := newWhere()
	w.add("org_id = $%d", orgID)
	w.in("version_id", versionIDs)
	rows, err := r.q.QueryContext(ctx, `SELECT id, org_id, document_id, version_id, member_id, created_at FROM document_acks WHERE `+
		w.sql(), w.args...)
	if err != nil {
		return nil, fmt.Errorf("acknowledgements: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var a isms.DocAck
		if err := rows.Scan(&a.ID, &a.OrgID, &a.DocumentID, &a.VersionID, &a.MemberID, &a.CreatedAt); err != nil {
			return nil, fmt.Errorf("acknowledgements: %w", err)
		}
		a.CreatedAt = a.CreatedAt.UTC()
		if out[a.VersionID] == nil {
			out[a.VersionID] = map[string]isms.DocAck{}
		}
		out[a.VersionID][a.MemberID] = a
	}
	return out, rows.Err()
}
