-- Assets, the ISMS context, the risk methodology, and the risk register
-- with its treatment and the risk owners' decisions.

-- Settings of an organisation that are records in their own right: its
-- classification scheme. One row per organisation, keyed by its id.
CREATE TABLE org_settings (
    id              TEXT PRIMARY KEY REFERENCES organizations (id),
    org_id          TEXT NOT NULL REFERENCES organizations (id),
    classifications TEXT NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL
);

CREATE TABLE assets (
    id               TEXT PRIMARY KEY,
    org_id           TEXT NOT NULL REFERENCES organizations (id),
    name             TEXT NOT NULL,
    type             TEXT NOT NULL,
    description      TEXT NOT NULL DEFAULT '',
    owner_id         TEXT REFERENCES memberships (id),
    custodian_id     TEXT REFERENCES memberships (id),
    classification   TEXT NOT NULL DEFAULT '',
    confidentiality  INTEGER NOT NULL DEFAULT 0,
    integrity        INTEGER NOT NULL DEFAULT 0,
    availability     INTEGER NOT NULL DEFAULT 0,
    location         TEXT NOT NULL DEFAULT '',
    lifecycle        TEXT NOT NULL,
    disposal_date    TIMESTAMPTZ,
    disposal_method  TEXT NOT NULL DEFAULT '',
    tags             TEXT NOT NULL DEFAULT '',
    attributes       TEXT NOT NULL DEFAULT '{}',
    model_card       TEXT NOT NULL DEFAULT '',
    source_key       TEXT NOT NULL DEFAULT '',
    created_at       TIMESTAMPTZ NOT NULL,
    updated_at       TIMESTAMPTZ NOT NULL
);
CREATE INDEX assets_org_name ON assets (org_id, name, id);
CREATE INDEX assets_org_type ON assets (org_id, type, name, id);
CREATE INDEX assets_owner ON assets (org_id, owner_id);
CREATE UNIQUE INDEX assets_source ON assets (org_id, source_key) WHERE source_key <> '';

-- Tags of assets, one row a tag, for filtering without scanning text.
-- Derived from assets.tags, which is what the ledger records.
CREATE TABLE asset_tags (
    org_id   TEXT NOT NULL,
    tag      TEXT NOT NULL,
    asset_id TEXT NOT NULL REFERENCES assets (id) ON DELETE CASCADE,
    PRIMARY KEY (org_id, tag, asset_id)
);

CREATE TABLE asset_relations (
    id         TEXT PRIMARY KEY,
    org_id     TEXT NOT NULL REFERENCES organizations (id),
    from_id    TEXT NOT NULL REFERENCES assets (id),
    to_id      TEXT NOT NULL REFERENCES assets (id),
    kind       TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    UNIQUE (from_id, kind, to_id)
);
CREATE INDEX asset_relations_to ON asset_relations (to_id);

-- The ISMS scope and context (clause 4), one row a version; content is
-- the whole statement as JSON.
CREATE TABLE isms_contexts (
    id          TEXT PRIMARY KEY,
    org_id      TEXT NOT NULL REFERENCES organizations (id),
    version     INTEGER NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('draft', 'approved', 'superseded')),
    content     TEXT NOT NULL,
    created_by  TEXT NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL,
    approved_by TEXT,
    approved_at TIMESTAMPTZ,
    UNIQUE (org_id, version)
);

-- The risk methodology (6.1.2), one row a version.
CREATE TABLE risk_methodologies (
    id          TEXT PRIMARY KEY,
    org_id      TEXT NOT NULL REFERENCES organizations (id),
    version     INTEGER NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('draft', 'approved', 'superseded')),
    content     TEXT NOT NULL,
    created_by  TEXT NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL,
    approved_by TEXT,
    approved_at TIMESTAMPTZ,
    UNIQUE (org_id, version)
);

CREATE TABLE risks (
    id                  TEXT PRIMARY KEY,
    org_id              TEXT NOT NULL REFERENCES organizations (id),
    ref_num             INTEGER NOT NULL,
    title               TEXT NOT NULL,
    threat_ref          TEXT NOT NULL DEFAULT '',
    threat_text         TEXT NOT NULL DEFAULT '',
    vulnerability       TEXT NOT NULL DEFAULT '',
    scenario            TEXT NOT NULL DEFAULT '',
    affects_c           BOOLEAN NOT NULL DEFAULT FALSE,
    affects_i           BOOLEAN NOT NULL DEFAULT FALSE,
    affects_a           BOOLEAN NOT NULL DEFAULT FALSE,
    consequences        TEXT NOT NULL DEFAULT '',
    methodology_id      TEXT NOT NULL REFERENCES risk_methodologies (id),
    inherent_likelihood INTEGER NOT NULL,
    inherent_impact     INTEGER NOT NULL,
    inherent_rank       INTEGER NOT NULL,
    existing_controls   TEXT NOT NULL DEFAULT '',
    owner_id            TEXT REFERENCES memberships (id),
    review_date         TIMESTAMPTZ,
    treatment           TEXT NOT NULL DEFAULT '',
    treatment_notes     TEXT NOT NULL DEFAULT '',
    residual_likelihood INTEGER NOT NULL DEFAULT 0,
    residual_impact     INTEGER NOT NULL DEFAULT 0,
    residual_rank       INTEGER NOT NULL DEFAULT 0,
    status              TEXT NOT NULL,
    revision            INTEGER NOT NULL,
    created_at          TIMESTAMPTZ NOT NULL,
    updated_at          TIMESTAMPTZ NOT NULL,
    UNIQUE (org_id, ref_num)
);
-- List pages sort by ref_num (or by level, highest first, then ref_num)
-- and filter by one column: each filter has an index that ends in the
-- sort key, so a page of 50 is read without sorting the register. The
-- ratings after the sort key let the heat maps of a filtered register be
-- counted from the index alone: reading 5,000 risks of one owner from
-- their table rows after a change costs ten times more.
CREATE INDEX risks_org_rank ON risks (org_id, inherent_rank DESC, ref_num, methodology_id,
    inherent_likelihood, inherent_impact, residual_likelihood, residual_impact);
