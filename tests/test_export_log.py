"""The record of exports with personal data: what is kept, in which order, and what is refused."""

from __future__ import annotations

import datetime as dt

import pytest

from jusou_desktop.domain.errors import ValidationError
from jusou_desktop.store.database import Database


def test_an_export_is_recorded_with_the_file_name_only(db: Database) -> None:
    before = dt.datetime.now().replace(microsecond=0)
    entry_id = db.export_log.record(
        "ケース台帳",
        by="推進員 二",
        reason="  支援会議の資料として  ",
        rows=12,
        protected=True,
        file_name="/media/usb/山田さんの件/台帳.xlsx",
        filter_text="状態: 支援中",
    )
    (entry,) = db.export_log.entries()
    assert entry.id == entry_id
    assert before <= entry.at <= dt.datetime.now()
    assert (entry.kind, entry.by, entry.rows, entry.protected) == ("ケース台帳", "推進員 二", 12, True)
    assert entry.reason == "支援会議の資料として"
    assert entry.filter_text == "状態: 支援中"
    assert entry.file_name == "台帳.xlsx"
    stored = db.conn.execute("SELECT file_name FROM export_log").fetchone()[0]
    assert "/" not in stored
    assert "山田" not in stored


def test_a_windows_path_keeps_only_its_last_part(db: Database) -> None:
    db.export_log.record(
        "役割一覧", by="", reason="包括へ渡す", rows=0, protected=False, file_name="D:\\出力\\役割.xlsx"
    )
    (entry,) = db.export_log.entries()
    assert entry.file_name == "役割.xlsx"
    assert entry.protected is False
    assert entry.filter_text == ""


def test_entries_come_newest_first_and_are_limited(db: Database) -> None:
    for number in range(5):
        db.export_log.record(
            "関係機関一覧", by="a", reason=f"理由{number}", rows=number, protected=False, file_name="x.xlsx"
        )
    entries = db.export_log.entries(limit=3)
    assert [e.reason for e in entries] == ["理由4", "理由3", "理由2"]
    assert len(db.export_log.entries()) == 5


@pytest.mark.parametrize("reason", ["", "   ", "\u3000"])
def test_an_export_without_a_reason_is_refused(db: Database, reason: str) -> None:
    with pytest.raises(ValidationError, match="書き出しの理由を入力してください") as caught:
        db.export_log.record("ケース台帳", by="a", reason=reason, rows=1, protected=False, file_name="x.xlsx")
    assert caught.value.field == "reason"
    assert db.export_log.entries() == []


def test_other_refusals_leave_nothing(db: Database) -> None:
    with pytest.raises(ValidationError, match="長すぎます"):
        db.export_log.record("ケース台帳", by="a", reason="あ" * 501, rows=1, protected=False, file_name="x")
    with pytest.raises(ValidationError, match="ファイルの名前"):
        db.export_log.record("ケース台帳", by="a", reason="理由", rows=1, protected=False, file_name="  ")
    with pytest.raises(ValidationError, match="件数"):
        db.export_log.record("ケース台帳", by="a", reason="理由", rows=-1, protected=False, file_name="x")
    assert db.export_log.entries() == []
