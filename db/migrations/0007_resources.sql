-- 0007: 地域資源 for 参加支援 (places and activities a person can take part in), the connections
-- (つながり) of cases to them with their status history, and the 定着の確認 follow-ups
-- (jusou_desktop/domain/resources.py).  Words shown on screen are stored as they are shown.

CREATE TABLE resources (
    id           INTEGER PRIMARY KEY,
    name         TEXT NOT NULL CHECK (length(trim(name)) > 0),
    kana         TEXT NOT NULL DEFAULT '',
    kind         TEXT NOT NULL CHECK (kind IN ('居場所・サロン', '就労体験・中間就労', 'ボランティア・地域活動',
                                              '子ども食堂・学習支援', '当事者の会', '趣味・サークル', '農作業', 'その他')),
    formality    TEXT NOT NULL CHECK (formality IN ('制度内', 'インフォーマル')),
    operator     TEXT NOT NULL DEFAULT '',
    agency_id    INTEGER REFERENCES agencies (id) ON DELETE SET NULL,
    offers       TEXT NOT NULL DEFAULT '',
    audience     TEXT NOT NULL DEFAULT '',
    district     TEXT NOT NULL DEFAULT '',
    place        TEXT NOT NULL DEFAULT '',
    schedule     TEXT NOT NULL DEFAULT '',
    contact_name TEXT NOT NULL DEFAULT '',
    phone        TEXT NOT NULL DEFAULT '',
    capacity     TEXT NOT NULL DEFAULT '',
    note         TEXT NOT NULL DEFAULT '',
    active       INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    -- search_key: kana-folded name, フリガナ, 運営団体, 内容, 対象 and 場所, one per line
    -- (jusou_desktop.domain.kana.search_key), searched with instr().
    search_key   TEXT NOT NULL,
    -- kana_key: kana-folded フリガナ (else name), the reading order of the list.
    kana_key     TEXT NOT NULL DEFAULT '',
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
);
CREATE UNIQUE INDEX resources_name ON resources (name);
CREATE INDEX resources_kind ON resources (kind, kana_key);
CREATE INDEX resources_district ON resources (district, kana_key);
CREATE INDEX resources_agency ON resources (agency_id);

CREATE TABLE resource_links (
    id          INTEGER PRIMARY KEY,
    resource_id INTEGER NOT NULL REFERENCES resources (id) ON DELETE RESTRICT,
    case_id     INTEGER NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    status      TEXT NOT NULL CHECK (status IN ('調整中', '利用中', '定着', '終了')),
    referred_on TEXT NOT NULL CHECK (referred_on GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    started_on  TEXT,
    settled_on  TEXT,
    ended_on    TEXT,
    end_reason  TEXT NOT NULL DEFAULT '',
    referred_by TEXT NOT NULL DEFAULT '',
    note        TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    CHECK (status = '調整中' OR started_on IS NOT NULL OR status = '終了'),
    CHECK (status <> '定着' OR settled_on IS NOT NULL),
    CHECK (status <> '終了' OR (ended_on IS NOT NULL AND length(trim(end_reason)) > 0))
);
-- One open connection per case and resource; ended ones are history and may repeat.
CREATE UNIQUE INDEX resource_links_open ON resource_links (resource_id, case_id) WHERE status <> '終了';
CREATE INDEX resource_links_resource ON resource_links (resource_id, status);
CREATE INDEX resource_links_case ON resource_links (case_id);
CREATE INDEX resource_links_status ON resource_links (status, started_on);

CREATE TABLE resource_link_events (
    id          INTEGER PRIMARY KEY,
    link_id     INTEGER NOT NULL REFERENCES resource_links (id) ON DELETE CASCADE,
    from_status TEXT,
    to_status   TEXT NOT NULL,
    on_date     TEXT NOT NULL,
    reason      TEXT NOT NULL DEFAULT '',
    by_name     TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL
);
CREATE INDEX resource_link_events_link ON resource_link_events (link_id, id);

CREATE TABLE resource_checks (
    id         INTEGER PRIMARY KEY,
    link_id    INTEGER NOT NULL REFERENCES resource_links (id) ON DELETE CASCADE,
    on_date    TEXT NOT NULL CHECK (on_date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    condition  TEXT NOT NULL CHECK (condition IN ('順調', '気がかりあり', '参加が途切れがち')),
    how        TEXT NOT NULL CHECK (length(trim(how)) > 0),
    by_name    TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL
);
CREATE INDEX resource_checks_link ON resource_checks (link_id, on_date);
