"""Referrals (つなぎ): state steps, sending, withdrawing, and what a C票 answer sets off."""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import replace
from typing import Any

import pytest

from jusou_desktop import shipped
from jusou_desktop.domain.errors import JusouError, RuleViolation, ValidationError
from jusou_desktop.domain.ids import AgencyId
from jusou_desktop.domain.referral import (
    EDITABLE_STATES,
    Answer,
    FollowUp,
    FollowUpKind,
    ReferralState,
    ReferralStep,
    after,
    check_send,
    check_withdraw,
    follow_ups,
    read_answer,
    referral_number,
    steps_from,
    validate_answer,
    waiting_days,
)
from jusou_desktop.domain.sheets import AnswerAction, SheetTemplate, normalize_values, parse_template

SHEETS_DIR = shipped.shipped_dir("resources") / "sheets"


def load(name: str, **field_changes: dict[str, Any]) -> SheetTemplate:
    data = json.loads((SHEETS_DIR / f"{name}.json").read_text(encoding="utf-8"))
    for part in data["parts"]:
        for section in part["sections"]:
            for f in section["fields"]:
                f.update(field_changes.get(f["key"], {}))
    return parse_template(data)


S = ReferralState
P = ReferralStep

ALLOWED = {
    (S.DRAFT, P.SEND): S.SENT,
    (S.DRAFT, P.WITHDRAW): S.WITHDRAWN,
    (S.SENT, P.RETURN): S.DRAFT,
    (S.SENT, P.ACCEPT): S.ACCEPTED,
    (S.SENT, P.WITHDRAW): S.WITHDRAWN,
    (S.ACCEPTED, P.ANSWER): S.ANSWERED,
    (S.ACCEPTED, P.WITHDRAW): S.WITHDRAWN,
}

STEPS_FROM = {
    S.DRAFT: (P.SEND, P.WITHDRAW),
    S.SENT: (P.RETURN, P.ACCEPT, P.WITHDRAW),
    S.ACCEPTED: (P.ANSWER, P.WITHDRAW),
    S.ANSWERED: (),
    S.WITHDRAWN: (),
}


# ---- states and steps ---------------------------------------------------------------------------


@pytest.mark.parametrize(("state", "step"), list(ALLOWED), ids=lambda v: v.value)
def test_allowed_steps(state: ReferralState, step: ReferralStep) -> None:
    assert after(state, step) is ALLOWED[state, step]


REFUSED = [(state, step) for state in ReferralState for step in ReferralStep if (state, step) not in ALLOWED]


@pytest.mark.parametrize(("state", "step"), REFUSED, ids=lambda v: v.value)
def test_refused_steps_say_why(state: ReferralState, step: ReferralStep) -> None:
    with pytest.raises(RuleViolation) as caught:
        after(state, step)
    allowed = "、".join(s.value for s in STEPS_FROM[state]) or "なし"
    assert (
        str(caught.value)
        == f"「{state.value}」のつなぎシートは「{step.value}」できません(できること: {allowed})。"
    )
    assert isinstance(caught.value, JusouError)


def test_refusal_messages_examples() -> None:
    with pytest.raises(
        RuleViolation, match=re.escape("「回答済」のつなぎシートは「取下げ」できません(できること: なし)")
    ):
        after(S.ANSWERED, P.WITHDRAW)
    with pytest.raises(
        RuleViolation,
        match=re.escape("「下書き」のつなぎシートは「受理」できません(できること: 送付、取下げ)"),
    ):
        after(S.DRAFT, P.ACCEPT)
    with pytest.raises(
        RuleViolation,
        match=re.escape("「送付」のつなぎシートは「回答」できません(できること: 差し戻し、受理、取下げ)"),
    ):
        after(S.SENT, P.ANSWER)


@pytest.mark.parametrize("state", list(ReferralState), ids=lambda s: s.value)
def test_steps_from(state: ReferralState) -> None:
    assert steps_from(state) == STEPS_FROM[state]
    for step in steps_from(state):
        after(state, step)  # every offered step is allowed


