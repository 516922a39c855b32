-- 0002: drafts of unsaved edits, kept inside the encrypted file so that a crash, a lock or a
-- closed window never loses what the user typed (and no plaintext copy lands on disk).

CREATE TABLE drafts (
    key        TEXT PRIMARY KEY,
    kind       TEXT NOT NULL,
    title      TEXT NOT NULL DEFAULT '',
    payload    TEXT NOT NULL,
    author     TEXT NOT NULL DEFAULT '',
    updated_at TEXT NOT NULL
) WITHOUT ROWID;
