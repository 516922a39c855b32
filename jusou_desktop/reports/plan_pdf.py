"""支援プラン on paper: the plan (house style), the national-style プラン兼事業等利用申込書, the
comparison of two versions (新旧対照) and the 評価シート, as A4 documents.

All four share the frame and look of the other documents (pdf_common): 取扱注意 and n/N on every
page, shaded section bars over ruled grids with a grey label column, IPAex Gothic embedded as a
subset.  Plain domain objects come in; nothing here knows the store or the GUI.

- 支援プラン: 本人の目標 in the person's own words (printed as quotes 「…」), 支援方針, 課題と支援,
  役割分担, the businesses used (参加支援・アウトリーチ等 ■/□), how the plan is confirmed (長泉町: the
  town's 支援決定 when a business is used, else the 重層的支援会議's 了承 and a report to the town)
  with the recorded dates, the monitoring date, and a consent block to sign at the end.
- プラン兼事業等利用申込書 (after the 生活困窮者自立支援 standard form set): page 1 is the plan,
  page 2 the application for 参加支援事業 / アウトリーチ等を通じた継続的支援事業 with the person's
  signature line and the town's 支援決定 box (決定日, 決定者, 事業, 期間), filled when decided and
  left blank to write in otherwise.
- 新旧対照: the change list from ``domain.plans.diff`` and the two versions side by side.
- 評価シート: monitoring progress per goal (small changes included) and, at the end, attainment
  per goal, the main supporter from now on and the follow-up; blank boxes when not yet evaluated.

Long text (支援方針, 経過…) is cut into line-aligned pieces that become separate table rows, so
several thousand characters flow over pages without losing a character.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reportlab.lib.enums import TA_CENTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    PageBreakIfNotEmpty,
    Spacer,
    Table,
    TableStyle,
)

from jusou_desktop.domain.plans import (
    Attainment,
    ConfirmationPath,
    Evaluation,
    Monitoring,
    PlanVersion,
    Role,
    Service,
    SupportDecision,
    diff,
)
from jusou_desktop.domain.wareki import format_wareki
from jusou_desktop.reports.pdf_common import (
    CELL_PAD_BOTTOM,
    CELL_PAD_TOP,
    CELL_PAD_X,
    CONTENT_WIDTH,
    FONT_NAME,
    FRAME_HEIGHT,
    GRID_COLOR,
    LABEL_SHADE,
    Cancelled,
    CancelledCheck,
    Grid,
    PageDecor,
    ProgressCallback,
    bar_commands,
    grid_style,
    para,
    pdf_bytes,
    signature_style,
    styles,
    text_pieces,
    write_pdf,
)

__all__ = [
    "APPLICATION_TITLE",
    "EVALUATION_TITLE",
    "LABEL_WIDTH",
    "PlanDocument",
    "application_story",
    "application_style_pdf_bytes",
    "comparison_pdf_bytes",
    "comparison_story",
    "evaluation_pdf_bytes",
    "evaluation_story",
    "plan_pdf_bytes",
    "plan_story",
    "write_application_style_pdf",
    "write_comparison_pdf",
    "write_evaluation_pdf",
    "write_plan_pdf",
]

APPLICATION_TITLE = "プラン兼事業等利用申込書"
EVALUATION_TITLE = "評価シート"

CHECKED, UNCHECKED = "■", "□"
BLANK_DATE = "令和　　年　　月　　日"
_EMPTY = "（記載なし）"

# The businesses the town decides, in the order of 社会福祉法第106条の4第2項.
_SERVICES: tuple[tuple[Service, str, str], ...] = (
    (Service.PARTICIPATION, "参加支援事業", "第2号"),
    (Service.OUTREACH, "アウトリーチ等を通じた継続的支援事業", "第4号"),
)

LABEL_WIDTH = 30 * mm
_FULL_W = CONTENT_WIDTH - LABEL_WIDTH
_PAD_X, _PAD_TOP, _PAD_BOTTOM = CELL_PAD_X, CELL_PAD_TOP, CELL_PAD_BOTTOM
_HANG = 4.0  # room for a 「。」 hanging at the end of a line (Japanese line breaking)
_KEEP_TOGETHER_UP_TO = 0.4 * FRAME_HEIGHT  # shorter blocks never break over a page
_SECTION_GAP = 3 * mm

_PROBLEM_COLS = (10 * mm, 62 * mm, CONTENT_WIDTH - 72 * mm)
_ROLE_COLS = (38 * mm, 22 * mm, CONTENT_WIDTH - 38 * mm - 22 * mm - 20 * mm - 30 * mm, 20 * mm, 30 * mm)
_CHANGE_COLS = (24 * mm, 13 * mm, (CONTENT_WIDTH - 37 * mm) / 2, (CONTENT_WIDTH - 37 * mm) / 2)
_SIDE_COLS = (26 * mm, (CONTENT_WIDTH - 26 * mm) / 2, (CONTENT_WIDTH - 26 * mm) / 2)
_PROGRESS_COLS = (30 * mm, CONTENT_WIDTH - 30 * mm - 58 * mm, 58 * mm)
_MONITORING_COLS = (30 * mm, 28 * mm, 30 * mm, CONTENT_WIDTH - 88 * mm)
_ATTAINMENT_COLS = (62 * mm, 26 * mm, CONTENT_WIDTH - 88 * mm)


@dataclass(frozen=True)
class PlanDocument:
    """Everything the plan documents print; plain domain objects only."""

    town: str
    case_number: str
    person_name: str
    plan: PlanVersion
    printed_on: dt.date
    title: str = "支援プラン"  # the town's title for its plans
    previous: PlanVersion | None = None  # for the comparison print
    monitorings: Sequence[Monitoring] = ()
    evaluation: Evaluation | None = None


# ---- public API ----------------------------------------------------------------------------------


Story = Callable[..., list[Flowable]]


def _write(
    story: Story,
    decor: Callable[[PlanDocument], PageDecor],
    doc: PlanDocument,
    dest: Path,
    cancelled: CancelledCheck | None,
    progress: ProgressCallback | None,
) -> None:
    flowables = story(doc, cancelled=cancelled)
    write_pdf(dest, flowables, decor(doc), cancelled=cancelled, progress=progress)


def write_plan_pdf(
    doc: PlanDocument,
    dest: Path,
    *,
    cancelled: CancelledCheck | None = None,
    progress: ProgressCallback | None = None,
) -> None:
    """支援プラン at ``dest`` (atomic; Cancelled leaves nothing, PdfWriteError on disk trouble)."""
    _write(plan_story, _plan_decor, doc, dest, cancelled, progress)


def write_application_style_pdf(
    doc: PlanDocument,
    dest: Path,
    *,
    cancelled: CancelledCheck | None = None,
    progress: ProgressCallback | None = None,
) -> None:
    """プラン兼事業等利用申込書 (national standard layout) at ``dest`` (atomic)."""
    _write(application_story, _application_decor, doc, dest, cancelled, progress)


def write_comparison_pdf(
    doc: PlanDocument,
    dest: Path,
    *,
    cancelled: CancelledCheck | None = None,
    progress: ProgressCallback | None = None,
) -> None:
    """新旧対照 of ``doc.previous`` and ``doc.plan`` at ``dest`` (atomic); ValueError without previous."""
    _write(comparison_story, _comparison_decor, doc, dest, cancelled, progress)


def write_evaluation_pdf(
    doc: PlanDocument,
    dest: Path,
    *,
    cancelled: CancelledCheck | None = None,
    progress: ProgressCallback | None = None,
) -> None:
    """評価シート at ``dest`` (atomic)."""
    _write(evaluation_story, _evaluation_decor, doc, dest, cancelled, progress)


def plan_pdf_bytes(doc: PlanDocument) -> bytes:
    return pdf_bytes(plan_story(doc), _plan_decor(doc))


def application_style_pdf_bytes(doc: PlanDocument) -> bytes:
    return pdf_bytes(application_story(doc), _application_decor(doc))


def comparison_pdf_bytes(doc: PlanDocument) -> bytes:
    return pdf_bytes(comparison_story(doc), _comparison_decor(doc))


def evaluation_pdf_bytes(doc: PlanDocument) -> bytes:
    return pdf_bytes(evaluation_story(doc), _evaluation_decor(doc))


# ---- words ---------------------------------------------------------------------------------------


def _date(d: dt.date | None, empty: str = "未定") -> str:
    return format_wareki(d) if d is not None else empty


def _period(start: dt.date | None, end: dt.date | None) -> str:
    if start is None and end is None:
        return ""
    return f"{_date(start, '')}\n〜{_date(end, '')}"


def _quoted(goal: str) -> str:
    goal = goal.strip()
    return goal if goal.startswith("「") and goal.endswith("」") else f"「{goal}」"


def _goals(plan: PlanVersion) -> list[str]:
    return [g for g in plan.goals if g.strip()]


def _services_line(chosen: frozenset[Service], *, law: bool = False) -> str:
    items = []
    for service, name, number in _SERVICES:
        mark = CHECKED if service in chosen else UNCHECKED
        items.append(f"{mark}{name}" + (f"（{number}）" if law else ""))
    return "　　".join(items)


def _services_names(chosen: frozenset[Service]) -> str:
    return "、".join(name for service, name, _ in _SERVICES if service in chosen) or "なし"


_ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")


def _wareki_in(text: str) -> str:
    """ISO dates inside domain texts (diff of roles and monitoring) as 和暦."""

    def convert(match: re.Match[str]) -> str:
        try:
            return format_wareki(dt.date.fromisoformat(match.group(0)))
        except ValueError:
            return match.group(0)

    return _ISO_DATE.sub(convert, text)


def _version(plan: PlanVersion) -> str:
    """「初回（令和6年4月1日作成）」."""
    return f"{plan.label}（{format_wareki(plan.drawn_up_on)}作成）" if plan.drawn_up_on else plan.label


def _footer(doc: PlanDocument) -> str:
    return f"ケース番号 {doc.case_number}　{doc.plan.label}" if doc.case_number else doc.plan.label


def _plan_decor(doc: PlanDocument) -> PageDecor:
    return PageDecor(
        town=doc.town,
        title=doc.title,
        printed_on=doc.printed_on,
        state=doc.plan.state.value,
        footer_note=_footer(doc),
    )


def _application_decor(doc: PlanDocument) -> PageDecor:
    return PageDecor(
        town=doc.town,
        title=APPLICATION_TITLE,
        printed_on=doc.printed_on,
        state=doc.plan.state.value,
        footer_note=_footer(doc),
    )


def _comparison_decor(doc: PlanDocument) -> PageDecor:
    return PageDecor(
        town=doc.town, title=f"{doc.title} 新旧対照", printed_on=doc.printed_on, footer_note=_footer(doc)
    )


def _evaluation_decor(doc: PlanDocument) -> PageDecor:
    return PageDecor(
        town=doc.town,
        title=EVALUATION_TITLE,
        printed_on=doc.printed_on,
        state="終結時の評価済" if doc.evaluation is not None else "",
        footer_note=_footer(doc),
    )


# ---- styles and building blocks --------------------------------------------------------------------


@dataclass(frozen=True)
class _More:
    cell: ParagraphStyle  # 9.5pt table cells
    cell_small: ParagraphStyle  # 8pt second line / dates in a cell
    head: ParagraphStyle  # 8.5pt centered column heads
    center: ParagraphStyle  # 9.5pt centered cells
    goal: ParagraphStyle  # 11pt the person's words
    sign: ParagraphStyle  # 10.5pt signature lines


@functools.cache
def _more() -> _More:
    st = styles()
    return _More(
        cell=ParagraphStyle("plan-cell", parent=st.body, fontSize=9.5, leading=13.5),
        cell_small=ParagraphStyle("plan-cell-small", parent=st.small, fontSize=8, leading=10.5),
        head=ParagraphStyle("plan-head", parent=st.label, fontSize=8.5, leading=10.5, alignment=TA_CENTER),
        center=ParagraphStyle("plan-center", parent=st.body, fontSize=9.5, leading=13, alignment=TA_CENTER),
        goal=ParagraphStyle("plan-goal", parent=st.body, fontSize=11, leading=15.5),
        sign=ParagraphStyle("plan-sign", parent=st.body, fontSize=10.5, leading=14),
    )


def _check(cancelled: CancelledCheck | None) -> None:
    if cancelled is not None and cancelled():
        raise Cancelled()


def _Grid(title: str = "") -> Grid:
    return Grid(title, label_width=LABEL_WIDTH, hang=_HANG, empty=_EMPTY)


Cell = str | list[Flowable]


class _Columns:
    """A section with column heads; each logical row may grow into several physical rows.

    A text cell is cut into line-aligned pieces, piece i of every column going into physical row i,
    so a long cell flows over pages.  A flowable cell stays whole in the first physical row.
    """

    def __init__(self, title: str, heads: Sequence[str], widths: Sequence[float]) -> None:
        more = _more()
        self.widths = tuple(widths)
        n = len(widths)
        self.rows: list[list[Any]] = [
            [para(title, styles().section), *[""] * (n - 1)],
            [para(h, more.head) for h in heads],
        ]
        self.cmds: list[tuple[Any, ...]] = [
            *bar_commands(),
            ("BACKGROUND", (0, 1), (-1, 1), LABEL_SHADE),
            ("LINEBELOW", (0, 1), (-1, 1), 0.6, GRID_COLOR),
            ("LINEAFTER", (0, 1), (-2, 1), 0.5, GRID_COLOR),
            ("TOPPADDING", (0, 1), (-1, 1), 3),
            ("BOTTOMPADDING", (0, 1), (-1, 1), 2),
        ]

    def _start(self) -> int:
        r = len(self.rows)
        if r > 2:
            self.cmds.append(("LINEABOVE", (0, r), (-1, r), 0.5, GRID_COLOR))
        return r

    def add(
        self,
        cells: Sequence[Cell],
        *,
        style: ParagraphStyle | None = None,
        shade_first: bool = False,
    ) -> None:
        cell_style = style or _more().cell
        columns: list[list[Any]] = []
        for cell, width in zip(cells, self.widths, strict=True):
            if isinstance(cell, str):
                columns.append(text_pieces(cell, cell_style, width - 2 * _PAD_X - _HANG) if cell else [""])
            else:
                columns.append([cell])
        count = max(len(c) for c in columns)
        first = self._start()
        for i in range(count):
            self.rows.append([c[i] if i < len(c) else "" for c in columns])
        last = len(self.rows) - 1
        self.cmds += [
            ("LINEAFTER", (0, first), (-2, last), 0.5, GRID_COLOR),
            ("VALIGN", (0, first), (-1, last), "TOP"),
        ]
        if shade_first:
            self.cmds.append(("BACKGROUND", (0, first), (0, last), LABEL_SHADE))
        if last > first:
            self.cmds += [
                ("BOTTOMPADDING", (0, first), (-1, last - 1), 0),
                ("TOPPADDING", (0, first + 1), (-1, last), 0),
            ]

    def subhead(self, text: str, style: ParagraphStyle | None = None) -> None:
        """A light bar across the table (e.g. one goal above its monitoring rows)."""
        r = self._start()
        self.rows.append([para(text, style or styles().label), *[""] * (len(self.widths) - 1)])
        self.cmds += [
            ("SPAN", (0, r), (-1, r)),
            ("BACKGROUND", (0, r), (-1, r), LABEL_SHADE),
            ("TOPPADDING", (0, r), (-1, r), 3.5),
            ("BOTTOMPADDING", (0, r), (-1, r), 2.5),
        ]

    def note(self, text: str) -> None:
        r = self._start()
        self.rows.append([para(text, styles().small), *[""] * (len(self.widths) - 1)])
        self.cmds.append(("SPAN", (0, r), (-1, r)))

    def table(self) -> Table:
        table = Table(self.rows, colWidths=self.widths, repeatRows=2, splitByRow=1)
        table.setStyle(grid_style(self.cmds))
        return table


def _add_block(story: list[Flowable], table: Table, *, gap: bool = True) -> None:
    """A table after a small gap; short ones are kept on one page."""
    if gap and story:
        story.append(Spacer(1, _SECTION_GAP))
    _, height = table.wrap(CONTENT_WIDTH, FRAME_HEIGHT)
    story.append(KeepTogether([table]) if height <= _KEEP_TOGETHER_UP_TO else table)


def _heading(story: list[Flowable], title: str, subtitle: str = "") -> None:
    st = styles()
    story.append(para(title, st.title))
    if subtitle:
        story.append(Spacer(1, 1))
        story.append(para(subtitle, st.subtitle))
    story.append(Spacer(1, 4 * mm))


def _writing_line(label: str, width: float, *, style: ParagraphStyle | None = None) -> Table:
    """「署名」 followed by a ruled line to write on (the label sits on the line)."""
    st = style or _more().sign
    label_w = max(12 * mm, len(label) * st.fontSize + 4)
    table = Table([[para(label, st), ""]], colWidths=(label_w, width - label_w), rowHeights=(10 * mm,))
    table.setStyle(signature_style(left_padding=0))
    return table


def _date_and_signature(width: float, sign_label: str = "署名") -> Table:
    """「令和　　年　　月　　日」 then 「署名＿＿＿＿」, on one line."""
    more = _more()
    date_w = 52 * mm
    table = Table(
        [[para(BLANK_DATE, more.sign), _writing_line(sign_label, width - date_w)]],
        colWidths=(date_w, width - date_w),
    )
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), FONT_NAME, 10),
                ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    return table


# ---- parts shared by the plan and the application form -------------------------------------------------


def _plan_head(doc: PlanDocument, *, national: bool) -> Table:
    plan = doc.plan
    grid = _Grid("基本情報")
    grid.half(("ケース番号", doc.case_number or "（未採番）"), ("本人氏名", doc.person_name))
    grid.half(("作成日", _date(plan.drawn_up_on, "")), ("作成者", plan.drawn_up_by))
    if national:
        first = f"{CHECKED if plan.number == 0 else UNCHECKED}初回"
        again = (
            f"{CHECKED}再プラン（{plan.number}回目）" if plan.number else f"{UNCHECKED}再プラン（　　回目）"
        )
        grid.half(("作成回数", f"{first}　{again}"), ("プランの状態", plan.state.value))
    else:
        grid.half(("版", plan.label), ("プランの状態", plan.state.value))
    return grid.table()


def _goals_and_policy(story: list[Flowable], plan: PlanVersion) -> None:
    more = _more()
    grid = _Grid("本人の目標（本人の言葉）")
    goals = _goals(plan)
    if not goals:
        grid.note("本人の目標が書かれていません。")
    for number, goal in enumerate(goals, start=1):
        grid.text(f"目標{number}", _quoted(goal), style=more.goal)
    _add_block(story, grid.table())
    policy = _Grid("支援方針")
    policy.wide(plan.policy, empty="支援方針が書かれていません。")
    _add_block(story, policy.table())


def _problems(plan: PlanVersion, *, national: bool) -> Table:
    heads = ("No.", "解決すべき課題" if national else "課題", "支援の内容" if national else "支援")
    cols = _Columns("課題と支援", heads, _PROBLEM_COLS)
    more = _more()
    for number, item in enumerate(plan.problems, start=1):
        cols.add([[para(str(number), more.center)], item.problem, item.support])
    if not plan.problems:
        cols.note("課題と支援は書かれていません。")
    return cols.table()


def _role_cells(role: Role) -> list[Cell]:
    more = _more()
    return [
        role.agency_name,
        role.person,
        role.what,
        role.frequency,
        [para(_period(role.start_on, role.end_on), more.cell_small)],
    ]


def _roles(plan: PlanVersion) -> Table:
    cols = _Columns("役割分担", ("機関", "担当", "内容", "頻度", "期間"), _ROLE_COLS)
    for role in plan.roles:
        cols.add(_role_cells(role))
    if not plan.roles:
        cols.note("役割分担は書かれていません。")
    return cols.table()


def _decision_rows(grid: Grid, decision: SupportDecision | None) -> None:
    """決定日, 決定者, 事業, 期間: the recorded decision, or blank boxes to write in."""
    if decision is None:
        grid.half(("決定日", BLANK_DATE), ("決定者", [Spacer(1, 7 * mm)]))
        grid.text("決定した事業", _services_line(frozenset()))
        grid.text("支援の期間", f"{BLANK_DATE}　〜　{BLANK_DATE}")
        return
    grid.half(("決定日", format_wareki(decision.decided_on)), ("決定者", decision.decided_by))
    grid.text("決定した事業", _services_line(decision.services))
    grid.text("支援の期間", f"{format_wareki(decision.period_from)}　〜　{format_wareki(decision.period_to)}")


def _confirmation(plan: PlanVersion) -> Table:
    grid = _Grid("確定の方法")
    by_decision = plan.path is ConfirmationPath.DECISION
    grid.text(
        "方法",
        f"{CHECKED if by_decision else UNCHECKED}{ConfirmationPath.DECISION.value}\n"
        f"{UNCHECKED if by_decision else CHECKED}{ConfirmationPath.APPROVAL.value}",
    )
    if by_decision:
        if plan.decision is None:
            grid.note("町の支援決定はまだ記録されていません。決定後に確定します。")
        else:
            _decision_rows(grid, plan.decision)
    elif plan.approval is None:
        grid.note("重層的支援会議の了承はまだ記録されていません。了承後に確定し、町へ報告します。")
    else:
        grid.text("会議の了承", f"{format_wareki(plan.approval.approved_on)}　重層的支援会議で了承")
        grid.text("町への報告", _date(plan.approval.reported_on, "未報告"))
    return grid.table()


# ---- 支援プラン -------------------------------------------------------------------------------------------


def plan_story(doc: PlanDocument, *, cancelled: CancelledCheck | None = None) -> list[Flowable]:
    """The plan in the house style, ending with the consent block to sign."""
    _check(cancelled)
    plan = doc.plan
    story: list[Flowable] = []
    subtitle = "重層的支援体制整備事業" if doc.title == "支援プラン" else "重層的支援体制整備事業　支援プラン"
    _heading(story, f"{doc.title}（{plan.label}）", subtitle)
    _add_block(story, _plan_head(doc, national=False), gap=False)
    _check(cancelled)
    _goals_and_policy(story, plan)
    _check(cancelled)
    _add_block(story, _problems(plan, national=False))
    _add_block(story, _roles(plan))
    _check(cancelled)

    services = _Grid("事業（アウトリーチ等・参加支援）")
    services.text("利用する事業", _services_line(plan.services))
    services.note("いずれかの事業を含むプランは、町の支援決定によって確定します。")
    _add_block(story, services.table())
    _add_block(story, _confirmation(plan))

    timing = _Grid("モニタリングの時期")
    timing.text("予定", _date(plan.monitoring_on))
    _add_block(story, timing.table())

    _check(cancelled)
    story.append(Spacer(1, 6 * mm))
    story.append(KeepTogether([_consent_block()]))
    return story


def _consent_block() -> Table:
    """本人の同意と署名, then the coordinator's name."""
    st, more = styles(), _more()
    inner = _FULL_W - 2 * _PAD_X
    rows: list[list[Any]] = [
        [para("同意欄", st.section), ""],
        [
            para("本人", st.label),
            [para("上記のプランに同意します。", more.sign), Spacer(1, 2 * mm), _date_and_signature(inner)],
        ],
        [para("コーディネーター", st.label), _writing_line("氏名", inner * 0.6)],
    ]
    table = Table(rows, colWidths=(LABEL_WIDTH, _FULL_W))
    table.setStyle(
        grid_style(
            [
                *bar_commands(),
                ("BACKGROUND", (0, 1), (0, -1), LABEL_SHADE),
                ("LINEAFTER", (0, 1), (0, -1), 0.5, GRID_COLOR),
                ("LINEABOVE", (0, 2), (-1, 2), 0.5, GRID_COLOR),
                ("TOPPADDING", (1, 1), (1, -1), 6),
                ("BOTTOMPADDING", (1, 1), (1, -1), 6),
            ]
        )
    )
    return table