def test_full_life_and_return() -> None:
    state = S.DRAFT
    for step in (P.SEND, P.RETURN, P.SEND, P.ACCEPT, P.ANSWER):
        state = after(state, step)
    assert state is S.ANSWERED
    assert steps_from(state) == ()


def test_only_drafts_are_editable() -> None:
    assert frozenset({S.DRAFT}) == EDITABLE_STATES


# ---- sending and withdrawing ----------------------------------------------------------------------


def test_sakai_cannot_be_sent_without_issue_awareness() -> None:
    sakai = load("sakai_shokai")
    values = normalize_values(sakai, {"name": "山田 花子", "main_complaint": "家賃の滞納が続いている"})
    with pytest.raises(RuleViolation) as caught:
        check_send(sakai, values)
    assert str(caught.value) == (
        "送付するには次の項目が必要です: 紹介シートの「紹介者の課題認識」。下書きとしては保存されています。"
    )
    values |= normalize_values(sakai, {"issue_awareness": "母の介護と本人の就労の両方に支援が要る"})
    check_send(sakai, values)  # warnings (ふりがな, 記入日…) never block


def test_send_lists_every_missing_blocking_field_in_form_order() -> None:
    ab = load("takashima_ab")
    with pytest.raises(RuleViolation) as caught:
        check_send(ab, {})
    message = str(caught.value)
    assert (
        "つむぎあいシート A票の「紹介元(機関・課)」、つむぎあいシート A票の「記入者」、"
        "つむぎあいシート A票の「氏名」、つむぎあいシート B票の「主訴(本人・家族が困っていること)」"
    ) in message
    assert "ふりがな" not in message
    assert "記入日" not in message


def test_send_with_only_warnings_missing() -> None:
    ab = load("takashima_ab")
    values = normalize_values(
        ab,
        {
            "source_agency": {"name": "地域包括支援センター", "id": 1},
            "source_staff": "田中",
            "name": "山田 花子",
            "main_complaint": "息子がひきこもっている",
        },
    )
    check_send(ab, values)


def test_hidden_blocking_field_does_not_stop_sending() -> None:
    sakai = load("sakai_shokai", issue_awareness={"hidden": True})
    check_send(sakai, {"name": "山田 花子"})


def test_consent_form_needs_the_consent_check_recorded() -> None:
    std = load("standard_uketsuke_consent")
    with pytest.raises(RuleViolation, match="関係機関との情報共有に同意する"):
        check_send(std, {"name": "山田 花子"})
    check_send(std, {"name": "山田 花子", "consent": True})
    check_send(std, {"name": "山田 花子", "consent": False})  # recorded either way


def test_noconsent_form_needs_reason_and_how_it_was_learnt() -> None:
    std = load("standard_uketsuke_noconsent")
    with pytest.raises(RuleViolation) as caught:
        check_send(std, {"name": "山田 花子", "consent": False})
    assert "「同意が得られない理由」、" in str(caught.value)
    assert "「情報を知った経緯」" in str(caught.value)
    check_send(
        std,
        {
            "name": "山田 花子",
            "no_consent_reason": "本人に会えていない",
            "info_source": "民生委員から電話で聞いた",
        },
    )


@pytest.mark.parametrize(("reason", "kept"), [("  本人が辞退した ", "本人が辞退した"), ("重複\n", "重複")])
def test_check_withdraw(reason: str, kept: str) -> None:
    assert check_withdraw(reason) == kept


@pytest.mark.parametrize("reason", ["", "   ", "\u3000\n"])
def test_withdraw_needs_a_reason(reason: str) -> None:
    with pytest.raises(ValidationError, match="取下げの理由を入力してください") as caught:
        check_withdraw(reason)
    assert caught.value.field == "reason"


@pytest.mark.parametrize(
    ("sent_on", "until", "days"),
    [
        (None, dt.date(2024, 4, 10), None),
        (dt.date(2024, 4, 10), dt.date(2024, 4, 10), 0),
        (dt.date(2024, 4, 1), dt.date(2024, 4, 10), 9),
        (dt.date(2024, 3, 31), dt.date(2024, 4, 1), 1),
        (dt.date(2024, 4, 12), dt.date(2024, 4, 10), 0),
    ],
)
def test_waiting_days(sent_on: dt.date | None, until: dt.date, days: int | None) -> None:
    assert waiting_days(sent_on, until) == days


