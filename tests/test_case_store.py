"""Cases in the store: search, filters, status history, consent, team, household, notes."""

from __future__ import annotations

import datetime as dt

import pytest

from jusou_desktop.domain.errors import RuleViolation, ValidationError
from jusou_desktop.domain.ids import CaseId
from jusou_desktop.domain.model import (
    Agency,
    AgencyField,
    CaseStatus,
    Consent,
    ConsentMethod,
    ConsentState,
    HouseholdMember,
    Note,
    NoteKind,
    Person,
    Staff,
    TeamMember,
)
from jusou_desktop.store.cases import CaseFilter, CaseSort
from jusou_desktop.store.database import Database

D = dt.date(2024, 5, 1)


@pytest.fixture
def town(db: Database) -> dict[str, CaseId]:
    elderly = db.agencies.add(Agency(name="架空町地域包括支援センター", field=AgencyField.ELDERLY))
    poverty = db.agencies.add(Agency(name="架空町自立相談支援機関", field=AgencyField.POVERTY))
    worker = db.staff.add(Staff(name="支援 一子", agency_id=poverty))
    yamada = db.cases.create(
        Person(name="山田 花子", kana="やまだ はなこ", birth_date=dt.date(1944, 2, 29), district="本町"),
        opened_on=dt.date(2024, 4, 2),
        members=[
            HouseholdMember(
                Person(name="山田 一郎", kana="ヤマダ イチロウ", birth_date=dt.date(1974, 1, 5)), "子"
            )
        ],
        tags=["8050", "ひきこもり"],
        consent=Consent(ConsentState.GIVEN, dt.date(2024, 4, 3), ConsentMethod.WRITTEN),
        team=[TeamMember(elderly, is_lead=True), TeamMember(poverty, worker)],
    )
    suzuki = db.cases.create(
        Person(name="鈴木 健", kana="スズキ ケン", district="川端"),
        opened_on=dt.date(2025, 1, 10),
        tags=["生活困窮", "家賃滞納・債務"],
        team=[TeamMember(poverty, is_lead=True)],
    )
    return {"yamada": yamada, "suzuki": suzuki}


@pytest.mark.parametrize(
    "query",
    ["ﾔﾏﾀﾞ", "やまだ", "ヤマダ", "山田", "やまだ　はなこ", "ﾊﾅｺ", "いちろう", "ヤマダイチ", "ｲﾁﾛｳ"],
)
def test_name_search_is_kana_and_width_insensitive(db: Database, town: dict[str, CaseId], query: str) -> None:
    rows = db.cases.rows(CaseFilter(text=query))
    assert [r.id for r in rows] == [town["yamada"]]


def test_search_by_case_number(db: Database, town: dict[str, CaseId]) -> None:
    assert [r.id for r in db.cases.rows(CaseFilter(text="2024-0001"))] == [town["yamada"]]
    assert [r.number for r in db.cases.rows(CaseFilter(text="2024-"))] == ["2024-0001", "2024-0002"]


def test_case_numbers_follow_the_fiscal_year(db: Database, town: dict[str, CaseId]) -> None:
    # 2025-01-10 belongs to fiscal year 2024 (令和6年度)
    assert db.cases.get(town["suzuki"]).number == "2024-0002"


def test_filters(db: Database, town: dict[str, CaseId]) -> None:
    poverty = db.agencies.find_by_name("架空町自立相談支援機関")
    assert poverty is not None
    assert poverty.id is not None
    worker = db.staff.list(poverty.id)[0]
    cases = {
        "tag": CaseFilter(tag="8050"),
        "lead": CaseFilter(lead_agency_id=poverty.id),
        "staff": CaseFilter(staff_id=worker.id),
        "district": CaseFilter(district="川端"),
        "consent": CaseFilter(consent=ConsentState.GIVEN),
        "pending": CaseFilter(consent=ConsentState.PENDING),
    }
    found = {name: [r.id for r in db.cases.rows(flt)] for name, flt in cases.items()}
    assert found == {
        "tag": [town["yamada"]],
        "lead": [town["suzuki"]],
        "staff": [town["yamada"]],
        "district": [town["suzuki"]],
        "consent": [town["yamada"]],
        "pending": [town["suzuki"]],
    }
    assert db.cases.districts() == ["川端", "本町"]


