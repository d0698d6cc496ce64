-- Business continuity (Annex A 5.29, 5.30, 8.13, 8.14): business impact
-- analyses of services and processes, the assets they depend on, the plans
-- that cover them, and the tests of those plans with their follow-ups.
-- Flags (a critical service without a plan, a plan untested for a year, a
-- test slower than the RTO) are derived when read, never stored.
CREATE TABLE continuity_bias (
    id          TEXT PRIMARY KEY,
    org_id      TEXT NOT NULL REFERENCES organizations (id),
    ref_num     INTEGER NOT NULL,
    name        TEXT NOT NULL,
    description TEXT NOT NULL,
    owner_id    TEXT NOT NULL REFERENCES memberships (id),
    criticality TEXT NOT NULL CHECK (criticality IN ('critical', 'high', 'medium', 'low')),
    rto_hours   INTEGER NOT NULL,
    rpo_hours   INTEGER NOT NULL,
    mtpd_hours  INTEGER NOT NULL,
    impacts     TEXT NOT NULL,
    review_date TIMESTAMPTZ,
    created_at  TIMESTAMPTZ NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL,
    UNIQUE (org_id, ref_num),
    CHECK (rto_hours <= mtpd_hours)
);

CREATE TABLE continuity_dependencies (
    id         TEXT PRIMARY KEY,
    org_id     TEXT NOT NULL REFERENCES organizations (id),
    bia_id     TEXT NOT NULL REFERENCES continuity_bias (id),
    asset_id   TEXT NOT NULL REFERENCES assets (id),
    created_at TIMESTAMPTZ NOT NULL,
    UNIQUE (bia_id, asset_id)
);
CREATE INDEX continuity_dependencies_asset ON continuity_dependencies (asset_id);

CREATE TABLE continuity_plans (
    id          TEXT PRIMARY KEY,
    org_id      TEXT NOT NULL REFERENCES organizations (id),
    ref_num     INTEGER NOT NULL,
    title       TEXT NOT NULL,
    owner_id    TEXT NOT NULL REFERENCES memberships (id),
    steps       TEXT NOT NULL,
    version     TEXT NOT NULL,
    approved_at TIMESTAMPTZ,
    review_date TIMESTAMPTZ,
    evidence_id TEXT REFERENCES evidence (id),
    created_at  TIMESTAMPTZ NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL,
    UNIQUE (org_id, ref_num)
);

CREATE TABLE continuity_plan_bias (
    id         TEXT PRIMARY KEY,
    org_id     TEXT NOT NULL REFERENCES organizations (id),
    plan_id    TEXT NOT NULL REFERENCES continuity_plans (id),
    bia_id     TEXT NOT NULL REFERENCES continuity_bias (id),
    created_at TIMESTAMPTZ NOT NULL,
    UNIQUE (plan_id, bia_id)
);
CREATE INDEX continuity_plan_bias_bia ON continuity_plan_bias (bia_id);

CREATE TABLE continuity_tests (
    id               TEXT PRIMARY KEY,
    org_id           TEXT NOT NULL REFERENCES organizations (id),
    ref_num          INTEGER NOT NULL,
    plan_id          TEXT NOT NULL REFERENCES continuity_plans (id),
    tested_on        TIMESTAMPTZ NOT NULL,
    kind             TEXT NOT NULL,
    scope            TEXT NOT NULL,
    result           TEXT NOT NULL CHECK (result IN ('pass', 'partial', 'fail')),
    recovery_minutes INTEGER,
    findings         TEXT NOT NULL,
    recorded_by      TEXT REFERENCES memberships (id),
    created_at       TIMESTAMPTZ NOT NULL,
    updated_at       TIMESTAMPTZ NOT NULL,
    UNIQUE (org_id, ref_num)
);
CREATE INDEX continuity_tests_plan ON continuity_tests (plan_id, tested_on);

CREATE TABLE continuity_follow_ups (
    id               TEXT PRIMARY KEY,
    org_id           TEXT NOT NULL REFERENCES organizations (id),
    test_id          TEXT NOT NULL REFERENCES continuity_tests (id),
    title            TEXT NOT NULL,
    nonconformity_id TEXT REFERENCES nonconformities (id),
    created_at       TIMESTAMPTZ NOT NULL,
    updated_at       TIMESTAMPTZ NOT NULL
);
CREATE INDEX continuity_follow_ups_test ON continuity_follow_ups (test_id);
