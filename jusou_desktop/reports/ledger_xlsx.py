"""List exports to Excel: the case ledger, the agency and resource directories, the open actions.

Each fills its template in ``exports/`` (ケース台帳.xlsx, 関係機関一覧.xlsx, 地域資源一覧.xlsx,
役割一覧.xlsx) or a restyled copy the town points to.  The case ledger, the resource list (its
contacts are often volunteers) and the action list carry personal data: their templates must
show ``{{caution}}`` (「取扱注意」) and every printed page gets 取扱注意 in its header.  Dates are written twice where people read them: as 和暦 text and as a real Excel
date (for sorting and filtering).  Text typed by people is always written as text, never as a
formula.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

from jusou_desktop.domain.model import BUSINESS_DESCRIPTIONS, Agency, Business, CaseRow
from jusou_desktop.domain.resources import Resource, ResourceRow
from jusou_desktop.domain.wareki import format_wareki
from jusou_desktop.reports.excel_templates import (
    CAUTION,
    CancelledCheck,
    ProgressCallback,
    Steps,
    TableSpec,
    Template,
    TemplateSpec,
)

__all__ = [
    "ACTIONS_TEMPLATE",
    "AGENCY_TEMPLATE",
    "CASE_LEDGER_TEMPLATE",
    "RESOURCE_TEMPLATE",
    "ActionLike",
    "write_agency_directory_xlsx",
    "write_case_ledger_xlsx",
    "write_open_actions_xlsx",
    "write_resource_directory_xlsx",
]

NO_FILTER = "なし（すべてのケース）"
ALL_AGENCIES = "すべての機関"

_COMMON_FIELDS = {
    "town": "町名",
    "printed_on": "作成日（和暦）",
    "count": "件数",
    "caution": "「取扱注意」の表示",
}

CASE_LEDGER_TEMPLATE = TemplateSpec(
    title="ケース台帳",
    fields={**_COMMON_FIELDS, "filter": "絞り込みの条件"},
    tables=(
        TableSpec(
            "cases",
            "ケースの一覧",
            (
                "ケース番号",
                "氏名",
                "フリガナ",
                "状態",
                "受付日（和暦）",
                "受付日",
                "地区",
                "本人同意",
                "主担当",
                "課題タグ",
            ),
            empty_text="該当するケースはありません。",
        ),
    ),
    required=frozenset({"town", "caution", "rows:cases"}),
    personal=True,
)

AGENCY_TEMPLATE = TemplateSpec(
    title="関係機関一覧",
    fields=dict(_COMMON_FIELDS),
    tables=(
        TableSpec(
            "agencies",
            "関係機関の一覧",
            (
                "機関名",
                "フリガナ",
                "分野",
                "重層事業",
                "事業の内容",
                "運営",
                "担当部署",
                "住所",
                "電話",
                "FAX",
                "メール",
                "備考",
                "状態",
            ),
            empty_text="登録されている機関はありません。",
        ),
    ),
    required=frozenset({"town", "rows:agencies"}),
)

RESOURCE_TEMPLATE = TemplateSpec(
    title="地域資源一覧",
    fields=dict(_COMMON_FIELDS),
    tables=(
        TableSpec(
            "resources",
            "地域資源の一覧",
            (
                "名称",
                "フリガナ",
                "種類",
                "区分",
                "運営団体",
                "内容",
                "対象",
                "地区",
                "場所",
                "日時・頻度",
                "担当者",
                "電話",
                "定員・受け入れ",
                "備考",
                "利用中",
                "定着",
                "状態",
            ),
            empty_text="登録されている地域資源はありません。",
        ),
    ),
    # 担当者 and 電話 are often a volunteer's own name and number: handled as personal data.
    required=frozenset({"town", "caution", "rows:resources"}),
    personal=True,
)

ACTIONS_TEMPLATE = TemplateSpec(
    title="役割一覧",
    fields={**_COMMON_FIELDS, "audience": "宛先（すべての機関、または機関名）"},
    tables=(
        TableSpec(
            "actions",
            "役割の一覧",
            (
                "期限",
                "期限（和暦）",
                "期限切れ",
                "ケース番号",
                "誰が",
                "所属機関",
                "何を",
                "状況",
                "決めた会議の日",
                "会議",
            ),
            empty_text="未完了の役割はありません。",
        ),
    ),
    required=frozenset({"town", "caution", "rows:actions"}),
    personal=True,
)


class ActionLike(Protocol):
    """What the action list reads of ``store.meetings.ActionRow``."""

    @property
    def due_on(self) -> dt.date | None: ...
    @property
    def case_number(self) -> str: ...
    @property
    def who(self) -> str: ...
    @property
    def who_agency_name(self) -> str: ...
    @property
    def what(self) -> str: ...
    @property
    def status(self) -> Any: ...
    @property
    def overdue(self) -> bool: ...
    @property
    def meeting_on(self) -> dt.date: ...
    @property
    def meeting_title(self) -> str: ...


def _text(value: Any) -> str:
    """An enum's Japanese value, or the text itself."""
    return str(getattr(value, "value", value) or "")


def _fields(town: str, printed_on: dt.date, count: int, **extra: str) -> dict[str, Any]:
    return {
        "town": town,
        "printed_on": format_wareki(printed_on),
        "count": count,
        "caution": CAUTION,
        **extra,
    }


