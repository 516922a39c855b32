"""Demo 地域資源 for the fictional town, and cases connected to them in every state.

Built through the public repositories after the cases exist, so the demo follows the same rules
as the office: 定着 only after a 定着の確認, 終了 always with a reason, no date in the future or
before the case was opened.  Every place, group, farm and phone number is fictional (phone
numbers 0000-22-…, group names marked 「（架空）」).  Which case goes where is chosen by its
problem tags, so any seed and any ``today`` give a consistent set.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, replace

from jusou_desktop.domain.ids import AgencyId, CaseId
from jusou_desktop.domain.model import CaseRow
from jusou_desktop.domain.resources import (
    CONNECTABLE_CASE_STATUSES,
    Condition,
    FollowUp,
    Formality,
    LinkStatus,
    Resource,
    ResourceId,
    ResourceKind,
)
from jusou_desktop.store.cases import CaseFilter
from jusou_desktop.store.database import Database

K = ResourceKind
FORMAL = Formality.FORMAL
INFORMAL = Formality.INFORMAL


@dataclass(frozen=True, slots=True)
class _Spec:
    key: str
    resource: Resource
    agency: str = ""
    """The registered agency that runs it (its demo name), if any."""


# fmt: off
_RESOURCES: tuple[_Spec, ...] = (
    _Spec("hidamari", Resource(
        name="居場所「ひだまりハウス」", kana="イバショ ヒダマリハウス", kind=K.PLACE, formality=FORMAL,
        operator="NPO法人つむぎネット（架空）", district="本町", place="つむぎ町本町2丁目 ひだまりハウス",
        schedule="毎週火・金 13:00〜16:00",
        offers="好きな時間に来て、お茶を飲んだりボードゲームをしたりして過ごせる。話したくなければ話さなくてよい。",
        audience="ひきこもりの経験がある人、家の外に居場所がほしい人（年齢は問わない）",
        contact_name="参加支援員", phone="0000-22-3010", capacity="10人程度。見学はいつでも可",
        note="参加支援事業の委託先が運営。初回は参加支援員が同行する。",
    ), agency="つむぎ町参加支援事業「ひだまり」"),
    _Spec("farm", Resource(
        name="つむぎファーム 農作業体験", kana="ツムギファーム ノウサギョウタイケン", kind=K.FARM, formality=INFORMAL,
        operator="つむぎファーム（架空の農家）", district="北原", place="つむぎ町北原 農道沿いの畑",
        schedule="月〜金 9:00〜12:00（来られる日だけでよい）",
        offers="野菜の収穫と袋詰め。作業のあとに一緒にお昼を食べる。",
        audience="体を動かすのが好きな人。働いた経験がなくてもよい",
        contact_name="園主", phone="0000-22-3020", capacity="1日2人まで。雨の日は休み",
    )),
    _Spec("work", Resource(
        name="はたらく練習（就労準備の作業）", kana="ハタラクレンシュウ", kind=K.WORK, formality=FORMAL,
        operator="つむぎ町くらしサポートセンター", district="新田", place="町内の協力事業所（清掃・軽作業）",
        schedule="週1〜3日、1日2時間から",
        offers="協力事業所での清掃・仕分けなどの作業体験。生活のリズムづくりから始める。",
        audience="すぐに働くことに不安がある人", contact_name="就労支援員", phone="0000-22-3030",
        capacity="協力事業所3か所",
    ), agency="つむぎ町くらしサポートセンター"),
    _Spec("salon", Resource(
        name="川端ふれあいサロン", kana="カワバタフレアイサロン", kind=K.PLACE, formality=INFORMAL,
        operator="川端地区自治会（架空）", district="川端", place="川端公民館 和室",
        schedule="毎月第2・第4水曜 10:00〜12:00", offers="体操、お茶会、季節の行事。",
        audience="おおむね65歳以上。どなたでも", contact_name="世話役", phone="0000-22-3040",
    )),
    _Spec("taiso", Resource(
        name="山手いきいき百歳体操", kana="ヤマテイキイキヒャクサイタイソウ", kind=K.PLACE, formality=FORMAL,
        operator="山手地区の住民グループ（架空）", district="山手", place="山手集会所",
        schedule="毎週金曜 10:00〜11:00", offers="椅子に座ってできる筋力体操。終わったあとにおしゃべり。",
        audience="高齢の方", contact_name="生活支援コーディネーター", phone="0000-22-3050",
        note="通いの場（一般介護予防事業）。",
    ), agency="つむぎ町地域支え合い推進協議会"),
    _Spec("shokudo", Resource(
        name="みんなの食堂「こもれび」", kana="ミンナノショクドウ コモレビ", kind=K.FOOD_LEARNING, formality=INFORMAL,
        operator="こもれび食堂の会（架空）", district="山手", place="山手地区 集会所の調理室",
        schedule="毎月第1・第3土曜 11:30〜14:00",
        offers="子どもも大人も300円で昼食。調理や配膳を手伝うボランティアも受け入れる。",
        audience="子ども・親子・一人暮らしの人、手伝いたい人", contact_name="代表", phone="0000-22-3060",
    )),
    _Spec("manabi", Resource(
        name="学びの部屋「まなびば」", kana="マナビノヘヤ マナビバ", kind=K.FOOD_LEARNING, formality=FORMAL,
        operator="つむぎ町くらしサポートセンター", district="新田", place="新田コミュニティセンター 2階",
        schedule="毎週木曜 17:00〜19:00", offers="学習支援と軽食。大学生のボランティアが勉強を見る。",
        audience="小学5年生〜高校生（高校を中退した人も）", contact_name="学習支援員", phone="0000-22-3070",
        note="子どもの学習・生活支援事業。",
    ), agency="つむぎ町くらしサポートセンター"),
    _Spec("clean", Resource(
        name="港まち クリーン作戦", kana="ミナトマチ クリーンサクセン", kind=K.VOLUNTEER, formality=INFORMAL,
        operator="港地区まちづくり協議会（架空）", district="港", place="港の広場に集合",
        schedule="毎月最終日曜 8:00〜9:30", offers="海岸と港の清掃。終わったあとに豚汁を囲む。",
        audience="どなたでも（軍手は貸し出し）", contact_name="事務局", phone="0000-22-3080",
    )),
    _Spec("danshu", Resource(
        name="つむぎ断酒会", kana="ツムギダンシュカイ", kind=K.PEER, formality=INFORMAL,
        operator="つむぎ断酒会（架空）", district="本町", place="つむぎ町保健センター 会議室",
        schedule="毎週月曜 19:00〜20:30", offers="体験を話し、聞く例会。家族だけの参加もできる。",
        audience="お酒の問題で悩む本人と家族", contact_name="世話人", phone="0000-22-3090",
    )),
    _Spec("kobo", Resource(
        name="手づくり工房「ぬくもり」", kana="テヅクリコウボウ ヌクモリ", kind=K.HOBBY, formality=INFORMAL,
        operator="ぬくもりの会（架空）", district="本町", place="本町商店街の空き店舗",
        schedule="毎週土曜 13:30〜15:30", offers="編み物・布小物づくり。作ったものは町の福祉まつりで販売する。",
        audience="ものづくりが好きな人", contact_name="代表", phone="0000-22-3100",
    )),
    _Spec("game", Resource(
        name="北原ゲーム同好会", kana="キタハラゲームドウコウカイ", kind=K.HOBBY, formality=INFORMAL,
        operator="北原ゲーム同好会（架空）", district="北原", place="北原公民館", schedule="毎月第3日曜 13:00〜16:00",
        offers="ボードゲーム・テレビゲームの交流会。", audience="中学生以上", phone="0000-22-3110",
        note="会場の改修工事のため休止中。再開の時期は未定。", active=False,
    )),
)
# fmt: on


@dataclass(frozen=True, slots=True)
class _Story:
    """One connection: where, whom (by problem tag), and what happened, in days before ``today``."""

    resource: str
    tags: tuple[str, ...]
    referred: int
    started: int | None = None
    checks: tuple[tuple[int, Condition, str], ...] = ()
    settled: int | None = None
    ended: tuple[int, str] | None = None


_GOOD = Condition.GOOD
_WORRY = Condition.WORRY
_DRIFT = Condition.DRIFTING

# fmt: off
_STORIES: tuple[_Story, ...] = (
    # 利用中, last check long ago: due
    _Story("hidamari", ("ひきこもり", "不登校"), 120, 110, (
        (80, _GOOD, "週に1回、30分ほど過ごせている。スタッフとゲームの話をしている。"),
        (45, _GOOD, "ほかの利用者と一緒にボードゲームをした。帰りに「また来る」と言っていた。"),
    )),
    # 調整中: a visit is being arranged
    _Story("hidamari", ("不登校", "ヤングケアラー", "ひきこもり"), 12),
    # 定着, still checked now and then
    _Story("farm", ("就労", "障害の疑い"), 200, 190, (
        (160, _GOOD, "3日続けて通えた。園主から「手際がよい」と声をかけられた。"),
        (120, _GOOD, "週3日通っている。収穫した野菜を家に持ち帰るのが楽しみとのこと。"),
        (40, _GOOD, "自分で作業の段取りを考えるようになった。"),
    ), settled=100),
    # 利用中, checked recently with a worry: not due yet
    _Story("work", ("精神疾患", "就労"), 90, 80, (
        (10, _WORRY, "体調の波があり、先週は2回休んだ。受け入れ先とペースを相談した。"),
    )),
    # 利用中, drifting and due
    _Story("danshu", ("依存症",), 150, 140, (
        (100, _GOOD, "例会で初めて自分の体験を話した。"),
        (60, _DRIFT, "この1か月は2回だけの参加。配偶者が心配している。"),
    )),
    # 利用中, never checked: due
    _Story("salon", ("社会的孤立", "ごみ屋敷・セルフネグレクト", "孤独死リスク"), 60, 50),
    # 終了 after taking part: moved on
    _Story("shokudo", ("DV", "生活困窮"), 100, 95, (
        (60, _GOOD, "子どもと一緒に毎回来ている。配膳を手伝ってくれた。"),
    ), ended=(30, "就職・ほかの活動へ移った")),
    # 利用中, checked recently
    _Story("manabi", ("不登校", "ヤングケアラー"), 70, 60, (
        (25, _GOOD, "毎週来ている。数学の宿題を最後までやり終えた。"),
    )),
    # 終了 before starting: the person said no
    _Story("clean", ("8050", "生活困窮", "家賃滞納・債務"), 40, ended=(30, "本人の希望")),
    # 定着 for a long time
    _Story("taiso", ("権利擁護・成年後見", "孤独死リスク", "社会的孤立"), 300, 290, (
        (250, _GOOD, "毎週参加。近所の人と一緒に歩いて来ている。"),
        (200, _GOOD, "休んだ日に仲間が様子を見に行ってくれた。"),
    ), settled=200),
    # 利用中, started a month ago: due about now
    _Story("kobo", ("社会的孤立", "精神疾患"), 35, 30),
)
# fmt: on


def _agency_id(db: Database, name: str) -> AgencyId | None:
    agency = db.agencies.find_by_name(name) if name else None
    return agency.id if agency else None


def _checker(db: Database) -> str:
    agency = db.agencies.find_by_name("つむぎ町参加支援事業「ひだまり」")
    staff = db.staff.list(agency.id) if agency and agency.id is not None else []
    return staff[0].name if staff else "参加支援員"


def _candidates(db: Database, tags: tuple[str, ...], latest_open: dt.date) -> list[CaseRow]:
    """Cases with one of ``tags`` (in that preference) opened by ``latest_open``, oldest first."""
    found: list[CaseRow] = []
    for tag in tags:
        candidates = CaseFilter(tag=tag, statuses=CONNECTABLE_CASE_STATUSES)  # not 終結・中断
        for row in sorted(db.cases.rows(candidates, limit=10_000), key=lambda r: r.number):
            if row.opened_on <= latest_open and row not in found:
                found.append(row)
    return found


def add_resources(db: Database, rng: random.Random, today: dt.date) -> int:
    """Add the demo resources and their connections; returns how many connections."""
    ids: dict[str, ResourceId] = {}
    for spec in _RESOURCES:
        resource = spec.resource
        agency_id = _agency_id(db, spec.agency)
        if agency_id is not None:
            resource = replace(resource, agency_id=agency_id)
        ids[spec.key] = db.resources.add(resource)
    by = _checker(db)
    used: set[tuple[str, CaseId]] = set()
    connected = 0
    for story in _STORIES:
        referred_on = today - dt.timedelta(days=story.referred)
        choices = [c for c in _candidates(db, story.tags, referred_on) if (story.resource, c.id) not in used]
        if not choices:
            continue
        case = choices[rng.randrange(min(3, len(choices)))]
        used.add((story.resource, case.id))
        link_id = db.resources.connect(ids[story.resource], case.id, referred_on, today, referred_by=by)
        if story.started is not None:
            db.resources.move(
                link_id, LinkStatus.USING, today - dt.timedelta(days=story.started), today, by=by
            )
        for days, condition, how in story.checks:
            on = today - dt.timedelta(days=days)
            if story.settled is not None and days < story.settled:
                continue  # checks after 定着 are added below, once it is settled
            db.resources.add_check(link_id, FollowUp(on, condition, how, by), today)
        if story.settled is not None:
            db.resources.move(
                link_id, LinkStatus.SETTLED, today - dt.timedelta(days=story.settled), today, by=by
            )
            for days, condition, how in story.checks:
                if days < story.settled:
                    db.resources.add_check(
                        link_id, FollowUp(today - dt.timedelta(days=days), condition, how, by), today
                    )
        if story.ended is not None:
            days, reason = story.ended
            db.resources.move(
                link_id, LinkStatus.ENDED, today - dt.timedelta(days=days), today, reason=reason, by=by
            )
        connected += 1
    return connected
