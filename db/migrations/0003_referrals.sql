-- 0003: referral sheets (つなぎ) filled on versioned templates, the coordinator's answer, and what
-- the answer sets off on the case: meeting requests (picked up by conference planning) and tasks.

-- Sheet templates as data (jusou_desktop/domain/sheets.py). Every edit adds a version; a filled
-- sheet points at the exact version it was filled with.
CREATE TABLE sheet_templates (
    id         INTEGER PRIMARY KEY,
    key        TEXT NOT NULL,
    version    INTEGER NOT NULL CHECK (version >= 1),
    purpose    TEXT NOT NULL CHECK (purpose IN ('referral', 'answer')),
    title      TEXT NOT NULL,
    body       TEXT NOT NULL,
    origin     TEXT NOT NULL CHECK (origin IN ('同梱', '編集')),
    created_by TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    UNIQUE (key, version)
);

CREATE TABLE referrals (
    id                 INTEGER PRIMARY KEY,
    number             TEXT NOT NULL UNIQUE,
    state              TEXT NOT NULL CHECK (state IN ('下書き', '送付', '受理', '回答済', '取下げ')),
    template_id        INTEGER NOT NULL REFERENCES sheet_templates (id),
    sheet_values       TEXT NOT NULL DEFAULT '{}',
    answer_template_id INTEGER REFERENCES sheet_templates (id),
    answer_values      TEXT NOT NULL DEFAULT '{}',
    case_id            INTEGER REFERENCES cases (id) ON DELETE SET NULL,
    -- Read from the sheet's bound fields on every save, for the list, filters and search.
    source_agency_id   INTEGER REFERENCES agencies (id) ON DELETE SET NULL,
    source_agency_name TEXT NOT NULL DEFAULT '',
    source_staff_name  TEXT NOT NULL DEFAULT '',
    subject_name       TEXT NOT NULL DEFAULT '',
    subject_key        TEXT NOT NULL DEFAULT '',
    created_on         TEXT NOT NULL,
    sent_on            TEXT,
    accepted_on        TEXT,
    answered_on        TEXT,
    withdrawn_on       TEXT,
    withdraw_reason    TEXT NOT NULL DEFAULT '',
    created_by         TEXT NOT NULL DEFAULT '',
    created_at         TEXT NOT NULL,
    updated_at         TEXT NOT NULL
);
CREATE INDEX referrals_state_sent ON referrals (state, sent_on);
CREATE INDEX referrals_case ON referrals (case_id);
CREATE INDEX referrals_source ON referrals (source_agency_id);
CREATE INDEX referrals_created ON referrals (created_on);

CREATE TABLE referral_events (
    id          INTEGER PRIMARY KEY,
    referral_id INTEGER NOT NULL REFERENCES referrals (id) ON DELETE CASCADE,
    step        TEXT NOT NULL,
    from_state  TEXT,
    to_state    TEXT NOT NULL,
    on_date     TEXT NOT NULL,
    by_name     TEXT NOT NULL DEFAULT '',
    note        TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL
);
CREATE INDEX referral_events_referral ON referral_events (referral_id);

-- 「支援会議を開催」 in a C票 answer: a request the conference planning picks up.
CREATE TABLE meeting_requests (
    id           INTEGER PRIMARY KEY,
    case_id      INTEGER NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    referral_id  INTEGER REFERENCES referrals (id) ON DELETE SET NULL,
    kind         TEXT NOT NULL DEFAULT '支援会議',
    purpose      TEXT NOT NULL DEFAULT '',
    requested_on TEXT NOT NULL,
    requested_by TEXT NOT NULL DEFAULT '',
    state        TEXT NOT NULL DEFAULT '未定' CHECK (state IN ('未定', '開催予定', '開催済', '取消')),
    meeting_id   INTEGER,
    created_at   TEXT NOT NULL
);
CREATE INDEX meeting_requests_open ON meeting_requests (state, requested_on);
CREATE INDEX meeting_requests_case ON meeting_requests (case_id);

-- Dated tasks on a case (同席・同行訪問, 参加支援・アウトリーチの検討…).
CREATE TABLE tasks (
    id          INTEGER PRIMARY KEY,
    case_id     INTEGER NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    referral_id INTEGER REFERENCES referrals (id) ON DELETE SET NULL,
    title       TEXT NOT NULL CHECK (length(trim(title)) > 0),
    due_on      TEXT,
    assignee    TEXT NOT NULL DEFAULT '',
    done_on     TEXT,
    result      TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
CREATE INDEX tasks_open ON tasks (done_on, due_on);
CREATE INDEX tasks_case ON tasks (case_id);

-- Running numbers (ケース番号 2024-0012, 受付番号 2024-T0003) per prefix, so a new number costs one
-- row lookup instead of a scan of the year's numbers (slow at city scale and during imports).
CREATE TABLE number_sequences (
    prefix TEXT PRIMARY KEY,
    last   INTEGER NOT NULL
) WITHOUT ROWID;
