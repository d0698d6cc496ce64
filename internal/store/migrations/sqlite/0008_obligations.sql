-- The register of legal, statutory, regulatory and contractual
-- requirements (Annex A 5.31 to 5.34). An applicable obligation is a reason
-- to include the controls that meet it in the Statement of Applicability.
CREATE TABLE obligations (
    id                    TEXT PRIMARY KEY,
    org_id                TEXT NOT NULL REFERENCES organizations (id),
    ref_num               INTEGER NOT NULL,
    kind                  TEXT NOT NULL CHECK (kind IN ('legal', 'statutory', 'regulatory', 'contractual')),
    title                 TEXT NOT NULL,
    source                TEXT NOT NULL,
    source_url            TEXT NOT NULL,
    jurisdiction          TEXT NOT NULL,
    owner_id              TEXT REFERENCES memberships (id),
    applicability         TEXT NOT NULL,
    ai_risk_class         TEXT NOT NULL CHECK (ai_risk_class IN ('', 'prohibited', 'high', 'limited', 'minimal')),
    review_date           TIMESTAMP,
    status                TEXT NOT NULL CHECK (status IN ('applicable', 'not_applicable')),
    not_applicable_reason TEXT NOT NULL,
    created_at            TIMESTAMP NOT NULL,
    updated_at            TIMESTAMP NOT NULL,
    UNIQUE (org_id, ref_num)
);
CREATE INDEX obligations_owner ON obligations (org_id, owner_id);

-- The AI assets an obligation concerns (an AI Act obligation names the
-- systems it is about).
CREATE TABLE obligation_assets (
    id            TEXT PRIMARY KEY,
    org_id        TEXT NOT NULL REFERENCES organizations (id),
    obligation_id TEXT NOT NULL REFERENCES obligations (id),
    asset_id      TEXT NOT NULL REFERENCES assets (id),
    created_at    TIMESTAMP NOT NULL,
    UNIQUE (obligation_id, asset_id)
);
CREATE INDEX obligation_assets_asset ON obligation_assets (asset_id);

-- The controls that meet an obligation, as framework:item references.
CREATE TABLE obligation_controls (
    id            TEXT PRIMARY KEY,
    org_id        TEXT NOT NULL REFERENCES organizations (id),
    obligation_id TEXT NOT NULL REFERENCES obligations (id),
    control       TEXT NOT NULL,
    created_at    TIMESTAMP NOT NULL,
    UNIQUE (obligation_id, control)
);
CREATE INDEX obligation_controls_control ON obligation_controls (org_id, control);