# ---- プラン兼事業等利用申込書 ------------------------------------------------------------------------------


def application_story(doc: PlanDocument, *, cancelled: CancelledCheck | None = None) -> list[Flowable]:
    """Page 1 the plan, page 2 the application with the town's 支援決定 box."""
    _check(cancelled)
    plan = doc.plan
    st = styles()
    story: list[Flowable] = []
    _heading(story, APPLICATION_TITLE, "重層的支援体制整備事業（国の標準様式に準じた様式）")
    _add_block(story, _plan_head(doc, national=True), gap=False)
    _check(cancelled)
    _goals_and_policy(story, plan)
    _check(cancelled)
    _add_block(story, _problems(plan, national=True))
    _add_block(story, _roles(plan))
    timing = _Grid("モニタリング（次回）の時期")
    timing.text("予定", _date(plan.monitoring_on))
    _add_block(story, timing.table())

    _check(cancelled)
    story.append(PageBreakIfNotEmpty())
    _heading(story, "事業等利用申込", "参加支援事業・アウトリーチ等を通じた継続的支援事業の利用")

    who = _Grid()
    who.half(("ケース番号", doc.case_number or "（未採番）"), ("本人氏名", doc.person_name))
    _add_block(story, who.table(), gap=False)

    chosen = _Grid("利用を申し込む事業")
    marks = [
        para(f"{CHECKED if service in plan.services else UNCHECKED}{name}", _more().sign)
        for service, name, _ in _SERVICES
    ]
    chosen.cells("事業", marks)
    chosen.note(
        "参加支援事業は社会福祉法第106条の4第2項第2号、アウトリーチ等を通じた継続的支援事業は同項第4号の事業です。"
        "チェックのある事業は、町の支援決定によって利用が始まります。"
    )
    if not plan.services:
        chosen.note(
            "このプランは、上記の事業の利用を含みません。重層的支援会議の了承により確定し、町へ報告します。"
        )
    _add_block(story, chosen.table())

    _add_block(story, _application_block(doc))

    _check(cancelled)
    story.append(Spacer(1, 5 * mm))
    story.append(KeepTogether([_town_box(plan)]))
    story.append(Spacer(1, 2 * mm))
    story.append(para("※ 太枠内は町が記入します。", st.small))
    return story


