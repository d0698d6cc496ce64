-- The self-assessment "Where do we stand?". An organisation may run it
-- again later, so each run is a row. Its answers, keyed by question id,
-- and the tasks it created, keyed by the question that produced them, are
-- JSON in the row: the question set lives in the binary, and keeping the
-- answers whole means the ledger records every change to them.
CREATE TABLE self_assessments (
    id           TEXT PRIMARY KEY,
    org_id       TEXT NOT NULL REFERENCES organizations (id),
    ref_num      INTEGER NOT NULL,
    status       TEXT NOT NULL CHECK (status IN ('draft', 'completed')),
    started_by   TEXT REFERENCES memberships (id),
    answers      TEXT NOT NULL,
    tasks        TEXT NOT NULL,
    completed_by TEXT REFERENCES memberships (id),
    completed_at TIMESTAMP,
    created_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL,
    UNIQUE (org_id, ref_num)
);
