-- 0004: conferences (重層的支援会議・支援会議・庁内会議・既存の会議), their 定例 series, agenda with
-- minutes per case, attendees with attendance and 守秘義務の確認, 行動連携 actions, resource gaps
-- (「こんな資源があれば」), and the mandatory-timing needs (jusou_desktop/domain/meetings.py).

CREATE TABLE meeting_series (
    id         INTEGER PRIMARY KEY,
    type       TEXT NOT NULL CHECK (type IN ('重層的支援会議', '支援会議', '庁内会議', '既存の会議')),
    name       TEXT NOT NULL CHECK (length(trim(name)) > 0),
    schedule   TEXT NOT NULL,          -- JSON of domain.schedule.RegularSchedule
    place      TEXT NOT NULL DEFAULT '',
    convenor   TEXT NOT NULL DEFAULT '',
    active     INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at TEXT NOT NULL
);

CREATE TABLE meetings (
    id            INTEGER PRIMARY KEY,
    type          TEXT NOT NULL CHECK (type IN ('重層的支援会議', '支援会議', '庁内会議', '既存の会議')),
    title         TEXT NOT NULL DEFAULT '',
    holding       TEXT NOT NULL CHECK (holding IN ('定例', '随時')),
    on_date       TEXT NOT NULL,
    start_time    TEXT,
    end_time      TEXT,
    place         TEXT NOT NULL DEFAULT '',
    convenor      TEXT NOT NULL DEFAULT '',
    purpose       TEXT NOT NULL DEFAULT '',
    landing_point TEXT NOT NULL DEFAULT '',
    state         TEXT NOT NULL DEFAULT '予定' CHECK (state IN ('予定', '開催済', '中止')),
    series_id     INTEGER REFERENCES meeting_series (id) ON DELETE SET NULL,
    cancel_reason TEXT NOT NULL DEFAULT '',
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);
CREATE INDEX meetings_date ON meetings (on_date);
CREATE INDEX meetings_series ON meetings (series_id, on_date);

CREATE TABLE meeting_cases (
    id              INTEGER PRIMARY KEY,
    meeting_id      INTEGER NOT NULL REFERENCES meetings (id) ON DELETE CASCADE,
    case_id         INTEGER NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    reason          TEXT NOT NULL,
    position        INTEGER NOT NULL DEFAULT 0,
    request_id      INTEGER REFERENCES meeting_requests (id) ON DELETE SET NULL,
    shared_view     TEXT NOT NULL DEFAULT '',
    decisions       TEXT NOT NULL DEFAULT '',
    strain          TEXT NOT NULL DEFAULT '',
    small_changes   TEXT NOT NULL DEFAULT '',
    next_meeting_on TEXT,
    UNIQUE (meeting_id, case_id)
);
CREATE INDEX meeting_cases_case ON meeting_cases (case_id);

CREATE TABLE meeting_attendees (
    id            INTEGER PRIMARY KEY,
    meeting_id    INTEGER NOT NULL REFERENCES meetings (id) ON DELETE CASCADE,
    name          TEXT NOT NULL CHECK (length(trim(name)) > 0),
    affiliation   TEXT NOT NULL DEFAULT '',
    kind          TEXT NOT NULL,
    agency_id     INTEGER REFERENCES agencies (id) ON DELETE SET NULL,
    staff_id      INTEGER REFERENCES staff (id) ON DELETE SET NULL,
    attended      INTEGER CHECK (attended IS NULL OR attended IN (0, 1)),
    pledge_on     TEXT,
    pledge_method TEXT NOT NULL DEFAULT ''
);
CREATE INDEX meeting_attendees_meeting ON meeting_attendees (meeting_id);

CREATE TABLE meeting_actions (
    id            INTEGER PRIMARY KEY,
    meeting_id    INTEGER NOT NULL REFERENCES meetings (id) ON DELETE CASCADE,
    case_id       INTEGER NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    attendee_id   INTEGER REFERENCES meeting_attendees (id) ON DELETE SET NULL,
    who           TEXT NOT NULL,
    who_agency_id INTEGER REFERENCES agencies (id) ON DELETE SET NULL,
    what          TEXT NOT NULL,
    due_on        TEXT,
    status        TEXT NOT NULL DEFAULT '未着手' CHECK (status IN ('未着手', '対応中', '完了', '見送り')),
    result        TEXT NOT NULL DEFAULT '',
    done_on       TEXT,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);
CREATE INDEX meeting_actions_open ON meeting_actions (status, due_on);
CREATE INDEX meeting_actions_agency ON meeting_actions (who_agency_id, status);
CREATE INDEX meeting_actions_case ON meeting_actions (case_id);

CREATE TABLE resource_gaps (
    id         INTEGER PRIMARY KEY,
    meeting_id INTEGER REFERENCES meetings (id) ON DELETE SET NULL,
    case_id    INTEGER REFERENCES cases (id) ON DELETE SET NULL,
    text       TEXT NOT NULL CHECK (length(trim(text)) > 0),
    noted_on   TEXT NOT NULL
);

CREATE TABLE meeting_needs (
    id         INTEGER PRIMARY KEY,
    case_id    INTEGER NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    reason     TEXT NOT NULL CHECK (reason IN ('プラン策定後の評価', '再プラン', '終結判断', '中断決定')),
    since      TEXT NOT NULL,
    source     TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL
);
CREATE INDEX meeting_needs_case ON meeting_needs (case_id);