def test_rows_carry_what_the_list_shows(db: Database, town: dict[str, CaseId]) -> None:
    row = db.cases.rows(CaseFilter(text="山田"))[0]
    assert (row.name, row.kana, row.status, row.district) == (
        "山田 花子",
        "ヤマダ\u3000ハナコ",
        CaseStatus.RECEIVED,
        "本町",
    )
    assert row.lead_agency == "架空町地域包括支援センター"
    assert set(row.tags) == {"8050", "ひきこもり"}


def test_sort_and_paging(db: Database, town: dict[str, CaseId]) -> None:
    by_kana = [r.kana for r in db.cases.rows(sort=CaseSort.KANA)]
    assert by_kana == sorted(by_kana)
    newest_first = db.cases.rows(sort=CaseSort.OPENED, descending=True)
    assert newest_first[0].id == town["suzuki"]
    assert [r.id for r in db.cases.rows(limit=1, offset=1)] == [town["suzuki"]]


def test_status_changes_are_enforced_and_recorded(db: Database, town: dict[str, CaseId]) -> None:
    case = town["yamada"]
    with pytest.raises(RuleViolation):
        db.cases.change_status(case, CaseStatus.SUPPORTING, on=D)
    assert db.cases.get(case).status == CaseStatus.RECEIVED
    assert len(db.cases.status_history(case)) == 1
    for target in (CaseStatus.ASSESSMENT, CaseStatus.PLANNING, CaseStatus.SUPPORTING):
        db.cases.change_status(case, target, on=D)
    db.cases.change_status(case, CaseStatus.CLOSED, on=D, reason="地域包括が主に支援")
    closed = db.cases.get(case)
    assert (closed.status, closed.closed_on) == (CaseStatus.CLOSED, D)
    db.cases.change_status(case, CaseStatus.ASSESSMENT, on=D, reason="再び相談があった")
    reopened = db.cases.get(case)
    assert (reopened.status, reopened.closed_on) == (CaseStatus.ASSESSMENT, None)
    history = [(h.from_status, h.to_status) for h in db.cases.status_history(case)]
    assert history[-2:] == [
        (CaseStatus.SUPPORTING, CaseStatus.CLOSED),
        (CaseStatus.CLOSED, CaseStatus.ASSESSMENT),
    ]
    counts = db.cases.status_counts()
    assert (counts[CaseStatus.ASSESSMENT], counts[CaseStatus.RECEIVED], counts[CaseStatus.CLOSED]) == (
        1,
        1,
        0,
    )


def test_consent_history_newest_is_current(db: Database, town: dict[str, CaseId]) -> None:
    case = town["suzuki"]
    db.cases.record_consent(case, Consent(ConsentState.PENDING, dt.date(2025, 1, 10)))
    db.cases.record_consent(
        case, Consent(ConsentState.GIVEN, dt.date(2025, 2, 1), ConsentMethod.ORAL, "税情報を含む", True)
    )
    assert db.cases.get(case).consent_state == ConsentState.GIVEN
    assert [c.state for c in db.cases.consent_history(case)] == [ConsentState.GIVEN, ConsentState.PENDING]
    assert db.cases.rows(CaseFilter(consent=ConsentState.GIVEN, text="鈴木"))[0].id == case


def test_team_has_one_lead(db: Database, town: dict[str, CaseId]) -> None:
    agency = db.cases.team(town["yamada"])[0].agency_id
    with pytest.raises(ValidationError, match="主担当"):
        db.cases.set_team(
            town["yamada"], [TeamMember(agency, is_lead=True), TeamMember(agency, None, is_lead=True)]
        )
    assert db.cases.team(town["yamada"])[0].is_lead


