-- 0006: the record of every export that carries personal data (ケース台帳, 役割一覧, 関係機関一覧):
-- when, by whom, what, under which filter, how many rows, why, whether the file got a password,
-- and the file's name only (never the folder it went to).  Rows are added, never changed.

CREATE TABLE export_log (
    id          INTEGER PRIMARY KEY,
    at          TEXT NOT NULL,
    by_name     TEXT NOT NULL DEFAULT '',
    kind        TEXT NOT NULL CHECK (length(trim(kind)) > 0),
    filter_text TEXT NOT NULL DEFAULT '',
    rows        INTEGER NOT NULL CHECK (rows >= 0),
    protected   INTEGER NOT NULL CHECK (protected IN (0, 1)),
    file_name   TEXT NOT NULL,
    reason      TEXT NOT NULL CHECK (length(trim(reason)) > 0)
);

CREATE INDEX export_log_at ON export_log (at);
