"""Referrals in the encrypted store: drafts, steps, 受理 with duplicate detection, the C票 answer."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from jusou_desktop.domain.errors import RuleViolation, ValidationError
from jusou_desktop.domain.ids import ReferralId
from jusou_desktop.domain.model import Agency, AgencyField, ConsentState, Person, TeamMember
from jusou_desktop.domain.referral import ReferralState
from jusou_desktop.domain.sheets import Purpose, relabel_field
from jusou_desktop.store.database import Database
from jusou_desktop.store.referrals import ReferralFilter
from tests.conftest import PASSPHRASE

DAY = dt.date(2024, 5, 10)


def _agency(db: Database, name: str = "つむぎ町地域包括支援センター") -> Agency:
    agency_id = db.agencies.add(Agency(name, AgencyField.ELDERLY))
    return db.agencies.get(agency_id)


def _sheet(db: Database, agency: Agency, **extra: object) -> dict[str, object]:
    values: dict[str, object] = {
        "source_agency": {"name": agency.name, "id": agency.id},
        "source_staff": {"name": "相談員 一", "id": None},
        "name": "山田 花子",
        "kana": "やまだ はなこ",
        "birth_date": "昭和30年4月1日",
        "sex": "女",
        "main_complaint": "息子がひきこもり、家賃を滞納している。",
        "consent": True,
    }
    values.update(extra)
    return values


def _draft(db: Database, key: str = "takashima_ab", **extra: object) -> ReferralId:
    agency = _agency(db)
    template = db.templates.latest(key)
    return db.referrals.create(template.id, _sheet(db, agency, **extra), created_on=DAY, by="記入者")


def test_shipped_templates_are_in_a_new_file(db: Database) -> None:
    keys = {s.template.key for s in db.templates.latest_all()}
    assert {"takashima_ab", "takashima_c", "sakai_shokai", "yonago_tsunagu"} <= keys
    assert db.templates.answer_key() == "takashima_c"
    assert "takashima_ab" in db.templates.active_referral_keys()
    assert all(s.template.purpose is Purpose.ANSWER for s in db.templates.latest_all(Purpose.ANSWER))


def test_an_upgraded_file_gets_the_templates(tmp_path: Path) -> None:
    old = tmp_path / "old.jusou"
    shutil.copyfile(Path(__file__).parent / "data" / "schema-1.jusou", old)
    with Database.open(old, PASSPHRASE) as db:
        assert db.templates.latest("takashima_ab").template.version == 1


def test_a_draft_saves_however_incomplete_and_gets_a_number(db: Database) -> None:
    template = db.templates.latest("takashima_ab")
    referral_id = db.referrals.create(template.id, {}, created_on=DAY)
    referral = db.referrals.get(referral_id)
    assert referral.state is ReferralState.DRAFT
    assert referral.number == "2024-T0001"
    assert referral.values == {}
    second = db.referrals.create(template.id, {"name": "誰か"}, created_on=DAY)
    assert db.referrals.get(second).number == "2024-T0002"
    march = db.referrals.create(template.id, {}, created_on=dt.date(2025, 3, 31))
    assert db.referrals.get(march).number == "2024-T0003"  # 令和6年度 runs to March 2025
    april = db.referrals.create(template.id, {}, created_on=dt.date(2025, 4, 1))
    assert db.referrals.get(april).number == "2025-T0001"


def test_sending_needs_the_blocking_fields_only(db: Database) -> None:
    template = db.templates.latest("sakai_shokai")
    blocking = [f for f in template.template.fields() if f.required.value == "block"]
    assert any("課題認識" in f.label for f in blocking)
    referral_id = db.referrals.create(template.id, {}, created_on=DAY)
    with pytest.raises(RuleViolation, match="課題認識"):
        db.referrals.send(referral_id, on=DAY)
    assert db.referrals.get(referral_id).state is ReferralState.DRAFT


def test_send_accept_as_new_case_and_answer(db: Database) -> None:
    referral_id = _draft(db)
    db.referrals.send(referral_id, on=DAY, by="記入者")
    with pytest.raises(RuleViolation, match="書き換えられません"):
        db.referrals.save_values(referral_id, {})
    case_id = db.referrals.accept_as_new_case(referral_id, on=DAY + dt.timedelta(days=2), by="推進員")
    case = db.cases.get(case_id)
    assert case.principal.name == "山田 花子"
    assert case.principal.birth_date == dt.date(1955, 4, 1)
    assert case.consent is not None
    assert case.consent.state is ConsentState.GIVEN
    assert "家賃" in case.summary
    referral = db.referrals.get(referral_id)
    assert referral.state is ReferralState.ACCEPTED
    assert referral.case_number == case.number
    assert referral.answer_template is not None
    started = referral.answer_values  # the C票 starts with the name and the day of 受理
    assert "山田 花子" in started.values()
    assert "2024-05-12" in started.values()

    connect_to = _agency(db, "つむぎ町社会福祉協議会")
    answer = {
        "actions": {"selected": ["関係機関につなぐ", "支援会議を開催", "同席・同行訪問"], "primary": None},
        "target_agency": {"name": connect_to.name, "id": connect_to.id},
        "visit_on": "2024-05-20",
        "comment": "来週、包括と同行訪問します。",
        "answered_on": "2024-05-13",
        "responder": {"name": "推進員 二", "id": None},
    }
    answer = {_key(db, referral_id, k): v for k, v in answer.items()}
    db.referrals.answer(referral_id, answer)
    referral = db.referrals.get(referral_id)
    assert referral.state is ReferralState.ANSWERED
    assert referral.answered_on == dt.date(2024, 5, 13)
    assert referral.waiting_days(dt.date(2030, 1, 1)) == 3
    assert TeamMember(connect_to.id, None, False, "つなぎ先") in db.cases.team(case_id)  # type: ignore[arg-type]
    notes = [n.body for n in db.notes.for_case(case_id)]
    assert any("つむぎ町社会福祉協議会につないだ" in n for n in notes)
    assert any("同行訪問します" in n for n in notes)
    [request] = db.meeting_requests.for_case(case_id)
    assert request.kind == "支援会議"
    assert request.referral_id == referral_id
    [task] = db.tasks.for_case(case_id)
    assert task.due_on == dt.date(2024, 5, 20)
    assert task.overdue(dt.date(2024, 5, 21))
    steps = [e.step for e in db.referrals.events(referral_id)]
    assert steps == ["作成", "送付", "受理", "回答"]


def _key(db: Database, referral_id: ReferralId, binding_name: str) -> str:
    """The answer template's field key for a binding (templates may name their keys freely)."""
    binding = {
        "actions": "answer.actions",
        "target_agency": "answer.agency",
        "visit_on": "answer.visit_date",
        "comment": "answer.comment",
        "answered_on": "answer.date",
        "responder": "answer.responder",
        "other": "answer.other",
    }[binding_name]
    template = db.referrals.get(referral_id).answer_template
    assert template is not None
    field = next(f for f in template.fields() if f.binds is not None and f.binds.value == binding)
    return field.key