def test_household_members(db: Database, town: dict[str, CaseId]) -> None:
    case = town["yamada"]
    principal = db.cases.get(case).principal
    assert principal.id is not None
    with pytest.raises(ValidationError, match="本人"):
        db.cases.remove_member(case, principal.id)
    added = db.cases.add_member(
        case, HouseholdMember(Person(name="山田 次郎", kana="ヤマダ ジロウ"), "子", False)
    )
    assert [m.relation for m in db.cases.get(case).household.members] == ["本人", "子", "子"]
    db.cases.remove_member(case, added)
    assert len(db.cases.get(case).household.members) == 2
    assert db.conn.execute("SELECT count(*) FROM persons WHERE id = ?", (added,)).fetchone()[0] == 0


def test_possible_duplicates_by_kana_and_birth_date(db: Database, town: dict[str, CaseId]) -> None:
    found = db.cases.possible_duplicates("ﾔﾏﾀﾞ ﾊﾅｺ", dt.date(1944, 2, 29))
    assert [(d.name, d.case_numbers) for d in found] == [("山田 花子", ("2024-0001",))]
    assert db.cases.possible_duplicates("ヤマダ ハナコ", dt.date(1944, 3, 1)) == []


def test_notes_newest_first_and_searchable(db: Database, town: dict[str, CaseId]) -> None:
    case = town["yamada"]
    db.notes.add(Note(case, dt.date(2024, 4, 5), NoteKind.VISIT, "自宅を訪問。息子さんと話せた。"))
    db.notes.add(Note(case, dt.date(2024, 4, 20), NoteKind.PHONE, "家賃の支払いについて電話で相談。"))
    db.notes.add(Note(case, dt.date(2024, 4, 10), NoteKind.VISIT, "二度目の訪問。"))
    assert [n.noted_on.day for n in db.notes.for_case(case)] == [20, 10, 5]
    assert [n.noted_on.day for n in db.notes.for_case(case, NoteKind.VISIT)] == [10, 5]
    # two-character terms cannot use the trigram index and take the other path
    assert {n.noted_on.day for n in db.notes.search("訪問")} == {5, 10}
    assert {n.noted_on.day for n in db.notes.search("家賃")} == {20}
    assert {n.noted_on.day for n in db.notes.search("息子さん")} == {5}
    assert {n.noted_on.day for n in db.notes.search("訪問 息子さん")} == {5}
    assert db.notes.search("存在しない言葉") == []


def test_drafts_round_trip(db: Database) -> None:
    db.drafts.save(
        "case:1:note",
        "note",
        {"body": "書きかけの記録", "kind": "訪問"},
        title="経過記録",
        author="支援 一子",
    )
    draft = db.drafts.get("case:1:note")
    assert draft is not None
    assert draft.payload == {"body": "書きかけの記録", "kind": "訪問"}
    assert [d.key for d in db.drafts.list("note")] == ["case:1:note"]
    db.drafts.discard("case:1:note")
    assert db.drafts.get("case:1:note") is None


def test_numbers_continue_after_a_given_number_and_in_old_files(db: Database) -> None:
    """A number given from outside (an imported ledger) moves the counter on; none is reused."""
    april = dt.date(2030, 4, 1)
    given = db.cases.create(Person("取込 一"), opened_on=april, number="2030-0041")
    after = db.cases.create(Person("新規 二"), opened_on=april)
    assert db.cases.get(given).number == "2030-0041"
    assert db.cases.get(after).number == "2030-0042"
    # A file made before the counter existed: the first number continues from what is there.
    with db.transaction() as conn:
        conn.execute("DELETE FROM number_sequences")
    assert db.cases.get(db.cases.create(Person("新規 三"), opened_on=april)).number == "2030-0043"
