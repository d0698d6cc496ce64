-- An organisation's record of one control: its Statement of Applicability
-- decision and its implementation. control is framework:item; the
-- organisation's own controls use the framework "org" and carry their
-- title and description. A control without a row is undecided and not
-- started, so a new organisation has 93 rows to make, not 93 to fill in.
CREATE TABLE controls (
    id               TEXT PRIMARY KEY,
    org_id           TEXT NOT NULL REFERENCES organizations (id),
    control          TEXT NOT NULL,
    title            TEXT NOT NULL,
    description      TEXT NOT NULL,
    applicability    TEXT NOT NULL CHECK (applicability IN ('', 'included', 'excluded')),
    exclusion_reason TEXT NOT NULL,
    status           TEXT NOT NULL CHECK (status IN ('not_started', 'planned', 'partial', 'implemented')),
    owner_id         TEXT REFERENCES memberships (id),
    implementation   TEXT NOT NULL,
    review_cadence   TEXT NOT NULL,
    evidence_cadence TEXT NOT NULL,
    last_reviewed    TIMESTAMPTZ,
    notes            TEXT NOT NULL,
    links            TEXT NOT NULL,
    created_at       TIMESTAMPTZ NOT NULL,
    updated_at       TIMESTAMPTZ NOT NULL,
    UNIQUE (org_id, control)
);
CREATE INDEX controls_owner ON controls (org_id, owner_id);

-- Legal, contractual and business reasons to include a control, each
-- pointing to where it is written down.
CREATE TABLE control_reasons (
    id         TEXT PRIMARY KEY,
    org_id     TEXT NOT NULL REFERENCES organizations (id),
    control_id TEXT NOT NULL REFERENCES controls (id),
    kind       TEXT NOT NULL CHECK (kind IN ('legal', 'contractual', 'business')),
    title      TEXT NOT NULL,
    url        TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX control_reasons_control ON control_reasons (control_id);

CREATE TABLE control_tasks (
    id          TEXT PRIMARY KEY,
    org_id      TEXT NOT NULL REFERENCES organizations (id),
    control_id  TEXT NOT NULL REFERENCES controls (id),
    title       TEXT NOT NULL,
    assignee_id TEXT REFERENCES memberships (id),
    due_date    TIMESTAMPTZ,
    status      TEXT NOT NULL CHECK (status IN ('open', 'done', 'cancelled')),
    created_at  TIMESTAMPTZ NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX control_tasks_control ON control_tasks (control_id);
CREATE INDEX control_tasks_assignee ON control_tasks (org_id, assignee_id, status, due_date);

-- Evidence items. A file's content lives in the evidence file store under
-- its SHA-256, written before this row; the row, and so the ledger, holds
-- the hash.
CREATE TABLE evidence (
    id           TEXT PRIMARY KEY,
    org_id       TEXT NOT NULL REFERENCES organizations (id),
    kind         TEXT NOT NULL CHECK (kind IN ('file', 'link', 'record')),
    title        TEXT NOT NULL,
    description  TEXT NOT NULL,
    url          TEXT NOT NULL,
    body         TEXT NOT NULL,
    sha256       TEXT NOT NULL,
    file_name    TEXT NOT NULL,
    size         BIGINT NOT NULL,
    media_type   TEXT NOT NULL,
    period_start TIMESTAMPTZ NOT NULL,
    period_end   TIMESTAMPTZ NOT NULL,
    collected_by TEXT REFERENCES memberships (id),
    cadence      TEXT NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL,
    updated_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX evidence_org ON evidence (org_id, period_end);
CREATE INDEX evidence_sha256 ON evidence (sha256);

-- What each evidence item supports: a control or requirement
-- (framework:item) or a risk (its id).
CREATE TABLE evidence_links (
    id          TEXT PRIMARY KEY,
    org_id      TEXT NOT NULL REFERENCES organizations (id),
    evidence_id TEXT NOT NULL REFERENCES evidence (id),
    target      TEXT NOT NULL CHECK (target IN ('control', 'requirement', 'risk')),
    ref         TEXT NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    UNIQUE (evidence_id, target, ref)
);
CREATE INDEX evidence_links_ref ON evidence_links (org_id, target, ref);

CREATE TABLE evidence_requests (
    id          TEXT PRIMARY KEY,
    org_id      TEXT NOT NULL REFERENCES organizations (id),
    control     TEXT NOT NULL,
    title       TEXT NOT NULL,
    assignee_id TEXT NOT NULL REFERENCES memberships (id),
    due_date    TIMESTAMPTZ NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('open', 'fulfilled', 'cancelled')),
    evidence_id TEXT REFERENCES evidence (id),
    created_at  TIMESTAMPTZ NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX evidence_requests_assignee ON evidence_requests (org_id, assignee_id, status, due_date);

-- Approved versions of a Statement of Applicability, frozen: content is
-- the whole statement as approved, and content_hash its SHA-256. The
-- ledger records the hash of content, so a frozen version cannot change
-- unnoticed.
CREATE TABLE soa_versions (
    id           TEXT PRIMARY KEY,
    org_id       TEXT NOT NULL REFERENCES organizations (id),
    framework    TEXT NOT NULL,
    version      INTEGER NOT NULL,
    approved_by  TEXT REFERENCES memberships (id),
    approver     TEXT NOT NULL,
    note         TEXT NOT NULL,
    content      TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL,
    UNIQUE (org_id, framework, version)
);