def test_an_invalid_answer_changes_nothing(db: Database) -> None:
    referral_id = _draft(db)
    db.referrals.send(referral_id, on=DAY)
    case_id = db.referrals.accept_as_new_case(referral_id, on=DAY)
    answer = {
        _key(db, referral_id, "actions"): {"selected": ["関係機関につなぐ"], "primary": None},
        _key(db, referral_id, "answered_on"): "2024-05-13",
        _key(db, referral_id, "responder"): {"name": "推進員", "id": None},
    }
    with pytest.raises(ValidationError, match="関係機関の一覧から選んで"):
        db.referrals.answer(referral_id, answer)
    assert db.referrals.get(referral_id).state is ReferralState.ACCEPTED
    assert db.notes.for_case(case_id) == []
    assert db.tasks.for_case(case_id) == []


def test_accepting_offers_people_with_the_same_kana_and_birth_date(db: Database) -> None:
    existing = db.cases.create(
        Person("山田 花子", kana="ヤマダ ハナコ", birth_date=dt.date(1955, 4, 1)),
        opened_on=dt.date(2023, 1, 5),
    )
    referral_id = _draft(db, kana="ﾔﾏﾀﾞ ﾊﾅｺ")  # half-width katakana still matches
    [dup] = db.referrals.duplicates(referral_id)
    assert dup.case_numbers == (db.cases.get(existing).number,)
    db.referrals.send(referral_id, on=DAY)
    db.referrals.accept(referral_id, on=DAY, case_id=existing)
    assert db.referrals.get(referral_id).case_id == existing
    assert db.referrals.for_case(existing, today=DAY)[0].id == referral_id