def _application_block(doc: PlanDocument) -> Table:
    st, more = styles(), _more()
    inner = CONTENT_WIDTH - 2 * _PAD_X
    rows: list[list[Any]] = [
        [para("申込", st.section)],
        [
            [
                para(f"{doc.town}長　様", more.sign),
                Spacer(1, 3 * mm),
                para(
                    "上記のプランの内容に同意し、チェックした事業の利用を申し込みます。"
                    "また、支援のために、プランに記載した関係機関の間で必要な情報を共有することに同意します。",
                    st.body,
                ),
                Spacer(1, 4 * mm),
                _signature_row(inner, "申込日", "本人署名"),
            ]
        ],
    ]
    table = Table(rows, colWidths=(CONTENT_WIDTH,))
    table.setStyle(grid_style([*bar_commands(), ("TOPPADDING", (0, 1), (-1, 1), 7)]))
    return table


def _signature_row(width: float, date_label: str, sign_label: str) -> Table:
    more = _more()
    left_w = 72 * mm
    table = Table(
        [
            [
                para(f"{date_label}　{BLANK_DATE}", more.sign),
                _writing_line(sign_label, width - left_w),
            ]
        ],
        colWidths=(left_w, width - left_w),
    )
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), FONT_NAME, 10),
                ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    return table


