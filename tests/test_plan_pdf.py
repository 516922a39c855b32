"""支援プラン on paper: the plan, the プラン兼事業等利用申込書, the 新旧対照 and the 評価シート.

Each prints extractable Japanese text with its key contents, embeds its font as a subset, frames
every page (取扱注意, n/N), lets a long 支援方針 flow over pages without losing a character, and
leaves no file behind when cancelled.  poppler-utils (pdftotext, pdffonts) is installed here and
on CI, so nothing is skipped.
"""

from __future__ import annotations

import datetime as dt
import re
import subprocess
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from reportlab.lib.units import mm

from jusou_desktop.domain.ids import CaseId
from jusou_desktop.domain.plans import (
    Approval,
    Attainment,
    Evaluation,
    GoalAttainment,
    GoalProgress,
    Monitoring,
    PlanState,
    PlanVersion,
    ProblemSupport,
    Role,
    Service,
    SupportDecision,
    start_replan,
)
from jusou_desktop.reports.pdf_common import MARGIN, PAGE_SIZE, Cancelled
from jusou_desktop.reports.plan_pdf import (
    PlanDocument,
    application_style_pdf_bytes,
    comparison_pdf_bytes,
    evaluation_pdf_bytes,
    plan_pdf_bytes,
    write_application_style_pdf,
    write_comparison_pdf,
    write_evaluation_pdf,
    write_plan_pdf,
)

D = dt.date
PRINTED_ON = D(2024, 11, 6)
GOALS = (
    "母の介護を続けながら、週に一度は外に出たい",
    "お金の心配を減らして、夜は眠れるようになりたい",
    "昔のように機械いじりで人の役に立ちたい",
)
POLICY_START = "【方針のはじまり】"
POLICY_END = "【方針のおわり】"
BOTH = frozenset({Service.OUTREACH, Service.PARTICIPATION})


def _plan(**changes: Any) -> PlanVersion:
    fields: dict[str, Any] = {
        "case_id": CaseId(1),
        "number": 0,
        "goals": GOALS,
        "policy": "本人のペースを大切にし、無理に外出を促さない。まず母の介護負担を減らす。",
        "problems": (
            ProblemSupport("母の介護を本人がひとりで担っている", "ケアマネジャーとショートステイを検討する"),
            ProblemSupport("町民税・国保税の滞納", "家計改善支援で家計表をつくり、分納の相談に同行する"),
        ),
        "roles": (
            Role(
                "地域包括支援センター",
                "母のケアプランの見直し",
                person="山田",
                frequency="月1回",
                start_on=D(2024, 5, 1),
                end_on=D(2024, 10, 31),
            ),
            Role("社会福祉協議会", "自宅訪問と関係づくり", person="佐藤", frequency="月2回"),
        ),
        "services": frozenset({Service.PARTICIPATION}),
        "monitoring_on": D(2024, 8, 1),
        "drawn_up_by": "紬花子",
        "drawn_up_on": D(2024, 4, 20),
        "state": PlanState.CONFIRMED,
        "decision": SupportDecision(
            D(2024, 4, 30),
            "福祉課長 町田一郎",
            frozenset({Service.PARTICIPATION}),
            D(2024, 5, 1),
            D(2024, 10, 31),
        ),
        "id": 1,
    }
    fields.update(changes)
    return PlanVersion(**fields)


def _doc(plan: PlanVersion | None = None, **changes: Any) -> PlanDocument:
    fields: dict[str, Any] = {
        "town": "つむぎ町",
        "case_number": "R6-0012",
        "person_name": "紬太郎",
        "plan": plan or _plan(),
        "printed_on": PRINTED_ON,
    }
    fields.update(changes)
    return PlanDocument(**fields)


def _long_policy() -> str:
    """About 3,300 characters of varied numbered sentences, with a marker at each end."""
    who = ["本人", "母親", "包括", "社協", "民生委員", "工房", "家計改善支援員", "保健師"]
    what = [
        "本人の気持ちが動くまで待ち、急がせない",
        "訪問の前には必ず電話で都合を聞く",
        "母の通院の日は訪問を避けるようにする",
        "小さな変化を見つけたら関係機関で共有する",
        "滞納の話は本人が望むときだけにする",
        "得意な機械の話から会話を始めるとよい",
        "夜間の連絡は緊急時に限ることを確認する",
        "支援者がひとりで抱え込まないようにする",
    ]
    sentences = [f"{i:03d}、{who[i % 8]}は{what[(i * 3) % 8]}。" for i in range(1, 151)]
    text = POLICY_START + "".join(sentences) + POLICY_END
    assert len(text) >= 3000
    return text