@pytest.mark.parametrize(
    ("year", "sequence", "number"),
    [
        (2024, 1, "2024-T0001"),
        (2024, 12, "2024-T0012"),
        (2025, 9999, "2025-T9999"),
        (2025, 12345, "2025-T12345"),
    ],
)
def test_referral_number(year: int, sequence: int, number: str) -> None:
    assert referral_number(year, sequence) == number


# ---- the answer (C票) -------------------------------------------------------------------------


C = load("takashima_c")

COMPLETE = {
    "actions": {"selected": [a.value for a in AnswerAction], "primary": None},
    "agency": {"name": "地域包括支援センター", "id": 3},
    "visit_date": "令和6年4月15日",
    "other": "家計相談の案内を送る",
    "comment": "来月の定例会議で経過を確認する",
    "answered_on": "令和6年4月8日",
    "responder": {"name": "鈴木 コーディネーター", "id": None},
}


def answer_values(**changes: Any) -> dict[str, Any]:
    raw = dict(COMPLETE) | changes
    return normalize_values(C, {k: v for k, v in raw.items() if v is not None})


def actions(*chosen: AnswerAction) -> dict[str, Any]:
    return {"selected": [a.value for a in chosen], "primary": None}


def test_read_answer_through_bindings() -> None:
    answer = read_answer(C, answer_values())
    assert answer == Answer(
        actions=frozenset(AnswerAction),
        answered_on=dt.date(2024, 4, 8),
        responder="鈴木 コーディネーター",
        agency_name="地域包括支援センター",
        agency_id=AgencyId(3),
        visit_on=dt.date(2024, 4, 15),
        other="家計相談の案内を送る",
        comment="来月の定例会議で経過を確認する",
    )
    validate_answer(C, answer)


def test_read_empty_answer() -> None:
    answer = read_answer(C, {})
    assert answer == Answer(actions=frozenset(), answered_on=None, responder="")


def test_read_answer_ignores_unknown_action_keys_and_non_numeric_ids() -> None:
    answer = read_answer(
        C,
        {
            "actions": {"selected": ["様子を見る", "情報共有"], "primary": None},
            "agency": {"name": "保健センター", "id": "3"},
        },
    )
    assert answer.actions == frozenset({AnswerAction.SHARE})
    assert answer.agency_name == "保健センター"
    assert answer.agency_id is None


def test_answer_keys_follow_bindings_not_keys_or_labels() -> None:
    data = json.loads((SHEETS_DIR / "takashima_c.json").read_text(encoding="utf-8"))
    for part in data["parts"]:
        for section in part["sections"]:
            for f in section["fields"]:
                f["key"] = "town_" + f["key"]
                f["label"] = "町の" + f["label"]
    renamed = parse_template(data)
    values = normalize_values(renamed, {"town_" + k: v for k, v in COMPLETE.items()})
    assert read_answer(renamed, values) == read_answer(C, answer_values())


INCOMPLETE = [
    pytest.param({"actions": None}, "「今後の対応」をひとつ以上選んでください。", "actions", id="no-action"),
    pytest.param(
        {"actions": actions(AnswerAction.CONNECT), "agency": {"name": "地域包括支援センター", "id": None}},
        "「関係機関につなぐ」「情報共有」には「つなぐ先・情報共有先の機関」を関係機関の一覧から選んでください。",
        "agency",
        id="connect-without-agency-id",
    ),
    pytest.param(
        {"actions": actions(AnswerAction.SHARE), "agency": None},
        "「関係機関につなぐ」「情報共有」には「つなぐ先・情報共有先の機関」を関係機関の一覧から選んでください。",
        "agency",
        id="share-without-agency",
    ),
    pytest.param(
        {"actions": actions(AnswerAction.ACCOMPANY), "visit_date": None},
        "「同席・同行訪問」には「同席・同行訪問の予定日」を入力してください。",
        "visit_date",
        id="accompany-without-date",
    ),
    pytest.param(
        {"actions": actions(AnswerAction.OTHER), "other": None},
        "「その他」を選んだときは「その他の内容」を書いてください。",
        "other",
        id="other-without-text",
    ),
    pytest.param(
        {"actions": actions(AnswerAction.OTHER), "other": "\u3000"},
        "「その他」を選んだときは「その他の内容」を書いてください。",
        "other",
        id="other-blank",
    ),
    pytest.param({"answered_on": None}, "「回答日」を入力してください。", "answered_on", id="no-date"),
    pytest.param({"responder": None}, "「回答者」を入力してください。", "responder", id="no-responder"),
    pytest.param(
        {"responder": {"name": " ", "id": None}},
        "「回答者」を入力してください。",
        "responder",
        id="blank-responder",
    ),
]


