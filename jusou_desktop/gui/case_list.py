"""The case list: search as you type, filters and status counts, all answered in SQL."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTabBar,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from jusou_desktop.domain.errors import JusouError
from jusou_desktop.domain.ids import AgencyId, CaseId, StaffId
from jusou_desktop.domain.model import CaseStatus, ConsentState, Person, Sex
from jusou_desktop.gui import messages
from jusou_desktop.gui.case_model import CaseTableModel
from jusou_desktop.gui.session import Session
from jusou_desktop.gui.widgets import DateField
from jusou_desktop.store.cases import CaseFilter

SEARCH_DELAY_MS = 200
ALL = "すべて"


class CaseListView(QWidget):
    open_case = Signal(int)

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.model = CaseTableModel(session.db, self)
        self.search = QLineEdit()
        self.search.setPlaceholderText("氏名・フリガナ・ケース番号で検索（ひらがな・カタカナ・半角どれでも）")
        self.search.setClearButtonEnabled(True)
        self.tag = QComboBox()
        self.lead = QComboBox()
        self.staff = QComboBox()
        self.district = QComboBox()
        self.consent = QComboBox()
        self.status_tabs = QTabBar()
        self.status_tabs.setExpanding(False)
        self._statuses: list[CaseStatus | None] = [None, *CaseStatus]
        for _ in self._statuses:
            self.status_tabs.addTab("")
        self.count_label = QLabel()
        self.new_case = QPushButton("新規ケース")
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.DescendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SEARCH_DELAY_MS)
        self._timer.timeout.connect(self.apply_filter)
        self._layout()
        self.fill_choices()
        self.search.textChanged.connect(lambda _text: self._timer.start())
        for combo in (self.tag, self.lead, self.staff, self.district, self.consent):
            combo.currentIndexChanged.connect(lambda _i: self.apply_filter())
        self.status_tabs.currentChanged.connect(lambda _i: self.apply_filter())
        self.table.doubleClicked.connect(self._open_index)
        QShortcut(
            QKeySequence(Qt.Key.Key_Return), self.table, self._open_current, Qt.ShortcutContext.WidgetShortcut
        )
        QShortcut(
            QKeySequence(Qt.Key.Key_Enter), self.table, self._open_current, Qt.ShortcutContext.WidgetShortcut
        )
        QShortcut(QKeySequence("Ctrl+F"), self, self.search.setFocus)
        self.new_case.clicked.connect(self._new_case)
        self.apply_filter()
        self._size_columns()

    def _layout(self) -> None:
        filters = QHBoxLayout()
        for label, combo in (
            ("課題", self.tag),
            ("主担当", self.lead),
            ("担当職員", self.staff),
            ("地区", self.district),
            ("本人同意", self.consent),
        ):
            filters.addWidget(QLabel(label))
            filters.addWidget(combo, 1)
        top = QHBoxLayout()
        top.addWidget(self.search, 3)
        top.addWidget(self.new_case)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(filters)
        bar = QHBoxLayout()
        bar.addWidget(self.status_tabs, 1)
        bar.addWidget(self.count_label)
        layout.addLayout(bar)
        layout.addWidget(self.table, 1)

    def _size_columns(self) -> None:
        for column, width in enumerate((90, 120, 140, 90, 130, 70, 70, 220)):
            self.table.setColumnWidth(column, width)

    def fill_choices(self) -> None:
        """Refill the filter combos from the database (after agencies or tags change)."""
        db = self.session.db

        def fill(combo: QComboBox, items: list[tuple[str, object]]) -> None:
            current = combo.currentData()
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(ALL, None)
            for text, data in items:
                combo.addItem(text, data)
            index = combo.findData(current)
            combo.setCurrentIndex(max(index, 0))
            combo.blockSignals(False)

        fill(self.tag, [(name, name) for name in db.cases.all_tags()])
        fill(self.lead, [(a.name, a.id) for a in db.agencies.list(active_only=True)])
        fill(self.staff, [(s.name, s.id) for s in db.staff.list(active_only=True)])
        fill(self.district, [(d, d) for d in db.cases.districts()])
        fill(self.consent, [(c.value, c.value) for c in ConsentState])

    def current_filter(self) -> CaseFilter:
        status = self._statuses[max(self.status_tabs.currentIndex(), 0)]
        lead = self.lead.currentData()
        staff = self.staff.currentData()
        consent = self.consent.currentData()
        return CaseFilter(
            text=self.search.text(),
            statuses=(status,) if status else (),
            tag=self.tag.currentData(),
            lead_agency_id=AgencyId(lead) if lead is not None else None,
            staff_id=StaffId(staff) if staff is not None else None,
            district=self.district.currentData(),
            consent=ConsentState(consent) if consent else None,
        )

    def filter_description(self) -> str:
        """The current filter in words, for an export's record (e.g. 「状態: 支援中・課題: 8050」)."""
        parts = []
        if self.search.text().strip():
            parts.append(f"検索「{self.search.text().strip()}」")
        status = self._statuses[max(self.status_tabs.currentIndex(), 0)]
        if status is not None:
            parts.append(f"状態: {status.value}")
        for label, combo in (
            ("課題", self.tag),
            ("主担当", self.lead),
            ("担当職員", self.staff),
            ("地区", self.district),
            ("本人同意", self.consent),
        ):
            if combo.currentData() is not None:
                parts.append(f"{label}: {combo.currentText()}")
        return "・".join(parts) or "なし（すべてのケース）"

    def apply_filter(self) -> None:
        self._timer.stop()
        flt = self.current_filter()
        try:
            self.model.set_filter(flt)
            counts = self.session.db.cases.status_counts(flt)
        except JusouError as exc:
            messages.show_error(self, exc)
            return
        total = sum(counts.values())
        for index, status in enumerate(self._statuses):
            n = total if status is None else counts[status]
            self.status_tabs.setTabText(index, f"{status.value if status else ALL}（{n}）")
        self.count_label.setText(f"{self.model.total()} 件")

    def refresh(self) -> None:
        self.fill_choices()
        self.apply_filter()

    def _open_index(self, index: QModelIndex) -> None:
        if index.isValid():
            self.open_case.emit(int(self.model.row_at(index.row()).id))

    def _open_current(self) -> None:
        self._open_index(self.table.currentIndex())

    def _new_case(self) -> None:
        dialog = NewCaseDialog(self.session, self)
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.case_id is not None:
            self.refresh()
            self.open_case.emit(int(dialog.case_id))


