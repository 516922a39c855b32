"""Case lifecycle: every ordered pair of statuses against an explicit expected table."""

from __future__ import annotations

import datetime as dt

import pytest

from jusou_desktop.domain.errors import JusouError, RuleViolation
from jusou_desktop.domain.model import CaseStatus, StatusChange
from jusou_desktop.domain.status import (
    Transition,
    is_allowed,
    is_open,
    refusal_reason,
    transition,
    transitions_from,
)

S = CaseStatus
DAY = dt.date(2024, 5, 14)

# Column order of the verdict matrix below.
ORDER: tuple[CaseStatus, ...] = (
    S.RECEIVED,
    S.ASSESSMENT,
    S.PLANNING,
    S.SUPPORTING,
    S.MONITORING,
    S.CLOSED,
    S.SUSPENDED,
)

# Verdict for every ordered pair (row = source, column = target); "o" allowed, "-" refused.
#                        受付 / アセスメント / プラン作成 / 支援中 / モニタリング / 終結 / 中断
VERDICTS: dict[CaseStatus, str] = {
    S.RECEIVED: "-o---o-",
    S.ASSESSMENT: "--o--oo",
    S.PLANNING: "-o-o--o",
    S.SUPPORTING: "--o-ooo",
    S.MONITORING: "--oo-oo",
    S.CLOSED: "-o-----",
    S.SUSPENDED: "-o-----",
}

# The allowed moves, by source, in button order: (target, label, needs_reason).
MOVES: dict[CaseStatus, list[tuple[CaseStatus, str, bool]]] = {
    S.RECEIVED: [
        (S.ASSESSMENT, "アセスメント開始", False),
        (S.CLOSED, "終結（つなぎで完了）", True),
    ],
    S.ASSESSMENT: [
        (S.PLANNING, "プラン作成へ", False),
        (S.CLOSED, "終結", True),
        (S.SUSPENDED, "中断", True),
    ],
    S.PLANNING: [
        (S.SUPPORTING, "支援開始", False),
        (S.ASSESSMENT, "アセスメントに戻す", False),
        (S.SUSPENDED, "中断", True),
    ],
    S.SUPPORTING: [
        (S.MONITORING, "モニタリング", False),
        (S.PLANNING, "再プラン", False),
        (S.CLOSED, "終結", True),
        (S.SUSPENDED, "中断", True),
    ],
    S.MONITORING: [
        (S.SUPPORTING, "支援継続", False),
        (S.PLANNING, "再プラン", False),
        (S.CLOSED, "終結", True),
        (S.SUSPENDED, "中断", True),
    ],
    S.CLOSED: [
        (S.ASSESSMENT, "再開", True),
    ],
    S.SUSPENDED: [
        (S.ASSESSMENT, "再開", True),
    ],
}

ALLOWED: dict[tuple[CaseStatus, CaseStatus], tuple[str, bool]] = {
    (source, target): (label, needs) for source, moves in MOVES.items() for target, label, needs in moves
}


def _pid(source: CaseStatus, target: CaseStatus) -> str:
    return f"{source.name}->{target.name}"


ALL_PAIRS = [pytest.param(s, t, id=_pid(s, t)) for s in ORDER for t in ORDER]
ALLOWED_PAIRS = [
    pytest.param(s, t, label, needs, id=_pid(s, t)) for (s, t), (label, needs) in ALLOWED.items()
]
NEEDS_REASON_PAIRS = [p for p in ALLOWED_PAIRS if p.values[3]]
NO_REASON_PAIRS = [p for p in ALLOWED_PAIRS if not p.values[3]]
REFUSED_PAIRS = [pytest.param(s, t, id=_pid(s, t)) for s in ORDER for t in ORDER if (s, t) not in ALLOWED]


# --- the tables themselves ---------------------------------------------------------------------


def test_status_values_and_order() -> None:
    assert [s.value for s in CaseStatus] == [
        "受付",
        "アセスメント",
        "プラン作成",
        "支援中",
        "モニタリング",
        "終結",
        "中断",
    ]
    assert tuple(CaseStatus) == ORDER


def test_expected_tables_agree() -> None:
    from_matrix = {(s, ORDER[i]) for s, row in VERDICTS.items() for i, mark in enumerate(row) if mark == "o"}
    assert from_matrix == set(ALLOWED)
    assert len(ALLOWED) == 18
    assert len(ALL_PAIRS) == 49
    assert len(REFUSED_PAIRS) == 31
    assert len(NEEDS_REASON_PAIRS) == 10


