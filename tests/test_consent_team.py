"""Consent-driven rules, support-team validation and age in full years."""

from __future__ import annotations

import datetime as dt

import pytest

from jusou_desktop.domain.consent import (
    MeetingKind,
    lead_should_be_coordinator,
    meeting_kind_for,
    why_not_jusou,
)
from jusou_desktop.domain.errors import ValidationError
from jusou_desktop.domain.ids import AgencyId, StaffId
from jusou_desktop.domain.model import ConsentState, TeamMember, age_on
from jusou_desktop.domain.team import validate_team

C = ConsentState


def member(agency: int, staff: int | None = None, lead: bool = False, role: str = "") -> TeamMember:
    return TeamMember(
        agency_id=AgencyId(agency),
        staff_id=StaffId(staff) if staff is not None else None,
        is_lead=lead,
        role=role,
    )


# --- consent -----------------------------------------------------------------------------------


def test_consent_and_meeting_values() -> None:
    assert [c.value for c in ConsentState] == ["あり", "なし", "確認中"]
    assert [m.value for m in MeetingKind] == ["重層的支援会議", "支援会議"]


@pytest.mark.parametrize(
    ("consent", "kind", "coordinator_leads"),
    [
        (C.GIVEN, "重層的支援会議", True),
        (C.REFUSED, "支援会議", False),
        (C.PENDING, "支援会議", False),
    ],
    ids=["given", "refused", "pending"],
)
def test_meeting_kind_and_lead(consent: ConsentState, kind: str, coordinator_leads: bool) -> None:
    assert meeting_kind_for(consent) == kind
    assert meeting_kind_for(consent) is MeetingKind(kind)
    assert lead_should_be_coordinator(consent) is coordinator_leads


def test_why_not_jusou_none_with_consent() -> None:
    assert why_not_jusou(C.GIVEN) is None


@pytest.mark.parametrize(
    ("consent", "expected"),
    [
        (
            C.REFUSED,
            "情報共有への本人同意が「なし」のため、重層的支援会議には挙げられません。"
            "守秘義務のかかる支援会議で検討してください。",
        ),
        (
            C.PENDING,
            "情報共有への本人同意が「確認中」のため、重層的支援会議には挙げられません。"
            "守秘義務のかかる支援会議で検討してください。",
        ),
    ],
    ids=["refused", "pending"],
)
def test_why_not_jusou_points_to_support_meeting(consent: ConsentState, expected: str) -> None:
    why = why_not_jusou(consent)
    assert why == expected
    assert why is not None
    # 支援会議 is named on its own, not only as part of 重層的支援会議.
    assert "支援会議" in why.replace("重層的支援会議", "")
    assert f"「{consent.value}」" in why


# --- team --------------------------------------------------------------------------------------


def test_empty_team() -> None:
    assert validate_team([]) == ()


def test_team_without_lead_keeps_order() -> None:
    team = [member(3, 30), member(1), member(2, 20)]
    assert validate_team(team) == (member(3, 30), member(1), member(2, 20))


@pytest.mark.parametrize(
    ("team", "expected"),
    [
        (
            [member(3, 30), member(1, 10), member(2, 20, lead=True), member(4)],
            (member(2, 20, lead=True), member(3, 30), member(1, 10), member(4)),
        ),
        (
            [member(1, lead=True, role="主担当"), member(2)],
            (member(1, lead=True, role="主担当"), member(2)),
        ),
        (
            [member(5), member(6), member(7, 70, lead=True)],
            (member(7, 70, lead=True), member(5), member(6)),
        ),
    ],
    ids=["middle", "already-first", "last"],
)
def test_lead_moved_to_front(team: list[TeamMember], expected: tuple[TeamMember, ...]) -> None:
    got = validate_team(team)
    assert isinstance(got, tuple)
    assert got == expected


@pytest.mark.parametrize(
    "team",
    [
        [member(1, lead=True), member(2, lead=True)],
        [member(1, 10, lead=True), member(3), member(2, 20, lead=True)],
        [member(1, 10, lead=True), member(1, 10, lead=True)],
    ],
    ids=["two-agencies", "with-others", "also-duplicate"],
)
def test_two_leads_refused(team: list[TeamMember]) -> None:
    with pytest.raises(ValidationError) as caught:
        validate_team(team)
    assert caught.value.field == "team"
    assert caught.value.message == "主担当の機関は1つだけにしてください。"


@pytest.mark.parametrize(
    "team",
    [
        [member(1, 10), member(1, 10)],
        [member(1), member(1)],
        [member(1, 10, lead=True), member(1, 10, role="別の役割")],
        [member(2), member(1, 10), member(3), member(1, 10)],
    ],
    ids=["same-staff", "agency-only", "lead-and-member", "apart"],
)
def test_duplicate_agency_staff_pair_refused(team: list[TeamMember]) -> None:
    with pytest.raises(ValidationError) as caught:
        validate_team(team)
    assert caught.value.field == "team"
    assert caught.value.message == "同じ機関・担当者が重複しています。"


def test_same_agency_with_different_staff_is_allowed() -> None:
    team = [member(1), member(1, 10), member(1, 11), member(2, 10)]
    assert validate_team(team) == (member(1), member(1, 10), member(1, 11), member(2, 10))


# --- age ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("born", "on", "age"),
    [
        (dt.date(2000, 4, 1), dt.date(2024, 3, 31), 23),
        (dt.date(2000, 4, 1), dt.date(2024, 4, 1), 24),
        (dt.date(2000, 4, 1), dt.date(2024, 4, 2), 24),
        (dt.date(1950, 12, 31), dt.date(2024, 12, 30), 73),
        (dt.date(1950, 12, 31), dt.date(2024, 12, 31), 74),
        (dt.date(1950, 1, 1), dt.date(2024, 12, 31), 74),
        (dt.date(2024, 5, 1), dt.date(2024, 5, 1), 0),
        (dt.date(2023, 5, 2), dt.date(2024, 5, 1), 0),
        (dt.date(1999, 3, 1), dt.date(2000, 2, 29), 0),
        # born on 29 February
        (dt.date(2000, 2, 29), dt.date(2001, 2, 28), 0),
        (dt.date(2000, 2, 29), dt.date(2001, 3, 1), 1),
        (dt.date(2000, 2, 29), dt.date(2004, 2, 28), 3),
        (dt.date(2000, 2, 29), dt.date(2004, 2, 29), 4),
        (dt.date(2000, 2, 29), dt.date(2004, 3, 1), 4),
        (dt.date(2000, 2, 29), dt.date(2023, 2, 28), 22),
        (dt.date(2000, 2, 29), dt.date(2023, 3, 1), 23),
        (dt.date(1944, 2, 29), dt.date(2024, 2, 29), 80),
    ],
    ids=str,
)
def test_age_on(born: dt.date, on: dt.date, age: int) -> None:
    assert age_on(born, on) == age
