-- Vulnerability scans: Nessus imports, the hosts they covered, the findings
-- they report and the compliance checks of audit scans.

-- The host identities of assets (FQDN, IP, NetBIOS name, MAC), lowercased,
-- so a scan host is matched with an index rather than by reading every
-- asset's attributes. Derived from assets.attributes, which the ledger
-- records, in the same transaction.
CREATE TABLE asset_identities (
    org_id   TEXT NOT NULL REFERENCES organizations (id),
    kind     TEXT NOT NULL CHECK (kind IN ('fqdn', 'ip', 'netbios', 'mac')),
    value    TEXT NOT NULL,
    asset_id TEXT NOT NULL REFERENCES assets (id),
    PRIMARY KEY (org_id, kind, value, asset_id)
);
CREATE INDEX asset_identities_asset ON asset_identities (asset_id);

-- Remediation deadlines per severity, in days; 0 means none. One row per
-- organisation once it changes the defaults.
CREATE TABLE vulnerability_slas (
    id            TEXT PRIMARY KEY,
    org_id        TEXT NOT NULL UNIQUE REFERENCES organizations (id),
    critical_days INTEGER NOT NULL,
    high_days     INTEGER NOT NULL,
    medium_days   INTEGER NOT NULL,
    low_days      INTEGER NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL
);

-- One import of a scan file. The file itself is an evidence item; its
-- SHA-256 is here and in the ledger entry of this row, so the findings the
-- import wrote can always be traced to, and recomputed from, the file.
CREATE TABLE scans (
    id            TEXT PRIMARY KEY,
    org_id        TEXT NOT NULL REFERENCES organizations (id),
    name          TEXT NOT NULL,
    policy        TEXT NOT NULL,
    scanner       TEXT NOT NULL,
    started_at    TIMESTAMPTZ,
    ended_at      TIMESTAMPTZ,
    file_name     TEXT NOT NULL,
    file_sha256   TEXT NOT NULL,
    file_size     BIGINT NOT NULL,
    evidence_id   TEXT REFERENCES evidence (id),
    imported_by   TEXT NOT NULL,
    hosts         INTEGER NOT NULL,
    findings      INTEGER NOT NULL,
    info          INTEGER NOT NULL,
    low           INTEGER NOT NULL,
    medium        INTEGER NOT NULL,
    high          INTEGER NOT NULL,
    critical      INTEGER NOT NULL,
    compliance    INTEGER NOT NULL,
    new_findings  INTEGER NOT NULL,
    seen_again    INTEGER NOT NULL,
    fixed         INTEGER NOT NULL,
    reopened      INTEGER NOT NULL,
    assets_created INTEGER NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL
);
CREATE INDEX scans_org ON scans (org_id, created_at);

-- The hosts a scan covered, each matched to an asset, with how.
CREATE TABLE scan_hosts (
    id           TEXT PRIMARY KEY,
    org_id       TEXT NOT NULL REFERENCES organizations (id),
    scan_id      TEXT NOT NULL REFERENCES scans (id),
    asset_id     TEXT NOT NULL REFERENCES assets (id),
    name         TEXT NOT NULL,
    matched_by   TEXT NOT NULL CHECK (matched_by IN ('fqdn', 'ip', 'netbios', 'mac', 'created')),
    fqdn         TEXT NOT NULL,
    ip           TEXT NOT NULL,
    netbios      TEXT NOT NULL,
    macs         TEXT NOT NULL,
    os           TEXT NOT NULL,
    credentialed BOOLEAN NOT NULL,
    started_at   TIMESTAMPTZ,
    ended_at     TIMESTAMPTZ,
    properties   TEXT NOT NULL,
    findings     INTEGER NOT NULL
);
CREATE INDEX scan_hosts_scan ON scan_hosts (scan_id);
CREATE INDEX scan_hosts_asset ON scan_hosts (asset_id, scan_id);

