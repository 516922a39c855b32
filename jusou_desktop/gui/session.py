"""What the GUI knows about the open database and who is using it."""

from __future__ import annotations

from dataclasses import dataclass

from jusou_desktop.domain.ids import StaffId
from jusou_desktop.store.database import Database


@dataclass
class Session:
    """The open database and the current user (note author, status bar)."""

    db: Database
    user_name: str = ""
    staff_id: StaffId | None = None

    @property
    def author_label(self) -> str:
        return self.user_name or "（利用者未設定）"