def _pages(pdf: Path, *options: str) -> list[str]:
    result = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", *options, str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
        encoding="utf-8",
    )
    pages = result.stdout.split("\f")
    return pages[:-1] if pages and not pages[-1].strip() else pages


def _flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _save(tmp_path: Path, data: bytes, name: str = "plan.pdf") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def _layout_lines(pdf: Path, page: int | None = None) -> list[str]:
    """Lines as laid out on the page (cells of one row stay on one line), whitespace removed."""
    options = ["-layout"] + (["-f", str(page), "-l", str(page)] if page else [])
    lines = (_flat(line) for page_text in _pages(pdf, *options) for line in page_text.splitlines())
    return [line for line in lines if line]


def _text(tmp_path: Path, data: bytes) -> str:
    """The whole document, one laid-out line per line, whitespace inside lines removed."""
    return "\n".join(_layout_lines(_save(tmp_path, data)))


def _line(lines: list[str], start: str) -> str:
    found = [line for line in lines if line.startswith(start)]
    assert found, f"no line starts with {start}"
    return found[0]


def _with_previous(doc: PlanDocument) -> PlanDocument:
    """doc.plan becomes the previous version of a re-plan that drops goal 3 and adds a new one."""
    old = doc.plan
    new = replace(
        start_replan(old, on=D(2024, 11, 5), by="紬花子"),
        goals=(GOALS[0], GOALS[1], "修理工房で週に2回手伝いたい"),
        services=BOTH,
        monitoring_on=D(2025, 2, 1),
    )
    return replace(doc, plan=new, previous=old)


def _evaluated(doc: PlanDocument) -> PlanDocument:
    monitorings = (
        Monitoring(
            1,
            D(2024, 8, 2),
            "佐藤",
            (GoalProgress(GOALS[0], "コンビニまで一人で出かけた", "玄関まで出てきてくれた"),),
            next_on=D(2024, 10, 1),
            note="次の訪問日を本人から聞いてきた",
        ),
        Monitoring(
            1,
            D(2024, 10, 3),
            "紬花子",
            (GoalProgress(GOALS[2], "修理工房の見学に同行した", "工具の名前を次々に説明した"),),
        ),
    )
    evaluation = Evaluation(
        D(2025, 3, 10),
        "紬花子",
        (
            GoalAttainment(GOALS[0], Attainment.ACHIEVED, "週1回の外出が続いている"),
            GoalAttainment(GOALS[1], Attainment.PARTLY, "滞納は分納中"),
            GoalAttainment(GOALS[2], Attainment.NOT_YET, "見学のみ"),
        ),
        "地域包括支援センター",
        True,
        "3か月後に包括の担当者が訪問する",
    )
    return replace(doc, monitorings=monitorings, evaluation=evaluation)


Writer = Callable[..., None]
WRITERS: dict[str, tuple[Writer, Callable[[PlanDocument], bytes], Callable[[PlanDocument], PlanDocument]]] = {
    "plan": (write_plan_pdf, plan_pdf_bytes, lambda d: d),
    "application": (write_application_style_pdf, application_style_pdf_bytes, lambda d: d),
    "comparison": (write_comparison_pdf, comparison_pdf_bytes, _with_previous),
    "evaluation": (write_evaluation_pdf, evaluation_pdf_bytes, _evaluated),
}


# ---- 支援プラン ------------------------------------------------------------------------------------------


