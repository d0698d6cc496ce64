-- The incident register (ISO/IEC 27001:2022 Annex A 5.24 to 5.28, 6.8).
-- The notification deadlines (GDPR art. 33, EU AI Act art. 73) are not
-- stored: they follow from the facts in the row, so they cannot disagree
-- with them.
CREATE TABLE incidents (
    id                        TEXT PRIMARY KEY,
    org_id                    TEXT NOT NULL REFERENCES organizations (id),
    ref_num                   INTEGER NOT NULL,
    title                     TEXT NOT NULL,
    description               TEXT NOT NULL,
    category                  TEXT NOT NULL,
    severity                  TEXT NOT NULL CHECK (severity IN ('low', 'medium', 'high', 'critical')),
    status                    TEXT NOT NULL CHECK (status IN ('reported', 'triaged', 'contained', 'eradicated', 'recovered', 'closed')),
    occurred_at               TIMESTAMPTZ,
    detected_at               TIMESTAMPTZ NOT NULL,
    aware_at                  TIMESTAMPTZ,
    reporter                  TEXT NOT NULL,
    raised_by                 TEXT REFERENCES memberships (id),
    handler_id                TEXT REFERENCES memberships (id),
    personal_data             BOOLEAN NOT NULL,
    data_subjects             INTEGER NOT NULL,
    authority_notified_at     TIMESTAMPTZ,
    authority_ref             TEXT NOT NULL,
    notification_not_required TEXT NOT NULL,
    ai_high_risk              BOOLEAN NOT NULL,
    ai_serious                BOOLEAN NOT NULL,
    ai_case                   TEXT NOT NULL,
    ai_reported_at            TIMESTAMPTZ,
    ai_report_ref             TEXT NOT NULL,
    containment               TEXT NOT NULL,
    eradication               TEXT NOT NULL,
    recovery                  TEXT NOT NULL,
    lessons_learned           TEXT NOT NULL,
    contained_at              TIMESTAMPTZ,
    closed_at                 TIMESTAMPTZ,
    created_at                TIMESTAMPTZ NOT NULL,
    updated_at                TIMESTAMPTZ NOT NULL,
    UNIQUE (org_id, ref_num)
);
CREATE INDEX incidents_open ON incidents (org_id, closed_at, detected_at);

-- The assets an incident affected.
CREATE TABLE incident_assets (
    id          TEXT PRIMARY KEY,
    org_id      TEXT NOT NULL REFERENCES organizations (id),
    incident_id TEXT NOT NULL REFERENCES incidents (id),
    asset_id    TEXT NOT NULL REFERENCES assets (id),
    created_at  TIMESTAMPTZ NOT NULL,
    UNIQUE (incident_id, asset_id)
);
CREATE INDEX incident_assets_asset ON incident_assets (asset_id);

-- The timeline: entries are only ever added.
CREATE TABLE incident_events (
    id          TEXT PRIMARY KEY,
    org_id      TEXT NOT NULL REFERENCES organizations (id),
    incident_id TEXT NOT NULL REFERENCES incidents (id),
    at          TIMESTAMPTZ NOT NULL,
    what        TEXT NOT NULL,
    who         TEXT NOT NULL,
    recorded_by TEXT REFERENCES memberships (id),
    created_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX incident_events_incident ON incident_events (incident_id, at);

-- Evidence collected for an incident (5.28), with the hash of its content
-- when it was attached, and its chain of custody.
CREATE TABLE incident_evidence (
    id           TEXT PRIMARY KEY,
    org_id       TEXT NOT NULL REFERENCES organizations (id),
    incident_id  TEXT NOT NULL REFERENCES incidents (id),
    evidence_id  TEXT NOT NULL REFERENCES evidence (id),
    sha256       TEXT NOT NULL,
    collected_by TEXT NOT NULL,
    collected_at TIMESTAMPTZ NOT NULL,
    note         TEXT NOT NULL,
    recorded_by  TEXT REFERENCES memberships (id),
    created_at   TIMESTAMPTZ NOT NULL,
    UNIQUE (incident_id, evidence_id)
);

CREATE TABLE incident_custody (
    id                   TEXT PRIMARY KEY,
    org_id               TEXT NOT NULL REFERENCES organizations (id),
    incident_evidence_id TEXT NOT NULL REFERENCES incident_evidence (id),
    at                   TIMESTAMPTZ NOT NULL,
    who                  TEXT NOT NULL,
    note                 TEXT NOT NULL,
    recorded_by          TEXT REFERENCES memberships (id),
    created_at           TIMESTAMPTZ NOT NULL
);
CREATE INDEX incident_custody_item ON incident_custody (incident_evidence_id, at);

-- The nonconformities, risks and control changes raised from an incident.
-- The link is the incident's: the other registers do not change.
CREATE TABLE incident_links (
    id               TEXT PRIMARY KEY,
    org_id           TEXT NOT NULL REFERENCES organizations (id),
    incident_id      TEXT NOT NULL REFERENCES incidents (id),
    kind             TEXT NOT NULL CHECK (kind IN ('nonconformity', 'risk', 'control_task')),
    nonconformity_id TEXT REFERENCES nonconformities (id),
    risk_id          TEXT REFERENCES risks (id),
    control_task_id  TEXT REFERENCES control_tasks (id),
    created_at       TIMESTAMPTZ NOT NULL,
    CHECK ((kind = 'nonconformity' AND nonconformity_id IS NOT NULL AND risk_id IS NULL AND control_task_id IS NULL)
        OR (kind = 'risk' AND risk_id IS NOT NULL AND nonconformity_id IS NULL AND control_task_id IS NULL)
        OR (kind = 'control_task' AND control_task_id IS NOT NULL AND nonconformity_id IS NULL AND risk_id IS NULL))
);
CREATE INDEX incident_links_incident ON incident_links (incident_id);