def test_needs_reason_exactly_for_closing_suspending_and_reopening() -> None:
    ends = {S.CLOSED, S.SUSPENDED}
    for (source, target), (_label, needs) in ALLOWED.items():
        assert needs == (target in ends or source in ends), (source, target)


# --- every ordered pair ------------------------------------------------------------------------


@pytest.mark.parametrize(("source", "target"), ALL_PAIRS)
def test_is_allowed_matches_matrix(source: CaseStatus, target: CaseStatus) -> None:
    expected = VERDICTS[source][ORDER.index(target)] == "o"
    assert is_allowed(source, target) is expected
    assert (refusal_reason(source, target) is None) is expected


@pytest.mark.parametrize(("source", "target", "label", "needs"), ALLOWED_PAIRS)
def test_allowed_move_with_reason_returns_record(
    source: CaseStatus, target: CaseStatus, label: str, needs: bool
) -> None:
    change = transition(source, target, DAY, reason="  本人の希望により\u3000\n", by="田中")
    assert change == StatusChange(
        from_status=source,
        to_status=target,
        changed_on=DAY,
        reason="本人の希望により",
        changed_by="田中",
    )
    assert refusal_reason(source, target) is None


@pytest.mark.parametrize(("source", "target", "label", "needs"), NO_REASON_PAIRS)
def test_move_without_reason_needs_none(
    source: CaseStatus, target: CaseStatus, label: str, needs: bool
) -> None:
    assert transition(source, target, DAY) == StatusChange(source, target, DAY, "", "")
    assert transition(source, target, DAY, reason="   ") == StatusChange(source, target, DAY, "", "")


@pytest.mark.parametrize("blank", ["", " ", "\u3000", "\t\n", " \u3000 "], ids=repr)
@pytest.mark.parametrize(("source", "target", "label", "needs"), NEEDS_REASON_PAIRS)
def test_move_needing_reason_refuses_blank(
    source: CaseStatus, target: CaseStatus, label: str, needs: bool, blank: str
) -> None:
    with pytest.raises(RuleViolation) as caught:
        transition(source, target, DAY, reason=blank, by="田中")
    assert caught.value.message == f"「{label}」には理由の記入が必要です。"
    assert f"「{label}」" in str(caught.value)


@pytest.mark.parametrize(("source", "target"), REFUSED_PAIRS)
def test_refused_move(source: CaseStatus, target: CaseStatus) -> None:
    why = refusal_reason(source, target)
    assert why is not None
    if source == target:
        assert why == f"すでに「{target.value}」です。"
        assert why.startswith("すでに")
    else:
        assert why.startswith(f"「{source.value}」から「{target.value}」へは移れません。")
        assert f"「{source.value}」" in why
        assert f"「{target.value}」" in why
    assert why.endswith("。")
    assert is_allowed(source, target) is False
    with pytest.raises(RuleViolation) as caught:
        transition(source, target, DAY, reason="理由は書いてある", by="田中")
    assert caught.value.message == why
    assert str(caught.value) == why
    assert isinstance(caught.value, JusouError)


@pytest.mark.parametrize(
    ("source", "target", "expected"),
    [
        (S.SUPPORTING, S.SUPPORTING, "すでに「支援中」です。"),
        (S.CLOSED, S.CLOSED, "すでに「終結」です。"),
        (
            S.RECEIVED,
            S.SUPPORTING,
            "「受付」から「支援中」へは移れません。支援中へは、プランを作成してから移ります。",
        ),
        (
            S.MONITORING,
            S.RECEIVED,
            "「モニタリング」から「受付」へは移れません。"
            "受付に戻すことはできません。やり直す場合は「再開」でアセスメントから始めます。",
        ),
        (
            S.PLANNING,
            S.CLOSED,
            "「プラン作成」から「終結」へは移れません。"
            "終結は、受付・アセスメント・支援中・モニタリングのケースについて判断します。",
        ),
        (
            S.RECEIVED,
            S.SUSPENDED,
            "「受付」から「中断」へは移れません。"
            "中断は、連絡が取れなくなったアセスメント以降のケースについて決定します。",
        ),
        (
            S.CLOSED,
            S.MONITORING,
            "「終結」から「モニタリング」へは移れません。モニタリングは支援中のケースについて行います。",
        ),
        (
            S.SUPPORTING,
            S.ASSESSMENT,
            "「支援中」から「アセスメント」へは移れません。"
            "アセスメントへは、受付から、プラン作成から、または終結・中断からの再開で移ります。",
        ),
        (
            S.RECEIVED,
            S.PLANNING,
            "「受付」から「プラン作成」へは移れません。"
            "プラン作成へは、アセスメントの後、または支援中・モニタリングからの再プランで移ります。",
        ),
    ],
    ids=lambda v: v.name if isinstance(v, CaseStatus) else "",
)
def test_refusal_sentences_exact(source: CaseStatus, target: CaseStatus, expected: str) -> None:
    assert refusal_reason(source, target) == expected