def test_plan_prints_every_part_of_the_plan(tmp_path: Path) -> None:
    text = _text(tmp_path, plan_pdf_bytes(_doc()))
    for expected in (
        "支援プラン（初回）",
        "ケース番号R6-0012本人氏名紬太郎",
        "作成日令和6年4月20日作成者紬花子",
        "版初回プランの状態確定",
        "［確定］",
        "本人の目標（本人の言葉）",
        "目標1「母の介護を続けながら、週に一度は外に出たい」",
        "目標2「お金の心配を減らして、夜は眠れるようになりたい」",
        "目標3「昔のように機械いじりで人の役に立ちたい」",
        "支援方針\n本人のペースを大切にし、無理に外出を促さない。まず母の介護負担を減らす。",
        "No.課題支援",
        "1母の介護を本人がひとりで担っているケアマネジャーとショートステイを検討する",
        "2町民税・国保税の滞納家計改善支援で家計表をつくり、分納の相談に同行する",
        "機関担当内容頻度期間",
        "地域包括支援センター山田母のケアプランの見直し月1回令和6年5月1日\n〜令和6年10月31日",
        "社会福祉協議会佐藤自宅訪問と関係づくり月2回",
        "利用する事業■参加支援事業□アウトリーチ等を通じた継続的支援事業",
        "確定の方法\n■町の支援決定で確定\n方法\n□重層的支援会議の了承で確定（町へ報告）",
        "決定日令和6年4月30日決定者福祉課長町田一郎",
        "決定した事業■参加支援事業□アウトリーチ等を通じた継続的支援事業",
        "支援の期間令和6年5月1日〜令和6年10月31日",
        "モニタリングの時期\n予定令和6年8月1日",
        "上記のプランに同意します。\n本人\n令和年月日署名",
        "コーディネーター\n氏名",
        "ケース番号R6-0012初回1/2印刷日令和6年11月6日",  # footer
    ):
        assert expected in text, expected


def test_the_consent_block_comes_last(tmp_path: Path) -> None:
    pdf = _save(tmp_path, plan_pdf_bytes(_doc(_plan(policy=_long_policy()))))
    pages = _pages(pdf)
    assert len(pages) >= 3
    assert ["上記のプランに同意します" in _flat(p) for p in pages] == [False] * (len(pages) - 1) + [True]
    last = _layout_lines(pdf, len(pages))
    n = len(pages)
    assert last[-7:-1] == [
        "同意欄",
        "上記のプランに同意します。",
        "本人",
        "令和年月日署名",
        "コーディネーター",
        "氏名",
    ]
    assert last[-1] == f"ケース番号R6-0012初回{n}/{n}印刷日令和6年11月6日"


def test_plan_confirmed_by_the_meeting_shows_approval_and_report(tmp_path: Path) -> None:
    plan = _plan(
        number=2,
        services=frozenset(),
        decision=None,
        approval=Approval(meeting_id=7, approved_on=D(2024, 5, 14), reported_on=D(2024, 5, 20)),
    )
    text = _text(tmp_path, plan_pdf_bytes(_doc(plan, title="いちばんいいプラン")))
    assert "いちばんいいプラン（再プラン2）" in text
    assert "利用する事業□参加支援事業□アウトリーチ等を通じた継続的支援事業" in text
    assert "□町の支援決定で確定\n方法\n■重層的支援会議の了承で確定（町へ報告）" in text
    assert "会議の了承令和6年5月14日重層的支援会議で了承\n町への報告令和6年5月20日" in text
    assert "決定日" not in text


def test_plan_waiting_for_its_confirmation_says_so(tmp_path: Path) -> None:
    waiting = _plan(state=PlanState.AWAITING_DECISION, decision=None)
    text = _text(tmp_path, plan_pdf_bytes(_doc(waiting)))
    assert "［支援決定待ち］" in text
    assert "町の支援決定はまだ記録されていません" in text
    assert "決定日" not in text

    unapproved = _plan(state=PlanState.AWAITING_APPROVAL, services=frozenset(), decision=None)
    text = _text(tmp_path, plan_pdf_bytes(_doc(unapproved)))
    assert "重層的支援会議の了承はまだ記録されていません" in text


def test_an_empty_draft_still_prints(tmp_path: Path) -> None:
    draft = PlanVersion(case_id=CaseId(1), number=0)
    text = _text(tmp_path, plan_pdf_bytes(_doc(draft)))
    assert "本人の目標が書かれていません" in text
    assert "役割分担は書かれていません" in text
    assert "モニタリングの時期\n予定未定" in text
    assert "［作成中］" in text


# ---- プラン兼事業等利用申込書 ------------------------------------------------------------------------------