CREATE INDEX risks_org_residual ON risks (org_id, residual_rank DESC, ref_num, methodology_id,
    inherent_likelihood, inherent_impact, residual_likelihood, residual_impact);
CREATE INDEX risks_org_owner ON risks (org_id, owner_id, ref_num, methodology_id,
    inherent_likelihood, inherent_impact, residual_likelihood, residual_impact);
CREATE INDEX risks_org_status ON risks (org_id, status, ref_num, methodology_id,
    inherent_likelihood, inherent_impact, residual_likelihood, residual_impact);
CREATE INDEX risks_org_treatment ON risks (org_id, treatment, ref_num, methodology_id,
    inherent_likelihood, inherent_impact, residual_likelihood, residual_impact);
CREATE INDEX risks_org_review ON risks (org_id, review_date, ref_num, methodology_id,
    inherent_likelihood, inherent_impact, residual_likelihood, residual_impact);
-- The heat maps of the whole register come from risk_cell_counts; this
-- index serves counts by methodology version.
CREATE INDEX risks_org_cells ON risks (org_id, methodology_id, inherent_likelihood, inherent_impact,
    residual_likelihood, residual_impact);

-- How many risks of an organisation have each methodology version,
-- rating, status and treatment, kept in the same transaction as every
-- change to a risk, so that the register's heat maps and totals, whole or
-- by level, status or treatment, do not count 100,000 risks a view. The
-- levels follow from the version and the ratings, so they add no rows.
-- Derived from risks, which is what the ledger records.
CREATE TABLE risk_cell_counts (
    org_id              TEXT NOT NULL REFERENCES organizations (id),
    methodology_id      TEXT NOT NULL,
    inherent_likelihood INTEGER NOT NULL,
    inherent_impact     INTEGER NOT NULL,
    residual_likelihood INTEGER NOT NULL,
    residual_impact     INTEGER NOT NULL,
    inherent_rank       INTEGER NOT NULL,
    residual_rank       INTEGER NOT NULL,
    status              TEXT NOT NULL,
    treatment           TEXT NOT NULL,
    risks               INTEGER NOT NULL,
    PRIMARY KEY (org_id, methodology_id, inherent_likelihood, inherent_impact, residual_likelihood, residual_impact,
        inherent_rank, residual_rank, status, treatment)
);

CREATE TABLE risk_assets (
    id         TEXT PRIMARY KEY,
    org_id     TEXT NOT NULL REFERENCES organizations (id),
    risk_id    TEXT NOT NULL REFERENCES risks (id),
    asset_id   TEXT NOT NULL REFERENCES assets (id),
    created_at TIMESTAMPTZ NOT NULL,
    UNIQUE (risk_id, asset_id)
);
CREATE INDEX risk_assets_asset ON risk_assets (asset_id, risk_id);

-- Controls selected to treat a risk, as framework:item references.
CREATE TABLE risk_controls (
    id         TEXT PRIMARY KEY,
    org_id     TEXT NOT NULL REFERENCES organizations (id),
    risk_id    TEXT NOT NULL REFERENCES risks (id),
    control    TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    UNIQUE (risk_id, control)
);

CREATE TABLE risk_actions (
    id          TEXT PRIMARY KEY,
    org_id      TEXT NOT NULL REFERENCES organizations (id),
    risk_id     TEXT NOT NULL REFERENCES risks (id),
    description TEXT NOT NULL,
    owner_id    TEXT REFERENCES memberships (id),
    due_date    TIMESTAMPTZ,
    status      TEXT NOT NULL CHECK (status IN ('open', 'done', 'cancelled')),
    created_at  TIMESTAMPTZ NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX risk_actions_risk ON risk_actions (risk_id);
CREATE INDEX risk_actions_due ON risk_actions (org_id, status, due_date);

-- The risk owner's decisions: approving the treatment plan and accepting
-- the residual risk (6.1.3 f). A decision holds for the risk revision it
-- was made on; any later change to the risk reopens it.
CREATE TABLE risk_decisions (
    id            TEXT PRIMARY KEY,
    org_id        TEXT NOT NULL REFERENCES organizations (id),
    risk_id       TEXT NOT NULL REFERENCES risks (id),
    kind          TEXT NOT NULL CHECK (kind IN ('plan_approval', 'residual_acceptance')),
    decided_by    TEXT NOT NULL REFERENCES memberships (id),
    level         TEXT NOT NULL,
    justification TEXT NOT NULL,
    risk_revision INTEGER NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL
);
CREATE INDEX risk_decisions_risk ON risk_decisions (risk_id);
