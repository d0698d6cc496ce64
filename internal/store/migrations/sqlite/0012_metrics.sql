-- Information security objectives (6.2) and the metrics that monitor the
-- ISMS (9.1). A built-in metric's row is made the first time it is
-- recorded, targeted or linked; until then its definition lives in the
-- code. Values are stored as decimal text because the ledger refuses
-- floating-point content.
CREATE TABLE metrics (
    id          TEXT PRIMARY KEY,
    org_id      TEXT NOT NULL REFERENCES organizations (id),
    metric_key  TEXT NOT NULL,
    name        TEXT NOT NULL,
    description TEXT NOT NULL,
    unit        TEXT NOT NULL,
    direction   TEXT NOT NULL CHECK (direction IN ('higher', 'lower')),
    target      TEXT,
    source      TEXT NOT NULL CHECK (source IN ('builtin', 'manual')),
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL,
    UNIQUE (org_id, metric_key)
);

-- One measurement a metric a day: day is measured_at's UTC date, and a
-- second measurement the same day replaces the first.
CREATE TABLE metric_measurements (
    id          TEXT PRIMARY KEY,
    org_id      TEXT NOT NULL REFERENCES organizations (id),
    metric_id   TEXT NOT NULL REFERENCES metrics (id),
    day         TEXT NOT NULL,
    value       TEXT NOT NULL,
    measured_at TIMESTAMP NOT NULL,
    source      TEXT NOT NULL CHECK (source IN ('snapshot', 'manual', 'api')),
    note        TEXT NOT NULL,
    recorded_by TEXT REFERENCES memberships (id),
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL,
    UNIQUE (metric_id, day)
);

CREATE TABLE objectives (
    id           TEXT PRIMARY KEY,
    org_id       TEXT NOT NULL REFERENCES organizations (id),
    ref_num      INTEGER NOT NULL,
    title        TEXT NOT NULL,
    description  TEXT NOT NULL,
    owner_id     TEXT NOT NULL REFERENCES memberships (id),
    target       TEXT NOT NULL,
    due_date     TIMESTAMP NOT NULL,
    measured_how TEXT NOT NULL,
    status       TEXT NOT NULL CHECK (status IN ('on_track', 'at_risk', 'achieved', 'missed')),
    created_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL,
    UNIQUE (org_id, ref_num)
);

CREATE TABLE objective_metrics (
    id           TEXT PRIMARY KEY,
    org_id       TEXT NOT NULL REFERENCES organizations (id),
    objective_id TEXT NOT NULL REFERENCES objectives (id),
    metric_id    TEXT NOT NULL REFERENCES metrics (id),
    created_at   TIMESTAMP NOT NULL,
    UNIQUE (objective_id, metric_id)
);
CREATE INDEX objective_metrics_metric ON objective_metrics (metric_id);
