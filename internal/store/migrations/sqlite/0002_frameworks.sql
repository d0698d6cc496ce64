-- Framework library: imported frameworks and each organisation's choice
-- of the frameworks it runs.

-- One row per imported file, holding every framework and mapping set the
-- file brought, so an import is added and removed whole. org_id NULL
-- makes it available to every organisation of the instance.
CREATE TABLE framework_imports (
    id            TEXT PRIMARY KEY,
    org_id        TEXT REFERENCES organizations (id),
    file_name     TEXT NOT NULL,
    source_format TEXT NOT NULL CHECK (source_format IN ('isms', 'oscal', 'ciso')),
    framework_ids TEXT NOT NULL,
    content       TEXT NOT NULL,
    created_at    TIMESTAMP NOT NULL
);
CREATE INDEX framework_imports_org ON framework_imports (org_id);

-- Which frameworks an organisation runs. A framework without a row has
-- its default: ISO/IEC 27001:2022 on, everything else off.
CREATE TABLE org_frameworks (
    id           TEXT PRIMARY KEY,
    org_id       TEXT NOT NULL REFERENCES organizations (id),
    framework_id TEXT NOT NULL,
    enabled      BOOLEAN NOT NULL,
    created_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL,
    UNIQUE (org_id, framework_id)
);