@pytest.mark.parametrize(("changes", "message", "field"), INCOMPLETE)
def test_validate_answer_rules(changes: dict[str, Any], message: str, field: str) -> None:
    answer = read_answer(C, answer_values(**changes))
    with pytest.raises(ValidationError) as caught:
        validate_answer(C, answer)
    assert str(caught.value) == message
    assert caught.value.field == field


@pytest.mark.parametrize(
    "chosen",
    [
        (AnswerAction.MEETING,),
        (AnswerAction.PARTICIPATION,),
        (AnswerAction.MEETING, AnswerAction.PARTICIPATION),
    ],
    ids=lambda c: "+".join(a.name for a in c),
)
def test_actions_needing_nothing_more(chosen: tuple[AnswerAction, ...]) -> None:
    answer = read_answer(C, answer_values(actions=actions(*chosen), agency=None, visit_date=None, other=None))
    validate_answer(C, answer)


def test_answer_template_without_agency_field_is_reported() -> None:
    no_agency = load("takashima_c", agency={"binds": None})
    answer = read_answer(no_agency, normalize_values(no_agency, dict(COMPLETE)))
    with pytest.raises(ValidationError, match="つなぐ先の機関を書く項目がありません"):
        validate_answer(no_agency, answer)


def test_validate_answer_uses_the_towns_labels() -> None:
    relabelled = load("takashima_c", answered_on={"label": "回答した日"})
    answer = read_answer(relabelled, normalize_values(relabelled, COMPLETE | {"answered_on": ""}))
    with pytest.raises(ValidationError, match="「回答した日」を入力してください"):
        validate_answer(relabelled, answer)


# ---- follow-ups ---------------------------------------------------------------------------------


NUMBER = "2024-T0007"
SOURCE = "(つなぎ 2024-T0007 の回答)"