class NewCaseDialog(QDialog):
    """受付: the 本人's basic data and the date; the case file takes it from there."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.case_id: CaseId | None = None
        self.setWindowTitle("新規ケースの受付")
        self.name = QLineEdit()
        self.kana = QLineEdit()
        self.birth = DateField(dt.date(1960, 1, 1))
        self.birth_unknown = QCheckBox("不明")
        self.sex = QComboBox()
        for sex in Sex:
            self.sex.addItem(sex.value, sex)
        self.sex.setCurrentIndex(self.sex.findData(Sex.UNKNOWN))
        self.district = QComboBox()
        self.district.setEditable(True)
        self.district.addItems(["", *session.db.cases.districts()])
        self.opened = DateField(dt.date.today())
        self.route = QLineEdit()
        self.route.setPlaceholderText("例: 地域包括支援センターから紹介")
        self.duplicates = QLabel()
        self.duplicates.setWordWrap(True)
        self.message = QLabel()
        self.message.setStyleSheet("color: #b00020;")
        birth_row = QHBoxLayout()
        birth_row.addWidget(self.birth, 1)
        birth_row.addWidget(self.birth_unknown)
        form = QFormLayout()
        form.addRow("氏名（必須）", self.name)
        form.addRow("フリガナ", self.kana)
        form.addRow("生年月日", birth_row)
        form.addRow("性別", self.sex)
        form.addRow("地区", self.district)
        form.addRow("受付日", self.opened)
        form.addRow("相談経路", self.route)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("受付する")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("キャンセル")
        buttons.accepted.connect(self._create)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.duplicates)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self.kana.editingFinished.connect(self._check_duplicates)
        self.birth.edit.dateChanged.connect(lambda _d: self._check_duplicates())
        self.resize(560, self.sizeHint().height())

    def _birth(self) -> dt.date | None:
        return None if self.birth_unknown.isChecked() else self.birth.date()

    def _check_duplicates(self) -> None:
        found = self.session.db.cases.possible_duplicates(self.kana.text(), self._birth())
        if found:
            names = "、".join(f"{d.name}（{'・'.join(d.case_numbers) or 'ケースなし'}）" for d in found)
            self.duplicates.setText(f"同じフリガナ・生年月日の人がいます: {names}")
        else:
            self.duplicates.setText("")

    def _create(self) -> None:
        person = Person(
            name=self.name.text(),
            kana=self.kana.text(),
            birth_date=self._birth(),
            sex=Sex(self.sex.currentData()),
            district=self.district.currentText().strip(),
        )
        try:
            self.case_id = self.session.db.cases.create(
                person,
                opened_on=self.opened.date(),
                route=self.route.text().strip(),
                by=self.session.user_name,
            )
        except JusouError as exc:
            self.message.setText(exc.message)
            return
        self.accept()