-- What a plugin says, once for every finding of it: Tenable's public text,
-- kept at its latest modification.
CREATE TABLE vuln_plugins (
    plugin_id         INTEGER PRIMARY KEY,
    name              TEXT NOT NULL,
    family            TEXT NOT NULL,
    synopsis          TEXT NOT NULL,
    description       TEXT NOT NULL,
    solution          TEXT NOT NULL,
    risk_factor       TEXT NOT NULL,
    cvss2_base        DOUBLE PRECISION NOT NULL,
    cvss2_vector      TEXT NOT NULL,
    cvss3_base        DOUBLE PRECISION NOT NULL,
    cvss3_vector      TEXT NOT NULL,
    vpr               DOUBLE PRECISION NOT NULL,
    cves              TEXT NOT NULL,
    cwes              TEXT NOT NULL,
    refs              TEXT NOT NULL,
    exploit_available BOOLEAN NOT NULL,
    published         TEXT NOT NULL,
    modified          TEXT NOT NULL,
    patch_published   TEXT NOT NULL
);

-- Plugin output, stored once per distinct text: the same software on many
-- hosts gives the same output, and output is most of a scan's bytes.
CREATE TABLE finding_outputs (
    hash TEXT PRIMARY KEY,
    text TEXT NOT NULL
);

-- One finding: an asset, a plugin and a port, across every scan that saw
-- it. Fixed when a later scan of the asset no longer reports it; open
-- again when one does.
CREATE TABLE findings (
    id               TEXT PRIMARY KEY,
    org_id           TEXT NOT NULL REFERENCES organizations (id),
    asset_id         TEXT NOT NULL REFERENCES assets (id),
    plugin_id        INTEGER NOT NULL REFERENCES vuln_plugins (plugin_id),
    port             INTEGER NOT NULL,
    protocol         TEXT NOT NULL,
    service          TEXT NOT NULL,
    severity         INTEGER NOT NULL CHECK (severity BETWEEN 0 AND 4),
    output_hash      TEXT NOT NULL REFERENCES finding_outputs (hash),
    output_truncated BOOLEAN NOT NULL,
    status           TEXT NOT NULL CHECK (status IN ('open', 'fixed')),
    first_seen       TIMESTAMPTZ NOT NULL,
    last_seen        TIMESTAMPTZ NOT NULL,
    fixed_at         TIMESTAMPTZ,
    due_date         TIMESTAMPTZ,
    first_scan_id    TEXT NOT NULL REFERENCES scans (id),
    last_scan_id     TEXT NOT NULL REFERENCES scans (id),
    risk_id          TEXT REFERENCES risks (id),
    UNIQUE (asset_id, plugin_id, port, protocol)
);
-- The unique key serves an asset's findings (asset ids are unique across
-- organisations); every index more is paid on each of a scan's hundred
-- thousand inserts. Queries of one asset's findings name only the asset,
-- so that no planner takes the organisation-wide index for them.
CREATE INDEX findings_list ON findings (org_id, status, severity DESC, due_date);

-- A finding's history after its first sighting (which is the finding's
-- first_seen and first_scan_id): seen again, fixed, reopened, per scan.
CREATE TABLE finding_events (
    org_id     TEXT NOT NULL REFERENCES organizations (id),
    finding_id TEXT NOT NULL REFERENCES findings (id),
    scan_id    TEXT NOT NULL REFERENCES scans (id),
    kind       TEXT NOT NULL CHECK (kind IN ('seen', 'fixed', 'reopened')),
    severity   INTEGER NOT NULL,
    at         TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (finding_id, scan_id)
);
CREATE INDEX finding_events_scan ON finding_events (scan_id, kind);

-- Results of the configuration checks of audit scans, as evidence for
-- configuration management (Annex A 8.9).
CREATE TABLE compliance_results (
    id         TEXT PRIMARY KEY,
    org_id     TEXT NOT NULL REFERENCES organizations (id),
    scan_id    TEXT NOT NULL REFERENCES scans (id),
    asset_id   TEXT NOT NULL REFERENCES assets (id),
    plugin_id  INTEGER NOT NULL,
    check_name TEXT NOT NULL,
    check_id   TEXT NOT NULL,
    result     TEXT NOT NULL,
    actual     TEXT NOT NULL,
    policy     TEXT NOT NULL,
    info       TEXT NOT NULL,
    solution   TEXT NOT NULL,
    audit_file TEXT NOT NULL,
    reference  TEXT NOT NULL
);
CREATE INDEX compliance_results_scan ON compliance_results (scan_id, result);
