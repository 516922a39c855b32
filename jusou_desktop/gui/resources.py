"""地域資源 (参加支援の資源): the register, who has been connected where, and the 定着 follow-ups.

The section has two tabs.  「地域資源の一覧」 (:class:`ResourceDirectory`) is the register: search
(name, フリガナ, 運営団体, 内容… folded like every search in the app, so さろん, サロン and ｻﾛﾝ
find the same), 種類・地区・区分 filters and 休止中 on request, all answered in SQL; beside it the
chosen resource's details and the people connected to it (つながり) with each one's story.
「定着の確認」 (:class:`FollowUpPage`) lists the open connections, those due for a check first (in
利用中 with no check for the chosen number of days), in red.

:class:`CaseResourceList` is a read-only list of one case's connections, for the case file.
Dialogs live in :mod:`jusou_desktop.gui.resource_dialogs`; they are opened with ``open()`` and the
one open now is :attr:`ResourceDirectory.dialog` (or :attr:`FollowUpPage.dialog`).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import (
    QObject,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QTableWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from jusou_desktop.domain.errors import JusouError
from jusou_desktop.domain.ids import CaseId
from jusou_desktop.domain.resources import (
    FORMALITY_HINTS,
    KIND_HINTS,
    MAX_FOLLOW_UP_DAYS,
    MIN_FOLLOW_UP_DAYS,
    Formality,
    LinkId,
    LinkRow,
    LinkStatus,
    Resource,
    ResourceId,
    ResourceKind,
    ResourceRow,
    can_check,
    can_remove,
    refusal_reason,
    step_label,
)
from jusou_desktop.gui import messages
from jusou_desktop.gui.case_file_common import fill_filter, fill_table, hint_label, make_table, wareki
from jusou_desktop.gui.record_dialog import DialogSlot, RecordDialog
from jusou_desktop.gui.record_list import (
    EnterOpens,
    Index,
    RowsModel,
    count_text,
    detail_labels,
    list_pane,
    list_shortcuts,
    search_box,
    select_row,
    selected_index,
    table_view,
)
from jusou_desktop.gui.resource_dialogs import (
    CheckDialog,
    ConnectDialog,
    FormDialog,
    MoveDialog,
    ResourceDialog,
    history_lines,
)
from jusou_desktop.gui.session import Session
from jusou_desktop.gui.widgets import bold, signals_blocked, two_panes
from jusou_desktop.store.resources import ResourceFilter, ResourceSort

ALL = "すべて"
INACTIVE = "（休止中）"
REMOVE_QUESTION = "このつながりを削除しますか？（誤って登録したときだけ使います。記録は残りません）"
NO_LINK = "つながりを選んでください。"
_INACTIVE_COLOR = QColor(128, 128, 128)
_DUE_COLOR = QColor(192, 0, 0)


def status_text(row: LinkRow, *, with_case: bool = True) -> str:
    """「利用中」, 「定着」, 「終了（転居）」; an open connection of a closed case says so: 「利用中（ケースは終結）」
    (not ``with_case``: in the case file, where the case's status is shown already)."""
    link = row.link
    if link.status == LinkStatus.ENDED:
        return f"終了（{link.end_reason}）"
    if with_case and not row.case_is_open:
        return f"{link.status.value}（ケースは{row.case_status.value}）"
    return link.status.value


def _enable_check(button: QPushButton, row: LinkRow | None) -> None:
    """「定着の確認を記録」 enabled when the domain allows a check on ``row``, else saying why not."""
    why_not = NO_LINK if row is None else can_check(row.link)
    button.setEnabled(why_not is None)
    button.setToolTip(why_not or "")


def _last_check(row: LinkRow) -> str:
    """The day of the last 定着の確認 and how it went: 「令和7年1月10日（順調）」."""
    return wareki(row.last_check_on) + (f"（{row.last_condition.value}）" if row.last_condition else "")


class _Links:
    """Connections shown in a table: the rows behind its lines, which one is selected, selecting one."""

    def __init__(self, table: QTableWidget) -> None:
        self.table = table
        self.rows: list[LinkRow] = []

    def show(self, texts: Sequence[Sequence[str]]) -> None:
        """Fill the table with ``texts``, one line for each of :attr:`rows`."""
        fill_table(self.table, texts, [int(r.link.id or 0) for r in self.rows])

    def selected(self) -> LinkRow | None:
        chosen = self.table.selectionModel().selectedRows()
        return self.rows[chosen[0].row()] if chosen and chosen[0].row() < len(self.rows) else None

    def selected_id(self) -> LinkId | None:
        row = self.selected()
        return row.link.id if row else None

    def select(self, link_id: LinkId | None, *, or_first: bool = False) -> bool:
        """Select the connection ``link_id`` (with ``or_first``, the first one when it is not listed)."""
        row = next(
            (i for i, r in enumerate(self.rows) if r.link.id == link_id), 0 if or_first and self.rows else -1
        )
        if row >= 0:
            self.table.selectRow(row)
        return row >= 0


def _paint_row(table: QTableWidget, row: int, color: QColor) -> None:
    for column in range(table.columnCount()):
        cell = table.item(row, column)
        if cell is not None:
            cell.setForeground(color)


# ---- the register's table model (rows and order come from SQL) ------------------------------------------

_COLUMNS: tuple[tuple[str, ResourceSort], ...] = (
    ("名称", ResourceSort.NAME),
    ("種類", ResourceSort.KIND),
    ("区分", ResourceSort.FORMALITY),
    ("地区", ResourceSort.DISTRICT),
    ("日時・頻度", ResourceSort.SCHEDULE),
    ("利用中", ResourceSort.USING),
    ("定着", ResourceSort.SETTLED),
)


class ResourceTableModel(RowsModel[ResourceRow]):
    """The register as :meth:`ResourceRepository.rows` gives it; clicking a header sorts in SQL."""

    def __init__(self, session: Session, parent: QObject | None = None) -> None:
        super().__init__([title for title, _sort in _COLUMNS], parent)
        self._session = session
        self._filter = ResourceFilter()
        self._sort = ResourceSort.KIND
        self._descending = False

    def set_filter(self, flt: ResourceFilter) -> None:
        self._filter = flt
        self.reload()

    @property
    def current_filter(self) -> ResourceFilter:
        return self._filter

    def reload(self) -> None:
        self.set_rows(
            self._session.db.resources.rows(self._filter, sort=self._sort, descending=self._descending)
        )

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.ToolTipRole and section >= 5:
            return "この資源につながっている人の数（状態ごと）"
        return super().headerData(section, orientation, role)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return (
                row.name + ("" if row.active else INACTIVE),
                row.kind.value,
                row.formality.value,
                row.district,
                row.schedule,
                str(row.using) if row.using else "",
                str(row.settled) if row.settled else "",
            )[column]
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == 0:
                return "\n".join(t for t in (row.name, row.kana, row.operator) if t)
            if column == 1:
                return KIND_HINTS[row.kind]
            if column == 2:
                return FORMALITY_HINTS[row.formality]
            if column >= 5:
                return f"調整中 {row.arranging}人・利用中 {row.using}人・定着 {row.settled}人・終了 {row.ended}人"
            if column == 4:
                return row.schedule or None
            return None
        if role == Qt.ItemDataRole.ForegroundRole and not row.active:
            return _INACTIVE_COLOR
        if role == Qt.ItemDataRole.TextAlignmentRole and column >= 5:
            return int(Qt.AlignmentFlag.AlignCenter)
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self._sort = _COLUMNS[column][1]
        self._descending = order == Qt.SortOrder.DescendingOrder
        self.reload()


# ---- the register --------------------------------------------------------------------------------------

_DETAILS = (
    "種類",
    "区分",
    "運営団体",
    "関係機関",
    "内容",
    "対象",
    "地区",
    "場所",
    "日時・頻度",
    "定員・受け入れ",
    "担当者",
    "電話",
    "備考",
)

_LINK_COLUMNS = ("本人", "ケース番号", "状態", "紹介日", "開始日", "最後の確認")


class ResourceDirectory(QWidget):
    """地域資源の一覧（検索・種類・地区・区分・休止中）と、選んだ資源の詳細・つながった人."""

    changed = Signal()
    """A resource, a connection or a check was saved."""
    open_case = Signal(int)

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._dialogs = DialogSlot()
        self.session = session

        # left: search, filters, the register
        self.search = search_box("名称・フリガナ・運営団体・内容で検索")
        self.kind_filter = QComboBox()
        self.kind_filter.addItem(ALL, None)
        for kind in ResourceKind:
            self.kind_filter.addItem(kind.value, kind.value)
            self.kind_filter.setItemData(
                self.kind_filter.count() - 1, KIND_HINTS[kind], Qt.ItemDataRole.ToolTipRole
            )
        self.kind_filter.setMaxVisibleItems(len(ResourceKind) + 1)
        self.district_filter = QComboBox()
        self.formality_filter = QComboBox()
        self.formality_filter.addItem(ALL, None)
        for formality in Formality:
            self.formality_filter.addItem(formality.value, formality.value)
        self.show_inactive = QCheckBox("休止中も表示")
        self.model = ResourceTableModel(session, self)
        self.table = table_view(self.model)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(4, self.fontMetrics().horizontalAdvance("あ") * 11)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(1, Qt.SortOrder.AscendingOrder)
        self.count_label = QLabel()
        self.new_button = QPushButton("新規登録")
        self.new_button.setToolTip("新しい地域資源を登録します（Ctrl+N）")
        self.edit_button = QPushButton("編集")
        self.edit_button.setToolTip("選んだ地域資源を編集します（Enter またはダブルクリック）")

        search_row = QHBoxLayout()
        filters = QHBoxLayout()
        for row_layout, caption, widget, stretch in (
            (search_row, "検索", self.search, 1),
            (filters, "種類", self.kind_filter, 0),
            (filters, "地区", self.district_filter, 0),
            (filters, "区分", self.formality_filter, 0),
        ):
            label = QLabel(caption)
            label.setBuddy(widget)
            row_layout.addWidget(label)
            row_layout.addWidget(widget, stretch)
            row_layout.addSpacing(6)
        search_row.addWidget(self.show_inactive)
        filters.addStretch(1)
        left = list_pane(
            [search_row, filters], self.table, self.count_label, [self.new_button, self.edit_button]
        )

        # right: details, then the people connected and the chosen connection's story
        self.detail_box = QGroupBox("資源の詳細")
        self.detail_form = QFormLayout()
        self.detail_form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.detail_form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
        self.detail_form.setVerticalSpacing(5)
        self.title = bold(QLabel())
        self.title.setWordWrap(True)
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.placeholder = hint_label("一覧から地域資源を選ぶと、ここに詳細とつながった人が表示されます。")
        self.detail_form.addRow(self.placeholder)
        self.detail_form.addRow(self.title)
        self.details = detail_labels(self.detail_form, _DETAILS)
        inner = QWidget()
        inner_layout = QVBoxLayout(inner)
        inner_layout.setContentsMargins(0, 0, 0, 0)
        inner_layout.addLayout(self.detail_form)
        inner_layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(inner)
        QVBoxLayout(self.detail_box).addWidget(scroll)

        self.links_box = QGroupBox("つながった人")
        self.links_table = make_table(_LINK_COLUMNS, stretch=2)
        self._links = _Links(self.links_table)
        self.links_table.setToolTip("ダブルクリックでケースを開きます。")
        self.connect_button = QPushButton("人をつなぐ")
        self.connect_button.setToolTip("この資源にケースの本人をつなぎます（調整中から始まります）。")
        self.start_button = QPushButton(step_label(None, LinkStatus.USING))
        self.settle_button = QPushButton(step_label(None, LinkStatus.SETTLED))
        self.end_button = QPushButton(step_label(None, LinkStatus.ENDED))
        self.check_button = QPushButton("定着の確認を記録")
        self.remove_button = QPushButton("削除")
        self.remove_button.setToolTip("誤って登録した調整中のつながりを削除します。")
        link_buttons = QHBoxLayout()
        link_buttons.addWidget(self.connect_button)
        link_buttons.addStretch(1)
        for button in (self.start_button, self.settle_button, self.end_button, self.remove_button):
            link_buttons.addWidget(button)
        check_row = QHBoxLayout()
        self.history_caption = QLabel("経過")
        check_row.addWidget(self.history_caption, 1)
        check_row.addWidget(self.check_button)
        self.history = make_table(("日付", "内容", "記録者"), stretch=1)
        people = QVBoxLayout()
        people.addWidget(self.links_table, 1)
        people.addLayout(link_buttons)
        story = QVBoxLayout()
        story.addLayout(check_row)
        story.addWidget(self.history, 1)
        links_layout = QHBoxLayout(self.links_box)
        links_layout.addLayout(people, 11)
        links_layout.addSpacing(6)
        links_layout.addLayout(story, 9)

        top = two_panes(Qt.Orientation.Horizontal, left, self.detail_box, (2, 1), [760, 420])
        splitter = two_panes(Qt.Orientation.Vertical, top, self.links_box, (3, 2), [420, 300])
        layout = QVBoxLayout(self)
        layout.addWidget(bold(QLabel("地域資源（参加支援の資源）"), 1.25))
        layout.addWidget(splitter, 1)

        # keyboard
        self.new_action, self.find_action = list_shortcuts(self, self.search, self.add_resource)
        self.table.installEventFilter(EnterOpens(self.edit_selected, self.table))
        for first, second in itertools.pairwise(
            [
                self.search,
                self.kind_filter,
                self.district_filter,
                self.formality_filter,
                self.show_inactive,
                self.table,
                self.new_button,
                self.edit_button,
                self.links_table,
                self.connect_button,
            ]
        ):
            QWidget.setTabOrder(first, second)

        # wiring
        self.search.textChanged.connect(self.apply_filter)
        self.search.returnPressed.connect(lambda: self.table.setFocus(Qt.FocusReason.OtherFocusReason))
        for combo in (self.kind_filter, self.district_filter, self.formality_filter):
            combo.currentIndexChanged.connect(self.apply_filter)
        self.show_inactive.toggled.connect(self.apply_filter)
        self.model.modelReset.connect(self._after_reset)
        self.table.selectionModel().currentRowChanged.connect(self._show_selected)
        self.table.doubleClicked.connect(lambda _index: self.edit_selected())
        self.links_table.itemSelectionChanged.connect(self._show_link)
        self.links_table.doubleClicked.connect(lambda _index: self._open_selected_case())
        self.new_button.clicked.connect(self.add_resource)
        self.edit_button.clicked.connect(self.edit_selected)
        self.connect_button.clicked.connect(self.connect_person)
        self.start_button.clicked.connect(lambda: self.move_selected(LinkStatus.USING))
        self.settle_button.clicked.connect(lambda: self.move_selected(LinkStatus.SETTLED))
        self.end_button.clicked.connect(lambda: self.move_selected(LinkStatus.ENDED))
        self.check_button.clicked.connect(self.check_selected)
        self.remove_button.clicked.connect(self.remove_selected)

        self._chosen: ResourceId | None = None
        self.fill_districts()
        self.apply_filter()

    @property
    def dialog(self) -> RecordDialog | None:
        """The dialog open now, if any."""
        return self._dialogs.current

    # ---- what is shown -------------------------------------------------------------------------------

    def fill_districts(self) -> None:
        """Refill the 地区 filter from the register, keeping the choice."""
        fill_filter(self.district_filter, [(d, d) for d in self.session.db.resources.districts()], ALL)

    def current_filter(self) -> ResourceFilter:
        kind = self.kind_filter.currentData()
        formality = self.formality_filter.currentData()
        return ResourceFilter(
            text=self.search.text(),
            kind=ResourceKind(kind) if kind else None,
            district=self.district_filter.currentData(),
            formality=Formality(formality) if formality else None,
            include_inactive=self.show_inactive.isChecked(),
        )

    def apply_filter(self, *_args: object) -> None:
        self._chosen = self.selected_resource_id() or self._chosen
        self.model.set_filter(self.current_filter())

    def reload(self) -> None:
        """Read the register again, keeping the chosen resource when it is still listed."""
        self._chosen = self.selected_resource_id() or self._chosen
        self.fill_districts()
        self.model.set_filter(self.current_filter())

    def _after_reset(self) -> None:
        if not (self._chosen is not None and self.select_resource(self._chosen)) and self.model.rowCount():
            select_row(self.table, self.model.index(0, 0))
        self._show_selected()
        self._update_count()

    def visible_names(self) -> list[str]:
        """The names in the list, in the order shown."""
        return [self.model.row_at(r).name for r in range(self.model.rowCount())]

    def selected_row(self) -> ResourceRow | None:
        index = selected_index(self.table)
        return None if index is None else self.model.row_at(index.row())

    def selected_resource_id(self) -> ResourceId | None:
        row = self.selected_row()
        return row.id if row else None

    def select_resource(self, resource_id: ResourceId) -> bool:
        """Select ``resource_id`` in the list; False when the filters hide it."""
        row = self.model.row_of(resource_id)
        if row < 0:
            self.table.selectionModel().clear()
            self._show_selected()
            return False
        index = self.model.index(row, 0)
        select_row(self.table, index)
        self.table.scrollTo(index)
        return True

    def _update_count(self) -> None:
        everything = self.session.db.resources.count(ResourceFilter(include_inactive=True))
        inactive = everything - self.session.db.resources.count(ResourceFilter())
        hidden = 0 if self.show_inactive.isChecked() else inactive
        self.count_label.setText(count_text("地域資源", everything, hidden, self.model.rowCount()))

    def _show_selected(self, *_args: object) -> None:
        row = self.selected_row()
        self._chosen = row.id if row else self._chosen
        self.detail_form.setRowVisible(self.placeholder, row is None)
        self.detail_form.setRowVisible(self.title, row is not None)
        for label in self.details.values():
            self.detail_form.setRowVisible(label, row is not None)
        if row is None:
            self._links.rows = []
            self._fill_links()
            self._update_buttons()
            return
        try:
            resource = self.session.db.resources.get(row.id)
        except JusouError as exc:
            messages.show_error(self, exc)
            return
        agency = ""
        if resource.agency_id is not None:
            agency = self.session.db.agencies.get(resource.agency_id).name
        self.title.setText(resource.name + ("" if resource.active else INACTIVE))
        self.title.setToolTip(resource.kana)
        values = {
            "種類": resource.kind.value,
            "区分": resource.formality.value,
            "運営団体": resource.operator,
            "関係機関": agency,
            "地区": resource.district,
            "場所": resource.place,
            "日時・頻度": resource.schedule,
            "定員・受け入れ": resource.capacity,
            "担当者": resource.contact_name,
            "電話": resource.phone,
            "内容": resource.offers,
            "対象": resource.audience,
            "備考": resource.note,
        }
        for caption, text in values.items():
            self.details[caption].setText(text)
        self._links.rows = self.session.db.resources.links_for_resource(row.id)
        self._fill_links()

    def _fill_links(self) -> None:
        chosen = self._links.selected_id()
        interval = self.session.db.resources.follow_up_days()
        today = self.session.today()
        links = self._links.rows
        self._links.show(
            [
                [
                    r.person_name,
                    r.case_number,
                    status_text(r),
                    wareki(r.link.referred_on),
                    wareki(r.link.started_on),
                    _last_check(r),
                ]
                for r in links
            ]
        )
        for index, r in enumerate(links):
            due = r.due_on(interval)
            if r.link.status == LinkStatus.ENDED:
                _paint_row(self.links_table, index, _INACTIVE_COLOR)
            elif due is not None and due <= today:
                cell = self.links_table.item(index, 5)
                if cell is not None:
                    cell.setForeground(_DUE_COLOR)
                    cell.setToolTip(f"{wareki(due)}から定着の確認の時期です。")
        open_count = sum(r.link.status != LinkStatus.ENDED for r in links)
        self.links_box.setTitle(
            f"つながった人（{open_count}人・終了を含め{len(links)}件）" if links else "つながった人"
        )
        self._links.select(chosen, or_first=True)
        self._show_link()

    def selected_link(self) -> LinkRow | None:
        return self._links.selected()

    def _show_link(self) -> None:
        row = self.selected_link()
        if row is None or row.link.id is None:
            self.history_caption.setText("経過")
            fill_table(self.history, [])
        else:
            self.history_caption.setText(f"経過（{row.person_name}）")
            lines = history_lines(self.session, row.link.id)
            fill_table(self.history, [[wareki(on), text, by] for on, text, by in lines])
            for index, (_on, text, _by) in enumerate(lines):
                cell = self.history.item(index, 1)
                if cell is not None:
                    cell.setToolTip(text)
        self._update_buttons()

    def _update_buttons(self) -> None:
        resource = self.selected_row()
        link = self.selected_link()
        self.edit_button.setEnabled(resource is not None)
        self.connect_button.setEnabled(resource is not None and resource.active)
        self.connect_button.setToolTip(
            "休止中の資源には新しくつなげません。"
            if resource is not None and not resource.active
            else "この資源にケースの本人をつなぎます（調整中から始まります）。"
        )
        for button, target in (
            (self.start_button, LinkStatus.USING),
            (self.settle_button, LinkStatus.SETTLED),
            (self.end_button, LinkStatus.ENDED),
        ):
            button.setText(step_label(link.link.status if link else None, target))
            why_not = NO_LINK if link is None else refusal_reason(link.link, target, link.checks)
            button.setEnabled(why_not is None)
            button.setToolTip(why_not or "")
        _enable_check(self.check_button, link)
        self.remove_button.setVisible(link is not None and can_remove(link.link, link.checks) is None)

    def _open_selected_case(self) -> None:
        link = self.selected_link()
        if link is not None:
            self.open_case.emit(int(link.link.case_id))

    # ---- editing -------------------------------------------------------------------------------------

    def add_resource(self) -> None:
        kind = self.kind_filter.currentData()
        dialog = ResourceDialog(self.session, None, self, default_kind=ResourceKind(kind) if kind else None)
        self._dialogs.open(dialog, self._resource_saved)

    def edit_selected(self) -> None:
        row = self.selected_row()
        if row is None:
            return
        try:
            resource = self.session.db.resources.get(row.id)
        except JusouError as exc:
            messages.show_error(self, exc)
            return
        self._dialogs.open(ResourceDialog(self.session, resource, self), self._resource_saved)

    def _resource_saved(self, dialog: ResourceDialog) -> None:
        if dialog.saved_id is not None:
            self._reveal(self.session.db.resources.get(dialog.saved_id))
        self.reload()
        self.changed.emit()

    def _reveal(self, resource: Resource) -> None:
        """Loosen the filters so that a just-saved resource is in the list."""
        self._chosen = resource.id
        with signals_blocked(
            self.search, self.kind_filter, self.district_filter, self.formality_filter, self.show_inactive
        ):
            flt = self.current_filter()
            if flt.kind is not None and flt.kind != resource.kind:
                self.kind_filter.setCurrentIndex(0)
            if flt.district and flt.district != resource.district:
                self.district_filter.setCurrentIndex(0)
            if flt.formality is not None and flt.formality != resource.formality:
                self.formality_filter.setCurrentIndex(0)
            if flt.text.strip() and resource.id not in {
                r.id
                for r in self.session.db.resources.rows(ResourceFilter(text=flt.text, include_inactive=True))
            }:
                self.search.clear()
            if not resource.active:
                self.show_inactive.setChecked(True)

    def connect_person(self) -> None:
        row = self.selected_row()
        if row is None:
            return
        resource = self.session.db.resources.get(row.id)
        self._dialogs.open(ConnectDialog(self.session, resource, self), self._link_saved)

    def move_selected(self, target: LinkStatus) -> None:
        link = self.selected_link()
        if link is None:
            return
        label = step_label(link.link.status, target)
        self._dialogs.open(MoveDialog(self.session, link, target, label, self), self._link_saved)

    def check_selected(self) -> None:
        link = self.selected_link()
        if link is not None:
            self._dialogs.open(CheckDialog(self.session, link, self), self._link_saved)

    def remove_selected(self) -> None:
        link = self.selected_link()
        if link is None or link.link.id is None:
            return
        if not messages.ask(self, REMOVE_QUESTION, yes="削除する", no="やめる"):
            return
        try:
            self.session.db.resources.remove(link.link.id)
        except JusouError as exc:
            messages.show_error(self, exc)
            return
        self.refresh()
        self.changed.emit()

    def _link_saved(self, dialog: FormDialog) -> None:
        link_id = dialog.saved_id if isinstance(dialog, ConnectDialog) else self._links.selected_id()
        self.refresh()
        if link_id is not None:
            self._links.select(link_id)
        self.changed.emit()

    def refresh(self) -> None:
        """Re-read the list counts and the chosen resource's connections (after a change elsewhere)."""
        chosen_link = self._links.selected_id()
        self.reload()
        if chosen_link is not None:
            self._links.select(chosen_link)


# ---- 定着の確認 -----------------------------------------------------------------------------------------

_FOLLOW_COLUMNS = ("確認の時期", "状態", "本人", "ケース番号", "地域資源", "開始日", "最後の確認")


class FollowUpPage(QWidget):
    """Open connections, those due for a 定着の確認 first (red): 利用中 and not looked at for N days."""

    changed = Signal()
    open_case = Signal(int)
    show_resource = Signal(int)

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._dialogs = DialogSlot()
        self.session = session
        self.interval = QSpinBox()
        self.interval.setRange(MIN_FOLLOW_UP_DAYS, MAX_FOLLOW_UP_DAYS)
        self.interval.setSuffix(" 日")
        self.interval.setKeyboardTracking(False)  # saved when typing is done (Enter or leaving the box)
        self.interval.setValue(session.db.resources.follow_up_days())
        self.interval.setToolTip(
            "利用中のつながりを、前回の確認（または開始日）からこの日数で確認の時期とします。"
        )
        self.due_only = QCheckBox("確認の時期が来ているものだけ")
        self.summary = bold(QLabel())
        self.table = make_table(_FOLLOW_COLUMNS, stretch=4)
        self._links = _Links(self.table)
        self.table.setToolTip("ダブルクリックでケースを開きます。")
        self.check_button = QPushButton("定着の確認を記録")
        self.resource_button = QPushButton("地域資源の一覧で見る")
        self.case_button = QPushButton("ケースを開く")

        top = QHBoxLayout()
        top.addWidget(QLabel("確認の間隔"))
        top.addWidget(self.interval)
        top.addSpacing(12)
        top.addWidget(self.due_only)
        top.addStretch(1)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        for button in (self.case_button, self.resource_button, self.check_button):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addWidget(bold(QLabel("定着の確認"), 1.25))
        layout.addWidget(
            hint_label(
                "利用中のつながりで、前回の確認（まだなら開始日）から確認の間隔を過ぎたものを先頭に赤で表示します。"
                "続けて、ほかの利用中・調整中・定着のつながりを表示します。"
            )
        )
        layout.addLayout(top)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)

        self.interval.valueChanged.connect(self._interval_changed)
        self.due_only.toggled.connect(lambda _on: self.refresh())
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.table.doubleClicked.connect(lambda _index: self._open_case())
        self.check_button.clicked.connect(self.check_selected)
        self.case_button.clicked.connect(self._open_case)
        self.resource_button.clicked.connect(self._show_resource)
        self.refresh()

    @property
    def dialog(self) -> RecordDialog | None:
        """The dialog open now, if any."""
        return self._dialogs.current

    def _interval_changed(self, days: int) -> None:
        try:
            self.session.db.resources.set_follow_up_days(days)
        except JusouError as exc:
            messages.show_error(self, exc)
            return
        self.refresh()
        self.changed.emit()

    def refresh(self) -> None:
        chosen = self._links.selected_id()
        today = self.session.today()
        days = self.interval.value()
        rows = self._links.rows = self.session.db.resources.follow_ups(
            today, days, due_only=self.due_only.isChecked()
        )
        due_count = self.session.db.resources.due_count(today, days)
        texts = []
        for r in rows:
            due = r.due_on(days)
            if r.link.status == LinkStatus.ARRANGING:
                when = f"紹介から{(today - r.link.referred_on).days}日"
            elif due is None:
                when = ""
            elif due < today:
                when = f"{(today - due).days}日過ぎ"
            elif due == today:
                when = "今日"
            else:
                when = wareki(due)
            texts.append(
                [
                    when,
                    status_text(r),
                    r.person_name,
                    r.case_number,
                    r.resource_name,
                    wareki(r.link.started_on),
                    _last_check(r),
                ]
            )
        self._links.show(texts)
        for index, r in enumerate(rows):
            due = r.due_on(days)
            if due is not None and due <= today:
                _paint_row(self.table, index, _DUE_COLOR)
        self.summary.setText(
            f"確認の時期が来ているつながり: {due_count}件"
            if due_count
            else "確認の時期が来ているつながりはありません。"
        )
        self._links.select(chosen, or_first=True)
        self._update_buttons()

    def due_count(self) -> int:
        return self.session.db.resources.due_count(self.session.today(), self.interval.value())

    def selected(self) -> LinkRow | None:
        return self._links.selected()

    def _update_buttons(self) -> None:
        row = self.selected()
        self.case_button.setEnabled(row is not None)
        self.resource_button.setEnabled(row is not None)
        _enable_check(self.check_button, row)

    def check_selected(self) -> None:
        row = self.selected()
        if row is not None:
            self._dialogs.open(CheckDialog(self.session, row, self), self._checked)

    def _checked(self, _dialog: FormDialog) -> None:
        self.refresh()
        self.changed.emit()

    def _open_case(self) -> None:
        row = self.selected()
        if row is not None:
            self.open_case.emit(int(row.link.case_id))

    def _show_resource(self) -> None:
        row = self.selected()
        if row is not None:
            self.show_resource.emit(int(row.link.resource_id))