# --- buttons and open/closed -------------------------------------------------------------------


@pytest.mark.parametrize("status", ORDER, ids=lambda s: s.name)
def test_transitions_from_order_and_labels(status: CaseStatus) -> None:
    got = transitions_from(status)
    assert isinstance(got, tuple)
    assert all(isinstance(t, Transition) for t in got)
    assert [t.source for t in got] == [status] * len(MOVES[status])
    assert [(t.target, t.label, t.needs_reason) for t in got] == MOVES[status]


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (S.RECEIVED, True),
        (S.ASSESSMENT, True),
        (S.PLANNING, True),
        (S.SUPPORTING, True),
        (S.MONITORING, True),
        (S.CLOSED, False),
        (S.SUSPENDED, False),
    ],
    ids=lambda v: v.name if isinstance(v, CaseStatus) else str(v),
)
def test_is_open(status: CaseStatus, expected: bool) -> None:
    assert is_open(status) is expected


def test_full_lifecycle_walks_through() -> None:
    steps: list[tuple[CaseStatus, str]] = [
        (S.ASSESSMENT, ""),
        (S.PLANNING, ""),
        (S.SUPPORTING, ""),
        (S.MONITORING, ""),
        (S.SUPPORTING, ""),
        (S.MONITORING, ""),
        (S.PLANNING, ""),
        (S.SUPPORTING, ""),
        (S.CLOSED, "主たる支援機関が決まり、コーディネーターなしで支援が回っている"),
        (S.ASSESSMENT, "本人から再度の相談"),
        (S.PLANNING, ""),
        (S.ASSESSMENT, ""),
        (S.PLANNING, ""),
        (S.SUPPORTING, ""),
        (S.SUSPENDED, "訪問・近隣・民生委員を通じても連絡が取れない"),
        (S.ASSESSMENT, "連絡が取れた"),
        (S.SUSPENDED, "再び連絡が途絶えた"),
    ]
    current = S.RECEIVED
    history: list[StatusChange] = []
    for i, (target, reason) in enumerate(steps):
        on = DAY + dt.timedelta(days=7 * i)
        change = transition(current, target, on, reason=reason, by="コーディネーター")
        history.append(change)
        current = change.to_status
    assert current is S.SUSPENDED
    assert not is_open(current)
    assert [(c.from_status, c.to_status) for c in history] == [
        (S.RECEIVED, S.ASSESSMENT),
        (S.ASSESSMENT, S.PLANNING),
        (S.PLANNING, S.SUPPORTING),
        (S.SUPPORTING, S.MONITORING),
        (S.MONITORING, S.SUPPORTING),
        (S.SUPPORTING, S.MONITORING),
        (S.MONITORING, S.PLANNING),
        (S.PLANNING, S.SUPPORTING),
        (S.SUPPORTING, S.CLOSED),
        (S.CLOSED, S.ASSESSMENT),
        (S.ASSESSMENT, S.PLANNING),
        (S.PLANNING, S.ASSESSMENT),
        (S.ASSESSMENT, S.PLANNING),
        (S.PLANNING, S.SUPPORTING),
        (S.SUPPORTING, S.SUSPENDED),
        (S.SUSPENDED, S.ASSESSMENT),
        (S.ASSESSMENT, S.SUSPENDED),
    ]
    assert [c.reason for c in history if c.reason] == [
        "主たる支援機関が決まり、コーディネーターなしで支援が回っている",
        "本人から再度の相談",
        "訪問・近隣・民生委員を通じても連絡が取れない",
        "連絡が取れた",
        "再び連絡が途絶えた",
    ]
    assert history[-1].changed_on == dt.date(2024, 9, 3)
