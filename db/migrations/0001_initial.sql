-- 0001: people, households, cases, consent, team, agencies, staff, tags and 経過記録.
-- Dates are ISO text (YYYY-MM-DD), times ISO text in local time. Japanese enum values are
-- stored as the words shown on screen (see jusou_desktop/domain/model.py).

CREATE TABLE app_info (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE schema_migrations (
    version    INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    applied_at TEXT NOT NULL
);

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE agencies (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL CHECK (length(trim(name)) > 0),
    kana       TEXT NOT NULL DEFAULT '',
    field      TEXT NOT NULL,
    business   TEXT NOT NULL DEFAULT '事業外',
    operation  TEXT CHECK (operation IN ('直営', '委託')),
    department TEXT NOT NULL DEFAULT '',
    address    TEXT NOT NULL DEFAULT '',
    phone      TEXT NOT NULL DEFAULT '',
    fax        TEXT NOT NULL DEFAULT '',
    email      TEXT NOT NULL DEFAULT '',
    note       TEXT NOT NULL DEFAULT '',
    active     INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX agencies_name ON agencies (name);

CREATE TABLE staff (
    id         INTEGER PRIMARY KEY,
    agency_id  INTEGER REFERENCES agencies (id) ON DELETE SET NULL,
    name       TEXT NOT NULL CHECK (length(trim(name)) > 0),
    kana       TEXT NOT NULL DEFAULT '',
    title      TEXT NOT NULL DEFAULT '',
    phone      TEXT NOT NULL DEFAULT '',
    email      TEXT NOT NULL DEFAULT '',
    active     INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX staff_agency ON staff (agency_id);

CREATE TABLE persons (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL CHECK (length(trim(name)) > 0),
    kana        TEXT NOT NULL DEFAULT '',
    birth_date  TEXT CHECK (birth_date IS NULL OR birth_date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    sex         TEXT NOT NULL DEFAULT '不明' CHECK (sex IN ('男', '女', 'その他', '不明')),
    postal_code TEXT NOT NULL DEFAULT '',
    address     TEXT NOT NULL DEFAULT '',
    district    TEXT NOT NULL DEFAULT '',
    phone       TEXT NOT NULL DEFAULT '',
    note        TEXT NOT NULL DEFAULT '',
    -- search_key: kana-folded name and フリガナ (jusou_desktop.domain.kana.search_key), for search.
    search_key  TEXT NOT NULL,
    -- kana_key: kana-folded フリガナ alone, for duplicate detection with birth_date.
    kana_key    TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
CREATE INDEX persons_kana_birth ON persons (kana_key, birth_date);

CREATE TABLE households (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE household_members (
    id             INTEGER PRIMARY KEY,
    household_id   INTEGER NOT NULL REFERENCES households (id) ON DELETE CASCADE,
    person_id      INTEGER NOT NULL REFERENCES persons (id) ON DELETE RESTRICT,
    relation       TEXT NOT NULL DEFAULT '',
    lives_together INTEGER NOT NULL DEFAULT 1 CHECK (lives_together IN (0, 1)),
    note           TEXT NOT NULL DEFAULT '',
    position       INTEGER NOT NULL DEFAULT 0,
    UNIQUE (household_id, person_id)
);
CREATE INDEX household_members_person ON household_members (person_id);

CREATE TABLE cases (
    id           INTEGER PRIMARY KEY,
    number       TEXT NOT NULL UNIQUE,
    household_id INTEGER NOT NULL REFERENCES households (id) ON DELETE RESTRICT,
    principal_id INTEGER NOT NULL REFERENCES persons (id) ON DELETE RESTRICT,
    status       TEXT NOT NULL CHECK (status IN ('受付', 'アセスメント', 'プラン作成', '支援中', 'モニタリング', '終結', '中断')),
    opened_on    TEXT NOT NULL,
    closed_on    TEXT,
    route        TEXT NOT NULL DEFAULT '',
    summary      TEXT NOT NULL DEFAULT '',
    -- Denormalised for the case list, kept by the store in the same transaction as the source rows.
    consent_state TEXT NOT NULL DEFAULT '確認中' CHECK (consent_state IN ('あり', 'なし', '確認中')),
    lead_agency_id INTEGER REFERENCES agencies (id) ON DELETE SET NULL,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
);
CREATE INDEX cases_status ON cases (status, id);
CREATE INDEX cases_opened ON cases (opened_on, id);
CREATE INDEX cases_principal ON cases (principal_id);
CREATE INDEX cases_household ON cases (household_id);
CREATE INDEX cases_lead ON cases (lead_agency_id);
CREATE INDEX cases_consent ON cases (consent_state);

CREATE TABLE case_status_history (
    id          INTEGER PRIMARY KEY,
    case_id     INTEGER NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    from_status TEXT,
    to_status   TEXT NOT NULL,
    changed_on  TEXT NOT NULL,
    reason      TEXT NOT NULL DEFAULT '',
    changed_by  TEXT NOT NULL DEFAULT '',
    recorded_at TEXT NOT NULL
);
CREATE INDEX case_status_history_case ON case_status_history (case_id, id);

CREATE TABLE tags (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE CHECK (length(trim(name)) > 0),
    builtin    INTEGER NOT NULL DEFAULT 0 CHECK (builtin IN (0, 1)),
    position   INTEGER NOT NULL DEFAULT 0,
    active     INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1))
);

CREATE TABLE case_tags (
    case_id INTEGER NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    tag_id  INTEGER NOT NULL REFERENCES tags (id) ON DELETE RESTRICT,
    PRIMARY KEY (case_id, tag_id)
) WITHOUT ROWID;
CREATE INDEX case_tags_tag ON case_tags (tag_id, case_id);

CREATE TABLE consents (
    id              INTEGER PRIMARY KEY,
    case_id         INTEGER NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    state           TEXT NOT NULL CHECK (state IN ('あり', 'なし', '確認中')),
    recorded_on     TEXT NOT NULL,
    method          TEXT CHECK (method IN ('書面', '口頭', 'その他')),
    scope           TEXT NOT NULL DEFAULT '',
    covers_tax_info INTEGER NOT NULL DEFAULT 0 CHECK (covers_tax_info IN (0, 1)),
    recorded_by     TEXT NOT NULL DEFAULT '',
    note            TEXT NOT NULL DEFAULT '',
    created_at      TEXT NOT NULL
);
CREATE INDEX consents_case ON consents (case_id, recorded_on, id);

CREATE TABLE case_team (
    id        INTEGER PRIMARY KEY,
    case_id   INTEGER NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    agency_id INTEGER NOT NULL REFERENCES agencies (id) ON DELETE RESTRICT,
    staff_id  INTEGER REFERENCES staff (id) ON DELETE SET NULL,
    is_lead   INTEGER NOT NULL DEFAULT 0 CHECK (is_lead IN (0, 1)),
    role      TEXT NOT NULL DEFAULT '',
    UNIQUE (case_id, agency_id, staff_id)
);
CREATE UNIQUE INDEX case_team_one_lead ON case_team (case_id) WHERE is_lead = 1;
CREATE INDEX case_team_agency ON case_team (agency_id);

CREATE TABLE notes (
    id              INTEGER PRIMARY KEY,
    case_id         INTEGER NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    noted_on        TEXT NOT NULL,
    kind            TEXT NOT NULL CHECK (kind IN ('訪問', '電話', '来所', '同行', '会議', '文書', 'メール', 'その他')),
    author_staff_id INTEGER REFERENCES staff (id) ON DELETE SET NULL,
    author_name     TEXT NOT NULL DEFAULT '',
    body            TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);
CREATE INDEX notes_case ON notes (case_id, noted_on, id);

-- Full-text search over 経過記録. Trigram matches terms of three or more characters; shorter
-- terms are searched with instr() on the notes table (see store/notes.py).
CREATE VIRTUAL TABLE notes_fts USING fts5 (body, content = 'notes', content_rowid = 'id', tokenize = 'trigram');

CREATE TRIGGER notes_fts_insert AFTER INSERT ON notes BEGIN
    INSERT INTO notes_fts (rowid, body) VALUES (new.id, new.body);
END;
CREATE TRIGGER notes_fts_delete AFTER DELETE ON notes BEGIN
    INSERT INTO notes_fts (notes_fts, rowid, body) VALUES ('delete', old.id, old.body);
END;
CREATE TRIGGER notes_fts_update AFTER UPDATE OF body ON notes BEGIN
    INSERT INTO notes_fts (notes_fts, rowid, body) VALUES ('delete', old.id, old.body);
    INSERT INTO notes_fts (rowid, body) VALUES (new.id, new.body);
END;
