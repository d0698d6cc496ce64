package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/isms-dev/isms/internal/ledger"
)

// FrameworkImport is one imported framework file: the frameworks and
// mapping sets it brought, kept whole so it is added and removed whole.
type FrameworkImport struct {
	ID string
	// OrgID is empty for an import every organisation of the instance
	// sees.
	OrgID        string
	FileName     string
	SourceFormat string
	FrameworkIDs []string
	// Content is the import as JSON, in the form package framework
	// writes; the store does not look inside.
	Content   []byte
	CreatedAt time.Time
}

const importColumns = `id, org_id, file_name, source_format, framework_ids, content, created_at`

func scanImport(row interface{ Scan(...any) error }) (FrameworkImport, error) {
	var (
		fi      FrameworkImport
		orgID   *string
		ids     string
		content string
	)
	err := row.Scan(&fi.ID, &orgID, &fi.FileName, &fi.SourceFormat, &ids, &content, &fi.CreatedAt)
	if orgID != nil {
		fi.OrgID = *orgID
	}
	fi.FrameworkIDs = strings.Fields(ids)
	fi.Content = []byte(content)
	fi.CreatedAt = fi.CreatedAt.UTC()
	return fi, err
}

// AddFrameworkImport stores an import.
func (tx *Tx) AddFrameworkImport(ctx context.Context, fi FrameworkImport) (FrameworkImport, error) {
	fi.ID = NewID()
	fi.CreatedAt = tx.now
	_, err := tx.tx.ExecContext(ctx, `INSERT INTO framework_imports (`+importColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
		fi.ID, nullString(fi.OrgID), fi.FileName, fi.SourceFormat, strings.Join(fi.FrameworkIDs, " "), string(fi.Content), fi.CreatedAt)
	if err != nil {
		return fi, fmt.Errorf("store framework import %s: %w", fi.FileName, err)
	}
	return fi, tx.record(ctx, RecordFrameworkImport, fi.ID, ledger.ActionCreate)
}

// RemoveFrameworkImport deletes an organisation's import; orgID empty
// deletes an instance-wide one.
func (tx *Tx) RemoveFrameworkImport(ctx context.Context, orgID, id string) error {
	var (
		res   sql.Result
		err   error
		chain = orgID
	)
	if orgID == "" {
		chain = ledger.InstanceChain
		res, err = tx.tx.ExecContext(ctx, `DELETE FROM framework_imports WHERE id = $1 AND org_id IS NULL`, id)
	} else {
		res, err = tx.tx.ExecContext(ctx, `DELETE FROM framework_imports WHERE id = $1 AND org_id = $2`, id, orgID)
	}
	if err := mustAffect(res, err, "remove framework import "+id); err != nil {
		return err
	}
	return tx.recordDeletion(ctx, chain, RecordFrameworkImport, id)
}

// FrameworkImports lists the imports an organisation sees: the instance's
// and its own, oldest first. With orgID empty, only the instance's.
func (r Reads) FrameworkImports(ctx context.Context, orgID string) ([]FrameworkImport, error) {
	rows, err := r.q.QueryContext(ctx, `SELECT `+importColumns+` FROM framework_imports
		WHERE org_id IS NULL OR org_id = $1 ORDER BY id`, orgID)
	if err != nil {
		return nil, fmt.Errorf("list framework imports: %w", err)
	}
	defer rows.Close()
	var out []FrameworkImport
	for rows.Next() {
		fi, err := scanImport(rows)
		if err != nil {
			return nil, fmt.Errorf("list framework imports: %w", err)
		}
		out = append(out, fi)
	}
	return out, rows.Err()
}

// FrameworkImportVersion returns a value that changes whenever the
// imports an organisation sees change, so a cache can tell it is stale
// without reading the imports.
func (r Reads) FrameworkImportVersion(ctx context.Context, orgID string) (string, error) {
	rows, err := r.q.QueryContext(ctx, `SELECT id FROM framework_imports WHERE org_id IS NULL OR org_id = $1 ORDER BY id`, orgID)
	if err != nil {
		return "", fmt.Errorf("framework import version: %w", err)
	}
	defer rows.Close()
	var b strings.Builder
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return "", fmt.Errorf("framework import version: %w", err)
		}
		b.WriteString(id + ",")
	}
	return b.String(), rows.Err()
}

// FrameworkChoice is an organisation's recorded choice about one
// framework.
type FrameworkChoice struct {
	ID          string
	FrameworkID string
	Enabled     bool
	UpdatedAt   time.Time
}

// FrameworkChoices returns an organisation's recorded choices by framework
// id.
func (r Reads) FrameworkChoices(ctx context.Context, orgID string) (map[string]FrameworkChoice, error) {
	rows, err := r.q.QueryContext(ctx, `SELECT id, framework_id, enabled, updated_at FROM org_frameworks WHERE org_id = $1`, orgID)
	if err != nil {
		return nil, fmt.Errorf("list framework choices: %w", err)
	}
	defer rows.Close()
	out := map[string]FrameworkChoice{}
	for rows.Next() {
		var c FrameworkChoice
		if err := rows.Scan(&c.ID, &c.FrameworkID, &c.Enabled, &c.UpdatedAt); err != nil {
			return nil, fmt.Errorf("list framework choices: %w", err)
		}
		out[c.FrameworkID] = c
	}
	return out, rows.Err()
}

// ChooseFramework records whether an organisation runs a framework.
func (tx *Tx) ChooseFramework(ctx context.Context, orgID, frameworkID string, enabled bool) error {
	var id string
	err := tx.tx.QueryRowContext(ctx, `SELECT id FROM org_frameworks WHERE org_id = $1 AND framework_id = $2`, orgID, frameworkID).Scan(&id)
	switch {
	case err == nil:
		if _, err := tx.tx.ExecContext(ctx, `UPDATE org_frameworks SET enabled = $2, updated_at = $3 WHERE id = $1`, id, enabled, tx.now); err != nil {
			return fmt.Errorf("choose framework %s: %w", frameworkID, err)
		}
		return tx.record(ctx, RecordOrgFramework, id, ledger.ActionUpdate)
	case errNoRows(err):
		id = NewID()
		if _, err := tx.tx.ExecContext(ctx, `INSERT INTO org_frameworks (id, org_id, framework_id, enabled, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $5)`, id, orgID, frameworkID, enabled, tx.now); err != nil {
			return conflict(err, "choose framework "+frameworkID)
		}
		return tx.record(ctx, RecordOrgFramework, id, ledger.ActionCreate)
	default:
		return fmt.Errorf("choose framework %s: %w", frameworkID, err)
	}
}

// AllFrameworkIDs returns the ids of every imported framework of the
// instance, in any organisation.
func (r Reads) AllFrameworkIDs(ctx context.Context) (map[string]bool, error) {
	rows, err := r.q.QueryContext(ctx, `SELECT framework_ids FROM framework_imports`)
	if err != nil {
		return nil, fmt.Errorf("list framework ids: %w", err)
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var ids string
		if err := rows.Scan(&ids); err != nil {
			return nil, fmt.Errorf("list framework ids: %w", err)
		}
		for _, id := range strings.Fields(ids) {
			out[id] = true
		}
	}
	return out, rows.Err()
}
