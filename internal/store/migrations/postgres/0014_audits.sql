-- Internal audit (ISO/IEC 27001 9.2): the programme over the certification
-- cycle, the audits with their auditors, and each audit's checklist with a
-- result an item. Coverage of the cycle is derived from the checklists when
-- read, never stored.
CREATE TABLE audit_programmes (
    id          TEXT PRIMARY KEY,
    org_id      TEXT NOT NULL UNIQUE REFERENCES organizations (id),
    cycle_start TIMESTAMPTZ NOT NULL,
    notes       TEXT NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL
);

CREATE TABLE audits (
    id            TEXT PRIMARY KEY,
    org_id        TEXT NOT NULL REFERENCES organizations (id),
    ref_num       INTEGER NOT NULL,
    title         TEXT NOT NULL,
    scope         TEXT NOT NULL,
    criteria      TEXT NOT NULL,
    status        TEXT NOT NULL CHECK (status IN ('planned', 'in_progress', 'completed')),
    planned_start TIMESTAMPTZ NOT NULL,
    planned_end   TIMESTAMPTZ NOT NULL,
    started_at    TIMESTAMPTZ,
    completed_at  TIMESTAMPTZ,
    conclusion    TEXT NOT NULL,
    created_by    TEXT REFERENCES memberships (id),
    created_at    TIMESTAMPTZ NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL,
    UNIQUE (org_id, ref_num),
    CHECK (planned_start <= planned_end)
);
CREATE INDEX audits_planned ON audits (org_id, planned_start);

CREATE TABLE audit_auditors (
    id         TEXT PRIMARY KEY,
    org_id     TEXT NOT NULL REFERENCES organizations (id),
    audit_id   TEXT NOT NULL REFERENCES audits (id),
    member_id  TEXT NOT NULL REFERENCES memberships (id),
    created_at TIMESTAMPTZ NOT NULL,
    UNIQUE (audit_id, member_id)
);
CREATE INDEX audit_auditors_member ON audit_auditors (org_id, member_id);

-- The link to the nonconformity register lives here, so that the register
-- does not need to know about audits.
CREATE TABLE audit_items (
    id               TEXT PRIMARY KEY,
    org_id           TEXT NOT NULL REFERENCES organizations (id),
    audit_id         TEXT NOT NULL REFERENCES audits (id),
    position         INTEGER NOT NULL,
    ref              TEXT NOT NULL,
    kind             TEXT NOT NULL CHECK (kind IN ('clause', 'control', 'overlay')),
    title            TEXT NOT NULL,
    result           TEXT NOT NULL CHECK (result IN ('', 'conforming', 'minor_nonconformity', 'major_nonconformity',
                                                     'observation', 'opportunity_for_improvement')),
    notes            TEXT NOT NULL,
    evidence         TEXT NOT NULL,
    nonconformity_id TEXT REFERENCES nonconformities (id),
    recorded_by      TEXT REFERENCES memberships (id),
    recorded_at      TIMESTAMPTZ,
    created_at       TIMESTAMPTZ NOT NULL,
    updated_at       TIMESTAMPTZ NOT NULL,
    UNIQUE (audit_id, ref)
);
CREATE INDEX audit_items_ref ON audit_items (org_id, ref, recorded_at);
CREATE INDEX audit_items_nc ON audit_items (nonconformity_id);