def _town_box(plan: PlanVersion) -> Table:
    """町記入欄: 支援決定 (filled when recorded), and for plans without the businesses, 了承・報告."""
    grid = _Grid("町記入欄　支援決定")
    _decision_rows(grid, plan.decision)
    if not plan.services:
        approval = plan.approval
        grid.half(
            ("会議の了承", _date(approval.approved_on, BLANK_DATE) if approval else BLANK_DATE),
            ("町への報告", _date(approval.reported_on, BLANK_DATE) if approval else BLANK_DATE),
        )
    table = grid.table()
    table.setStyle(TableStyle([("BOX", (0, 0), (-1, -1), 1.8, GRID_COLOR)]))
    return table


# ---- 新旧対照 -----------------------------------------------------------------------------------------------


def comparison_story(doc: PlanDocument, *, cancelled: CancelledCheck | None = None) -> list[Flowable]:
    """The change list (domain diff), then both versions side by side."""
    old = doc.previous
    if old is None:
        raise ValueError("比較する前の版のプランがありません。")
    _check(cancelled)
    new = doc.plan
    more = _more()
    story: list[Flowable] = []
    _heading(story, f"{doc.title} 新旧対照", f"{old.label} → {new.label}")

    head = _Grid("基本情報")
    head.half(("ケース番号", doc.case_number or "（未採番）"), ("本人氏名", doc.person_name))
    head.half(("前の版", _version(old)), ("今回の版", _version(new)))
    _add_block(story, head.table(), gap=False)

    _check(cancelled)
    changes = diff(old, new)
    listing = _Columns("変更点の一覧", ("項目", "区分", "変更前", "変更後"), _CHANGE_COLS)
    for change in changes:
        kind = "追加" if not change.before else "削除" if not change.after else "変更"
        before, after = change.before, change.after
        if change.part == "本人の目標":
            before, after = (_quoted(t) if t else "" for t in (before, after))
        elif change.part == "事業":  # in the order of the law, as everywhere on paper
            before, after = _services_names(old.services), _services_names(new.services)
        before = _wareki_in(before) if before else "（なし）"
        after = _wareki_in(after) if after else "（削除）"
        listing.add([[para(change.part, more.cell)], [para(kind, more.center)], before, after])
    if not changes:
        listing.note("前の版からの変更はありません。")
    _add_block(story, listing.table())

    _check(cancelled)
    side = _Columns("新旧の内容", ("項目", f"前の版（{old.label}）", f"今回の版（{new.label}）"), _SIDE_COLS)
    changed_parts = {c.part for c in changes}
    for part, before, after in _side_by_side(old, new):
        label: list[Flowable] = [para(part, more.cell)]
        if part in changed_parts or (part == "モニタリングの時期" and "モニタリング" in changed_parts):
            label.append(para("（変更あり）", more.cell_small))
        side.add([label, before or "（なし）", after or "（なし）"], shade_first=True)
    _add_block(story, side.table())
    return story


