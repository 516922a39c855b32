"""地域資源 in the encrypted file: the register (search, filters, order in SQL), connections with
their history, 定着の確認, the follow-up overview, and the migration on an existing file."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from jusou_desktop.domain.errors import RuleViolation, ValidationError
from jusou_desktop.domain.ids import CaseId
from jusou_desktop.domain.model import Agency, AgencyField, Business, CaseStatus, HouseholdMember, Person
from jusou_desktop.domain.resources import (
    Condition,
    FollowUp,
    Formality,
    LinkEvent,
    LinkStatus,
    Resource,
    ResourceId,
    ResourceKind,
    is_due,
)
from jusou_desktop.store import migrations
from jusou_desktop.store.database import Database
from jusou_desktop.store.errors import RecordNotFound, StorageFailure
from jusou_desktop.store.resources import ResourceFilter, ResourceSort
from tests.conftest import PASSPHRASE
from tests.resources_fixtures import (
    FARM,
    RESTING,
    SALON,
    TODAY,
    WORK,
    add_case,
    close_case,
    register_resources,
)

S = LinkStatus


def _names(rows: list[object]) -> list[str]:
    return [r.name for r in rows]  # type: ignore[attr-defined]


# ---- the register ----------------------------------------------------------------------------------


def test_add_get_update_and_kana_kept_as_katakana(db: Database) -> None:
    agency_id = db.agencies.add(
        Agency(name="つむぎ町参加支援事業", field=AgencyField.COMMUNITY, business=Business.PARTICIPATION)
    )
    resource_id = db.resources.add(
        Resource(
            name=" 居場所「ひだまりハウス」 ",
            kana="いばしょ ひだまりはうす",
            kind=ResourceKind.PLACE,
            formality=Formality.FORMAL,
            agency_id=agency_id,
            operator="NPO法人つむぎネット（架空）",
            phone="0000-22-3010",
        )
    )
    saved = db.resources.get(resource_id)
    assert saved.name == "居場所「ひだまりハウス」"
    assert saved.kana == "イバショ\u3000ヒダマリハウス"
    assert saved.agency_id == agency_id
    assert saved.formality is Formality.FORMAL
    db.resources.update(
        Resource(
            id=resource_id, name=saved.name, kind=ResourceKind.PLACE, schedule="毎週火・金", active=False
        )
    )
    updated = db.resources.get(resource_id)
    assert (updated.schedule, updated.active, updated.agency_id) == ("毎週火・金", False, None)


def test_names_are_unique_and_required(db: Database) -> None:
    register_resources(db)
    with pytest.raises(ValidationError, match="同じ名称の地域資源がすでにあります"):
        db.resources.add(Resource(name="川端ふれあいサロン", kind=ResourceKind.OTHER))
    with pytest.raises(ValidationError, match="名称を入力"):
        db.resources.add(Resource(name=" ", kind=ResourceKind.OTHER))
    farm = db.resources.find_by_name("つむぎファーム 農作業体験")
    assert farm is not None
    with pytest.raises(ValidationError, match="同じ名称"):
        db.resources.update(Resource(id=farm.id, name="はたらく練習", kind=ResourceKind.FARM))
    with pytest.raises(RecordNotFound):
        db.resources.get(ResourceId(999))


def test_search_folds_kana_width_and_script_and_reads_operator_and_offers(db: Database) -> None:
    register_resources(db)
    for query in ("さろん", "サロン", "ｻﾛﾝ", "ｶﾜﾊﾞﾀ"):
        assert _names(db.resources.rows(ResourceFilter(text=query))) == ["川端ふれあいサロン"], query
    assert _names(db.resources.rows(ResourceFilter(text="自治会"))) == ["川端ふれあいサロン"]
    assert _names(db.resources.rows(ResourceFilter(text="袋詰め"))) == ["つむぎファーム 農作業体験"]
    assert _names(db.resources.rows(ResourceFilter(text="100%"))) == []
    assert db.resources.count(ResourceFilter(text="ファーム")) == 1


def test_filters_by_kind_district_formality_and_inactive(db: Database) -> None:
    register_resources(db)
    assert _names(db.resources.rows(ResourceFilter(kind=ResourceKind.FARM))) == ["つむぎファーム 農作業体験"]
    assert _names(db.resources.rows(ResourceFilter(district="北原"))) == ["つむぎファーム 農作業体験"]
    assert _names(db.resources.rows(ResourceFilter(district="北原", include_inactive=True))) == [
        "北原ゲーム同好会",  # 趣味・サークル comes before 農作業 in the list of kinds
        "つむぎファーム 農作業体験",
    ]
    assert _names(db.resources.rows(ResourceFilter(formality=Formality.FORMAL))) == ["はたらく練習"]
    assert db.resources.count() == 3
    assert db.resources.count(ResourceFilter(include_inactive=True)) == 4
    assert db.resources.districts() == ["北原", "川端", "新田"]


def test_order_is_decided_in_sql(db: Database) -> None:
    register_resources(db)
    by_kind = _names(db.resources.rows())  # 種類 in the order of the list, then reading
    assert by_kind == ["川端ふれあいサロン", "はたらく練習", "つむぎファーム 農作業体験"]
    by_name = _names(db.resources.rows(sort=ResourceSort.NAME))
    assert by_name == ["川端ふれあいサロン", "つむぎファーム 農作業体験", "はたらく練習"]
    assert _names(db.resources.rows(sort=ResourceSort.NAME, descending=True)) == list(reversed(by_name))
    assert _names(db.resources.rows(sort=ResourceSort.DISTRICT)) == [
        "つむぎファーム 農作業体験",
        "川端ふれあいサロン",
        "はたらく練習",
    ]


def test_the_directory_has_every_resource_in_full_with_its_counts(db: Database) -> None:
    ids = register_resources(db)
    case_id = add_case(db, "山本 太郎", "ヤマモト タロウ")
    link = db.resources.connect(ids[SALON], case_id, dt.date(2024, 6, 1), today=TODAY)
    db.resources.move(link, LinkStatus.USING, dt.date(2024, 6, 10), TODAY)
    entries = db.resources.directory()
    assert [resource.name for resource, _ in entries] == [SALON, WORK, RESTING, FARM]  # 休止中 too
    salon, counts = entries[0]
    assert (salon.schedule, salon.operator) == ("毎月第2水曜", "川端地区自治会")
    assert (counts.using, counts.settled) == (1, 0)
    assert all(resource.id == row.id for resource, row in entries)


# ---- connections -----------------------------------------------------------------------------------


def test_connect_start_check_settle_and_the_counts_follow(db: Database) -> None:
    ids = register_resources(db)
    farm = ids["つむぎファーム 農作業体験"]
    case_id = add_case(db, "架空 太郎", "カクウ タロウ")
    link_id = db.resources.connect(farm, case_id, dt.date(2024, 10, 1), TODAY, referred_by="参加支援員 A")
    row = db.resources.link_row(link_id)
    assert (row.link.status, row.person_name, row.case_number, row.resource_name) == (
        S.ARRANGING,
        "架空 太郎",
        db.cases.get(case_id).number,
        "つむぎファーム 農作業体験",
    )
    db.resources.move(link_id, S.USING, dt.date(2024, 10, 10), TODAY, by="A")
    with pytest.raises(RuleViolation, match="定着の確認を1回以上"):
        db.resources.move(link_id, S.SETTLED, dt.date(2024, 12, 1), TODAY)
    assert db.resources.link(link_id).status is S.USING  # refused: nothing changed
    db.resources.add_check(
        link_id, FollowUp(dt.date(2024, 11, 1), Condition.GOOD, "3日続けて通えた", "A"), TODAY
    )
    db.resources.add_check(link_id, FollowUp(dt.date(2024, 11, 20), Condition.WORRY, "1回休んだ", "A"), TODAY)
    db.resources.move(link_id, S.SETTLED, dt.date(2024, 12, 1), TODAY, by="A")
    row = db.resources.link_row(link_id)
    assert (row.link.status, row.link.settled_on, row.checks) == (S.SETTLED, dt.date(2024, 12, 1), 2)
    assert (row.last_check_on, row.last_condition) == (dt.date(2024, 11, 20), Condition.WORRY)
    [farm_row] = db.resources.rows(ResourceFilter(kind=ResourceKind.FARM))
    assert (farm_row.arranging, farm_row.using, farm_row.settled, farm_row.ended) == (0, 0, 1, 0)
    assert [c.how for c in db.resources.checks(link_id)] == ["1回休んだ", "3日続けて通えた"]
    history = db.resources.history(link_id)
    assert [(e.from_status, e.to_status) for e in history] == [
        (None, S.ARRANGING),
        (S.ARRANGING, S.USING),
        (S.USING, S.SETTLED),
    ]
    assert history[0].by == "参加支援員 A"


def test_one_open_connection_per_case_and_resource_but_history_may_repeat(db: Database) -> None:
    ids = register_resources(db)
    salon = ids["川端ふれあいサロン"]
    case_id = add_case(db, "架空 花子", "カクウ ハナコ")
    first = db.resources.connect(salon, case_id, dt.date(2024, 6, 1), TODAY)
    with pytest.raises(RuleViolation, match="すでに「川端ふれあいサロン」につながっています（調整中）"):
        db.resources.connect(salon, case_id, dt.date(2024, 6, 2), TODAY)
    with pytest.raises(ValidationError, match="終了の理由"):
        db.resources.move(first, S.ENDED, dt.date(2024, 7, 1), TODAY, reason="")
    db.resources.move(first, S.ENDED, dt.date(2024, 7, 1), TODAY, reason="本人の希望")
    again = db.resources.connect(salon, case_id, dt.date(2025, 1, 10), TODAY)
    rows = db.resources.links_for_resource(salon)
    assert [r.link.id for r in rows] == [again, first]  # open first, then ended
    assert rows[1].link.end_reason == "本人の希望"


def test_resting_resources_and_unknown_cases_take_nobody(db: Database) -> None:
    ids = register_resources(db)
    case_id = add_case(db, "架空 次郎", "カクウ ジロウ")
    with pytest.raises(RuleViolation, match="休止中"):
        db.resources.connect(ids["北原ゲーム同好会"], case_id, TODAY, TODAY)
    with pytest.raises(RecordNotFound):
        db.resources.connect(ids["川端ふれあいサロン"], CaseId(999), TODAY, TODAY)
    assert db.resources.links_for_case(case_id) == []


def test_a_closed_or_suspended_case_takes_no_new_connection_but_keeps_its_open_ones(db: Database) -> None:
    ids = register_resources(db)
    closed = add_case(db, "架空 終子", "カクウ シュウコ")
    link_id = db.resources.connect(ids[SALON], closed, dt.date(2024, 12, 1), TODAY)
    db.resources.move(link_id, S.USING, dt.date(2024, 12, 5), TODAY)
    close_case(db, closed, CaseStatus.CLOSED)
    with pytest.raises(RuleViolation) as caught:
        db.resources.connect(ids[FARM], closed, TODAY, TODAY)
    assert (
        caught.value.message == "終結したケースは新しくつなげません。ケースを再開してから記録してください。"
    )
    assert [r.link.id for r in db.resources.links_for_case(closed)] == [link_id]  # nothing was written
    row = db.resources.link_row(link_id)  # the person may keep going: the connection stays open
    assert (row.link.status, row.case_status, row.case_is_open) == (S.USING, CaseStatus.CLOSED, False)
    [listed] = db.resources.follow_ups(TODAY, 30)
    assert listed.case_status is CaseStatus.CLOSED
    db.resources.add_check(link_id, FollowUp(TODAY, Condition.GOOD, "ケース終結後も通っている"), TODAY)

    suspended = add_case(db, "架空 中子", "カクウ ナカコ")
    close_case(db, suspended, CaseStatus.SUSPENDED)
    with pytest.raises(RuleViolation, match="中断したケースは新しくつなげません"):
        db.resources.connect(ids[SALON], suspended, TODAY, TODAY)

    db.cases.change_status(closed, CaseStatus.ASSESSMENT, on=TODAY, reason="本人から連絡があった")  # 再開
    again = db.resources.connect(ids[FARM], closed, TODAY, TODAY)
    assert db.resources.link_row(again).case_is_open


def test_moves_keep_their_dates_after_the_settled_day_and_the_checks(db: Database) -> None:
    ids = register_resources(db)
    case_id = add_case(db, "架空 定子", "カクウ サダコ")
    link_id = db.resources.connect(ids[FARM], case_id, dt.date(2024, 10, 1), TODAY)
    db.resources.move(link_id, S.USING, dt.date(2024, 10, 10), TODAY)
    db.resources.add_check(link_id, FollowUp(dt.date(2024, 11, 20), Condition.GOOD, "通えている"), TODAY)
    with pytest.raises(ValidationError, match="最後の定着の確認（令和6年11月20日）より前"):
        db.resources.move(link_id, S.SETTLED, dt.date(2024, 11, 1), TODAY)
    db.resources.move(link_id, S.SETTLED, dt.date(2025, 1, 10), TODAY)
    with pytest.raises(ValidationError, match="終了の日付は定着日（令和7年1月10日）より前"):
        db.resources.move(link_id, S.ENDED, dt.date(2024, 11, 1), TODAY, reason="転居")
    with pytest.raises(ValidationError, match="利用中に戻す日付は定着日（令和7年1月10日）より前"):
        db.resources.move(link_id, S.USING, dt.date(2024, 12, 1), TODAY)
    link = db.resources.link(link_id)
    assert (link.status, link.settled_on, link.ended_on) == (S.SETTLED, dt.date(2025, 1, 10), None)
    assert len(db.resources.history(link_id)) == 3  # 紹介, 利用開始, 定着: the refusals left nothing
    db.resources.move(link_id, S.USING, dt.date(2025, 1, 25), TODAY)  # 利用中に戻す
    with pytest.raises(ValidationError, match="終了の日付は前の記録（令和7年1月25日）より前"):
        db.resources.move(link_id, S.ENDED, dt.date(2025, 1, 20), TODAY, reason="転居")
    db.resources.move(link_id, S.ENDED, dt.date(2025, 1, 25), TODAY, reason="転居")  # the same day is fine


def test_the_story_is_newest_first_by_date_then_by_when_it_was_entered(db: Database) -> None:
    ids = register_resources(db)
    case_id = add_case(db, "架空 物子", "カクウ モノコ")
    link_id = db.resources.connect(ids[SALON], case_id, dt.date(2024, 10, 1), TODAY)
    db.resources.move(link_id, S.USING, dt.date(2024, 10, 10), TODAY)
    db.resources.add_check(link_id, FollowUp(dt.date(2024, 12, 1), Condition.GOOD, "確認1"), TODAY)
    db.resources.move(link_id, S.SETTLED, dt.date(2024, 12, 1), TODAY)  # the same day, after the check
    db.resources.add_check(link_id, FollowUp(dt.date(2024, 12, 15), Condition.WORRY, "確認2"), TODAY)
    db.resources.move(link_id, S.USING, dt.date(2024, 12, 15), TODAY, reason="気がかり")  # same day again
    db.resources.add_check(link_id, FollowUp(dt.date(2024, 11, 15), Condition.GOOD, "後から記録"), TODAY)

    def said(entry: object) -> str:
        if isinstance(entry, LinkEvent):
            return entry.to_status.value if entry.from_status else "紹介"
        assert isinstance(entry, FollowUp)
        return entry.how

    assert [said(e) for e in db.resources.story(link_id)] == [
        "利用中",  # 2024-12-15, entered after 確認2
        "確認2",
        "定着",  # 2024-12-01, entered after 確認1
        "確認1",
        "後から記録",  # entered last, but dated 2024-11-15
        "利用中",
        "紹介",
    ]


def test_remove_only_a_mistaken_arranging_connection(db: Database) -> None:
    ids = register_resources(db)
    case_id = add_case(db, "架空 三郎", "カクウ サブロウ")
    mistaken = db.resources.connect(ids["はたらく練習"], case_id, TODAY, TODAY)
    db.resources.remove(mistaken)
    assert db.resources.links_for_case(case_id) == []
    started = db.resources.connect(ids["はたらく練習"], case_id, dt.date(2025, 1, 5), TODAY)
    db.resources.move(started, S.USING, dt.date(2025, 1, 6), TODAY)
    with pytest.raises(RuleViolation, match="削除できません"):
        db.resources.remove(started)
    assert len(db.resources.links_for_case(case_id)) == 1


def test_a_failed_write_leaves_nothing(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    ids = register_resources(db)
    case_id = add_case(db, "架空 四郎", "カクウ シロウ")
    link_id = db.resources.connect(ids["はたらく練習"], case_id, dt.date(2025, 1, 5), TODAY)

    def broken(*_args: object) -> None:
        raise StorageFailure("書き込みに失敗しました（試験）。")

    monkeypatch.setattr(type(db.resources), "_event", staticmethod(broken))
    with pytest.raises(StorageFailure):
        db.resources.move(link_id, S.USING, dt.date(2025, 1, 6), TODAY)
    monkeypatch.undo()
    assert db.resources.link(link_id).status is S.ARRANGING  # the status change was rolled back too
    assert len(db.resources.history(link_id)) == 1


def test_links_for_case_lists_every_resource_of_the_case(db: Database) -> None:
    ids = register_resources(db)
    case_id = add_case(db, "架空 五郎", "カクウ ゴロウ")
    other = add_case(db, "架空 六郎", "カクウ ロクロウ")
    farm = db.resources.connect(ids["つむぎファーム 農作業体験"], case_id, dt.date(2024, 9, 1), TODAY)
    db.resources.move(farm, S.ENDED, dt.date(2024, 9, 20), TODAY, reason="体調や生活の変化")
    salon = db.resources.connect(ids["川端ふれあいサロン"], case_id, dt.date(2024, 12, 1), TODAY)
    db.resources.connect(ids["川端ふれあいサロン"], other, dt.date(2024, 12, 1), TODAY)
    rows = db.resources.links_for_case(case_id)
    assert [(r.link.id, r.resource_name, r.link.status) for r in rows] == [
        (salon, "川端ふれあいサロン", S.ARRANGING),
        (farm, "つむぎファーム 農作業体験", S.ENDED),
    ]
    assert {r.person_name for r in rows} == {"架空 五郎"}


def test_the_principal_is_shown_even_when_the_household_is_larger(db: Database) -> None:
    ids = register_resources(db)
    case_id = db.cases.create(
        Person(name="架空 本人", kana="カクウ ホンニン"),
        opened_on=dt.date(2024, 4, 1),
        members=[HouseholdMember(Person(name="架空 母", kana="カクウ ハハ"), "母")],
    )
    link_id = db.resources.connect(ids["川端ふれあいサロン"], case_id, TODAY, TODAY)
    assert db.resources.link_row(link_id).person_name == "架空 本人"


# ---- the follow-up overview ------------------------------------------------------------------------


def _overview_fixture(db: Database) -> dict[str, object]:
    ids = register_resources(db)
    made: dict[str, object] = {}
    stories = (
        # name, started (days ago), last check (days ago) or None, final status
        ("never_checked", 50, None, S.USING),
        ("checked_long_ago", 100, 45, S.USING),
        ("checked_recently", 80, 10, S.USING),
        ("due_exactly_today", 90, 30, S.USING),
        ("settled", 200, 40, S.SETTLED),
        ("arranging", None, None, S.ARRANGING),
        ("ended", 60, None, S.ENDED),
    )
    for number, (name, started, checked, status) in enumerate(stories):
        case_id = add_case(db, f"架空 {number}", f"カクウ {number}")
        link_id = db.resources.connect(
            ids["川端ふれあいサロン"], case_id, TODAY - dt.timedelta(days=(started or 5) + 5), TODAY
        )
        if started is not None:
            db.resources.move(link_id, S.USING, TODAY - dt.timedelta(days=started), TODAY)
        if checked is not None:
            db.resources.add_check(
                link_id, FollowUp(TODAY - dt.timedelta(days=checked), Condition.GOOD, "来ている"), TODAY
            )
        if status is S.SETTLED:
            db.resources.move(link_id, S.SETTLED, TODAY - dt.timedelta(days=30), TODAY)
        if status is S.ENDED:
            db.resources.move(link_id, S.ENDED, TODAY - dt.timedelta(days=1), TODAY, reason="転居")
        made[name] = link_id
    return made


def test_follow_ups_show_the_due_ones_first_the_longest_waiting_first(db: Database) -> None:
    made = _overview_fixture(db)
    names = {v: k for k, v in made.items()}
    rows = db.resources.follow_ups(TODAY, 30)
    due = [names[r.link.id] for r in rows if is_due(r.link, r.last_check_on, 30, TODAY)]
    assert due == ["never_checked", "checked_long_ago", "due_exactly_today"]
    assert [names[r.link.id] for r in rows][:3] == due  # due first, oldest contact first
    assert [names[r.link.id] for r in rows][3:] == [
        "checked_recently",
        "arranging",
        "settled",
    ]  # 利用中 first
    assert "ended" not in [names[r.link.id] for r in rows]
    assert db.resources.due_count(TODAY, 30) == 3
    only = db.resources.follow_ups(TODAY, 30, due_only=True)
    assert [names[r.link.id] for r in only] == due


def test_the_due_rule_in_sql_agrees_with_the_domain_rule(db: Database) -> None:
    """The store picks due rows with SQL (cutoff dates); the domain says what due means (is_due)."""
    ids = register_resources(db)
    number = 0
    for days_back in range(25, 36):  # around an interval of 30 days, on both sides of the cutoff
        for checked in (False, True):
            number += 1
            case_id = add_case(db, f"架空 {number}", f"カクウ {number}")
            started = TODAY - dt.timedelta(days=days_back if not checked else 40)
            link_id = db.resources.connect(ids[SALON], case_id, started - dt.timedelta(days=3), TODAY)
            db.resources.move(link_id, S.USING, started, TODAY)
            if checked:
                on = TODAY - dt.timedelta(days=days_back)
                db.resources.add_check(link_id, FollowUp(on, Condition.GOOD, "来ている"), TODAY)
    settled = db.resources.connect(
        ids[FARM], add_case(db, "架空 定", "カクウ サダ"), dt.date(2024, 1, 5), TODAY
    )
    db.resources.move(settled, S.USING, dt.date(2024, 1, 10), TODAY)
    db.resources.add_check(settled, FollowUp(dt.date(2024, 2, 1), Condition.GOOD, "来ている"), TODAY)
    db.resources.move(settled, S.SETTLED, dt.date(2024, 2, 1), TODAY)
    db.resources.connect(ids[FARM], add_case(db, "架空 調", "カクウ チョウ"), dt.date(2024, 1, 5), TODAY)
    for interval in (7, 29, 30, 31, 35):
        every = db.resources.follow_ups(TODAY, interval)
        by_rule = {r.link.id for r in every if is_due(r.link, r.last_check_on, interval, TODAY)}
        by_sql = {r.link.id for r in db.resources.follow_ups(TODAY, interval, due_only=True)}
        assert by_sql == by_rule, interval
        assert db.resources.due_count(TODAY, interval) == len(by_rule), interval
        assert [r.link.id for r in every][: len(by_rule)] == [
            r.link.id for r in db.resources.follow_ups(TODAY, interval, due_only=True)
        ]
    assert 0 < db.resources.due_count(TODAY, 30) < number  # the boundary is inside the range


def test_a_longer_interval_makes_fewer_due(db: Database) -> None:
    _overview_fixture(db)
    assert db.resources.due_count(TODAY, 46) == 1  # only the one started 50 days ago, never checked
    assert db.resources.due_count(TODAY, 60) == 0
    with pytest.raises(ValidationError):
        db.resources.follow_ups(TODAY, 3)


def test_the_interval_is_kept_in_the_file(db: Database) -> None:
    assert db.resources.follow_up_days() == 30
    db.resources.set_follow_up_days(45)
    assert db.resources.follow_up_days() == 45
    with pytest.raises(ValidationError):
        db.resources.set_follow_up_days(500)
    db.settings.set("resource_follow_up_days", "abc")  # damaged by hand: the default is used
    assert db.resources.follow_up_days() == 30


# ---- the migration on an existing file ---------------------------------------------------------------


def test_a_file_made_before_resources_is_upgraded_and_keeps_its_data(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    older = tmp_path / "migrations"
    older.mkdir()
    for step in migrations.load_migrations():
        if step.version < 7:
            shutil.copyfile(step.path, older / step.path.name)
    path = tmp_path / "before.jusou"
    monkeypatch.setattr(migrations, "migrations_dir", lambda: older)
    with Database.create(path, PASSPHRASE, town="つむぎ町（架空）") as before:
        assert before.schema_version() == 6
        case_id = add_case(before, "架空 七郎", "カクウ シチロウ")
        agency_id = before.agencies.add(
            Agency(name="つむぎ町地域支え合い推進協議会", field=AgencyField.COMMUNITY)
        )
        assert not before.conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'resources'").fetchone()
    monkeypatch.undo()
    with Database.open(path, PASSPHRASE) as db:
        assert db.schema_version() == migrations.latest_version() >= 7
        assert db.cases.get(case_id).principal.name == "架空 七郎"
        resource_id = db.resources.add(
            Resource(name="山手いきいき百歳体操", kind=ResourceKind.PLACE, agency_id=agency_id)
        )
        link_id = db.resources.connect(resource_id, case_id, TODAY, TODAY)
        assert db.resources.links_for_case(case_id)[0].link.id == link_id
        assert db.check().healthy
    assert list(tmp_path.glob("before.形式6-*.jusou")), "an encrypted copy is made before upgrading"


def test_the_oldest_released_file_upgrades_to_resources(tmp_path: Path) -> None:
    copy = tmp_path / "schema-1.jusou"
    shutil.copyfile(Path(__file__).parent / "data" / "schema-1.jusou", copy)
    with Database.open(copy, PASSPHRASE) as db:
        case = db.cases.rows(limit=1)[0]
        resource_id = db.resources.add(Resource(name="つむぎ断酒会", kind=ResourceKind.PEER))
        db.resources.connect(resource_id, case.id, TODAY, TODAY)
        assert [r.resource_name for r in db.resources.links_for_case(case.id)] == ["つむぎ断酒会"]


# ---- the demo town ----------------------------------------------------------------------------------


def test_the_demo_has_fictional_resources_and_connections_in_every_state(db: Database) -> None:
    from jusou_desktop.demo import populate

    populate(db, today=TODAY)
    everything = db.resources.rows(ResourceFilter(include_inactive=True))
    assert len(everything) >= 8
    assert {r.kind for r in everything} >= {ResourceKind.PLACE, ResourceKind.WORK, ResourceKind.FARM}
    assert {r.formality for r in everything} == set(Formality)
    assert any(not r.active for r in everything)
    for row in everything:
        resource = db.resources.get(row.id)
        assert resource.phone.startswith("0000-22-"), resource.name  # not a real number
        assert "（架空" in resource.operator or resource.agency_id is not None, resource.name
    links = [link for row in everything for link in db.resources.links_for_resource(row.id)]
    assert {r.link.status for r in links} == set(LinkStatus)
    assert all(r.link.end_reason for r in links if r.link.status is S.ENDED)
    assert all(r.checks for r in links if r.link.status is S.SETTLED)
    for r in links:
        opened = db.cases.get(r.link.case_id).opened_on
        assert opened <= r.link.referred_on <= TODAY
        assert all(c.on <= TODAY for c in db.resources.checks(r.link.id or 0))  # type: ignore[arg-type]
    assert 1 <= db.resources.due_count(TODAY, 30) < len(links)