def test_withdraw_needs_a_reason_and_return_reopens_the_draft(db: Database) -> None:
    referral_id = _draft(db)
    db.referrals.send(referral_id, on=DAY)
    db.referrals.return_to_draft(referral_id, on=DAY, note="生年月日の確認をお願いします")
    referral = db.referrals.get(referral_id)
    assert referral.state is ReferralState.DRAFT
    assert referral.sent_on is None
    db.referrals.save_values(referral_id, {**referral.values, "birth_date": "1955-04-02"})
    with pytest.raises(ValidationError, match="理由"):
        db.referrals.withdraw(referral_id, on=DAY, reason=" ")
    db.referrals.withdraw(referral_id, on=DAY, reason="本人が転居したため")
    assert db.referrals.get(referral_id).withdraw_reason == "本人が転居したため"
    with pytest.raises(RuleViolation, match="取下げ"):
        db.referrals.send(referral_id, on=DAY)


def test_list_filters_by_state_agency_period_and_name(db: Database) -> None:
    a = _draft(db)
    db.referrals.send(a, on=dt.date(2024, 5, 1))
    other = _agency(db, "つむぎ町障害者相談支援センター")
    template = db.templates.latest("takashima_ab")
    b = db.referrals.create(
        template.id,
        _sheet(db, other, name="鈴木 一郎", kana="すずき いちろう"),
        created_on=dt.date(2024, 6, 1),
    )
    today = dt.date(2024, 5, 31)
    [row] = db.referrals.rows(ReferralFilter(states=frozenset({ReferralState.SENT})), today=today)
    assert row.id == a
    assert row.waiting_days == 30
    assert [r.id for r in db.referrals.rows(ReferralFilter(source_agency_id=other.id), today=today)] == [b]
    june = ReferralFilter(period_from=dt.date(2024, 6, 1), period_to=dt.date(2024, 6, 30))
    assert [r.id for r in db.referrals.rows(june, today=today)] == [b]
    assert [r.id for r in db.referrals.rows(ReferralFilter(text="スズキ"), today=today)] == [b]
    counts = db.referrals.state_counts(ReferralFilter(states=frozenset({ReferralState.SENT})))
    assert counts[ReferralState.SENT] == 1
    assert counts[ReferralState.DRAFT] == 1


def test_a_filled_sheet_keeps_its_template_version(db: Database) -> None:
    referral_id = _draft(db)
    stored = db.templates.latest("takashima_ab")
    edited = relabel_field(stored.template, "main_complaint", "いちばん困っていること")
    db.templates.save_edit(edited, by="管理者")
    assert db.templates.latest("takashima_ab").template.version == 2
    old = db.referrals.get(referral_id).template
    assert old.version == 1
    assert old.field("main_complaint").label != "いちばん困っていること"
    with pytest.raises(ValidationError, match="先に変更"):
        db.templates.save_edit(edited)
    new_id = db.referrals.create(db.templates.latest("takashima_ab").id, {}, created_on=DAY)
    assert db.referrals.get(new_id).template.field("main_complaint").label == "いちばん困っていること"


def test_active_templates_are_a_setting(db: Database) -> None:
    db.templates.set_active_referral_keys(["sakai_shokai"])
    assert db.templates.active_referral_keys() == ["sakai_shokai"]
    with pytest.raises(ValidationError):
        db.templates.set_active_referral_keys(["takashima_c"])
    with pytest.raises(ValidationError):
        db.templates.set_answer_key("sakai_shokai")


def test_tasks_complete_with_a_result(db: Database) -> None:
    case_id = db.cases.create(Person("佐藤 三郎"), opened_on=DAY)
    task_id = db.tasks.add(case_id, "家計相談に同行", due_on=DAY)
    with pytest.raises(ValidationError, match="結果"):
        db.tasks.complete(task_id, on=DAY, result="")
    db.tasks.complete(task_id, on=DAY, result="同行した。来月もう一度。")
    assert db.tasks.open_tasks() == []
    assert db.tasks.for_case(case_id)[0].result.startswith("同行")
