"""What the 地域資源 tests share: the day they run on, a small register of four resources, a case."""

from __future__ import annotations

import datetime as dt

from jusou_desktop.domain.ids import CaseId
from jusou_desktop.domain.model import CaseStatus, Person
from jusou_desktop.domain.resources import Formality, Resource, ResourceId, ResourceKind
from jusou_desktop.store.database import Database

TODAY = dt.date(2025, 2, 14)
SALON = "川端ふれあいサロン"
FARM = "つむぎファーム 農作業体験"
WORK = "はたらく練習"
RESTING = "北原ゲーム同好会"


def register_resources(db: Database) -> dict[str, ResourceId]:
    """A サロン in 川端, a farm in 北原, a 制度内 work practice in 新田 and a resting group in 北原."""
    specs = (
        Resource(
            name=SALON,
            kana="かわばたふれあいさろん",
            kind=ResourceKind.PLACE,
            district="川端",
            schedule="毎月第2水曜",
            operator="川端地区自治会",
        ),
        Resource(
            name=FARM,
            kana="ツムギファーム",
            kind=ResourceKind.FARM,
            district="北原",
            offers="野菜の収穫と袋詰め",
        ),
        Resource(
            name=WORK,
            kana="ハタラクレンシュウ",
            kind=ResourceKind.WORK,
            formality=Formality.FORMAL,
            district="新田",
        ),
        Resource(name=RESTING, kind=ResourceKind.HOBBY, district="北原", active=False),
    )
    return {r.name: db.resources.add(r) for r in specs}


def add_case(db: Database, name: str, kana: str, opened: dt.date = dt.date(2024, 4, 1)) -> CaseId:
    return db.cases.create(Person(name=name, kana=kana, district="本町"), opened_on=opened)


def close_case(db: Database, case_id: CaseId, status: CaseStatus, on: dt.date = dt.date(2025, 1, 31)) -> None:
    """Take a case (in 受付) to 終結 or 中断 the way the case file does."""
    if status is CaseStatus.SUSPENDED:
        db.cases.change_status(case_id, CaseStatus.ASSESSMENT, on=on)
    db.cases.change_status(case_id, status, on=on, reason="連絡が取れなくなった")
