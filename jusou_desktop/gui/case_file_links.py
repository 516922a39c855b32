"""ケースファイル「つなぎ・予定」: the case's referral sheets, dated tasks, meeting requests and the
地域資源 it is connected to for 参加支援 (those are recorded in the 地域資源 section)."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QGroupBox, QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from jusou_desktop.domain.ids import CaseId, TaskId
from jusou_desktop.domain.meetings import Reason
from jusou_desktop.gui import messages
from jusou_desktop.gui.case_file_common import (
    fill_table,
    make_table,
    row_data,
    selected_row,
    store_call,
    wareki,
)
from jusou_desktop.gui.referral_list import waiting_text
from jusou_desktop.gui.resources import CaseResourceList
from jusou_desktop.gui.session import Session


class LinksTab(QWidget):
    new_referral = Signal(int)
    open_referral = Signal(int)
    saved = Signal()

    def __init__(self, session: Session, case_id: CaseId, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.case_id = case_id
        self.referrals = make_table(("受付番号", "状態", "紹介元", "送付日", "待ち日数", "様式"), stretch=2)
        self.referrals.doubleClicked.connect(lambda _i: self._open_referral())
        new_referral = QPushButton("このケースのつなぎシートを作成…")
        new_referral.clicked.connect(lambda: self.new_referral.emit(int(self.case_id)))
        open_referral = QPushButton("開く")
        open_referral.clicked.connect(self._open_referral)
        self.tasks = make_table(("期限", "内容", "担当", "完了日", "結果"), stretch=(1, 4))
        self.add_task_button = QPushButton("予定を追加…")
        self.add_task_button.clicked.connect(self.add_task)
        self.complete_button = QPushButton("完了にする…")
        self.complete_button.clicked.connect(self.complete_selected)
        self.requests = make_table(("依頼日", "会議", "目的", "状態"), stretch=2)

        referral_box = QGroupBox("つなぎシート")
        rl = QVBoxLayout(referral_box)
        rl.addWidget(self.referrals)
        rb = QHBoxLayout()
        rb.addStretch(1)
        rb.addWidget(new_referral)
        rb.addWidget(open_referral)
        rl.addLayout(rb)
        task_box = QGroupBox("予定（同行訪問・検討など）")
        tl = QVBoxLayout(task_box)
        tl.addWidget(self.tasks)
        tb = QHBoxLayout()
        tb.addStretch(1)
        tb.addWidget(self.add_task_button)
        tb.addWidget(self.complete_button)
        tl.addLayout(tb)
        request_box = QGroupBox("会議の開催依頼・重層的支援会議が必要な時機")
        ql = QVBoxLayout(request_box)
        ql.addWidget(self.requests)
        self.needs = make_table(("必要になった日", "理由", "きっかけ"), stretch=2)
        ql.addWidget(self.needs)
        nb = QHBoxLayout()
        nb.addStretch(1)
        self.need_buttons: dict[Reason, QPushButton] = {}
        for reason, text in (
            (Reason.ENDING, "終結の判断を会議にかける"),
            (Reason.SUSPENSION, "中断の決定を会議にかける"),
        ):
            button = QPushButton(text)
            button.setToolTip("重層的支援会議でこの理由の検討が開かれるまで「会議が必要です」と表示されます")
            button.clicked.connect(lambda _c=False, r=reason: self.raise_need(r))
            self.need_buttons[reason] = button
            nb.addWidget(button)
        ql.addLayout(nb)
        resource_box = QGroupBox("参加支援でつながった地域資源（記録は「地域資源」で）")
        self.resources = CaseResourceList(session, case_id)
        QVBoxLayout(resource_box).addWidget(self.resources)
        layout = QVBoxLayout(self)
        layout.addWidget(referral_box, 2)
        layout.addWidget(task_box, 2)
        layout.addWidget(request_box, 1)
        layout.addWidget(resource_box, 1)

    def load(self, today: dt.date | None = None) -> None:
        db = self.session.db
        today = today or self.session.today()
        ok, found = store_call(
            self,
            lambda: (
                db.referrals.for_case(self.case_id, today=today),
                db.tasks.for_case(self.case_id),
                db.meeting_requests.for_case(self.case_id),
            ),
        )
        if not ok or found is None:
            return
        referrals, tasks, requests = found
        fill_table(
            self.referrals,
            [
                [
                    r.number,
                    r.state.value,
                    r.source_agency_name,
                    wareki(r.sent_on),
                    waiting_text(r),
                    r.template_title,
                ]
                for r in referrals
            ],
            [int(r.id) for r in referrals],
        )
        fill_table(
            self.tasks,
            [
                [
                    (wareki(t.due_on) or "期限なし") + ("（期限切れ）" if t.overdue(today) else ""),
                    t.title,
                    t.assignee,
                    wareki(t.done_on),
                    t.result,
                ]
                for t in tasks
            ],
            [int(t.id) for t in tasks],
        )
        fill_table(self.requests, [[wareki(m.requested_on), m.kind, m.purpose, m.state] for m in requests])
        _ok, needs = store_call(self, lambda: db.meetings.open_needs(self.case_id))
        fill_table(self.needs, [[wareki(n.since), n.reason.value, n.source] for n in needs or []])
        store_call(self, self.resources.refresh)

    def raise_need(self, reason: Reason) -> None:
        """Ending and suspension are decided by a 重層的支援会議: ask for one (the reminder shows until it is held)."""
        if not messages.ask(self, f"「{reason.value}」のための重層的支援会議が必要として記録しますか？"):
            return
        today = self.session.today()
        ok, _ = store_call(
            self,
            lambda: self.session.db.meetings.raise_need(
                self.case_id, reason, since=today, source=f"{self.session.author_label}が記録"
            ),
        )
        if ok:
            self.load()
            self.saved.emit()

    def _open_referral(self) -> None:
        row = selected_row(self.referrals)
        if row is not None:
            self.open_referral.emit(int(row_data(self.referrals, row)))  # type: ignore[call-overload]

    def add_task(self) -> None:
        title = messages.ask_text(self, "予定の内容を入力してください（期限は後から一覧で確認できます）。")
        if title is None:
            return
        due = messages.ask_text(self, "期限の日付（例: 令和6年5月20日、空欄なら期限なし）")
        if due is None:
            return
        from jusou_desktop.domain.wareki import parse_date

        try:
            due_on = parse_date(due) if due.strip() else None
        except ValueError:
            messages.inform(self, f"日付が読めません: {due}")
            return
        ok, _ = store_call(
            self,
            lambda: self.session.db.tasks.add(
                self.case_id, title, due_on=due_on, assignee=self.session.user_name
            ),
        )
        if ok:
            self.load()
            self.saved.emit()

    def complete_selected(self) -> None:
        row = selected_row(self.tasks)
        if row is None:
            messages.inform(self, "完了にする予定を一覧から選んでください。")
            return
        task_id = TaskId(int(row_data(self.tasks, row)))  # type: ignore[call-overload]
        result = messages.ask_text(self, "結果をひとこと入力してください。")
        if result is None:
            return
        ok, _ = store_call(
            self, lambda: self.session.db.tasks.complete(task_id, on=self.session.today(), result=result)
        )
        if ok:
            self.load()
            self.saved.emit()