def _side_by_side(old: PlanVersion, new: PlanVersion) -> list[tuple[str, str, str]]:
    def goals(plan: PlanVersion) -> str:
        return "\n".join(f"{i}. {_quoted(g)}" for i, g in enumerate(_goals(plan), start=1))

    def problems(plan: PlanVersion) -> str:
        return "\n".join(f"・{p.problem} → {p.support}" for p in plan.problems)

    def roles(plan: PlanVersion) -> str:
        lines = []
        for r in plan.roles:
            extra = "　".join(x for x in (r.frequency, _period(r.start_on, r.end_on).replace("\n", "")) if x)
            who = f"{r.agency_name}（{r.person}）" if r.person else r.agency_name
            lines.append(f"・{who}：{r.what}" + (f"　{extra}" if extra else ""))
        return "\n".join(lines)

    def services(plan: PlanVersion) -> str:
        return "\n".join(f"{CHECKED if s in plan.services else UNCHECKED}{name}" for s, name, _ in _SERVICES)

    return [
        ("本人の目標", goals(old), goals(new)),
        ("支援方針", old.policy, new.policy),
        ("課題と支援", problems(old), problems(new)),
        ("役割分担", roles(old), roles(new)),
        ("事業", services(old), services(new)),
        ("モニタリングの時期", _date(old.monitoring_on), _date(new.monitoring_on)),
        (
            "作成",
            f"{_date(old.drawn_up_on, '')}　{old.drawn_up_by}".strip(),
            f"{_date(new.drawn_up_on, '')}　{new.drawn_up_by}".strip(),
        ),
        ("状態", old.state.value, new.state.value),
    ]


