"""The fictional demo town: coverage of the domain, consistency, determinism and safe creation."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterator
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest

from jusou_desktop import demo
from jusou_desktop.demo import DemoSummary, create_demo_database, generate_passphrase, populate
from jusou_desktop.domain.consent import lead_should_be_coordinator
from jusou_desktop.domain.errors import JusouError, RuleViolation, ValidationError
from jusou_desktop.domain.kana import is_kana
from jusou_desktop.domain.meetings import ActionStatus, Holding, MeetingState, MeetingType, check_can_hold
from jusou_desktop.domain.model import (
    AgencyField,
    Business,
    Case,
    CaseStatus,
    ConsentState,
    NoteKind,
    Operation,
    age_on,
)
from jusou_desktop.domain.passphrase import assess
from jusou_desktop.domain.plans import PlanState
from jusou_desktop.domain.referral import ReferralState, read_answer
from jusou_desktop.domain.sheets import AnswerAction
from jusou_desktop.domain.status import is_allowed
from jusou_desktop.domain.tags import STANDARD_TAGS
from jusou_desktop.domain.wareki import fiscal_year_bounds, fiscal_year_of
from jusou_desktop.store.cases import CaseFilter
from jusou_desktop.store.database import Database
from jusou_desktop.store.errors import AlreadyExists, StorageFailure

TODAY = dt.date(2025, 4, 10)  # early in a 年度: most of the demo lies in the previous one
PASSPHRASE = "tsumugi-demo-2025-test"
DISTRICTS = {"本町", "川端", "山手", "新田", "港", "北原"}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, DemoSummary]:
    path = tmp_path_factory.mktemp("demo") / "demo.jusou"
    return path, create_demo_database(path, PASSPHRASE, today=TODAY)


@pytest.fixture(scope="module")
def demo_db(built: tuple[Path, DemoSummary]) -> Iterator[Database]:
    database = Database.open(built[0], PASSPHRASE)
    yield database
    database.close()


@pytest.fixture(scope="module")
def cases(demo_db: Database) -> list[Case]:
    return [demo_db.cases.get(row.id) for row in demo_db.cases.rows(limit=1000)]


# ---- what was made --------------------------------------------------------------------------------


def test_summary_matches_the_file(demo_db: Database, built: tuple[Path, DemoSummary]) -> None:
    summary = built[1]
    counts = dict(demo_db.check().row_counts)
    assert (summary.cases, summary.persons, summary.agencies, summary.notes) == (
        counts["ケース"],
        counts["人"],
        counts["関係機関"],
        counts["経過記録"],
    )
    assert summary.staff == len(demo_db.staff.list())
    assert "つむぎ町（架空）" in summary.describe()
    assert f"ケース {summary.cases} 件" in summary.describe()
    assert demo_db.settings.town_name() == "つむぎ町（架空）"


def test_cases_and_statuses(demo_db: Database) -> None:
    assert demo_db.cases.count() >= 48
    counts = demo_db.cases.status_counts()
    assert all(counts[status] >= 3 for status in CaseStatus), counts


def test_every_tag_is_used(demo_db: Database) -> None:
    for tag in (*STANDARD_TAGS, "買い物困難", "移動手段なし"):
        assert demo_db.cases.count(CaseFilter(tag=tag)) >= 1, tag


def test_consent_states_and_histories(demo_db: Database, cases: list[Case]) -> None:
    for state in ConsentState:
        assert demo_db.cases.count(CaseFilter(consent=state)) >= 5, state
    histories = {case.number: demo_db.cases.consent_history(case.id) for case in cases if case.id}
    changes = {tuple(c.state for c in reversed(h)) for h in histories.values() if len(h) >= 2}
    assert (ConsentState.PENDING, ConsentState.GIVEN) in changes
    assert (ConsentState.GIVEN, ConsentState.REFUSED) in changes
    entries = [c for h in histories.values() for c in h]
    given = [c for c in entries if c.state == ConsentState.GIVEN]
    assert all(c.method is not None and c.scope for c in given)
    assert any(c.covers_tax_info for c in given)
    assert not any(c.covers_tax_info for c in entries if c.state != ConsentState.GIVEN)
    for case in cases:
        assert all(case.opened_on <= c.recorded_on <= TODAY for c in histories[case.number])


def test_status_histories_follow_the_lifecycle(demo_db: Database, cases: list[Case]) -> None:
    reopened = 0
    for case in cases:
        assert case.id is not None
        history = demo_db.cases.status_history(case.id)
        assert history[0].to_status == CaseStatus.RECEIVED
        assert history[0].changed_on == case.opened_on
        assert history[-1].to_status == case.status
        for before, after in pairwise(history):
            assert after.from_status == before.to_status
            assert is_allowed(before.to_status, after.to_status)
            assert before.changed_on <= after.changed_on <= TODAY
        targets = [h.to_status for h in history]
        reopened += any(a == CaseStatus.CLOSED and b == CaseStatus.ASSESSMENT for a, b in pairwise(targets))
        if case.status in (CaseStatus.CLOSED, CaseStatus.SUSPENDED):
            assert case.closed_on == history[-1].changed_on
    assert reopened >= 2


def test_notes(demo_db: Database, cases: list[Case]) -> None:
    staff = {s.id: s.name for s in demo_db.staff.list()}
    kinds: Counter[NoteKind] = Counter()
    for case in cases:
        assert case.id is not None
        notes = demo_db.notes.for_case(case.id)
        assert 3 <= len(notes) <= 14, case.number  # up to 12 of its own, 2 from a C票 answer
        for note in notes:
            assert case.opened_on <= note.noted_on <= TODAY, case.number
            assert note.author_staff_id is not None
            assert note.author_name == staff[note.author_staff_id]
            assert note.body.strip()
            assert "{" not in note.body
            kinds[note.kind] += 1
    assert set(kinds) == set(NoteKind)
    assert demo_db.notes.search("初めて自分から")


def test_referrals_in_every_state_and_every_answer(demo_db: Database) -> None:
    rows = demo_db.referrals.rows(today=TODAY)
    assert {r.state for r in rows} == set(ReferralState)
    answered = [demo_db.referrals.get(r.id) for r in rows if r.state is ReferralState.ANSWERED]
    actions = set()
    for referral in answered:
        assert referral.answer_template is not None
        actions |= read_answer(referral.answer_template, referral.answer_values).actions
        assert referral.case_id is not None
    assert actions == set(AnswerAction)
    sent = [r for r in rows if r.state is ReferralState.SENT]
    assert len({r.template_title for r in sent}) == len(sent)  # other towns' sheets too
    assert any(demo_db.referrals.duplicates(r.id) for r in sent)  # one person is already on file
    assert all(r.created_on <= TODAY for r in rows)
    assert demo_db.meeting_requests.open_requests()
    assert demo_db.tasks.open_tasks()


def test_meetings_of_both_kinds_with_actions_in_every_state(demo_db: Database) -> None:
    rows = demo_db.meetings.rows()
    kinds = {(r.type, r.holding) for r in rows}
    assert (MeetingType.JUSOU, Holding.REGULAR) in kinds
    assert (MeetingType.SUPPORT, Holding.AD_HOC) in kinds
    assert {r.state for r in rows} >= {MeetingState.HELD, MeetingState.PLANNED}
    statuses = set()
    for row in rows:
        meeting = demo_db.meetings.get(row.id)
        if meeting.state is MeetingState.HELD:
            check_can_hold(meeting)  # every held meeting satisfies the rules it was held under
            statuses |= {a.status for item in meeting.agenda for a in item.actions}
    assert statuses == set(ActionStatus)
    assert any(a.overdue for a in demo_db.meetings.open_actions(today=TODAY))
    assert demo_db.meetings.resource_gaps()
    assert demo_db.meeting_requests.open_requests()  # a C票 request waits to be planned
    assert 0 < len(demo_db.meetings.open_needs()) < 10


def test_plans_in_every_confirmation_state_a_replan_an_ending_and_a_suspension(demo_db: Database) -> None:
    rows = demo_db.plans.rows()
    states = {r.plan.state for r in rows}
    assert {
        PlanState.DRAFT,
        PlanState.AWAITING_DECISION,
        PlanState.AWAITING_APPROVAL,
        PlanState.CONFIRMED,
    } <= states
    confirmed = [p for r in rows for p in demo_db.plans.versions(r.case_id) if p.state is PlanState.CONFIRMED]
    assert any(p.decision is not None for p in confirmed)
    assert any(p.approval is not None for p in confirmed)
    assert any(r.plan.number >= 1 for r in rows)  # a 再プラン
    endings = {e.kind.value for r in demo_db.cases.rows(limit=1000) for e in demo_db.plans.endings(r.id)}
    assert endings == {"終結", "中断"}


def test_people_are_fictional_and_plausible(cases: list[Case]) -> None:
    for case in cases:
        members = case.household.members
        assert 1 <= len(members) <= 5
        assert members[0].relation == "本人"
        assert members[0].person.id == case.principal.id
        for member in members:
            person = member.person
            assert person.address.startswith("つむぎ町")
            assert person.note == "架空の人物（デモ用）"
            assert person.district in DISTRICTS
            assert person.kana
            assert is_kana(person.kana)
            assert " " not in person.kana
            assert person.birth_date is not None
            assert person.birth_date <= case.opened_on


def test_household_stories_have_consistent_ages(cases: list[Case]) -> None:
    def ages(case: Case) -> dict[str, list[int]]:
        found: dict[str, list[int]] = {}
        for m in case.household.members:
            assert m.person.birth_date is not None
            found.setdefault(m.relation, []).append(age_on(m.person.birth_date, case.opened_on))
        return found

    carers = [ages(c) for c in cases if "ヤングケアラー" in c.tags]
    assert carers
    assert all(a["本人"][0] < 18 and a["母"][0] >= a["本人"][0] + 20 for a in carers)
    eighty_fifty = [ages(c) for c in cases if c.tags[:1] == ("8050",)]
    assert eighty_fifty
    assert all(a["本人"][0] >= 75 and 45 <= a["子"][0] <= 65 for a in eighty_fifty)


def test_half_width_kana_finds_a_person(demo_db: Database) -> None:
    assert demo_db.cases.count(CaseFilter(text="ﾔﾏﾓﾄ")) >= 1
    assert demo_db.cases.count(CaseFilter(text="やまもと")) >= 1


def test_teams_follow_the_consent_rule(demo_db: Database, cases: list[Case]) -> None:
    coordinator = demo_db.agencies.find_by_name("つむぎ町多機関協働事業所")
    assert coordinator is not None
    without_team = 0
    for case in cases:
        if not case.team:
            assert case.status == CaseStatus.RECEIVED
            without_team += 1
            continue
        # A C票 answer adds the agency it connects to, before anyone there is named.
        from_answers = [m for m in case.team if m.role in ("つなぎ先", "支援中の機関")]
        assert 1 <= len(case.team) - len(from_answers) <= 4
        leads = [m for m in case.team if m.is_lead]
        assert len(leads) == 1
        assert (leads[0].agency_id == coordinator.id) == lead_should_be_coordinator(case.consent_state)
        assert all(m.staff_id is not None for m in case.team if m not in from_answers)
    assert 0 < without_team < demo_db.cases.count(CaseFilter(statuses=(CaseStatus.RECEIVED,)))


def test_agencies_and_staff(demo_db: Database) -> None:
    agencies = demo_db.agencies.list()
    assert len(agencies) >= 12
    assert {a.field for a in agencies} >= set(AgencyField) - {AgencyField.OTHER}
    assert {a.business for a in agencies} >= set(Business) - {Business.PLANNING}
    coordinator = demo_db.agencies.find_by_name("つむぎ町多機関協働事業所")
    assert coordinator is not None
    assert (coordinator.business, coordinator.operation) == (Business.COLLABORATION, Operation.CONTRACTED)
    assert "社会福祉協議会" in coordinator.note
    for agency in agencies:
        assert agency.phone.startswith("0000-11-")
        assert agency.address.startswith("つむぎ町")
        assert agency.note.startswith("架空の機関")
        assert agency.id is not None
        assert 2 <= len(demo_db.staff.list(agency.id)) <= 3
    titles = {s.title for s in demo_db.staff.list()}
    assert {"主任介護支援専門員", "相談支援専門員", "相談支援包括化推進員", "保健師", "民生委員"} <= titles


def test_covers_this_and_last_fiscal_year(cases: list[Case]) -> None:
    years = Counter(fiscal_year_of(case.opened_on) for case in cases)
    assert set(years) == {fiscal_year_of(TODAY), fiscal_year_of(TODAY) - 1}


# ---- other days and seeds ---------------------------------------------------------------------------


def test_same_seed_and_day_give_the_same_demo(demo_db: Database, tmp_path: Path) -> None:
    again = tmp_path / "again.jusou"
    create_demo_database(again, PASSPHRASE, today=TODAY)
    with Database.open(again, PASSPHRASE) as other:
        assert other.cases.rows(limit=1000) == demo_db.cases.rows(limit=1000)


def test_another_seed_gives_another_town(demo_db: Database, db: Database) -> None:
    populate(db, seed=7, today=TODAY)
    assert db.cases.rows(limit=1000) != demo_db.cases.rows(limit=1000)


@pytest.mark.parametrize("today", [dt.date(2024, 4, 1), dt.date(2025, 3, 31), dt.date(2024, 2, 29)])
def test_any_day_of_the_year_works(db: Database, today: dt.date) -> None:
    populate(db, today=today)
    assert all(count >= 3 for count in db.cases.status_counts().values())
    earliest = fiscal_year_bounds(fiscal_year_of(today) - 1)[0]
    rows = db.cases.rows(limit=1000)
    assert all(earliest <= row.opened_on <= today for row in rows)
    assert {fiscal_year_of(row.opened_on) for row in rows} == {
        fiscal_year_of(today),
        fiscal_year_of(today) - 1,
    }
    assert all(note.noted_on <= today for row in rows for note in db.notes.for_case(row.id))


def test_populate_only_fills_an_empty_database(db: Database) -> None:
    populate(db, today=TODAY)
    with pytest.raises(RuleViolation):
        populate(db, today=TODAY)


# ---- passphrase and file creation -------------------------------------------------------------------


def test_generated_passphrases_are_acceptable_readable_and_random() -> None:
    phrases = [generate_passphrase() for _ in range(20)]
    assert len(set(phrases)) == len(phrases)
    for phrase in phrases:
        assert re.fullmatch(r"[a-z2-9]{4}(-[a-z2-9]{4}){3}", phrase)
        assert not set(phrase) & set("ilo01")
        assert assess(phrase).acceptable


def test_missing_folder_fails_cleanly(tmp_path: Path) -> None:
    with pytest.raises(StorageFailure) as raised:
        create_demo_database(tmp_path / "nowhere" / "demo.jusou", PASSPHRASE)
    assert isinstance(raised.value, JusouError)
    assert list(tmp_path.iterdir()) == []


def test_existing_file_is_never_touched(tmp_path: Path) -> None:
    target = tmp_path / "demo.jusou"
    target.write_bytes(b"someone's real data")
    with pytest.raises(AlreadyExists):
        create_demo_database(target, PASSPHRASE)
    assert target.read_bytes() == b"someone's real data"
    assert list(tmp_path.iterdir()) == [target]


def test_weak_passphrase_is_refused_before_anything_is_written(tmp_path: Path) -> None:
    with pytest.raises(ValidationError):
        create_demo_database(tmp_path / "demo.jusou", "short")
    assert list(tmp_path.iterdir()) == []


def test_failure_while_filling_leaves_no_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = 0
    real_create_case = demo._create_case

    def failing_create_case(*args: Any, **kwargs: Any) -> int:
        nonlocal calls
        calls += 1
        if calls == 10:
            raise RuleViolation("途中で失敗しました")
        return real_create_case(*args, **kwargs)

    monkeypatch.setattr(demo, "_create_case", failing_create_case)
    with pytest.raises(JusouError):
        create_demo_database(tmp_path / "demo.jusou", PASSPHRASE)
    assert calls == 10
    assert list(tmp_path.iterdir()) == []
