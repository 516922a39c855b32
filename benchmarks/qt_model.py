"""Optional: the lazy case model and its table view (``--only qt``; needs PySide6).

This is the only module of the benchmarks that imports Qt, and only when the 'qt' group is
asked for.  It runs on the offscreen platform: no window is ever shown.
"""

from __future__ import annotations

import os
from typing import Any

from benchmarks.core import Ceiling, Result, clock, paired
from benchmarks.suite import PAGE, DataSet, Report, Scale

# Same column text as the model's (jusou_desktop.gui.case_model), computed ahead for the floor.
_FLOOR_SQL = (
    "SELECT c.number, p.name, p.kana, c.status, c.opened_on, p.district, c.consent_state,"
    " coalesce(a.name, ''),"
    " (SELECT group_concat(t.name, '・') FROM case_tags ct JOIN tags t ON t.id = ct.tag_id"
    "  WHERE ct.case_id = c.id)"
    " FROM cases c JOIN persons p ON p.id = c.principal_id LEFT JOIN agencies a ON a.id = c.lead_agency_id"
    " ORDER BY c.number DESC LIMIT ?"
)


def bench_qt(ds: DataSet, scale: Scale, report: Report) -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    import datetime as dt

    from PySide6.QtGui import QStandardItem, QStandardItemModel
    from PySide6.QtWidgets import QApplication, QTableView

    from jusou_desktop.domain.wareki import format_wareki
    from jusou_desktop.gui.case_model import PAGE as MODEL_PAGE
    from jusou_desktop.gui.case_model import CaseTableModel
    from jusou_desktop.store.cases import CaseFilter, CaseSort

    if MODEL_PAGE != PAGE:
        raise AssertionError("the model's page size changed; update benchmarks.suite.PAGE")
    app: Any = QApplication.instance() or QApplication([])
    db, raw = ds.db, ds.raw
    total = db.cases.count(CaseFilter())

    def app_model() -> Any:
        return CaseTableModel(db)

    def floor_first_fetch() -> list[Any]:
        raw.execute("SELECT count(*) FROM cases").fetchone()
        return list(raw.execute(_FLOOR_SQL, (PAGE,)).fetchall())

    def load_all() -> int:
        return len(db.cases.rows(CaseFilter(), sort=CaseSort.NUMBER, descending=True, limit=total))

    model = app_model()
    if model.rowCount() != min(PAGE, total):
        raise AssertionError("the lazy model did not fetch one page")
    q1 = paired(clock(app_model), clock(floor_first_fetch), scale.quick_reps)
    q2 = paired(clock(app_model), clock(load_all), max(3, scale.quick_reps // 2))

    # The same 200 rows in Qt's own item model: the floor for painting.
    plain = QStandardItemModel()
    for row in raw.execute(_FLOOR_SQL, (PAGE,)).fetchall():
        values = [*row[:4], format_wareki(dt.date.fromisoformat(row[4])), *row[5:8], row[8] or ""]
        plain.appendRow([QStandardItem(str(v)) for v in values])
    views = []
    for shown in (model, plain):
        view = QTableView()
        view.resize(1280, 800)
        view.setModel(shown)
        views.append(view)
    q3 = paired(clock(views[0].grab), clock(views[1].grab), scale.quick_reps)
    for view in views:
        view.setModel(None)
        view.deleteLater()
    app.processEvents()
    report.facts["qt_rows_total"] = total
    report.results += [
        # Opening the list = count + one page + 200 CaseRow objects and Qt's model reset.
        # 3× + 2 ms fails if the model ever loads more than a page, or sorts in Python.
        Result(
            "q1",
            "一覧モデルの初回取得 / CaseTableModel() ÷ raw count + first page",
            *q1,
            Ceiling(3.0, 2.0),
        ),
        Result(
            "q2",
            f"一覧モデルの初回取得 ÷ 全 {total} 件の読み込み / lazy first fetch ÷ loading every row",
            *q2,
            None,
            "why the model is lazy",
        ),
        # Painting the visible rows: the lazy model's data() (和暦 formatting per cell) against
        # QStandardItemModel holding the same strings.  3× + 5 ms fails on a query per cell.
        Result(
            "q3",
            "一覧の描画 / QTableView paint: CaseTableModel ÷ QStandardItemModel (same 200 rows)",
            *q3,
            Ceiling(3.0, 5.0),
        ),
    ]