def test_application_form_has_the_plan_then_the_application_page(tmp_path: Path) -> None:
    pdf = _save(tmp_path, application_style_pdf_bytes(_doc()))
    assert len(_pages(pdf)) == 2
    first, second = ("\n".join(_layout_lines(pdf, page)) for page in (1, 2))
    assert "プラン兼事業等利用申込書" in first
    assert "作成回数■初回□再プラン（回目）" in first
    assert "目標1「母の介護を続けながら、週に一度は外に出たい」" in first
    assert "地域包括支援センター山田母のケアプランの見直し月1回令和6年5月1日" in first
    assert "モニタリング（次回）の時期\n予定令和6年8月1日" in first
    assert "利用を申し込む事業" not in first

    assert second.index("事業等利用申込") < second.index("利用を申し込む事業")
    for expected in (
        "ケース番号R6-0012本人氏名紬太郎",
        "■参加支援事業\n事業\n□アウトリーチ等を通じた継続的支援事業",
        "つむぎ町長様",
        "上記のプランの内容に同意し、チェックした事業の利用を申し込みます。",
        "本人署名",
        "町記入欄支援決定",
    ):
        assert expected in second, expected

    lines = _layout_lines(pdf, 2)
    assert _line(lines, "申込日") == "申込日令和年月日本人署名"
    assert _line(lines, "決定日") == "決定日令和6年4月30日決定者福祉課長町田一郎"
    assert _line(lines, "決定した事業") == "決定した事業■参加支援事業□アウトリーチ等を通じた継続的支援事業"
    assert _line(lines, "支援の期間") == "支援の期間令和6年5月1日〜令和6年10月31日"


def test_application_form_leaves_the_decision_box_blank_until_decided(tmp_path: Path) -> None:
    plan = _plan(number=1, state=PlanState.AWAITING_DECISION, decision=None, services=BOTH)
    pdf = _save(tmp_path, application_style_pdf_bytes(_doc(plan)))
    first, second = ("\n".join(_layout_lines(pdf, page)) for page in (1, 2))
    assert "作成回数□初回■再プラン（1回目）" in first
    assert "■参加支援事業\n事業\n■アウトリーチ等を通じた継続的支援事業" in second
    assert "町田一郎" not in second
    lines = _layout_lines(pdf, 2)
    assert _line(lines, "決定日") == "決定日令和年月日決定者"
    assert _line(lines, "決定した事業") == "決定した事業□参加支援事業□アウトリーチ等を通じた継続的支援事業"
    assert _line(lines, "支援の期間") == "支援の期間令和年月日〜令和年月日"


def test_application_form_without_the_businesses_points_to_the_meeting(tmp_path: Path) -> None:
    plan = _plan(
        services=frozenset(),
        decision=None,
        approval=Approval(meeting_id=3, approved_on=D(2024, 5, 14)),
    )
    pdf = _save(tmp_path, application_style_pdf_bytes(_doc(plan)))
    second = _flat(_pages(pdf)[-1])
    assert "□参加支援事業□アウトリーチ等を通じた継続的支援事業" in second
    assert "重層的支援会議の了承により確定し、町へ報告します" in second
    lines = _layout_lines(pdf, 2)
    assert _line(lines, "会議の了承") == "会議の了承令和6年5月14日町への報告令和年月日"


def test_application_page_starts_a_new_page_after_a_long_plan(tmp_path: Path) -> None:
    pdf = _save(tmp_path, application_style_pdf_bytes(_doc(_plan(policy=_long_policy()))))
    pages = [_flat(p) for p in _pages(pdf)]
    assert len(pages) >= 3
    start = next(i for i, p in enumerate(pages) if "利用を申し込む事業" in p)
    assert start == len(pages) - 1
    assert pages[start].index("事業等利用申込") < pages[start].index("ケース番号")
    assert POLICY_END not in pages[start]


# ---- 新旧対照 -----------------------------------------------------------------------------------------------


def test_comparison_lists_the_changes_and_shows_both_versions(tmp_path: Path) -> None:
    pdf = _save(tmp_path, comparison_pdf_bytes(_with_previous(_doc())))
    text = _flat("".join(_pages(pdf)))
    for expected in (
        "支援プラン新旧対照",
        "初回→再プラン1",
        "前の版初回（令和6年4月20日作成）",
        "今回の版再プラン1（令和6年11月5日作成）",
        "変更点の一覧",
        "前の版（初回）",
        "今回の版（再プラン1）",
        "（変更あり）",
    ):
        assert expected in text, expected
    lines = _layout_lines(pdf)
    assert (
        _line(lines, "本人の目標削除") == "本人の目標削除「昔のように機械いじりで人の役に立ちたい」（削除）"
    )
    assert _line(lines, "本人の目標追加") == "本人の目標追加（なし）「修理工房で週に2回手伝いたい」"
    assert _line(lines, "モニタリング変更") == "モニタリング変更令和6年8月1日令和7年2月1日"
    assert _line(lines, "事業変更参加支援事業参加支援事業、アウトリーチ")