def answer_with(*chosen: AnswerAction, **changes: Any) -> Answer:
    base = Answer(
        actions=frozenset(chosen),
        answered_on=dt.date(2024, 4, 8),
        responder="鈴木",
        agency_name="地域包括支援センター",
        agency_id=AgencyId(3),
        visit_on=dt.date(2024, 4, 15),
        other="",
        comment="",
    )
    return replace(base, **changes)


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        pytest.param(
            answer_with(AnswerAction.CONNECT),
            (
                FollowUp(FollowUpKind.TEAM, "地域包括支援センター", AgencyId(3), role="つなぎ先"),
                FollowUp(FollowUpKind.NOTE, f"地域包括支援センターにつないだ。{SOURCE}"),
            ),
            id="connect",
        ),
        pytest.param(
            answer_with(AnswerAction.SHARE),
            (
                FollowUp(FollowUpKind.TEAM, "地域包括支援センター", AgencyId(3), role="支援中の機関"),
                FollowUp(FollowUpKind.NOTE, f"支援中の地域包括支援センターに情報共有した。{SOURCE}"),
            ),
            id="share",
        ),
        pytest.param(
            answer_with(AnswerAction.MEETING),
            (
                FollowUp(
                    FollowUpKind.MEETING_REQUEST,
                    "支援会議を開催し、関係機関で情報共有と行動連携を行う",
                    due_on=dt.date(2024, 4, 8),
                ),
            ),
            id="meeting",
        ),
        pytest.param(
            answer_with(AnswerAction.PARTICIPATION),
            (
                FollowUp(
                    FollowUpKind.TASK,
                    "参加支援・アウトリーチ等の利用を検討する",
                    due_on=dt.date(2024, 4, 22),
                    assignee="鈴木",
                ),
            ),
            id="participation-two-weeks",
        ),
        pytest.param(
            answer_with(AnswerAction.PARTICIPATION, answered_on=None),
            (FollowUp(FollowUpKind.TASK, "参加支援・アウトリーチ等の利用を検討する", assignee="鈴木"),),
            id="participation-undated",
        ),
        pytest.param(
            answer_with(AnswerAction.ACCOMPANY),
            (
                FollowUp(
                    FollowUpKind.TASK,
                    "アセスメントのため相談に同席・同行訪問する",
                    due_on=dt.date(2024, 4, 15),
                    assignee="鈴木",
                ),
            ),
            id="accompany",
        ),
        pytest.param(
            answer_with(AnswerAction.OTHER, other="  家計相談の案内を送る "),
            (FollowUp(FollowUpKind.NOTE, f"その他の対応: 家計相談の案内を送る{SOURCE}"),),
            id="other",
        ),
        pytest.param(
            answer_with(AnswerAction.MEETING, comment=" 来月に経過を確認 "),
            (
                FollowUp(
                    FollowUpKind.MEETING_REQUEST,
                    "支援会議を開催し、関係機関で情報共有と行動連携を行う",
                    due_on=dt.date(2024, 4, 8),
                ),
                FollowUp(FollowUpKind.NOTE, f"回答コメント: 来月に経過を確認{SOURCE}"),
            ),
            id="comment-note-last",
        ),
        pytest.param(answer_with(), (), id="nothing-chosen"),
    ],
)
def test_follow_ups_per_action(answer: Answer, expected: tuple[FollowUp, ...]) -> None:
    assert follow_ups(answer, NUMBER) == expected


def test_blank_comment_makes_no_note() -> None:
    ups = follow_ups(answer_with(AnswerAction.MEETING, comment=" \n "), NUMBER)
    assert [u.kind for u in ups] == [FollowUpKind.MEETING_REQUEST]


def test_follow_ups_come_in_form_order_whatever_the_selection_order() -> None:
    values = answer_values(
        actions={
            "selected": [AnswerAction.OTHER.value, AnswerAction.MEETING.value, AnswerAction.CONNECT.value],
            "primary": None,
        }
    )
    answer = read_answer(C, values)
    validate_answer(C, answer)
    ups = follow_ups(answer, NUMBER)
    assert [u.kind for u in ups] == [
        FollowUpKind.TEAM,
        FollowUpKind.NOTE,
        FollowUpKind.MEETING_REQUEST,
        FollowUpKind.NOTE,
        FollowUpKind.NOTE,
    ]
    assert ups[0].agency_id == AgencyId(3)
    assert ups[3].text == f"その他の対応: 家計相談の案内を送る{SOURCE}"
    assert ups[-1].text == f"回答コメント: 来月の定例会議で経過を確認する{SOURCE}"


def test_every_action_from_the_shipped_c_sheet() -> None:
    answer = read_answer(C, answer_values())
    ups = follow_ups(answer, NUMBER)
    assert [u.kind for u in ups] == [
        FollowUpKind.TEAM,
        FollowUpKind.NOTE,
        FollowUpKind.TEAM,
        FollowUpKind.NOTE,
        FollowUpKind.MEETING_REQUEST,
        FollowUpKind.TASK,
        FollowUpKind.TASK,
        FollowUpKind.NOTE,
        FollowUpKind.NOTE,
    ]
    tasks = [u for u in ups if u.kind is FollowUpKind.TASK]
    assert [t.due_on for t in tasks] == [dt.date(2024, 4, 22), dt.date(2024, 4, 15)]
    assert {t.assignee for t in tasks} == {"鈴木 コーディネーター"}
    assert all(SOURCE in u.text for u in ups if u.kind is FollowUpKind.NOTE)
