"""Settings kept inside the encrypted file (town name, idle lock minutes…)."""

from __future__ import annotations

from jusou_desktop.store._base import Repository


class SettingsRepository(Repository):
    def get(self, key: str, default: str = "") -> str:
        row = self._db.conn.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
        return str(row[0]) if row else default

    def set(self, key: str, value: str) -> None:
        with self._db.transaction() as conn:
            conn.execute("INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)", (key, value))

    def town_name(self) -> str:
        return self.get("town_name")
