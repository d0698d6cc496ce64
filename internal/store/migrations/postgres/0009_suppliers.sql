-- The supplier register (ISO/IEC 27001:2022 A.5.19 to A.5.23): suppliers,
-- the assets that depend on them, the certifications they hold and the
-- security assessments made of them.

-- data_shared and clauses are JSON arrays of keys, sorted, so the same
-- choices are the same text in the ledger.
CREATE TABLE suppliers (
    id             TEXT PRIMARY KEY,
    org_id         TEXT NOT NULL REFERENCES organizations (id),
    name           TEXT NOT NULL,
    kind           TEXT NOT NULL,
    services       TEXT NOT NULL DEFAULT '',
    criticality    TEXT NOT NULL CHECK (criticality IN ('low', 'medium', 'high', 'critical')),
    status         TEXT NOT NULL CHECK (status IN ('onboarding', 'active', 'exiting', 'ended')),
    owner_id       TEXT REFERENCES memberships (id),
    website        TEXT NOT NULL DEFAULT '',
    contact        TEXT NOT NULL DEFAULT '',
    data_shared    TEXT NOT NULL DEFAULT '[]',
    data_location  TEXT NOT NULL DEFAULT '',
    clauses        TEXT NOT NULL DEFAULT '[]',
    incident_hours INTEGER NOT NULL DEFAULT 0,
    contract_ends  TIMESTAMPTZ,
    review_cadence TEXT NOT NULL,
    last_reviewed  TIMESTAMPTZ,
    exit_plan      TEXT NOT NULL DEFAULT '',
    notes          TEXT NOT NULL DEFAULT '',
    created_at     TIMESTAMPTZ NOT NULL,
    updated_at     TIMESTAMPTZ NOT NULL,
    UNIQUE (org_id, name)
);

-- An asset that depends on a supplier: a model served by an API provider,
-- a training cluster rented from a GPU cloud.
CREATE TABLE supplier_assets (
    id          TEXT PRIMARY KEY,
    org_id      TEXT NOT NULL REFERENCES organizations (id),
    supplier_id TEXT NOT NULL REFERENCES suppliers (id),
    asset_id    TEXT NOT NULL REFERENCES assets (id),
    created_at  TIMESTAMPTZ NOT NULL,
    UNIQUE (supplier_id, asset_id)
);
CREATE INDEX supplier_assets_asset ON supplier_assets (asset_id);

CREATE TABLE supplier_certifications (
    id          TEXT PRIMARY KEY,
    org_id      TEXT NOT NULL REFERENCES organizations (id),
    supplier_id TEXT NOT NULL REFERENCES suppliers (id),
    kind        TEXT NOT NULL,
    reference   TEXT NOT NULL DEFAULT '',
    issuer      TEXT NOT NULL DEFAULT '',
    scope       TEXT NOT NULL DEFAULT '',
    issued_on   TIMESTAMPTZ,
    valid_until TIMESTAMPTZ NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX supplier_certifications_supplier ON supplier_certifications (org_id, supplier_id);

-- answers is a JSON array of {question, answer}.
CREATE TABLE supplier_assessments (
    id          TEXT PRIMARY KEY,
    org_id      TEXT NOT NULL REFERENCES organizations (id),
    supplier_id TEXT NOT NULL REFERENCES suppliers (id),
    assessed_on TIMESTAMPTZ NOT NULL,
    assessor    TEXT NOT NULL,
    result      TEXT NOT NULL CHECK (result IN ('pass', 'pass_with_conditions', 'fail')),
    summary     TEXT NOT NULL DEFAULT '',
    answers     TEXT NOT NULL DEFAULT '[]',
    created_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX supplier_assessments_supplier ON supplier_assessments (org_id, supplier_id, assessed_on);
