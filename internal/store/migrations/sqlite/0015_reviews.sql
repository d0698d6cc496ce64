-- Management review (ISO/IEC 27001 9.3) and the certification cycle. A
-- review's compiled inputs are a JSON snapshot kept in the row, so that
-- the minutes show exactly what was presented; the ledger carries its
-- SHA-256. Open actions of earlier reviews are found by query, not copied.
CREATE TABLE management_reviews (
    id           TEXT PRIMARY KEY,
    org_id       TEXT NOT NULL REFERENCES organizations (id),
    ref_num      INTEGER NOT NULL,
    title        TEXT NOT NULL,
    meeting_date TIMESTAMP NOT NULL,
    chair_id     TEXT NOT NULL REFERENCES memberships (id),
    attendees    TEXT NOT NULL,
    guests       TEXT NOT NULL,
    status       TEXT NOT NULL CHECK (status IN ('draft', 'held', 'approved')),
    notes        TEXT NOT NULL,
    inputs       TEXT,
    inputs_hash  TEXT NOT NULL,
    compiled_at  TIMESTAMP,
    approved_by  TEXT REFERENCES memberships (id),
    approved_at  TIMESTAMP,
    created_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL,
    UNIQUE (org_id, ref_num)
);
CREATE INDEX management_reviews_date ON management_reviews (org_id, meeting_date);

CREATE TABLE review_decisions (
    id         TEXT PRIMARY KEY,
    org_id     TEXT NOT NULL REFERENCES organizations (id),
    review_id  TEXT NOT NULL REFERENCES management_reviews (id),
    text       TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX review_decisions_review ON review_decisions (review_id);

CREATE TABLE review_actions (
    id         TEXT PRIMARY KEY,
    org_id     TEXT NOT NULL REFERENCES organizations (id),
    review_id  TEXT NOT NULL REFERENCES management_reviews (id),
    title      TEXT NOT NULL,
    owner_id   TEXT NOT NULL REFERENCES memberships (id),
    due_date   TIMESTAMP NOT NULL,
    done_at    TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX review_actions_review ON review_actions (review_id);
CREATE INDEX review_actions_open ON review_actions (org_id, done_at);

-- The newest cycle is the current one; earlier cycles stay as history.
CREATE TABLE certification_cycles (
    id                 TEXT PRIMARY KEY,
    org_id             TEXT NOT NULL REFERENCES organizations (id),
    body               TEXT NOT NULL,
    scope              TEXT NOT NULL,
    standard           TEXT NOT NULL,
    stage1_date        TIMESTAMP,
    stage2_date        TIMESTAMP,
    certificate_number TEXT NOT NULL,
    issued_on          TIMESTAMP,
    expires_on         TIMESTAMP,
    created_at         TIMESTAMP NOT NULL,
    updated_at         TIMESTAMP NOT NULL
);
CREATE INDEX certification_cycles_org ON certification_cycles (org_id, created_at);

CREATE TABLE external_audits (
    id           TEXT PRIMARY KEY,
    org_id       TEXT NOT NULL REFERENCES organizations (id),
    cycle_id     TEXT NOT NULL REFERENCES certification_cycles (id),
    kind         TEXT NOT NULL CHECK (kind IN ('stage1', 'stage2', 'surveillance1', 'surveillance2', 'recertification', 'special')),
    planned_date TIMESTAMP,
    done_date    TIMESTAMP,
    lead_auditor TEXT NOT NULL,
    result       TEXT NOT NULL,
    created_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL
);
CREATE INDEX external_audits_cycle ON external_audits (cycle_id);

-- A finding of an external audit is a record of the nonconformity
-- register; this row keeps which audit raised it.
CREATE TABLE external_audit_findings (
    id               TEXT PRIMARY KEY,
    org_id           TEXT NOT NULL REFERENCES organizations (id),
    audit_id         TEXT NOT NULL REFERENCES external_audits (id),
    nonconformity_id TEXT NOT NULL UNIQUE REFERENCES nonconformities (id),
    created_at       TIMESTAMP NOT NULL
);
CREATE INDEX external_audit_findings_audit ON external_audit_findings (audit_id);