def _write(
    spec: TemplateSpec,
    table: str,
    rows: Sequence[Sequence[Any]],
    fields: dict[str, Any],
    dest: Path | str,
    template: Path | str | None,
    password: str | None,
    cancelled: CancelledCheck | None,
    progress: ProgressCallback | None,
) -> None:
    book = Template.load(spec, template)  # checked before anything is written
    steps = Steps(len(rows), cancelled, progress)
    steps.check()
    book.fill_fields(fields)
    book.write_table(table, rows, tick=steps.tick)
    book.save(dest, password=password, cancelled=cancelled)
    steps.finish()


# ---- ケース台帳 ------------------------------------------------------------------------------------


def _case_values(row: CaseRow) -> list[Any]:
    return [
        row.number,
        row.name,
        row.kana,
        _text(row.status),
        format_wareki(row.opened_on),
        row.opened_on,
        row.district,
        _text(row.consent_state),
        row.lead_agency,
        "、".join(row.tags),
    ]


def write_case_ledger_xlsx(
    rows: Sequence[CaseRow],
    dest: Path | str,
    *,
    town: str,
    printed_on: dt.date,
    filter_text: str,
    template: Path | str | None = None,
    password: str | None = None,
    cancelled: CancelledCheck | None = None,
    progress: ProgressCallback | None = None,
) -> None:
    """The case list as shown (``filter_text`` says how it was narrowed), 取扱注意.

    The template is checked before anything is written (TemplateError).  ``password``
    encrypts the file in memory before it is saved.  ``cancelled`` is asked after every row
    (Cancelled, nothing left on disk); ``progress(done, total)`` counts rows plus one.
    """
    _write(
        CASE_LEDGER_TEMPLATE,
        "cases",
        [_case_values(row) for row in rows],
        _fields(town, printed_on, len(rows), filter=filter_text.strip() or NO_FILTER),
        dest,
        template,
        password,
        cancelled,
        progress,
    )


# ---- 関係機関一覧 -----------------------------------------------------------------------------------


def _agency_values(agency: Agency) -> list[Any]:
    business = agency.business
    return [
        agency.name,
        agency.kana,
        _text(agency.field),
        _text(business),
        "" if business == Business.OUTSIDE else BUSINESS_DESCRIPTIONS.get(business, ""),
        _text(agency.operation) if agency.operation is not None else "",
        agency.department,
        agency.address,
        agency.phone,
        agency.fax,
        agency.email,
        agency.note,
        "" if agency.active else "休止中",
    ]


def write_agency_directory_xlsx(
    agencies: Sequence[Agency],
    dest: Path | str,
    *,
    town: str,
    printed_on: dt.date,
    template: Path | str | None = None,
    password: str | None = None,
    cancelled: CancelledCheck | None = None,
    progress: ProgressCallback | None = None,
) -> None:
    """The 支援関係機関 directory (names, fields, contacts), in the order given."""
    _write(
        AGENCY_TEMPLATE,
        "agencies",
        [_agency_values(agency) for agency in agencies],
        _fields(town, printed_on, len(agencies)),
        dest,
        template,
        password,
        cancelled,
        progress,
    )


# ---- 地域資源一覧 -----------------------------------------------------------------------------------


def _resource_values(resource: Resource, counts: ResourceRow) -> list[Any]:
    return [
        resource.name,
        resource.kana,
        _text(resource.kind),
        _text(resource.formality),
        resource.operator,
        resource.offers,
        resource.audience,
        resource.district,
        resource.place,
        resource.schedule,
        resource.contact_name,
        resource.phone,
        resource.capacity,
        resource.note,
        counts.using,
        counts.settled,
        "" if resource.active else "休止中",
    ]


def write_resource_directory_xlsx(
    entries: Sequence[tuple[Resource, ResourceRow]],
    dest: Path | str,
    *,
    town: str,
    printed_on: dt.date,
    template: Path | str | None = None,
    password: str | None = None,
    cancelled: CancelledCheck | None = None,
    progress: ProgressCallback | None = None,
) -> None:
    """The 地域資源 register for 参加支援 (what, for whom, where, when, contact, how many connected).

    Only the number of people using each resource and settled there is written, never who.
    """
    _write(
        RESOURCE_TEMPLATE,
        "resources",
        [_resource_values(resource, counts) for resource, counts in entries],
        _fields(town, printed_on, len(entries)),
        dest,
        template,
        password,
        cancelled,
        progress,
    )


# ---- 役割一覧 ------------------------------------------------------------------------------------------


def _action_values(row: ActionLike) -> list[Any]:
    return [
        row.due_on,
        format_wareki(row.due_on) if row.due_on else "期限なし",
        "期限切れ" if row.overdue else "",
        row.case_number,
        row.who,
        row.who_agency_name,
        row.what,
        _text(row.status),
        row.meeting_on,
        row.meeting_title,
    ]


def write_open_actions_xlsx(
    rows: Sequence[ActionLike],
    dest: Path | str,
    *,
    town: str,
    printed_on: dt.date,
    audience: str = ALL_AGENCIES,
    template: Path | str | None = None,
    password: str | None = None,
    cancelled: CancelledCheck | None = None,
    progress: ProgressCallback | None = None,
) -> None:
    """The 行動連携 actions (case numbers only, no names), in the order given, 取扱注意."""
    _write(
        ACTIONS_TEMPLATE,
        "actions",
        [_action_values(row) for row in rows],
        _fields(town, printed_on, len(rows), audience=audience or ALL_AGENCIES),
        dest,
        template,
        password,
        cancelled,
        progress,
    )