def test_comparison_without_changes_says_so(tmp_path: Path) -> None:
    doc = _doc()
    same = replace(start_replan(doc.plan, on=D(2024, 11, 5), by="紬花子"), drawn_up_on=doc.plan.drawn_up_on)
    text = _text(tmp_path, comparison_pdf_bytes(replace(doc, plan=same, previous=doc.plan)))
    assert "前の版からの変更はありません。" in text
    assert "（変更あり）" not in text


def test_comparison_needs_the_previous_version(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="前の版"):
        comparison_pdf_bytes(_doc())
    with pytest.raises(ValueError, match="前の版"):
        write_comparison_pdf(_doc(), tmp_path / "cmp.pdf")
    assert list(tmp_path.iterdir()) == []


# ---- 評価シート ---------------------------------------------------------------------------------------------


def test_evaluation_sheet_shows_progress_per_goal_and_attainment(tmp_path: Path) -> None:
    pdf = _save(tmp_path, evaluation_pdf_bytes(_evaluated(_doc())))
    text = "\n".join(_layout_lines(pdf))
    for expected in (
        "評価シート",
        "支援プラン（初回）の評価",
        "［終結時の評価済］",
        "目標1「母の介護を続けながら、週に一度は外に出たい」",
        "目標ごとの経過（モニタリング）",
        "令和6年8月2日コンビニまで一人で出かけた玄関まで出てきてくれた\n佐藤",
        "目標2「お金の心配を減らして、夜は眠れるようになりたい」\nこの目標の経過はまだ記録されていません。",
        "令和6年10月3日修理工房の見学に同行した工具の名前を次々に説明した\n紬花子",
        "令和6年8月2日佐藤令和6年10月1日次の訪問日を本人から聞いてきた",
        "令和6年10月3日紬花子未定",
        "評価日令和7年3月10日評価者紬花子",
        "「母の介護を続けながら、週に一度は■達成週1回の外出が続いている",
        "「お金の心配を減らして、夜は眠れる□達成滞納は分納中\nようになりたい」■一部達成\n□未達成",
        "ちたい」□一部達成\n■未達成",
        "地域包括支援センター",
        "フォローアップ■必要□不要",
        "3か月後に包括の担当者が訪問する",
    ):
        assert expected in text, expected
    assert text.count("■") == 4  # one attainment per goal and the follow-up


def test_evaluation_sheet_before_the_end_is_a_form_to_fill_in(tmp_path: Path) -> None:
    doc = replace(_evaluated(_doc()), evaluation=None)
    text = _flat("".join(_pages(_save(tmp_path, evaluation_pdf_bytes(doc)))))
    assert "終結の判断（重層的支援会議）の際に記入します。" in text
    assert "評価日令和年月日評価者" in "".join(_layout_lines(tmp_path / "plan.pdf"))
    assert text.count("□達成□一部達成□未達成") == len(GOALS)
    assert "これからの主な支援者（機関）" in text
    assert "フォローアップ□必要□不要" in text
    assert "■" not in text
    assert "［終結時の評価済］" not in text


# ---- every document ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", WRITERS)
def test_font_is_embedded_and_every_page_is_framed(tmp_path: Path, kind: str) -> None:
    _, to_bytes, prepare = WRITERS[kind]
    pdf = _save(tmp_path, to_bytes(prepare(_doc(_plan(policy=_long_policy())))))
    out = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    rows = out.splitlines()[2:]
    assert rows
    for row in rows:
        name, *_, emb, sub, uni, _obj, _gen = row.split()
        assert re.fullmatch(r"[A-Z]{6}\+IPAexGothic", name), row
        assert (emb, sub, uni) == ("yes", "yes", "yes"), row
    pages = _pages(pdf)
    assert len(pages) >= 2
    for number, page in enumerate(pages, start=1):
        assert "取扱注意" in page, number
        assert f"{number}/{len(pages)}" in _flat(page), number
    body = _pages(pdf, "-x", "0", "-y", "80", "-W", str(int(PAGE_SIZE[0])), "-H", "690")
    assert all(_flat(page) for page in body), "a page has nothing but its header and footer"