# ---- the section -----------------------------------------------------------------------------------------


class ResourceSection(QTabWidget):
    """「地域資源の一覧」 and 「定着の確認（N）」; a change in one refreshes the other."""

    open_case = Signal(int)
    changed = Signal()

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.setDocumentMode(True)
        self.directory = ResourceDirectory(session)
        self.follow_ups = FollowUpPage(session)
        self.addTab(self.directory, "地域資源の一覧")
        self.addTab(self.follow_ups, "")
        self.directory.changed.connect(self._directory_changed)
        self.follow_ups.changed.connect(self._follow_ups_changed)
        self.directory.open_case.connect(self.open_case)
        self.follow_ups.open_case.connect(self.open_case)
        self.follow_ups.show_resource.connect(self.show_resource)
        self._retitle()

    @property
    def dialog(self) -> RecordDialog | None:
        return self.directory.dialog or self.follow_ups.dialog

    def showEvent(self, event: QShowEvent) -> None:
        """Coming back to the section shows today's state (names edited in a case file, the date)."""
        super().showEvent(event)
        if self.session.db.is_open:
            self.refresh()

    def _retitle(self) -> None:
        due = self.follow_ups.due_count()
        self.setTabText(1, f"定着の確認（要確認 {due}）" if due else "定着の確認")

    def _directory_changed(self) -> None:
        self.follow_ups.refresh()
        self._retitle()
        self.changed.emit()

    def _follow_ups_changed(self) -> None:
        self.directory.refresh()
        self._retitle()
        self.changed.emit()

    def refresh(self) -> None:
        self.directory.refresh()
        self.follow_ups.refresh()
        self._retitle()

    def show_resource(self, resource_id: int) -> None:
        """Show a resource in the register (clearing filters that hide it)."""
        self.setCurrentWidget(self.directory)
        self.directory._reveal(self.session.db.resources.get(ResourceId(resource_id)))
        self.directory.reload()


# ---- one case's connections (read-only, for the case file) -----------------------------------------------


class CaseResourceList(QWidget):
    """参加支援でつながった地域資源: one case's connections, newest open ones first (read-only)."""

    def __init__(self, session: Session, case_id: CaseId, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.case_id = case_id
        self.table = make_table(("地域資源", "種類", "状態", "紹介日", "開始日", "最後の確認"), stretch=0)
        self.empty = hint_label("参加支援でつながった地域資源はまだありません。")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.empty)
        layout.addWidget(self.table, 1)
        self.refresh()

    def refresh(self) -> None:
        rows = self.session.db.resources.links_for_case(self.case_id)
        fill_table(
            self.table,
            [
                [
                    r.resource_name,
                    r.resource_kind.value,
                    status_text(r, with_case=False),
                    wareki(r.link.referred_on),
                    wareki(r.link.started_on),
                    _last_check(r),
                ]
                for r in rows
            ],
            [int(r.link.id or 0) for r in rows],
        )
        for index, r in enumerate(rows):
            if r.link.status == LinkStatus.ENDED:
                _paint_row(self.table, index, _INACTIVE_COLOR)
        self.empty.setVisible(not rows)
        self.table.setVisible(bool(rows))
