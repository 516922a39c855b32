"""``jusou-desktop samples OUTDIR``: one 見本 of every document and export the app produces.

A fresh demo database (fictional people only) is built in a scratch folder and every writer
runs against it.  Each later feature adds its documents to ``_WRITERS``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from jusou_desktop.demo import DemoSummary, create_demo_database, generate_passphrase
from jusou_desktop.domain.wareki import fiscal_year_of, format_fiscal_year, format_wareki
from jusou_desktop.store.database import Database

SampleWriter = Callable[[Database, Path, dt.date], list[Path]]


def _referral_sheets(db: Database, outdir: Path, today: dt.date) -> list[Path]:
    """The filled A・B・C票 of an answered demo referral, and a blank form of every template."""
    from jusou_desktop.domain.referral import ReferralState
    from jusou_desktop.reports.referral_print import blank_document, referral_document, suggested_file_name
    from jusou_desktop.reports.sheet_pdf import write_sheet_pdf
    from jusou_desktop.store.referrals import ReferralFilter

    written = []
    answered = db.referrals.rows(ReferralFilter(states=frozenset({ReferralState.ANSWERED})), today=today)
    if answered:
        document = referral_document(db, answered[0].id, today)
        path = outdir / f"見本_記入済み_{suggested_file_name(document)}"
        write_sheet_pdf(document, path)
        written.append(path)
    for stored in db.templates.latest_all():
        document = blank_document(db, stored.template.key, today)
        style = stored.template.style.replace("/", "・")
        path = outdir / f"見本_記入用_{stored.template.title}_{style}.pdf"
        write_sheet_pdf(document, path)
        written.append(path)
    return written


def _meeting_papers(db: Database, outdir: Path, today: dt.date) -> list[Path]:
    """A meeting notice, an attendee list with the pledge column and a 支援共有・行動連携計画シート."""
    from jusou_desktop.domain.meetings import MeetingState, MeetingType
    from jusou_desktop.reports.meeting_pdf import (
        write_action_sheet_pdf,
        write_attendee_list_pdf,
        write_notice_pdf,
    )
    from jusou_desktop.reports.meeting_print import meeting_document

    held = db.meetings.rows(None, None, types=(MeetingType.SUPPORT,), states=(MeetingState.HELD,))
    if not held:
        return []
    document = meeting_document(db, held[-1].id, today)
    written = []
    for name, writer in (
        ("見本_会議の案内.pdf", write_notice_pdf),
        ("見本_出席者名簿（守秘義務の確認欄つき）.pdf", write_attendee_list_pdf),
        ("見本_支援共有・行動連携計画シート.pdf", write_action_sheet_pdf),
    ):
        writer(document, outdir / name)
        written.append(outdir / name)
    from jusou_desktop.reports.actions_pdf import ActionListDocument, write_action_list_pdf

    actions = ActionListDocument(
        db.settings.town_name(), "すべての機関", db.meetings.open_actions(today=today), today
    )
    write_action_list_pdf(actions, outdir / "見本_行動連携_役割の一覧.pdf")
    written.append(outdir / "見本_行動連携_役割の一覧.pdf")
    return written


def _plan_papers(db: Database, outdir: Path, today: dt.date) -> list[Path]:
    """A plan in both print styles, the comparison of a re-plan, and an evaluation sheet."""
    from jusou_desktop.reports import plan_pdf
    from jusou_desktop.reports.plan_print import plan_document

    rows = db.plans.rows()
    replanned = next((r for r in rows if r.plan.number >= 1 and r.plan.id is not None), None)
    ended = next(
        (e for r in db.cases.rows(limit=10_000) for e in db.plans.endings(r.id) if e.evaluation), None
    )
    written = []
    if replanned is not None and replanned.plan.id is not None:
        document = plan_document(db, replanned.plan.id, today)
        for name, writer in (
            ("見本_支援プラン.pdf", plan_pdf.write_plan_pdf),
            ("見本_プラン兼事業等利用申込書.pdf", plan_pdf.write_application_style_pdf),
            ("見本_支援プラン_変更点の比較.pdf", plan_pdf.write_comparison_pdf),
        ):
            writer(document, outdir / name)
            written.append(outdir / name)
    if ended is not None:
        current = db.plans.current(ended.case_id)
        if current is not None and current.id is not None:
            plan_pdf.write_evaluation_pdf(
                plan_document(db, current.id, today), outdir / "見本_評価シート.pdf"
            )
            written.append(outdir / "見本_評価シート.pdf")
    return written


def _excel_files(db: Database, outdir: Path, today: dt.date) -> list[Path]:
    """The 実績 workbook of this 年度 (no personal data), a case ledger (取扱注意) and the 地域資源 list."""
    from jusou_desktop.reports.jisseki_xlsx import write_jisseki_xlsx
    from jusou_desktop.reports.ledger_xlsx import write_case_ledger_xlsx, write_resource_directory_xlsx

    year = fiscal_year_of(today)
    jisseki = outdir / f"見本_実績_{format_fiscal_year(year)}.xlsx"
    write_jisseki_xlsx(db.jisseki.data(year), jisseki, printed_on=today)
    ledger = outdir / "見本_ケース台帳.xlsx"
    write_case_ledger_xlsx(
        db.cases.rows(limit=100_000),
        ledger,
        town=db.settings.town_name(),
        printed_on=today,
        filter_text="すべてのケース",
    )
    resources = outdir / "見本_地域資源一覧.xlsx"
    write_resource_directory_xlsx(
        db.resources.directory(), resources, town=db.settings.town_name(), printed_on=today
    )
    return [jisseki, ledger, resources]


_WRITERS: tuple[tuple[str, SampleWriter], ...] = (
    ("つなぎシート", _referral_sheets),
    ("会議", _meeting_papers),
    ("支援プラン", _plan_papers),
    ("Excel", _excel_files),
)


def _summary_text(summary: DemoSummary, db: Database, today: dt.date, documents: list[str]) -> str:
    counts = db.cases.status_counts()
    lines = [
        "重層支援デスクトップ 見本一覧",
        f"作成日: {format_wareki(today)}（{format_fiscal_year(fiscal_year_of(today))}）",
        "データ: デモ用の架空の町・架空の人物のみ（実在の個人情報は含みません）",
        "",
        summary.describe(),
        "ケースの状態別件数: " + "、".join(f"{status} {n}件" for status, n in counts.items()),
        "",
        "見本ファイル:",
    ]
    lines += [f"  {name}" for name in documents] or ["  （帳票・出力の見本は今後の版で追加されます）"]
    return "\n".join(lines) + "\n"


def write_samples(outdir: Path, workdir: Path, today: dt.date | None = None) -> list[Path]:
    today = today or dt.date.today()
    db_path = workdir / "見本用デモ.jusou"
    passphrase = generate_passphrase()
    summary = create_demo_database(db_path, passphrase, today=today)
    written: list[Path] = []
    with Database.open(db_path, passphrase) as db:
        for _label, writer in _WRITERS:
            written += writer(db, outdir, today)
        index = outdir / "見本一覧.txt"
        index.write_text(_summary_text(summary, db, today, [p.name for p in written]), encoding="utf-8")
    return [index, *written]