# ---- 評価シート -------------------------------------------------------------------------------------------


def evaluation_story(doc: PlanDocument, *, cancelled: CancelledCheck | None = None) -> list[Flowable]:
    """Monitoring progress per goal, the monitoring records, then the evaluation at the end."""
    _check(cancelled)
    plan = doc.plan
    story: list[Flowable] = []
    _heading(story, EVALUATION_TITLE, f"{doc.title}（{plan.label}）の評価")

    head = _Grid("基本情報")
    head.half(("ケース番号", doc.case_number or "（未採番）"), ("本人氏名", doc.person_name))
    head.half(("プラン", _version(plan)), ("モニタリング", _date(plan.monitoring_on)))
    _add_block(story, head.table(), gap=False)

    _check(cancelled)
    monitorings = sorted(doc.monitorings, key=lambda m: m.on)
    _add_block(story, _progress_table(plan, monitorings))
    if monitorings:
        _add_block(story, _monitoring_table(monitorings))

    _check(cancelled)
    _evaluation_blocks(story, plan, doc.evaluation)
    return story


def _progress_table(plan: PlanVersion, monitorings: Sequence[Monitoring]) -> Table:
    more = _more()
    cols = _Columns(
        "目標ごとの経過（モニタリング）", ("実施日・記録者", "経過", "小さな変化"), _PROGRESS_COLS
    )
    order = _goals(plan)
    for m in monitorings:
        for p in m.progress:
            if p.goal.strip() and p.goal not in order:
                order.append(p.goal)
    planned = set(plan.goals)
    for number, goal in enumerate(order, start=1):
        suffix = "" if goal in planned else "　（このプランにない目標）"
        cols.subhead(f"目標{number}　{_quoted(goal)}{suffix}")
        entries = [(m, p) for m in monitorings for p in m.progress if p.goal == goal]
        for m, p in entries:
            when: list[Flowable] = [para(format_wareki(m.on), more.cell_small), para(m.by, more.cell_small)]
            cols.add([when, p.progress or "（記載なし）", p.small_change])
        if not entries:
            cols.note("この目標の経過はまだ記録されていません。")
    if not order:
        cols.note("本人の目標が書かれていません。")
    return cols.table()


