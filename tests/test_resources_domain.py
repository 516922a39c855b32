"""地域資源 rules (domain.resources), without the store: the resource, the connection's status
flow 調整中 → 利用中 → 定着 / 終了, the 定着の確認 and when one falls due."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from jusou_desktop.domain.errors import RuleViolation, ValidationError
from jusou_desktop.domain.ids import CaseId
from jusou_desktop.domain.model import CaseStatus
from jusou_desktop.domain.resources import (
    CONNECTABLE_CASE_STATUSES,
    DEFAULT_FOLLOW_UP_DAYS,
    Condition,
    FollowUp,
    Formality,
    LinkStatus,
    Resource,
    ResourceId,
    ResourceKind,
    ResourceLink,
    can_check,
    can_remove,
    connect_refusal,
    follow_up_due_on,
    is_due,
    last_contact,
    move,
    new_link,
    refusal_reason,
    step,
    step_label,
    steps_from,
    validate_check,
    validate_interval,
    validate_resource,
)

TODAY = dt.date(2025, 2, 14)
SALON = Resource(name="川端ふれあいサロン", kind=ResourceKind.PLACE, id=ResourceId(1))
S = LinkStatus
OPEN_CASE = CaseStatus.SUPPORTING


def _link(status: LinkStatus = S.ARRANGING, **changes: object) -> ResourceLink:
    base = ResourceLink(ResourceId(1), CaseId(7), referred_on=dt.date(2024, 10, 1), status=status)
    if status in (S.USING, S.SETTLED):
        base = replace(base, started_on=dt.date(2024, 10, 10))
    if status == S.SETTLED:
        base = replace(base, settled_on=dt.date(2024, 12, 1))
    return replace(base, **changes)  # type: ignore[arg-type]


# ---- the resource ----------------------------------------------------------------------------------


def test_a_resource_needs_a_name_and_is_kept_trimmed() -> None:
    with pytest.raises(ValidationError, match="名称を入力") as caught:
        validate_resource(Resource(name="\u3000 ", kind=ResourceKind.FARM))
    assert caught.value.field == "name"
    kept = validate_resource(
        Resource(name=" つむぎファーム ", kind=ResourceKind.FARM, district=" 北原 ", schedule=" 月〜金 ")
    )
    assert (kept.name, kept.district, kept.schedule) == ("つむぎファーム", "北原", "月〜金")
    assert kept.formality is Formality.INFORMAL  # a neighbourhood's own activity unless said otherwise


def test_kinds_and_formality_are_the_words_shown() -> None:
    assert [k.value for k in ResourceKind][:2] == ["居場所・サロン", "就労体験・中間就労"]
    assert ResourceKind.OTHER.value == "その他"
    assert {f.value for f in Formality} == {"制度内", "インフォーマル"}


# ---- connecting ------------------------------------------------------------------------------------


def test_a_new_connection_starts_in_arranging() -> None:
    link = new_link(
        SALON, CaseId(7), dt.date(2025, 2, 1), TODAY, case_status=OPEN_CASE, referred_by=" 参加支援員 "
    )
    assert link.status is S.ARRANGING
    assert link.referred_by == "参加支援員"
    assert link.started_on is None


def test_nobody_new_is_connected_to_a_resting_resource_or_on_a_future_day() -> None:
    with pytest.raises(RuleViolation, match="休止中"):
        new_link(replace(SALON, active=False), CaseId(7), TODAY, TODAY, case_status=OPEN_CASE)
    with pytest.raises(ValidationError, match="今日より後"):
        new_link(SALON, CaseId(7), TODAY + dt.timedelta(days=1), TODAY, case_status=OPEN_CASE)


def test_a_closed_or_suspended_case_is_not_newly_connected() -> None:
    assert connect_refusal(CaseStatus.CLOSED) == (
        "終結したケースは新しくつなげません。ケースを再開してから記録してください。"
    )
    assert connect_refusal(CaseStatus.SUSPENDED) == (
        "中断したケースは新しくつなげません。ケースを再開してから記録してください。"
    )
    for status in (CaseStatus.CLOSED, CaseStatus.SUSPENDED):
        with pytest.raises(RuleViolation, match=f"{status.value}したケースは新しくつなげません"):
            new_link(SALON, CaseId(7), TODAY, TODAY, case_status=status)
    for status in CONNECTABLE_CASE_STATUSES:
        assert connect_refusal(status) is None
        assert new_link(SALON, CaseId(7), TODAY, TODAY, case_status=status).status is S.ARRANGING
    assert set(CONNECTABLE_CASE_STATUSES) == set(CaseStatus) - {CaseStatus.CLOSED, CaseStatus.SUSPENDED}


# ---- the status flow -------------------------------------------------------------------------------


def test_allowed_moves_from_each_status() -> None:
    assert [s.target for s in steps_from(S.ARRANGING)] == [S.USING, S.ENDED]
    assert [s.target for s in steps_from(S.USING)] == [S.SETTLED, S.ENDED]
    assert [s.target for s in steps_from(S.SETTLED)] == [S.USING, S.ENDED]
    assert steps_from(S.ENDED) == ()


def test_start_sets_the_start_date_not_before_the_referral() -> None:
    started = move(_link(), S.USING, dt.date(2024, 10, 5), TODAY)
    assert (started.status, started.started_on) == (S.USING, dt.date(2024, 10, 5))
    with pytest.raises(ValidationError, match="紹介日（令和6年10月1日）より前"):
        move(_link(), S.USING, dt.date(2024, 9, 30), TODAY)
    with pytest.raises(ValidationError, match="今日より後"):
        move(_link(), S.USING, TODAY + dt.timedelta(days=1), TODAY)


def test_settling_needs_a_follow_up_check_first() -> None:
    using = _link(S.USING)
    assert (
        refusal_reason(using, S.SETTLED, checks=0) == "定着とする前に、定着の確認を1回以上記録してください。"
    )
    with pytest.raises(RuleViolation, match="定着の確認を1回以上"):
        move(using, S.SETTLED, TODAY, TODAY)
    settled = move(using, S.SETTLED, dt.date(2025, 1, 10), TODAY, last_check_on=dt.date(2025, 1, 10))
    assert (settled.status, settled.settled_on) == (S.SETTLED, dt.date(2025, 1, 10))
    with pytest.raises(ValidationError, match="開始日"):
        move(using, S.SETTLED, dt.date(2024, 10, 9), TODAY, last_check_on=dt.date(2024, 11, 1))


def test_settling_comes_on_or_after_the_latest_check() -> None:
    """定着 is judged by checking: it cannot be dated before the check it was judged from."""
    using = _link(S.USING)
    with pytest.raises(ValidationError) as caught:
        move(using, S.SETTLED, dt.date(2024, 11, 1), TODAY, last_check_on=dt.date(2024, 11, 20))
    assert caught.value.message == ("定着の日付は最後の定着の確認（令和6年11月20日）より前にはできません。")
    assert caught.value.field == "on"
    settled = move(using, S.SETTLED, dt.date(2024, 11, 20), TODAY, last_check_on=dt.date(2024, 11, 20))
    assert settled.settled_on == dt.date(2024, 11, 20)


def test_moves_out_of_settled_are_not_before_the_settled_day() -> None:
    settled = _link(S.SETTLED, settled_on=dt.date(2025, 1, 10))  # started 2024-10-10
    with pytest.raises(ValidationError) as caught:
        move(settled, S.ENDED, dt.date(2024, 11, 1), TODAY, reason="転居")
    assert caught.value.message == "終了の日付は定着日（令和7年1月10日）より前にはできません。"
    with pytest.raises(ValidationError) as caught:
        move(settled, S.USING, dt.date(2024, 11, 1), TODAY, reason="気がかり")
    assert caught.value.message == "利用中に戻す日付は定着日（令和7年1月10日）より前にはできません。"
    assert move(settled, S.USING, dt.date(2025, 1, 10), TODAY).settled_on is None
    assert move(settled, S.ENDED, dt.date(2025, 1, 10), TODAY, reason="転居").ended_on == dt.date(2025, 1, 10)


def test_an_end_is_not_dated_before_a_check() -> None:
    with pytest.raises(ValidationError, match="最後の定着の確認（令和6年12月20日）より前"):
        move(
            _link(S.USING),
            S.ENDED,
            dt.date(2024, 12, 1),
            TODAY,
            reason="転居",
            last_check_on=dt.date(2024, 12, 20),
        )


def test_no_step_is_dated_before_the_step_recorded_last() -> None:
    """After 利用中に戻す (whose day the link itself does not keep), 終了 and 定着 come after it."""
    back_on = dt.date(2025, 1, 25)
    for target, reason in ((S.ENDED, "転居"), (S.SETTLED, "")):
        with pytest.raises(ValidationError) as caught:
            move(
                _link(S.USING),
                target,
                dt.date(2025, 1, 20),
                TODAY,
                reason=reason,
                last_check_on=dt.date(2024, 12, 1),
                last_step_on=back_on,
            )
        assert caught.value.message.endswith("は前の記録（令和7年1月25日）より前にはできません。")
    assert (
        move(_link(S.USING), S.ENDED, back_on, TODAY, reason="転居", last_step_on=back_on).ended_on == back_on
    )


def test_ending_always_needs_a_reason_and_keeps_it() -> None:
    for status in (S.ARRANGING, S.USING, S.SETTLED):
        with pytest.raises(ValidationError, match="終了の理由") as caught:
            move(_link(status), S.ENDED, TODAY, TODAY, reason=" ")
        assert caught.value.field == "reason"
        ended = move(_link(status), S.ENDED, TODAY, TODAY, reason=" 転居 ")
        assert (ended.status, ended.ended_on, ended.end_reason) == (S.ENDED, TODAY, "転居")


def test_an_ended_connection_is_history() -> None:
    ended = _link(S.ENDED, ended_on=TODAY, end_reason="本人の希望")
    for target in LinkStatus:
        assert refusal_reason(ended, target, checks=3) == "終了したつながりは変更できません。"
    with pytest.raises(RuleViolation, match="終了したつながり"):
        move(ended, S.USING, TODAY, TODAY)


def test_refused_moves_say_why() -> None:
    assert refusal_reason(_link(), S.SETTLED, checks=5) is not None
    assert "定着とできるのは利用中" in (refusal_reason(_link(), S.SETTLED, checks=5) or "")
    assert refusal_reason(_link(S.USING), S.ARRANGING, checks=0) == (
        "「利用中」から「調整中」へは移れません。"
        "調整中に戻すことはできません。やり直すときは、終了してから新しくつなぎます。"
    )
    assert refusal_reason(_link(S.USING), S.USING, checks=0) == "すでに「利用中」です。"
    with pytest.raises(RuleViolation):
        move(_link(S.USING), S.ARRANGING, TODAY, TODAY)


def test_each_move_has_its_own_label() -> None:
    assert step(S.SETTLED, S.USING) is not None
    assert step_label(S.SETTLED, S.USING) == "利用中に戻す"
    assert step_label(S.ARRANGING, S.USING) == "利用開始"
    assert step_label(None, S.USING) == "利用開始"  # nothing chosen: the first way into 利用中
    assert step_label(S.USING, S.SETTLED) == step_label(None, S.SETTLED) == "定着とする"
    assert step_label(S.ENDED, S.ENDED) == "終了"
    assert step(S.ARRANGING, S.SETTLED) is None
    assert all(step(s.source, s.target) == s for s in steps_from(S.SETTLED))


def test_back_from_settled_withdraws_the_settled_date() -> None:
    back = move(_link(S.SETTLED), S.USING, TODAY, TODAY, reason="確認で気がかりが見つかった")
    assert back.status is S.USING
    assert back.settled_on is None
    assert back.started_on == dt.date(2024, 10, 10)  # the start stays


def test_only_an_unchecked_arranging_connection_can_be_deleted() -> None:
    assert can_remove(_link(), checks=0) is None
    assert can_remove(_link(), checks=1) is not None
    assert can_remove(_link(S.ENDED), checks=0) is not None
    assert can_remove(_link(S.USING), checks=0) is not None
    assert "終了" in (can_remove(_link(S.USING), checks=0) or "")


# ---- 定着の確認 ---------------------------------------------------------------------------------------


def test_who_can_be_checked() -> None:
    assert can_check(_link(S.USING)) is None
    assert can_check(_link(S.SETTLED)) is None
    assert can_check(_link()) == "定着の確認は、利用開始を記録してから記録します。"
    assert can_check(_link(S.ENDED, started_on=dt.date(2024, 10, 10))) == (
        "終了したつながりには、定着の確認を記録できません。"
    )


def test_a_check_needs_a_started_open_connection_and_words() -> None:
    check = FollowUp(dt.date(2024, 11, 1), Condition.GOOD, " 毎週来ている ", " 架空 花子 ")
    kept = validate_check(_link(S.USING), check, TODAY)
    assert (kept.how, kept.by) == ("毎週来ている", "架空 花子")
    assert validate_check(_link(S.SETTLED), check, TODAY).condition is Condition.GOOD
    with pytest.raises(RuleViolation, match="利用開始を記録してから"):
        validate_check(_link(), check, TODAY)
    with pytest.raises(RuleViolation, match="終了したつながり"):
        validate_check(_link(S.ENDED, started_on=dt.date(2024, 10, 10)), check, TODAY)
    with pytest.raises(ValidationError, match="どんな様子か") as caught:
        validate_check(_link(S.USING), replace(check, how=""), TODAY)
    assert caught.value.field == "how"
    with pytest.raises(ValidationError, match="開始日"):
        validate_check(_link(S.USING), replace(check, on=dt.date(2024, 10, 9)), TODAY)
    with pytest.raises(ValidationError, match="今日より後"):
        validate_check(_link(S.USING), replace(check, on=TODAY + dt.timedelta(days=1)), TODAY)


def test_a_using_connection_falls_due_interval_days_after_its_last_contact() -> None:
    using = _link(S.USING)  # started 2024-10-10
    assert last_contact(using, None) == dt.date(2024, 10, 10)
    assert last_contact(using, dt.date(2025, 1, 20)) == dt.date(2025, 1, 20)
    assert follow_up_due_on(using, None, 30) == dt.date(2024, 11, 9)
    assert follow_up_due_on(using, dt.date(2025, 1, 20), 30) == dt.date(2025, 2, 19)
    assert is_due(using, None, 30, TODAY)
    assert not is_due(using, dt.date(2025, 1, 20), 30, TODAY)
    assert is_due(using, dt.date(2025, 1, 15), 30, TODAY)  # due exactly today
    assert not is_due(using, dt.date(2025, 1, 16), 30, TODAY)


def test_only_using_connections_fall_due() -> None:
    for status in (S.ARRANGING, S.SETTLED, S.ENDED):
        link = _link(status, started_on=dt.date(2020, 1, 1))
        assert follow_up_due_on(link, None, 30) is None
        assert not is_due(link, None, 30, TODAY)


def test_the_interval_stays_within_sensible_bounds() -> None:
    assert validate_interval(DEFAULT_FOLLOW_UP_DAYS) == 30
    assert validate_interval(7) == 7
    with pytest.raises(ValidationError, match="7日から180日"):
        validate_interval(6)
    with pytest.raises(ValidationError):
        validate_interval(181)
