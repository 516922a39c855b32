-- 0005: 支援プラン versions with goals, problems, roles and services, the municipality's 支援決定,
-- the meeting's 了承 and report, monitoring records, the end evaluation and the contact attempts
-- before a 中断 (jusou_desktop/domain/plans.py).  Lists are JSON inside the version row: a version
-- is read and printed whole, never queried by its parts.

CREATE TABLE plan_versions (
    id               INTEGER PRIMARY KEY,
    case_id          INTEGER NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    number           INTEGER NOT NULL CHECK (number >= 0),
    state            TEXT NOT NULL CHECK (state IN ('作成中', '支援決定待ち', '会議の了承待ち', '確定', '再プランにより終了')),
    goals            TEXT NOT NULL DEFAULT '[]',
    policy           TEXT NOT NULL DEFAULT '',
    problems         TEXT NOT NULL DEFAULT '[]',
    roles            TEXT NOT NULL DEFAULT '[]',
    services         TEXT NOT NULL DEFAULT '[]',
    monitoring_on    TEXT,
    drawn_up_by      TEXT NOT NULL DEFAULT '',
    drawn_up_on      TEXT,
    decided_on       TEXT,
    decided_by       TEXT NOT NULL DEFAULT '',
    decided_services TEXT NOT NULL DEFAULT '[]',
    decision_from    TEXT,
    decision_to      TEXT,
    approved_meeting INTEGER REFERENCES meetings (id) ON DELETE SET NULL,
    approved_on      TEXT,
    reported_on      TEXT,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL,
    UNIQUE (case_id, number)
);
CREATE INDEX plan_versions_state ON plan_versions (state, monitoring_on);

CREATE TABLE plan_monitorings (
    id         INTEGER PRIMARY KEY,
    plan_id    INTEGER NOT NULL REFERENCES plan_versions (id) ON DELETE CASCADE,
    on_date    TEXT NOT NULL,
    by_name    TEXT NOT NULL,
    progress   TEXT NOT NULL,          -- JSON list of {goal, progress, small_change}
    next_on    TEXT,
    note       TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL
);
CREATE INDEX plan_monitorings_plan ON plan_monitorings (plan_id, on_date);

CREATE TABLE case_endings (
    id               INTEGER PRIMARY KEY,
    case_id          INTEGER NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    kind             TEXT NOT NULL CHECK (kind IN ('終結', '中断')),
    on_date          TEXT NOT NULL,
    by_name          TEXT NOT NULL,
    meeting_id       INTEGER REFERENCES meetings (id) ON DELETE SET NULL,
    evaluation       TEXT NOT NULL DEFAULT '{}',  -- JSON: attainments, main supporter, follow-up (終結)
    reopened_on      TEXT,
    created_at       TEXT NOT NULL
);
CREATE INDEX case_endings_case ON case_endings (case_id);

CREATE TABLE contact_attempts (
    id         INTEGER PRIMARY KEY,
    case_id    INTEGER NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    on_date    TEXT NOT NULL,
    means      TEXT NOT NULL,
    by_name    TEXT NOT NULL,
    result     TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX contact_attempts_case ON contact_attempts (case_id, on_date);
