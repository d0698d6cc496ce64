-- The document register (ISO/IEC 27001 5.1, 5.37, 7.5): policies,
-- procedures, plans and records, each with numbered versions written in
-- isms (Markdown) or uploaded (the file in the evidence store under its
-- SHA-256), approvals by the named approvers, and acknowledgements of the
-- published version. approvers, controls and audience are JSON arrays.
CREATE TABLE documents (
    id             TEXT PRIMARY KEY,
    org_id         TEXT NOT NULL REFERENCES organizations (id),
    ref_num        INTEGER NOT NULL,
    kind           TEXT NOT NULL,
    title          TEXT NOT NULL,
    summary        TEXT NOT NULL,
    owner_id       TEXT NOT NULL REFERENCES memberships (id),
    classification TEXT NOT NULL,
    review_months  INTEGER NOT NULL,
    next_review    TIMESTAMP,
    approvers      TEXT NOT NULL,
    controls       TEXT NOT NULL,
    audience       TEXT NOT NULL,
    retired_at     TIMESTAMP,
    created_at     TIMESTAMP NOT NULL,
    updated_at     TIMESTAMP NOT NULL,
    UNIQUE (org_id, ref_num)
);

CREATE TABLE document_versions (
    id           TEXT PRIMARY KEY,
    org_id       TEXT NOT NULL REFERENCES organizations (id),
    document_id  TEXT NOT NULL REFERENCES documents (id),
    major        INTEGER NOT NULL,
    minor        INTEGER NOT NULL,
    format       TEXT NOT NULL CHECK (format IN ('markdown', 'file')),
    body         TEXT NOT NULL,
    file_sha256  TEXT NOT NULL,
    file_name    TEXT NOT NULL,
    media_type   TEXT NOT NULL,
    file_size    BIGINT NOT NULL,
    change_note  TEXT NOT NULL,
    status       TEXT NOT NULL CHECK (status IN ('draft', 'in_review', 'approved', 'published', 'superseded')),
    author_id    TEXT REFERENCES memberships (id),
    submitted_at TIMESTAMP,
    approved_at  TIMESTAMP,
    published_at TIMESTAMP,
    published_by TEXT REFERENCES memberships (id),
    created_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL,
    UNIQUE (document_id, major, minor)
);
CREATE INDEX document_versions_status ON document_versions (org_id, status);

CREATE TABLE document_approvals (
    id          TEXT PRIMARY KEY,
    org_id      TEXT NOT NULL REFERENCES organizations (id),
    version_id  TEXT NOT NULL REFERENCES document_versions (id),
    approver_id TEXT NOT NULL REFERENCES memberships (id),
    approved    BOOLEAN NOT NULL,
    note        TEXT NOT NULL,
    created_at  TIMESTAMP NOT NULL
);
CREATE INDEX document_approvals_version ON document_approvals (version_id);

CREATE TABLE document_acks (
    id          TEXT PRIMARY KEY,
    org_id      TEXT NOT NULL REFERENCES organizations (id),
    document_id TEXT NOT NULL REFERENCES documents (id),
    version_id  TEXT NOT NULL REFERENCES document_versions (id),
    member_id   TEXT NOT NULL REFERENCES memberships (id),
    created_at  TIMESTAMP NOT NULL,
    UNIQUE (version_id, member_id)
);
