-- The register of nonconformities and improvements (ISO/IEC 27001 10.1,
-- 10.2). Its stage (open, action, verification, closed) is derived from
-- the row and its actions, never stored, so the two cannot disagree.
CREATE TABLE nonconformities (
    id                TEXT PRIMARY KEY,
    org_id            TEXT NOT NULL REFERENCES organizations (id),
    ref_num           INTEGER NOT NULL,
    kind              TEXT NOT NULL CHECK (kind IN ('nonconformity', 'improvement')),
    grade             TEXT NOT NULL CHECK (grade IN ('', 'major', 'minor')),
    source            TEXT NOT NULL,
    title             TEXT NOT NULL,
    description       TEXT NOT NULL,
    requirement       TEXT NOT NULL,
    finding_id        TEXT REFERENCES findings (id),
    owner_id          TEXT NOT NULL REFERENCES memberships (id),
    raised_by         TEXT REFERENCES memberships (id),
    due_date          TIMESTAMP,
    correction        TEXT NOT NULL,
    root_cause        TEXT NOT NULL,
    verified_by       TEXT REFERENCES memberships (id),
    verified_at       TIMESTAMP,
    effective         BOOLEAN,
    verification_note TEXT NOT NULL,
    closed_at         TIMESTAMP,
    created_at        TIMESTAMP NOT NULL,
    updated_at        TIMESTAMP NOT NULL,
    UNIQUE (org_id, ref_num)
);
CREATE INDEX nonconformities_open ON nonconformities (org_id, closed_at, due_date);
CREATE INDEX nonconformities_finding ON nonconformities (finding_id);

CREATE TABLE corrective_actions (
    id                 TEXT PRIMARY KEY,
    org_id             TEXT NOT NULL REFERENCES organizations (id),
    nonconformity_id   TEXT NOT NULL REFERENCES nonconformities (id),
    title              TEXT NOT NULL,
    owner_id           TEXT NOT NULL REFERENCES memberships (id),
    due_date           TIMESTAMP NOT NULL,
    completed_at       TIMESTAMP,
    outcome            TEXT NOT NULL,
    created_at         TIMESTAMP NOT NULL,
    updated_at         TIMESTAMP NOT NULL
);
CREATE INDEX corrective_actions_nc ON corrective_actions (nonconformity_id);
CREATE INDEX corrective_actions_owner ON corrective_actions (org_id, owner_id, completed_at);
