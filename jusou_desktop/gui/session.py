"""What the GUI knows about the open database and who is using it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from jusou_desktop.domain.ids import StaffId
from jusou_desktop.store.database import Database


@dataclass
class Session:
    """The open database and the current user (note author, status bar)."""

    db: Database
    user_name: str = ""
    staff_id: StaffId | None = None
    fixed_today: dt.date | None = None
    """The clock seam: tests and screenshots fix the day that reminders and waiting times count to."""

    def today(self) -> dt.date:
        return self.fixed_today or dt.date.today()

    @property
    def author_label(self) -> str:
        return self.user_name or "（利用者未設定）"