@pytest.mark.parametrize("to_bytes", [plan_pdf_bytes, application_style_pdf_bytes])
def test_long_policy_flows_over_pages_without_losing_a_character(
    tmp_path: Path, to_bytes: Callable[[PlanDocument], bytes]
) -> None:
    policy = _long_policy()
    pdf = _save(tmp_path, to_bytes(_doc(_plan(policy=policy))))
    # Only the body: no header or footer.  The 支援方針 bar is repeated where the text continues.
    crop = ["-x", "0", "-y", "80", "-W", str(int(PAGE_SIZE[0])), "-H", "690"]
    body_pages = [_flat(p) for p in _pages(pdf, *crop)]
    continued = [
        p.removeprefix("支援方針") if i and p.startswith("支援方針") else p for i, p in enumerate(body_pages)
    ]
    body = "".join(continued)
    start, end = body.index(POLICY_START), body.index(POLICY_END) + len(POLICY_END)
    assert body[start:end] == _flat(policy)
    first = next(i for i, p in enumerate(body_pages) if POLICY_START in p)
    last = next(i for i, p in enumerate(body_pages) if POLICY_END in p)
    assert last > first


def test_long_cells_in_the_column_tables_flow_too(tmp_path: Path) -> None:
    support = (
        "【支援のはじまり】"
        + "関係機関が役割を確かめ合いながら、本人のペースで支援を続ける。" * 90
        + "【支援のおわり】"
    )
    plan = _plan(problems=(ProblemSupport("家族の介護と生活費", support),))
    pdf = _save(tmp_path, plan_pdf_bytes(_doc(plan)))
    # Only the 支援 column; its head 「支援」 is repeated where the table continues.
    left = MARGIN + 72 * mm + 2
    crop = ["-x", str(int(left)), "-y", "80", "-W", str(int(PAGE_SIZE[0] - MARGIN - left)), "-H", "690"]
    pages = [_flat(p) for p in _pages(pdf, *crop)]
    first = next(i for i, p in enumerate(pages) if "【支援のはじまり】" in p)
    last = next(i for i, p in enumerate(pages) if "【支援のおわり】" in p)
    assert last > first
    column = pages[first] + "".join(p.removeprefix("支援") for p in pages[first + 1 : last + 1])
    start = column.index("【支援のはじまり】")
    assert column[start : column.index("【支援のおわり】") + len("【支援のおわり】")] == support


@pytest.mark.parametrize("kind", WRITERS)
def test_write_reports_progress_and_replaces_atomically(tmp_path: Path, kind: str) -> None:
    write, _, prepare = WRITERS[kind]
    dest = tmp_path / "プラン.pdf"
    dest.write_bytes(b"old")
    seen: list[tuple[int, int]] = []
    write(prepare(_doc()), dest, progress=lambda done, total: seen.append((done, total)))
    assert dest.read_bytes().startswith(b"%PDF")
    assert [p.name for p in tmp_path.iterdir()] == [dest.name]
    assert seen
    assert seen[-1][0] == seen[-1][1]


@pytest.mark.parametrize("after_checks", [0, 1, 12])
@pytest.mark.parametrize("kind", WRITERS)
def test_cancel_leaves_nothing(tmp_path: Path, kind: str, after_checks: int) -> None:
    write, _, prepare = WRITERS[kind]
    calls = 0

    def cancelled() -> bool:
        nonlocal calls
        calls += 1
        return calls > after_checks

    with pytest.raises(Cancelled):
        write(prepare(_doc(_plan(policy=_long_policy()))), tmp_path / "plan.pdf", cancelled=cancelled)
    assert list(tmp_path.iterdir()) == []


def test_cancel_keeps_an_existing_file_untouched(tmp_path: Path) -> None:
    dest = tmp_path / "plan.pdf"
    dest.write_bytes(b"previous")
    calls = iter(range(1000))
    with pytest.raises(Cancelled):
        write_plan_pdf(_doc(), dest, cancelled=lambda: next(calls) > 8)
    assert dest.read_bytes() == b"previous"
    assert [p.name for p in tmp_path.iterdir()] == ["plan.pdf"]
