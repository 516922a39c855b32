"""実績: the counting rules in plain Python, then a whole 令和6年度 built through the repositories.

The scenario (``_build_year``) is written so that every figure has a hand-computed monthly table
(``EXPECTED``, April → March) and a previous-year total; each case, meeting and plan in it is
there to prove one rule (a boundary, an exclusion, a once-only count…), said in its comment.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest

from jusou_desktop.domain.errors import ValidationError
from jusou_desktop.domain.ids import AgencyId, CaseId
from jusou_desktop.domain.jisseki import (
    FIELD_OF_TAG,
    FIELDS,
    FIGURE_BY_KEY,
    FIGURES,
    MONTHS,
    ROUTES,
    TARGET_KEYS,
    UNFIELDED_TAGS,
    Activity,
    ConfirmedPlan,
    Ending,
    Events,
    HeldMeeting,
    JissekiData,
    NewCase,
    Occurrence,
    build_rows,
    check_target,
    classify_route,
    count_by_month,
    count_continuing,
    count_first_ever,
    count_first_in_year,
    count_once_a_month,
    fields_of_tags,
    figure_values,
    month_index,
    open_that_day,
    partner_key,
)
from jusou_desktop.domain.meetings import Action, Attendee, Holding, Meeting, MeetingType, Reason
from jusou_desktop.domain.model import (
    Agency,
    AgencyField,
    Business,
    CaseStatus,
    Consent,
    ConsentState,
    Note,
    NoteKind,
    Operation,
    Person,
)
from jusou_desktop.domain.plans import (
    Attainment,
    ContactAttempt,
    Evaluation,
    GoalAttainment,
    PlanVersion,
    Role,
    Service,
    SupportDecision,
)
from jusou_desktop.domain.tags import STANDARD_TAGS
from jusou_desktop.store.database import Database
from jusou_desktop.store.jisseki import TARGET_PREFIX

FY = 2024  # 令和6年度: 2024-04-01 .. 2025-03-31
D = dt.date
KEYS = tuple(f.key for f in FIGURES)


# =============================================================================================
# Pure rules
# =============================================================================================


def test_every_figure_has_a_stable_ascii_key_a_label_and_one_definition() -> None:
    assert len(set(KEYS)) == len(KEYS)
    for figure in FIGURES:
        assert figure.key.isascii()
        assert figure.key.replace("_", "").isalnum()
        assert figure.label.strip()
        assert figure.group.strip()
        assert figure.unit in {"件", "回", "人", "団体"}
        assert figure.definition.endswith("。")
        assert len(figure.definition) > 30
    # the figures of domain.md §4 are all there
    labels = {f.label for f in FIGURES}
    for wanted in (
        "相談受付件数（新規）",
        "相談受付件数（継続）",
        "多機関協働 事例検討件数",
        "プラン作成件数",
        "プラン作成件数（内 再プラン）",
        "重層的支援会議 開催回数（定例）",
        "重層的支援会議 開催回数（随時）",
        "支援会議 開催回数（定例）",
        "支援会議 開催回数（随時）",
        "終結件数",
        "中断件数",
        "参加支援につながった人数",
        "協力企業・団体数",
        "アウトリーチ 新規相談件数",
    ):
        assert wanted in labels
    assert {f"新規のうち 経路：{r}" for r in ROUTES} <= labels
    assert {f"新規のうち 分野：{f}" for f in FIELDS} <= labels


def test_targets_of_the_seeds_are_the_defaults() -> None:
    assert dict(TARGET_KEYS) == {
        "case_reviews": 5,
        "collab_cases": 5,
        "participation_people": 3,
        "participation_partners": 2,
        "outreach_new": 5,
    }
    assert set(TARGET_KEYS) <= set(FIGURE_BY_KEY)


def test_check_target_refuses_in_japanese() -> None:
    assert check_target("plans", 0) == 0
    assert check_target("outreach_new", 12) == 12
    with pytest.raises(ValidationError, match="0以上"):
        check_target("outreach_new", -1)
    with pytest.raises(ValidationError, match="整数"):
        check_target("outreach_new", True)
    with pytest.raises(ValidationError, match="整数"):
        check_target("outreach_new", 2.5)
    with pytest.raises(ValidationError, match="大きすぎます"):
        check_target("outreach_new", 10_000_000)
    with pytest.raises(ValidationError, match="ありません"):
        check_target("nothing", 3)


def test_month_index_runs_april_to_march_and_stops_at_the_year() -> None:
    assert month_index(D(2024, 4, 1), FY) == 0
    assert month_index(D(2024, 12, 31), FY) == 8
    assert month_index(D(2025, 1, 1), FY) == 9
    assert month_index(D(2025, 3, 31), FY) == 11
    assert month_index(D(2024, 3, 31), FY) is None
    assert month_index(D(2025, 4, 1), FY) is None


def test_count_by_month_ignores_dates_outside_the_year() -> None:
    dates = [D(2024, 3, 31), D(2024, 4, 1), D(2024, 4, 30), D(2024, 5, 1), D(2025, 3, 31), D(2025, 4, 1)]
    assert count_by_month(dates, FY) == (2, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1)
    assert count_by_month([], FY) == (0,) * MONTHS


def test_once_a_month_first_in_year_and_first_ever() -> None:
    items = [
        Occurrence(1, D(2024, 5, 2)),
        Occurrence(1, D(2024, 5, 28)),  # same key, same month: once
        Occurrence(1, D(2024, 6, 3)),  # same key, next month: again
        Occurrence(2, D(2024, 5, 9)),
        Occurrence(3, D(2024, 3, 20)),  # before the year
        Occurrence(3, D(2025, 2, 1)),
    ]
    assert count_once_a_month(items, FY) == (0, 2, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0)
    # once in the year, in the month of the first date within the year (key 3: February)
    assert count_first_in_year(items, FY) == (0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0)
    # first date ever: key 3 first appeared in the previous year, so it is not new
    assert count_first_ever(items, FY) == (0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
    assert count_first_ever(items, FY - 1) == (0,) * 11 + (1,)


def test_continuing_counts_cases_opened_before_the_year_open_that_day_once_a_month() -> None:
    before, inside = D(2024, 2, 1), D(2024, 4, 1)
    activities = [
        Activity(1, before, D(2024, 4, 3), True),
        Activity(1, before, D(2024, 4, 20), True),  # same month
        Activity(1, before, D(2024, 7, 1), False),  # closed that day
        Activity(2, inside, D(2024, 5, 1), True),  # opened in the year: 新規, not 継続
        Activity(3, D(2024, 3, 31), D(2024, 5, 1), True),
    ]
    assert count_continuing(activities, FY) == (1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)


def test_open_that_day() -> None:
    assert open_that_day(None, False)
    assert open_that_day(CaseStatus.SUPPORTING, False)
    assert not open_that_day(CaseStatus.CLOSED, False)
    assert not open_that_day(CaseStatus.SUSPENDED, False)
    assert open_that_day(CaseStatus.CLOSED, True)  # re-opened that day


@pytest.mark.parametrize(
    ("route", "referred_by", "expected"),
    [
        ("本人からの相談", None, "本人"),
        ("本人からの電話相談", None, "本人"),
        ("家族からの相談", None, "家族・親族"),
        ("母からの電話相談", None, "家族・親族"),
        ("関係機関からのつなぎ", None, "関係機関"),
        ("地域包括支援センターからのつなぎ", None, "関係機関"),
        ("学校（スクールソーシャルワーカー）からのつなぎ", None, "関係機関"),
        ("庁内他課からのつなぎ", None, "庁内他課"),
        ("こども家庭課からのつなぎ", None, "庁内他課"),
        ("住民福祉課からのつなぎ", None, "庁内他課"),
        ("民生委員からのつなぎ", None, "民生委員・地域住民"),
        ("民生委員の田中 一夫さんから", None, "民生委員・地域住民"),
        ("地域住民からの情報", None, "民生委員・地域住民"),
        ("アウトリーチ（訪問）", None, "アウトリーチ"),
        ("ｱｳﾄﾘｰﾁ", None, "アウトリーチ"),  # half-width kana folded
        ("課題の多い世帯", None, "その他・不明"),  # 「課題」 is not a section
        ("", None, "その他・不明"),
        ("   ", None, "その他・不明"),
        # an accepted referral decides, whatever the free text says
        ("本人からの相談", "つむぎ町地域包括支援センター", "関係機関"),
        ("", "つむぎ町役場 福祉課", "庁内他課"),
        ("", "つむぎ町民生委員児童委員協議会", "民生委員・地域住民"),
        ("", "", "関係機関"),
    ],
)
def test_classify_route(route: str, referred_by: str | None, expected: str) -> None:
    assert classify_route(route, referred_by) == expected
    assert expected in ROUTES


def test_every_standard_tag_has_a_decided_field() -> None:
    assert set(FIELD_OF_TAG) | set(UNFIELDED_TAGS) == set(STANDARD_TAGS)
    assert not set(FIELD_OF_TAG) & set(UNFIELDED_TAGS)
    assert all(set(fields) <= set(FIELDS) - {"その他"} for fields in FIELD_OF_TAG.values())


def test_fields_of_tags() -> None:
    assert fields_of_tags(["8050", "ひきこもり"]) == ("高齢",)
    assert fields_of_tags(["ダブルケア"]) == ("高齢", "子ども")
    assert fields_of_tags(["障害の疑い", "不登校", "生活困窮"]) == ("障害", "子ども", "困窮")
    assert fields_of_tags(["ひきこもり", "買い物困難"]) == ("その他",)
    assert fields_of_tags([]) == ("その他",)


def test_partner_key_keeps_only_cooperating_organisations() -> None:
    assert partner_key(5, "つむぎ農園", Business.OUTSIDE.value, None) == "機関:5"
    assert partner_key(6, "通いの場", Business.COMMUNITY.value, Operation.CONTRACTED.value) == "機関:6"
    assert partner_key(7, "参加支援「ひだまり」", Business.PARTICIPATION.value, "委託") is None
    assert partner_key(8, "地域包括支援センター", Business.CONSULTATION_ELDERLY.value, "委託") is None
    assert partner_key(9, "役場 福祉課", Business.OUTSIDE.value, Operation.DIRECT.value) is None
    assert partner_key(None, " 子ども食堂 わいわい ", None, None) == partner_key(
        None, "子ども食堂わいわい", None, None
    )
    assert partner_key(None, "  ", None, None) is None


def test_build_rows_from_plain_events() -> None:
    events = Events(
        new_cases=(
            NewCase(D(2024, 4, 1), "本人", ("高齢",)),
            NewCase(D(2024, 3, 31), "関係機関", ("その他",)),  # previous year
        ),
        meetings=(
            HeldMeeting(MeetingType.JUSOU, Holding.REGULAR, D(2024, 6, 11)),
            HeldMeeting(MeetingType.SUPPORT, Holding.AD_HOC, D(2025, 3, 31)),
        ),
        plans=(ConfirmedPlan(0, D(2024, 7, 1)), ConfirmedPlan(1, D(2024, 7, 2))),
        endings=(Ending(CaseStatus.CLOSED, D(2024, 8, 1)), Ending(CaseStatus.SUSPENDED, D(2024, 9, 1))),
    )
    values = figure_values(events, FY)
    assert set(values) == set(KEYS)
    assert values["consult_new"][0] == 1
    assert sum(values["consult_new"]) == 1
    assert values["jusou_meetings_regular"][2] == 1
    assert sum(values["jusou_meetings_adhoc"]) == 0
    assert values["support_meetings_adhoc"][11] == 1
    assert sum(values["plans"]) == 2
    assert sum(values["plans_replan"]) == 1
    rows = build_rows(events, FY, {"plans": 4})
    assert [r.figure for r in rows] == list(FIGURES)
    by_key = {r.figure.key: r for r in rows}
    assert by_key["consult_new"].previous_total == 1
    assert by_key["consult_new_route_agency"].previous_total == 1
    assert by_key["plans"].target == 4
    assert by_key["endings"].target is None
    assert all(r.previous_total is None for r in build_rows(events, FY, with_previous=False))


# =============================================================================================
# The store: a whole year through the repositories
# =============================================================================================

GOALS = ("週に一度は外に出たい",)


def _case(
    db: Database,
    name: str,
    opened: dt.date,
    route: str = "",
    tags: tuple[str, ...] = (),
    *,
    consent: bool = False,
) -> CaseId:
    case_id = db.cases.create(Person(name=name), opened_on=opened, route=route, tags=tags)
    if consent:
        db.cases.record_consent(case_id, Consent(state=ConsentState.GIVEN, recorded_on=opened))
    return case_id


def _note(db: Database, case_id: CaseId, on: dt.date) -> None:
    db.notes.add(Note(case_id, on, NoteKind.VISIT, "自宅を訪問し、様子を聞いた。", author_name="支援員 一"))


def _meeting(
    db: Database,
    kind: MeetingType,
    holding: Holding,
    on: dt.date,
    cases: list[tuple[CaseId, Reason]],
    *,
    state: str = "held",
) -> int:
    """A meeting with the cases on its agenda and one present attendee with an action."""
    meeting_id = db.meetings.create(Meeting(type=kind, holding=holding, on=on, purpose="情報共有"))
    for case_id, reason in cases:
        db.meetings.add_case(meeting_id, case_id, reason)
    attendee_id = db.meetings.invite(meeting_id, Attendee("相談員 一", "地域包括支援センター"))
    db.meetings.set_attendance(attendee_id, True)
    db.meetings.record_pledge(attendee_id, on, "署名")
    db.meetings.add_action(
        meeting_id, cases[0][0], Action(attendee_id, "", "家庭訪問", on + dt.timedelta(days=14))
    )
    if state == "held":
        db.meetings.hold(meeting_id)
    elif state == "cancelled":
        db.meetings.cancel(meeting_id, "台風のため")
    return meeting_id


def _plan(
    case_id: CaseId, drawn: dt.date, services: frozenset[Service] = frozenset(), roles: tuple[Role, ...] = ()
) -> PlanVersion:
    return PlanVersion(
        case_id=case_id,
        number=0,
        goals=GOALS,
        policy="生活のリズムを整える",
        roles=roles or (Role("つむぎ町多機関協働事業所", "進行管理"),),
        services=services,
        monitoring_on=drawn + dt.timedelta(days=90),
        drawn_up_by="支援員 二",
        drawn_up_on=drawn,
    )


def _decide(db: Database, plan_id: int, on: dt.date) -> None:
    services = db.plans.get(plan_id).services
    db.plans.record_decision(
        plan_id, SupportDecision(on, "福祉課 三", services, on, on + dt.timedelta(days=180))
    )


def _replan(
    db: Database, case_id: CaseId, on: dt.date, services: frozenset[Service], roles: tuple[Role, ...]
) -> int:
    plan_id = db.plans.start_replan(case_id, on=on, by="支援員 二")
    db.plans.save(replace(db.plans.get(plan_id), services=services, roles=roles))
    db.plans.put_forward(plan_id, on=on)
    return plan_id


def _evaluation(on: dt.date) -> Evaluation:
    return Evaluation(
        on=on,
        by="支援員 二",
        attainments=tuple(GoalAttainment(g, Attainment.ACHIEVED) for g in GOALS),
        main_supporter="つむぎ町地域包括支援センター",
        follow_up_needed=False,
    )


def _referral_sheet(agency: Agency, name: str) -> dict[str, object]:
    return {
        "source_agency": {"name": agency.name, "id": agency.id},
        "source_staff": {"name": "相談員 一", "id": None},
        "name": name,
        "kana": "かわぐち ゆり",
        "birth_date": "昭和60年4月1日",
        "sex": "女",
        "main_complaint": "家賃を滞納している。",
        "consent": True,
    }


PEOPLE = {
    "P0": "古川 一郎",  # opened in 令和4年度 (2023-02-01): 継続 in both years
    "Q": "北村 二郎",  # new in 令和5年度, 終結 in 令和5年度, a note after that
    "P1": "南 三郎",  # opened 2024-03-10 (令和5年度), first outreach decision in March 2024, 終結 in June
    "P2": "東 四郎",  # opened 2024-03-25, 終結 and re-opened in 令和6年度
    "A": "山田 花子",  # opened 2024-04-01 (first day): 初回 approved, 再プラン with 参加支援
    "B": "川口 ゆり",  # opened from a referral of 包括 (2024-04-15): outreach, then 参加支援
    "C": "中野 みどり",  # ダブルケア: two fields; a plan left 作成中
    "D": "佐藤 健太",  # 民生委員 named in the route text; no consent: 支援会議 twice in July
    "E": "小林 さくら",  # こども家庭課 (庁内), no tags
    "G": "石井 まこと",  # no route text; 中断 in February
    "F": "森 ひかり",  # opened on the last day (2025-03-31), 支援会議 that day
    "H": "林 たける",  # opened on 2025-04-01: next year, counted nowhere
}
ROUTE_TEXT_WITH_A_NAME = "民生委員の田中 一夫さんからのつなぎ"


def _build_year(db: Database) -> dict[str, CaseId]:
    n = PEOPLE
    hokatsu = db.agencies.get(
        db.agencies.add(
            Agency(
                "つむぎ町地域包括支援センター",
                AgencyField.ELDERLY,
                Business.CONSULTATION_ELDERLY,
                Operation.CONTRACTED,
            )
        )
    )
    fukushi = db.agencies.add(
        Agency("つむぎ町役場 福祉課", AgencyField.GENERAL, Business.OUTSIDE, Operation.DIRECT)
    )
    hidamari = db.agencies.add(
        Agency(
            "参加支援事業「ひだまり」", AgencyField.COMMUNITY, Business.PARTICIPATION, Operation.CONTRACTED
        )
    )
    farm = db.agencies.add(Agency("つむぎ農園", AgencyField.COMMUNITY))
    assert hokatsu.id is not None

    def role(agency_id: AgencyId | None, name: str) -> Role:
        return Role(name, "受け入れ・調整", agency_id=agency_id)

    # ---- cases of the years before ------------------------------------------------------------
    p0 = _case(db, n["P0"], D(2023, 2, 1), "本人からの相談")
    _note(db, p0, D(2023, 6, 15))  # 継続 in 令和5年度 (June)
    _note(db, p0, D(2024, 4, 1))  # 継続 in April (first day of the year)
    _note(db, p0, D(2025, 4, 1))  # next year: nowhere

    q = _case(db, n["Q"], D(2023, 5, 1), "家族からの相談", ("虐待",))
    db.cases.change_status(q, CaseStatus.CLOSED, on=D(2023, 9, 1), reason="関係機関につないで完了")
    _note(db, q, D(2024, 6, 30))  # closed: not 継続

    p1 = _case(db, n["P1"], D(2024, 3, 10), "本人からの相談", ("就労",), consent=True)
    db.cases.change_status(p1, CaseStatus.ASSESSMENT, on=D(2024, 3, 12))
    p1_plan = db.plans.create(_plan(p1, D(2024, 3, 20), frozenset({Service.OUTREACH})))
    db.plans.put_forward(p1_plan, on=D(2024, 3, 20))
    _decide(db, p1_plan, D(2024, 3, 28))  # plan and first outreach decision of 令和5年度
    _meeting(db, MeetingType.JUSOU, Holding.AD_HOC, D(2024, 3, 29), [(p1, Reason.EVALUATION)])
    _note(db, p1, D(2024, 3, 31))  # opened in 令和5年度 itself: not 継続 there
    _note(db, p1, D(2024, 4, 5))
    _note(db, p1, D(2024, 4, 20))  # same month: once

    p2 = _case(db, n["P2"], D(2024, 3, 25), "本人からの相談")

    # ---- new cases of 令和6年度 ------------------------------------------------------------------
    a = _case(db, n["A"], D(2024, 4, 1), "本人からの相談", ("8050", "ひきこもり"), consent=True)
    db.cases.change_status(a, CaseStatus.ASSESSMENT, on=D(2024, 4, 10))

    template = db.templates.latest("takashima_ab")
    sheet = db.referrals.create(template.id, _referral_sheet(hokatsu, n["B"]), created_on=D(2024, 4, 12))
    db.referrals.send(sheet, on=D(2024, 4, 12))
    b = db.referrals.accept_as_new_case(sheet, on=D(2024, 4, 15))
    db.cases.set_tags(b, ["生活困窮"])
    db.cases.change_status(b, CaseStatus.ASSESSMENT, on=D(2024, 4, 20))

    # P2: a referral about it, sent and accepted in May (継続 in May; its 経路 stays 本人)
    later = db.referrals.create(
        template.id, _referral_sheet(hokatsu, n["P2"]), created_on=D(2024, 5, 7), case_id=p2
    )
    db.referrals.send(later, on=D(2024, 5, 8))
    db.referrals.accept(later, on=D(2024, 5, 10), case_id=p2)

    c = _case(db, n["C"], D(2024, 5, 20), "家族（長女）からの相談", ("ダブルケア",))
    d = _case(db, n["D"], D(2024, 7, 3), ROUTE_TEXT_WITH_A_NAME, ("不登校", "障害の疑い"))
    e = _case(db, n["E"], D(2024, 9, 9), "こども家庭課からのつなぎ")
    g = _case(db, n["G"], D(2024, 12, 2), "", ("精神疾患",), consent=True)
    f = _case(db, n["F"], D(2025, 3, 31), "アウトリーチ（訪問）", ("社会的孤立", "買い物困難"))
    h = _case(db, n["H"], D(2025, 4, 1), "本人からの相談")

    # ---- meetings ---------------------------------------------------------------------------
    _meeting(  # June: 重層 定例, P1 (終結判断) and A
        db, MeetingType.JUSOU, Holding.REGULAR, D(2024, 6, 11), [(p1, Reason.ENDING), (a, Reason.SHARING)]
    )
    _meeting(db, MeetingType.SUPPORT, Holding.REGULAR, D(2024, 7, 16), [(d, Reason.SHARING)])
    _meeting(db, MeetingType.SUPPORT, Holding.AD_HOC, D(2024, 7, 30), [(d, Reason.URGENT)])
    _meeting(
        db, MeetingType.JUSOU, Holding.REGULAR, D(2024, 12, 10), [(a, Reason.SHARING)], state="cancelled"
    )
    _meeting(db, MeetingType.INTERNAL, Holding.AD_HOC, D(2025, 1, 20), [(p0, Reason.SHARING)])  # not counted
    _meeting(db, MeetingType.SUPPORT, Holding.REGULAR, D(2025, 2, 10), [(d, Reason.SHARING)], state="planned")
    _meeting(db, MeetingType.SUPPORT, Holding.AD_HOC, D(2025, 3, 31), [(f, Reason.SHARING)])
    _meeting(db, MeetingType.SUPPORT, Holding.REGULAR, D(2025, 4, 1), [(h, Reason.SHARING)])  # next year

    # ---- plans ------------------------------------------------------------------------------
    # B: 初回 with アウトリーチ等 decided in July (first outreach decision: new)
    b0 = db.plans.create(_plan(b, D(2024, 7, 1), frozenset({Service.OUTREACH})))
    db.plans.put_forward(b0, on=D(2024, 7, 1))
    _decide(db, b0, D(2024, 7, 25))
    # A: 初回 without services, approved by the 重層 of October
    a0 = db.plans.create(_plan(a, D(2024, 9, 20)))
    db.plans.put_forward(a0, on=D(2024, 9, 20))
    m_oct = _meeting(db, MeetingType.JUSOU, Holding.AD_HOC, D(2024, 10, 8), [(a, Reason.EVALUATION)])
    db.plans.record_approval(a0, m_oct)
    # B: 再プラン with both services decided in November (参加支援: B and つむぎ農園)
    b1 = _replan(
        db,
        b,
        D(2024, 11, 1),
        frozenset({Service.OUTREACH, Service.PARTICIPATION}),
        (
            role(farm, "つむぎ農園"),
            role(hokatsu.id, hokatsu.name),
            role(hidamari, "参加支援事業「ひだまり」"),
        ),
    )
    _decide(db, b1, D(2024, 11, 20))
    # A: 再プラン with 参加支援 decided in February (つむぎ農園 again, and an unregistered 子ども食堂)
    a1 = _replan(
        db,
        a,
        D(2025, 1, 10),
        frozenset({Service.PARTICIPATION}),
        (
            role(None, "つむぎ農園"),  # by name: the same registered agency
            role(None, "子ども食堂 わいわい"),
            role(fukushi, "つむぎ町役場 福祉課"),
            role(hidamari, "参加支援事業「ひだまり」"),
        ),
    )
    _decide(db, a1, D(2025, 2, 14))
    # C: a plan still being drawn up
    db.cases.change_status(c, CaseStatus.ASSESSMENT, on=D(2025, 2, 20))
    db.plans.create(_plan(c, D(2025, 3, 1)))

    # P1: 再プラン with アウトリーチ等 again, decided in May: a plan, but not a new outreach case
    p1_replan = _replan(
        db, p1, D(2024, 5, 1), frozenset({Service.OUTREACH}), (role(hokatsu.id, hokatsu.name),)
    )
    _decide(db, p1_replan, D(2024, 5, 15))

    # ---- endings and re-opening -----------------------------------------------------------
    db.plans.end_case(p1, _evaluation(D(2024, 6, 20)), by="支援員 二")  # 終結 in June
    db.cases.change_status(p2, CaseStatus.CLOSED, on=D(2024, 8, 20), reason="関係機関につないで完了")
    _note(db, p2, D(2024, 8, 20))  # the day it closed: still open that day
    _note(db, p2, D(2024, 9, 5))  # closed: not 継続
    db.plans.reopen_case(p2, on=D(2024, 11, 1), by="支援員 二", reason="再び相談があった")
    _note(db, p2, D(2024, 11, 1))  # re-opened that day
    db.cases.change_status(g, CaseStatus.ASSESSMENT, on=D(2024, 12, 5))
    db.plans.add_contact_attempt(g, ContactAttempt(D(2025, 1, 15), "訪問", "支援員 二", "不在"))
    _meeting(db, MeetingType.JUSOU, Holding.AD_HOC, D(2025, 2, 4), [(g, Reason.SUSPENSION)])
    db.plans.suspend_case(g, on=D(2025, 2, 5), by="支援員 二")  # 中断 in February

    return {
        "P0": p0,
        "Q": q,
        "P1": p1,
        "P2": p2,
        "A": a,
        "B": b,
        "C": c,
        "D": d,
        "E": e,
        "G": g,
        "F": f,
        "H": h,
    }


# Hand-computed: monthly values of 令和6年度 (April … March) and the total of 令和5年度.
#                                   4  5  6  7  8  9 10 11 12  1  2  3    previous
EXPECTED: dict[str, tuple[tuple[int, ...], int]] = {
    # A, B in April; C in May; D in July; E in September; G in December; F on 3/31 (H on 4/1: no)
    "consult_new": ((2, 1, 0, 1, 0, 1, 0, 0, 1, 0, 0, 1), 3),  # prev: Q, P1, P2
    "consult_new_route_self": (
        (1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0),
        2,
    ),  # A; prev P1, P2 (P2's later referral)
    "consult_new_route_family": ((0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0), 1),  # C; prev Q
    "consult_new_route_community": ((0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0), 0),  # D
    "consult_new_route_agency": ((1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0), 0),  # B (referral of 包括)
    "consult_new_route_office": ((0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0), 0),  # E
    "consult_new_route_outreach": ((0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1), 0),  # F
    "consult_new_route_other": ((0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0), 0),  # G
    "consult_new_field_elderly": ((1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0), 0),  # A (8050), C (ダブルケア)
    "consult_new_field_disability": ((0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0), 0),  # D, G
    "consult_new_field_children": ((0, 1, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0), 0),  # C, D
    "consult_new_field_poverty": ((1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0), 1),  # B; prev P1 (就労)
    "consult_new_field_other": ((0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1), 2),  # E, F; prev Q (虐待), P2
    # P0 + P1 (April), P2 (May referral), P1 (June meeting), P2 (closing day, re-opening day),
    # P0 (January 庁内会議); not P2 on 9/5 (closed), not Q (closed); prev: P0 in June 2023
    "consult_continuing": ((2, 1, 1, 0, 1, 0, 0, 1, 0, 1, 0, 0), 1),
    # June 重層 (P1, A), July 支援会議 ×2 (D, D), October (A), February (G), March 31 (F)
    "case_reviews": ((0, 0, 2, 2, 0, 0, 1, 0, 0, 0, 1, 1), 1),  # prev: P1 at the 重層 of 3/29
    "collab_cases": ((0, 0, 2, 1, 0, 0, 0, 0, 0, 0, 1, 1), 1),  # A again in October: no
    # P1 再プラン (5/15), B 初回 (7/25), A 初回 (10/8 了承), B 再プラン (11/20), A 再プラン (2/14);
    # C's draft: no
    "plans": ((0, 1, 0, 1, 0, 0, 1, 1, 0, 0, 1, 0), 1),  # prev: P1 (3/28)
    "plans_replan": ((0, 1, 0, 0, 0, 0, 0, 1, 0, 0, 1, 0), 0),
    "jusou_meetings": ((0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0), 1),  # December: cancelled
    "jusou_meetings_regular": ((0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0), 0),
    "jusou_meetings_adhoc": ((0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1, 0), 1),
    "support_meetings": ((0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 1), 0),  # February: only planned
    "support_meetings_regular": ((0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0), 0),
    "support_meetings_adhoc": ((0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1), 0),
    "endings": ((0, 0, 1, 0, 1, 0, 0, 0, 0, 0, 0, 0), 1),  # P1 (end_case), P2 (status); prev Q
    "suspensions": ((0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0), 0),  # G
    "participation_people": ((0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 1, 0), 0),  # B, A
    # つむぎ農園 (November; again by name in February: no), 子ども食堂わいわい (February);
    # not 包括 (第1号イ), ひだまり (第2号), 福祉課 (直営)
    "participation_partners": ((0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 1, 0), 0),
    "outreach_new": ((0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0), 1),  # B; P1 (May), B (Nov) again: no; prev P1
}


@pytest.fixture
def year(db: Database) -> tuple[Database, dict[str, CaseId]]:
    return db, _build_year(db)


def test_every_figure_of_a_whole_year_matches_the_hand_computed_table(
    year: tuple[Database, dict[str, CaseId]],
) -> None:
    db, _cases = year
    data = db.jisseki.data(FY)
    assert data.fiscal_year == FY
    assert data.town == "つむぎ町（架空）"
    assert set(EXPECTED) == set(KEYS)  # every figure is checked
    assert [row.figure.key for row in data.rows] == list(KEYS)  # in FIGURES order
    mismatches = []
    for row in data.rows:
        monthly, previous = EXPECTED[row.figure.key]
        if row.monthly != monthly or row.total != sum(monthly) or row.previous_total != previous:
            mismatches.append((row.figure.key, row.monthly, row.previous_total, monthly, previous))
    assert not mismatches
    totals = {row.figure.key: row.total for row in data.rows}
    assert totals["consult_new"] == 7
    assert (
        sum(totals[f"consult_new_route_{k}"] for k in ("self", "family", "community", "agency"))
        + sum(totals[f"consult_new_route_{k}"] for k in ("office", "outreach", "other"))
        == totals["consult_new"]
    )  # one route per case
    assert totals["plans"] == 5
    assert totals["plans_replan"] == 3
    assert {row.figure.key: row.target for row in data.rows if row.target is not None} == dict(TARGET_KEYS)


def test_previous_year_comparison(year: tuple[Database, dict[str, CaseId]]) -> None:
    db, _cases = year
    this, last = db.jisseki.data(FY), db.jisseki.data(FY - 1)
    for now_row, then_row in zip(this.rows, last.rows, strict=True):
        assert now_row.previous_total == then_row.total, now_row.figure.key
    # 令和5年度 is compared with 令和4年度 (P0 was received in February 2023)
    assert {r.figure.key: r.previous_total for r in last.rows}["consult_new"] == 1
    # nothing was received before 令和5年度's predecessor: no comparison at all
    assert all(r.previous_total is None for r in db.jisseki.data(FY - 2).rows)
    # next year: H (4/1) and the 支援会議 of 4/1; everything of 令和6年度 is its previous year
    following = {r.figure.key: r for r in db.jisseki.data(FY + 1).rows}
    assert following["consult_new"].monthly[0] == 1
    assert following["support_meetings_regular"].monthly[0] == 1
    assert following["consult_new"].previous_total == 7


def test_month_boundary_31_march_and_1_april(db: Database) -> None:
    for name, opened in (
        ("甲", D(2024, 3, 31)),
        ("乙", D(2024, 4, 1)),
        ("丙", D(2025, 3, 31)),
        ("丁", D(2025, 4, 1)),
    ):
        case_id = _case(db, f"境目 {name}", opened)
        _meeting(db, MeetingType.SUPPORT, Holding.AD_HOC, opened, [(case_id, Reason.SHARING)])
    rows = {r.figure.key: r for r in db.jisseki.data(FY).rows}
    for key in ("consult_new", "support_meetings", "support_meetings_adhoc", "case_reviews", "collab_cases"):
        assert rows[key].monthly == (1,) + (0,) * 10 + (1,), key  # 4/1 in April, 3/31 in March
        assert rows[key].previous_total == 1, key  # 2024-03-31 belongs to 令和5年度
    following = {r.figure.key: r for r in db.jisseki.data(FY + 1).rows}
    assert following["consult_new"].monthly == (1,) + (0,) * 11
    assert following["consult_new"].previous_total == 2


def test_targets_round_trip_and_refusals(db: Database) -> None:
    assert db.jisseki.targets() == dict(TARGET_KEYS)
    db.jisseki.set_target("outreach_new", 8)
    db.jisseki.set_target("plans", 6)  # a figure without a target in the seeds may get one
    db.jisseki.set_target("participation_partners", 0)
    assert db.settings.get(f"{TARGET_PREFIX}outreach_new") == "8"
    targets = db.jisseki.targets()
    assert targets["outreach_new"] == 8
    assert targets["plans"] == 6
    assert targets["participation_partners"] == 0
    assert list(targets) == [k for k in KEYS if k in targets]  # FIGURES order
    rows = {r.figure.key: r for r in db.jisseki.data(FY).rows}
    assert rows["outreach_new"].target == 8
    assert rows["plans"].target == 6
    assert rows["endings"].target is None

    with pytest.raises(ValidationError, match="成果目標は0以上の数で入力してください。"):
        db.jisseki.set_target("outreach_new", -1)
    with pytest.raises(ValidationError, match="整数"):
        db.jisseki.set_target("outreach_new", True)
    with pytest.raises(ValidationError, match="実績の項目「nothing」はありません。"):
        db.jisseki.set_target("nothing", 3)
    assert db.jisseki.targets()["outreach_new"] == 8  # a refusal changes nothing

    db.jisseki.set_target("outreach_new", None)  # back to the default
    db.jisseki.set_target("plans", None)
    assert db.jisseki.targets()["outreach_new"] == 5
    assert "plans" not in db.jisseki.targets()
    db.settings.set(f"{TARGET_PREFIX}case_reviews", "たくさん")  # damaged by hand: the default applies
    db.settings.set(f"{TARGET_PREFIX}collab_cases", "-3")
    assert db.jisseki.targets()["case_reviews"] == 5
    assert db.jisseki.targets()["collab_cases"] == 5


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for item in dataclasses.fields(value):
            yield from _strings(getattr(value, item.name))
    elif isinstance(value, tuple | list):
        for item in value:
            yield from _strings(item)


def test_the_figures_hold_no_personal_data(year: tuple[Database, dict[str, CaseId]]) -> None:
    db, cases = year
    data = db.jisseki.data(FY)
    assert isinstance(data, JissekiData)
    texts = list(_strings(data))
    assert len(texts) > len(FIGURES) * 4  # labels, definitions, groups, units, town
    numbers = [db.cases.get(case_id).number for case_id in cases.values()]
    forbidden = [
        *(part for name in PEOPLE.values() for part in name.split()),
        "田中",
        "一夫",
        "かわぐち",
        *numbers,
    ]
    leaks = [(word, text) for text in texts for word in forbidden if word in text]
    assert not leaks
    for row in data.rows:  # only counts besides the figure itself
        assert all(isinstance(v, int) for v in row.monthly)


def _statements(db: Database) -> list[str]:
    seen: list[str] = []
    conn: Any = db.conn
    conn.set_trace_callback(seen.append)
    try:
        db.jisseki.data(FY)
    finally:
        conn.set_trace_callback(None)
    return seen


def _add_busy_cases(db: Database, numbers: range, farm: AgencyId) -> None:
    """Cases touching every figure: new and continuing, notes, a held meeting, a decided plan, endings."""
    for i in numbers:
        opened = D(2024, 3, 1) if i % 2 else D(2024, 6, 1) + dt.timedelta(days=i % 20)
        case_id = _case(db, f"試験 {i:03d}", opened, "本人からの相談", ("8050",), consent=True)
        db.cases.change_status(case_id, CaseStatus.ASSESSMENT, on=D(2024, 6, 25))
        _note(db, case_id, D(2024, 7, 1) + dt.timedelta(days=i % 60))
        _meeting(db, MeetingType.SUPPORT, Holding.AD_HOC, D(2024, 7, 10), [(case_id, Reason.SHARING)])
        services = frozenset({Service.OUTREACH, Service.PARTICIPATION})
        plan_id = db.plans.create(
            _plan(case_id, D(2024, 8, 1), services, (Role("つむぎ農園", "農作業体験", agency_id=farm),))
        )
        db.plans.put_forward(plan_id, on=D(2024, 8, 1))
        _decide(db, plan_id, D(2024, 8, 20))
        if i % 3 == 0:
            db.cases.change_status(case_id, CaseStatus.CLOSED, on=D(2024, 12, 1), reason="目標を達成")


def test_the_number_of_statements_does_not_grow_with_the_cases(db: Database) -> None:
    farm = db.agencies.add(Agency("つむぎ農園", AgencyField.COMMUNITY))
    _add_busy_cases(db, range(10), farm)
    few = _statements(db)
    small = {r.figure.key: r.total for r in db.jisseki.data(FY).rows}
    _add_busy_cases(db, range(10, 50), farm)
    many = _statements(db)
    large = {r.figure.key: r.total for r in db.jisseki.data(FY).rows}
    assert len(few) == len(many) <= 15
    assert [s.split()[0] for s in few] == [s.split()[0] for s in many]
    # the extra cases were counted (so the queries did see them)
    assert large["consult_new"] > small["consult_new"]
    assert large["consult_continuing"] > small["consult_continuing"]
    assert large["support_meetings"] == 50
    assert large["plans"] == 50
    assert large["participation_people"] == 50
    assert large["outreach_new"] == 50
    assert large["participation_partners"] == 1
    assert large["endings"] == 17  # every third of 0…49