def _monitoring_table(monitorings: Sequence[Monitoring]) -> Table:
    more = _more()
    cols = _Columns("モニタリングの記録", ("実施日", "記録者", "次回の予定", "メモ"), _MONITORING_COLS)
    for m in monitorings:
        cols.add(
            [
                [para(format_wareki(m.on), more.cell)],
                m.by,
                [para(_date(m.next_on, "未定"), more.cell)],
                m.note,
            ]
        )
    return cols.table()


def _attainment_marks(chosen: Attainment | None) -> list[Flowable]:
    more = _more()
    return [para(f"{CHECKED if a is chosen else UNCHECKED}{a.value}", more.cell) for a in Attainment]


def _evaluation_blocks(story: list[Flowable], plan: PlanVersion, evaluation: Evaluation | None) -> None:
    """終結時の評価: filled when recorded, else boxes to fill in at the 終結判断 meeting."""
    more = _more()
    head = _Grid("終結時の評価")
    if evaluation is None:
        head.note("終結の判断（重層的支援会議）の際に記入します。")
        head.half(("評価日", BLANK_DATE), ("評価者", [Spacer(1, 7 * mm)]))
    else:
        head.half(("評価日", format_wareki(evaluation.on)), ("評価者", evaluation.by))
    _add_block(story, head.table())

    cols = _Columns("目標ごとの達成度", ("本人の目標", "達成度", "コメント"), _ATTAINMENT_COLS)
    found = {a.goal: a for a in evaluation.attainments} if evaluation else {}
    goals = _goals(plan)
    extra = [a.goal for a in evaluation.attainments if a.goal not in goals] if evaluation else []
    for goal in [*goals, *extra]:
        attainment = found.get(goal)
        if evaluation is None:
            cols.add([_quoted(goal), _attainment_marks(None), [Spacer(1, 14 * mm)]])
        elif attainment is None:
            cols.add([_quoted(goal), [para("（未評価）", more.cell_small)], ""])
        else:
            cols.add([_quoted(goal), _attainment_marks(attainment.attainment), attainment.comment])
    if not goals and not extra:
        cols.note("本人の目標が書かれていません。")
    _add_block(story, cols.table())

    after = _Grid("これからの支援")
    if evaluation is None:
        after.text("これからの主な支援者（機関）", "", empty="", blank_height=9 * mm)
        after.text("フォローアップ", f"{UNCHECKED}必要　　{UNCHECKED}不要")
        after.text("フォローアップの方法", "", empty="", blank_height=14 * mm)
    else:
        after.text("これからの主な支援者（機関）", evaluation.main_supporter)
        needed = evaluation.follow_up_needed
        after.text(
            "フォローアップ",
            f"{CHECKED if needed else UNCHECKED}必要　　{UNCHECKED if needed else CHECKED}不要",
        )
        after.text("フォローアップの方法", evaluation.follow_up, empty="（なし）")
    _add_block(story, after.table())
