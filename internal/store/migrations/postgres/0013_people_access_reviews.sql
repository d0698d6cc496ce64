-- People, ISMS roles, competence and awareness (ISO/IEC 27001 5.2, 5.3,
-- 6.1 to 6.8, 7.2, 7.3), and access review campaigns (5.15 to 5.18, 8.2,
-- 8.3). Lists of ids (a person's roles, a course's audience, a campaign's
-- systems, assets and reviewers) are JSON arrays in text columns, so that
-- the ledger holds each record whole in one row. Whether a training is
-- overdue and where a campaign stands are derived, never stored.

-- Staff records: not accounts; member_id links one that is.
CREATE TABLE people (
    id          TEXT PRIMARY KEY,
    org_id      TEXT NOT NULL REFERENCES organizations (id),
    name        TEXT NOT NULL,
    email       TEXT NOT NULL,
    team        TEXT NOT NULL,
    job_title   TEXT NOT NULL,
    start_date  TIMESTAMPTZ,
    end_date    TIMESTAMPTZ,
    member_id   TEXT REFERENCES memberships (id),
    role_ids    TEXT NOT NULL,
    notes       TEXT NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL,
    UNIQUE (org_id, email)
);
CREATE INDEX people_name ON people (org_id, name, id);

-- Roles of the management system with their responsibilities, the
-- competence they need and their RACI per control area (a JSON object).
CREATE TABLE isms_roles (
    id               TEXT PRIMARY KEY,
    org_id           TEXT NOT NULL REFERENCES organizations (id),
    name             TEXT NOT NULL,
    responsibilities TEXT NOT NULL,
    competence       TEXT NOT NULL,
    raci             TEXT NOT NULL,
    created_at       TIMESTAMPTZ NOT NULL,
    updated_at       TIMESTAMPTZ NOT NULL,
    UNIQUE (org_id, name)
);

CREATE TABLE training_courses (
    id                TEXT PRIMARY KEY,
    org_id            TEXT NOT NULL REFERENCES organizations (id),
    title             TEXT NOT NULL,
    description       TEXT NOT NULL,
    audience_role_ids TEXT NOT NULL,
    recurrence_months INTEGER NOT NULL,
    ai_security       BOOLEAN NOT NULL,
    created_at        TIMESTAMPTZ NOT NULL,
    updated_at        TIMESTAMPTZ NOT NULL,
    UNIQUE (org_id, title)
);

CREATE TABLE training_records (
    id           TEXT PRIMARY KEY,
    org_id       TEXT NOT NULL REFERENCES organizations (id),
    person_id    TEXT NOT NULL REFERENCES people (id),
    course_id    TEXT NOT NULL REFERENCES training_courses (id),
    completed_at TIMESTAMPTZ NOT NULL,
    evidence_id  TEXT REFERENCES evidence (id),
    note         TEXT NOT NULL,
    recorded_by  TEXT NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX training_records_person ON training_records (org_id, person_id, course_id, completed_at);
CREATE INDEX training_records_course ON training_records (org_id, course_id, completed_at);

-- Joiner and leaver checklists; each item records who ticked it and when.
CREATE TABLE checklists (
    id         TEXT PRIMARY KEY,
    org_id     TEXT NOT NULL REFERENCES organizations (id),
    person_id  TEXT NOT NULL REFERENCES people (id),
    kind       TEXT NOT NULL CHECK (kind IN ('joiner', 'leaver')),
    due_date   TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX checklists_person ON checklists (org_id, person_id);

CREATE TABLE checklist_items (
    id             TEXT PRIMARY KEY,
    org_id         TEXT NOT NULL REFERENCES organizations (id),
    checklist_id   TEXT NOT NULL REFERENCES checklists (id),
    position       INTEGER NOT NULL,
    title          TEXT NOT NULL,
    control        TEXT NOT NULL,
    access_removal BOOLEAN NOT NULL,
    done_by        TEXT NOT NULL,
    done_at        TIMESTAMPTZ,
    note           TEXT NOT NULL,
    created_at     TIMESTAMPTZ NOT NULL,
    updated_at     TIMESTAMPTZ NOT NULL
);
CREATE INDEX checklist_items_checklist ON checklist_items (checklist_id, position);

-- Access review campaigns; completion names the evidence item it made.
CREATE TABLE access_reviews (
    id           TEXT PRIMARY KEY,
    org_id       TEXT NOT NULL REFERENCES organizations (id),
    ref_num      INTEGER NOT NULL,
    title        TEXT NOT NULL,
    systems      TEXT NOT NULL,
    asset_ids    TEXT NOT NULL,
    reviewer_ids TEXT NOT NULL,
    due_date     TIMESTAMPTZ NOT NULL,
    period_start TIMESTAMPTZ,
    period_end   TIMESTAMPTZ,
    completed_at TIMESTAMPTZ,
    completed_by TEXT NOT NULL,
    evidence_id  TEXT REFERENCES evidence (id),
    created_by   TEXT NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL,
    updated_at   TIMESTAMPTZ NOT NULL,
    UNIQUE (org_id, ref_num)
);
CREATE INDEX access_reviews_open ON access_reviews (org_id, completed_at, due_date);

CREATE TABLE access_review_accounts (
    id            TEXT PRIMARY KEY,
    org_id        TEXT NOT NULL REFERENCES organizations (id),
    review_id     TEXT NOT NULL REFERENCES access_reviews (id),
    system        TEXT NOT NULL,
    account       TEXT NOT NULL,
    holder        TEXT NOT NULL,
    rights        TEXT NOT NULL,
    decision      TEXT NOT NULL CHECK (decision IN ('', 'keep', 'change', 'revoke')),
    decision_note TEXT NOT NULL,
    decided_by    TEXT NOT NULL,
    decided_at    TIMESTAMPTZ,
    created_at    TIMESTAMPTZ NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL,
    UNIQUE (review_id, system, account)
);
CREATE INDEX access_review_accounts_review ON access_review_accounts (review_id, system, account);
