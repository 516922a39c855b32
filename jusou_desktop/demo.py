"""A believable, clearly fictional demo town (「つむぎ町（架空）」) for trying the app and for training.

Everything is made through the store's public repositories inside one transaction, so a demo is
all-or-nothing.  The data is deterministic for a given ``seed`` and ``today``, and every date is
computed relative to ``today`` so the demo always covers the current and the previous 年度.

Every person is fictional: each address starts with 「つむぎ町」, and each person's note says
「架空の人物（デモ用）」.  Agencies, phone numbers (0000-11-…, 0000-22-…) and mail domains
(``.example``) are fictional as well.
"""

from __future__ import annotations

import datetime as dt
import random
import secrets
from dataclasses import dataclass, replace
from itertools import cycle, islice
from pathlib import Path

from jusou_desktop.demo_meetings import add_meetings
from jusou_desktop.demo_plans import draft_plans, settle_plans
from jusou_desktop.demo_referrals import add_referrals
from jusou_desktop.demo_resources import add_resources
from jusou_desktop.domain.consent import MeetingKind, lead_should_be_coordinator, meeting_kind_for
from jusou_desktop.domain.errors import RuleViolation, ValidationError
from jusou_desktop.domain.ids import AgencyId, CaseId, StaffId
from jusou_desktop.domain.model import (
    Agency,
    AgencyField,
    Business,
    CaseStatus,
    Consent,
    ConsentMethod,
    ConsentState,
    HouseholdMember,
    Note,
    NoteKind,
    Operation,
    Person,
    Sex,
    Staff,
    TeamMember,
)
from jusou_desktop.domain.passphrase import assess
from jusou_desktop.domain.status import is_open, transitions_from
from jusou_desktop.domain.wareki import fiscal_year_bounds, fiscal_year_of
from jusou_desktop.store.database import Database

__all__ = ["TOWN_NAME", "DemoSummary", "create_demo_database", "generate_passphrase", "populate"]

TOWN_NAME = "つむぎ町（架空）"
FICTIONAL_PERSON_NOTE = "架空の人物（デモ用）"
FICTIONAL_AGENCY_NOTE = "架空の機関（デモ用）。"
ADDRESS_PREFIX = "つむぎ町"

S = CaseStatus
F = AgencyField
B = Business
K = NoteKind


# ---- the summary -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DemoSummary:
    """What :func:`populate` made."""

    cases: int
    persons: int
    agencies: int
    staff: int
    notes: int
    referrals: int = 0
    meetings: int = 0
    town: str = TOWN_NAME

    def describe(self) -> str:
        return (
            f"{self.town}のデモデータを作成しました: ケース {self.cases} 件・世帯員 {self.persons} 人・"
            f"関係機関 {self.agencies} か所・職員 {self.staff} 人・経過記録 {self.notes} 件・"
            f"つなぎシート {self.referrals} 件・会議 {self.meetings} 回"
            "（すべて架空です）。"
        )


# ---- data tables: names and places -------------------------------------------------------------

Name = tuple[str, str]  # (漢字, フリガナ)

# fmt: off

SURNAMES: tuple[Name, ...] = (
    ("山本", "ヤマモト"), ("佐藤", "サトウ"), ("鈴木", "スズキ"), ("高橋", "タカハシ"), ("田中", "タナカ"),
    ("伊藤", "イトウ"), ("渡辺", "ワタナベ"), ("中村", "ナカムラ"), ("小林", "コバヤシ"), ("加藤", "カトウ"),
    ("吉田", "ヨシダ"), ("山田", "ヤマダ"), ("佐々木", "ササキ"), ("松本", "マツモト"), ("井上", "イノウエ"),
    ("木村", "キムラ"), ("林", "ハヤシ"), ("清水", "シミズ"), ("山口", "ヤマグチ"), ("森", "モリ"),
    ("池田", "イケダ"), ("橋本", "ハシモト"), ("阿部", "アベ"), ("石川", "イシカワ"), ("前田", "マエダ"),
    ("藤田", "フジタ"), ("小川", "オガワ"), ("岡田", "オカダ"), ("後藤", "ゴトウ"), ("長谷川", "ハセガワ"),
    ("村上", "ムラカミ"), ("近藤", "コンドウ"), ("石井", "イシイ"), ("坂本", "サカモト"), ("遠藤", "エンドウ"),
    ("青木", "アオキ"), ("藤井", "フジイ"), ("西村", "ニシムラ"), ("福田", "フクダ"), ("太田", "オオタ"),
    ("三浦", "ミウラ"), ("藤原", "フジワラ"), ("岡本", "オカモト"), ("松田", "マツダ"), ("中川", "ナカガワ"),
    ("中野", "ナカノ"), ("原田", "ハラダ"), ("小野", "オノ"), ("竹内", "タケウチ"), ("金子", "カネコ"),
    ("和田", "ワダ"), ("中山", "ナカヤマ"), ("石田", "イシダ"), ("上田", "ウエダ"), ("森田", "モリタ"),
    ("柴田", "シバタ"), ("酒井", "サカイ"), ("工藤", "クドウ"), ("横山", "ヨコヤマ"), ("宮崎", "ミヤザキ"),
)
"""The first surname is always used (so 「ヤマモト」 can be searched in every demo)."""

GIVEN_NAMES: dict[tuple[str, Sex], tuple[Name, ...]] = {
    ("old", Sex.MALE): (
        ("清", "キヨシ"), ("正雄", "マサオ"), ("茂", "シゲル"), ("勇", "イサム"), ("博", "ヒロシ"),
        ("武", "タケシ"), ("実", "ミノル"), ("昭二", "ショウジ"), ("和夫", "カズオ"), ("義雄", "ヨシオ"),
        ("進", "ススム"), ("三郎", "サブロウ"),
    ),
    ("old", Sex.FEMALE): (
        ("和子", "カズコ"), ("幸子", "サチコ"), ("節子", "セツコ"), ("文子", "フミコ"), ("久子", "ヒサコ"),
        ("美代子", "ミヨコ"), ("静江", "シズエ"), ("敏子", "トシコ"), ("貞子", "サダコ"), ("千代", "チヨ"),
        ("君子", "キミコ"), ("弘子", "ヒロコ"),
    ),
    ("mid", Sex.MALE): (
        ("太郎", "タロウ"), ("健一", "ケンイチ"), ("浩二", "コウジ"), ("誠", "マコト"), ("修", "オサム"),
        ("隆", "タカシ"), ("和也", "カズヤ"), ("直樹", "ナオキ"), ("哲也", "テツヤ"), ("聡", "サトシ"),
        ("剛", "ツヨシ"), ("秀樹", "ヒデキ"),
    ),
    ("mid", Sex.FEMALE): (
        ("由美", "ユミ"), ("恵子", "ケイコ"), ("裕子", "ユウコ"), ("真由美", "マユミ"), ("明美", "アケミ"),
        ("久美子", "クミコ"), ("直美", "ナオミ"), ("智子", "トモコ"), ("美穂", "ミホ"), ("香織", "カオリ"),
        ("陽子", "ヨウコ"), ("典子", "ノリコ"),
    ),
    ("young", Sex.MALE): (
        ("翔太", "ショウタ"), ("大輔", "ダイスケ"), ("拓也", "タクヤ"), ("健太", "ケンタ"), ("悠斗", "ユウト"),
        ("蓮", "レン"), ("陽翔", "ハルト"), ("湊", "ミナト"), ("颯太", "ソウタ"), ("大翔", "ヒロト"),
        ("航", "ワタル"), ("樹", "イツキ"),
    ),
    ("young", Sex.FEMALE): (
        ("陽菜", "ヒナ"), ("結衣", "ユイ"), ("美咲", "ミサキ"), ("葵", "アオイ"), ("さくら", "サクラ"),
        ("彩", "アヤ"), ("愛", "アイ"), ("芽依", "メイ"), ("凛", "リン"), ("杏", "アン"),
        ("千尋", "チヒロ"), ("舞", "マイ"),
    ),
}

DISTRICTS: tuple[tuple[str, str], ...] = (
    ("本町", "000-0011"), ("川端", "000-0012"), ("山手", "000-0013"),
    ("新田", "000-0014"), ("港", "000-0015"), ("北原", "000-0016"),
)
"""Fictional 地区 and postal codes (000- is not a real Japanese postal area)."""

# fmt: on

TOWN_TAGS: tuple[str, ...] = ("買い物困難", "移動手段なし")


# ---- data tables: agencies ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _AgencySpec:
    key: str
    name: str
    kana: str
    field: AgencyField
    business: Business
    operation: Operation | None
    department: str
    note: str
    titles: tuple[str, ...]
    role: str


_SHAKYO = "委託先: 社会福祉法人つむぎ町社会福祉協議会（架空）。"
_NPO = "委託先: NPO法人つむぎネット（架空）。"

# fmt: off
AGENCIES: tuple[_AgencySpec, ...] = (
    _AgencySpec(
        "coord", "つむぎ町多機関協働事業所", "ツムギチョウタキカンキョウドウジギョウショ", F.GENERAL,
        B.COLLABORATION, Operation.CONTRACTED, "福祉課", _SHAKYO + "支援プランの作成（第6号）も担う。",
        ("相談支援包括化推進員", "相談支援包括化推進員", "社会福祉士"), "進行管理・支援プランの作成",
    ),
    _AgencySpec(
        "fukushi", "つむぎ町役場 福祉課", "ツムギチョウヤクバ フクシカ", F.GENERAL, B.OUTSIDE, Operation.DIRECT,
        "福祉課", "重層的支援体制整備事業の所管課。支援決定と支援会議（法106条の6）の招集を担う。",
        ("重層的支援体制整備事業担当", "社会福祉主事"), "支援決定・支援会議の招集",
    ),
    _AgencySpec(
        "houkatsu", "つむぎ町地域包括支援センター", "ツムギチョウチイキホウカツシエンセンター", F.ELDERLY,
        B.CONSULTATION_ELDERLY, Operation.CONTRACTED, "健康長寿課", _SHAKYO,
        ("主任介護支援専門員", "社会福祉士", "保健師"), "高齢者の総合相談・介護サービスの調整",
    ),
    _AgencySpec(
        "kikan", "つむぎ町基幹相談支援センター", "ツムギチョウキカンソウダンシエンセンター", F.DISABILITY,
        B.CONSULTATION_DISABILITY, Operation.CONTRACTED, "福祉課", "委託先: 社会福祉法人こもれび会（架空）。",
        ("相談支援専門員", "相談支援専門員", "精神保健福祉士"), "障害福祉サービス・手帳の相談",
    ),
    _AgencySpec(
        "kosodate", "つむぎ町子育て世代包括支援センター", "ツムギチョウコソダテセダイホウカツシエンセンター",
        F.CHILDREN, B.CONSULTATION_CHILDREN, Operation.DIRECT, "こども家庭課",
        "利用者支援事業（基本型・母子保健型）。", ("保健師", "利用者支援専門員"), "子育ての相談・家庭訪問",
    ),
    _AgencySpec(
        "jiritsu", "つむぎ町くらしサポートセンター", "ツムギチョウクラシサポートセンター", F.POVERTY,
        B.CONSULTATION_POVERTY, Operation.CONTRACTED, "福祉課", _SHAKYO + "自立相談支援機関。",
        ("主任相談支援員", "相談支援員", "就労支援員"), "家計・就労の相談",
    ),
    _AgencySpec(
        "sanka", "つむぎ町参加支援事業「ひだまり」", "ツムギチョウサンカシエンジギョウ ヒダマリ", F.COMMUNITY,
        B.PARTICIPATION, Operation.CONTRACTED, "福祉課",
        _NPO + "農園での作業体験、居場所、子ども食堂のお手伝いなどへの参加を調整する。",
        ("参加支援員", "参加支援員"), "居場所・就労体験のマッチングと定着支援",
    ),
    _AgencySpec(
        "outreach", "つむぎ町アウトリーチ支援室「よりみち」", "ツムギチョウアウトリーチシエンシツ ヨリミチ",
        F.GENERAL, B.OUTREACH, Operation.CONTRACTED, "福祉課", _NPO,
        ("アウトリーチ支援員", "アウトリーチ支援員"), "訪問による継続的な関わり",
    ),
    _AgencySpec(
        "chiiki", "つむぎ町地域支え合い推進協議会", "ツムギチョウチイキササエアイスイシンキョウギカイ", F.COMMUNITY,
        B.COMMUNITY, Operation.CONTRACTED, "健康長寿課",
        _SHAKYO + "生活支援体制整備事業（通いの場・移動販売の調整）。",
        ("生活支援コーディネーター", "生活支援コーディネーター"), "通いの場・地域の見守りの調整",
    ),
    _AgencySpec(
        "hoken", "つむぎ町保健センター", "ツムギチョウホケンセンター", F.HEALTH, B.OUTSIDE, Operation.DIRECT,
        "健康長寿課", "", ("保健師", "保健師", "精神保健福祉相談員"), "健康相談・精神保健の相談",
    ),
    _AgencySpec(
        "kyouiku", "つむぎ町教育委員会 学校教育課", "ツムギチョウキョウイクイインカイ ガッコウキョウイクカ",
        F.EDUCATION, B.OUTSIDE, Operation.DIRECT, "教育委員会", "",
        ("スクールソーシャルワーカー", "指導主事"), "学校との連絡調整",
    ),
    _AgencySpec(
        "zeimu", "つむぎ町役場 税務課", "ツムギチョウヤクバ ゼイムカ", F.TAX, B.OUTSIDE, Operation.DIRECT, "税務課",
        "税情報は本人の同意がある場合に限り共有する（地方税法22条）。", ("収納係長", "主査"), "納税相談（分納）",
    ),
    _AgencySpec(
        "suidou", "つむぎ町役場 上下水道課", "ツムギチョウヤクバ ジョウゲスイドウカ", F.WATER, B.OUTSIDE,
        Operation.DIRECT, "上下水道課", "", ("料金係長", "主事"), "水道料金の納付相談",
    ),
    _AgencySpec(
        "jutaku", "つむぎ町役場 建設課 住宅係", "ツムギチョウヤクバ ケンセツカ ジュウタクカカリ", F.HOUSING,
        B.OUTSIDE, Operation.DIRECT, "建設課", "町営住宅の入居・家賃の相談。", ("住宅係長", "主事"),
        "町営住宅の入居相談",
    ),
    _AgencySpec(
        "clinic", "つむぎ内科・心療内科クリニック", "ツムギナイカ シンリョウナイカクリニック", F.MEDICAL, B.OUTSIDE,
        None, "", "", ("医師", "看護師", "医療ソーシャルワーカー"), "受診・服薬の支援",
    ),
    _AgencySpec(
        "houritsu", "つむぎ法律事務所", "ツムギホウリツジムショ", F.LEGAL, B.OUTSIDE, None, "",
        "債務整理・成年後見の申立て・保護命令の相談。", ("弁護士", "事務員"), "法律相談・債務整理",
    ),
    _AgencySpec(
        "minsei", "つむぎ町民生委員児童委員協議会", "ツムギチョウミンセイイインジドウイインキョウギカイ", F.COMMUNITY,
        B.OUTSIDE, None, "福祉課", "事務局: 福祉課。", ("民生委員（会長）", "民生委員", "主任児童委員"),
        "地域での見守り",
    ),
)
# fmt: on
COORDINATOR = "coord"
MUNICIPALITY = "fukushi"


# ---- data tables: household stories ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _MemberSpec:
    relation: str
    age_delta: tuple[int, int]  # relative to the principal's age
    sex: Sex | None  # None: either
    note: str = ""
    lives_together: bool = True


@dataclass(frozen=True, slots=True)
class _Scenario:
    key: str
    age: tuple[int, int]
    sex: Sex | None
    members: tuple[_MemberSpec, ...]
    tags: tuple[str, ...]
    main: str
    related: tuple[str, ...]
    route: str
    summary: str
    notes: tuple[tuple[NoteKind, str], ...]


M, W = Sex.MALE, Sex.FEMALE

# fmt: off
SCENARIOS: tuple[_Scenario, ...] = (
    _Scenario(
        "8050", (79, 86), W, (_MemberSpec("子", (-33, -27), M, "長年ひきこもりの状態"),),
        ("8050", "ひきこもり", "社会的孤立"), "houkatsu", ("outreach", "jiritsu", "minsei"),
        "地域包括支援センターからのつなぎ",
        "要支援の母と、20年以上ひきこもりの状態にある長男の二人暮らし。母の入院をきっかけに、包括が長男の今後を心配して相談。",
        (
            (K.VISIT, "長男の部屋の前から声をかけた。返事はなかったが在室は確認できた。手紙を置いて帰った。"),
            (K.PHONE, "{name}から電話。長男が置いた手紙を読んでいたようだと話してくれた。"),
            (K.VISIT, "長男が初めて玄関先まで出てきて、短く挨拶を交わすことができた。"),
            (K.MEETING, "{meeting}で、母の退院後の介護サービスと長男への関わり方を確認した。"),
        ),
    ),
    _Scenario(
        "double_care", (36, 46), W,
        (
            _MemberSpec("配偶者", (-2, 5), M, "夜勤のある仕事"),
            _MemberSpec("母", (25, 32), W, "要介護2・認知症"),
            _MemberSpec("子", (-36, -30), None, "保育園"),
            _MemberSpec("子", (-40, -35), None, "小学生"),
        ),
        ("ダブルケア", "就労"), "kosodate", ("houkatsu", "chiiki"), "子育て世代包括支援センターからのつなぎ",
        "実母の介護と2人の子育てが重なり、本人が仕事を続けられるか悩んでいる。休息がほとんど取れていない。",
        (
            (K.OFFICE, "{name}が来所。母のデイサービスの利用日を増やしたいとの希望。疲れた表情だった。"),
            (K.PHONE, "ケアマネジャーと調整し、月1回のショートステイ利用を提案した。"),
            (K.OFFICE, "{name}から「久しぶりに子どもと公園に行けた」と笑顔で報告があった。"),
        ),
    ),
    _Scenario(
        "young_carer", (13, 16), None,
        (
            _MemberSpec("母", (27, 35), W, "うつ病で通院中"),
            _MemberSpec("兄弟姉妹", (-7, -3), None, "小学生"),
        ),
        ("ヤングケアラー", "精神疾患", "不登校"), "kyouiku", ("kosodate", "kikan", "hoken"),
        "学校（スクールソーシャルワーカー）からのつなぎ",
        "母の体調不良で家事ときょうだいの世話を担い、遅刻や欠席が増えている中学生。母は通院しているが福祉の支援にはつながっていない。",
        (
            (K.VISIT, "スクールソーシャルワーカーと家庭訪問。母は横になっていたが話はできた。本人はきょうだいの宿題を見ていた。"),
            (K.MEETING, "{meeting}で、家事援助の導入と本人の登校支援について役割分担した。"),
            (K.OFFICE, "本人が放課後に立ち寄り、「部活に行ける日が増えた」と話した。"),
        ),
    ),
    _Scenario(
        "rent_arrears", (32, 48), M, (), ("生活困窮", "家賃滞納・債務", "就労", "住まい"), "jiritsu",
        ("zeimu", "suidou", "jutaku", "sanka"), "上下水道課からのつなぎ（滞納相談の際）",
        "失業後、家賃と水道料金を滞納。退去を求められる不安から眠れないと話す。",
        (
            (K.ACCOMPANY, "本人と管理会社へ同行し家賃の分割払いを相談。月1万円ずつの返済で合意できた。"),
            (K.PHONE, "税務課と住民税の分納相談の日程を調整した。"),
            (K.OFFICE, "求人票を自分で持って来所した。面接の練習をした。"),
            (K.PHONE, "{name}から、面接の日が決まったと初めて自分から電話があった。"),
        ),
    ),
    _Scenario(
        "hoarding", (68, 80), M, (), ("ごみ屋敷・セルフネグレクト", "社会的孤立", "孤独死リスク"), "houkatsu",
        ("minsei", "hoken", "chiiki"), "民生委員からの情報提供",
        "自宅の周りにごみが積まれ、近隣から苦情が出ている。本人は片付けを拒んでいるが、食事も十分にとれていない様子。",
        (
            (K.VISIT, "民生委員と訪問。玄関先で10分ほど話ができた。「自分で片付ける」とのこと。"),
            (K.VISIT, "一緒に玄関まわりのごみを袋に分けた。途中から本人が自分で手を動かしてくれた。"),
            (K.OTHER, "近所の方から、最近は朝に散歩している姿を見かけるとの情報があった。"),
        ),
    ),
    _Scenario(
        "suspected_disability", (22, 32), M, (_MemberSpec("母", (24, 30), W, "パート勤務"),),
        ("障害の疑い", "浪費", "就労"), "kikan", ("sanka", "jiritsu", "clinic"), "くらしサポートセンターからのつなぎ",
        "仕事が長続きせず、給料日にすぐお金を使い切ってしまう。手帳は持っておらず、受診歴もない。",
        (
            (K.OFFICE, "{name}と母が来所。この1か月のお金の使い方を一緒に振り返った。"),
            (K.ACCOMPANY, "クリニックの初診に同行した。次回は心理検査の予定。"),
            (K.OTHER, "参加支援の農園での作業体験に参加。3日間休まずに通えた。"),
        ),
    ),
    _Scenario(
        "addiction", (55, 66), M, (_MemberSpec("配偶者", (-5, 2), W, "パート勤務"),), ("依存症", "生活困窮"),
        "hoken", ("clinic", "jiritsu"), "保健センターからのつなぎ",
        "飲酒量が増えて仕事を失った。配偶者が家計と本人の健康を心配している。",
        (
            (K.PHONE, "配偶者から電話。昨夜は飲まずに寝たとのこと。"),
            (K.ACCOMPANY, "本人とクリニックへ同行。断酒会の案内を受けた。"),
            (K.OFFICE, "{name}が断酒会に2回参加したと報告に来た。"),
        ),
    ),
    _Scenario(
        "dv", (28, 40), W,
        (_MemberSpec("子", (-30, -24), None, "小学生"), _MemberSpec("子", (-34, -28), None, "保育園")),
        ("DV", "住まい", "生活困窮"), "kosodate", ("jiritsu", "jutaku", "houritsu"), "こども家庭課からのつなぎ",
        "配偶者からの暴力を避け、子ども2人と町内の実家近くへ転居。生活費と住まいの確保が課題。",
        (
            (K.ACCOMPANY, "法律事務所の相談に同行。保護命令と離婚の手続きについて説明を受けた。"),
            (K.OFFICE, "町営住宅の申込書を一緒に記入した。"),
            (K.PHONE, "{name}から「子どもがよく眠れるようになった」と連絡があった。"),
        ),
    ),
    _Scenario(
        "elder_abuse", (80, 90), W, (_MemberSpec("子", (-32, -26), M, "失業中"),),
        ("虐待", "8050", "権利擁護・成年後見"), "houkatsu", ("fukushi", "houritsu", "jiritsu"),
        "ケアマネジャーから地域包括支援センターへの通報",
        "デイサービスで本人のあざが見つかった。同居の長男が介護に疲れ、本人の年金を生活費に使っている。",
        (
            (K.VISIT, "福祉課と訪問し、本人と長男から別々に話を聞いた。"),
            (K.MEETING, "{meeting}で、本人の安全確保とショートステイの利用について確認した。"),
            (K.PHONE, "長男から「自分も相談していいのか」と電話があった。くらしサポートセンターを紹介した。"),
        ),
    ),
    _Scenario(
        "guardianship", (76, 88), W, (_MemberSpec("おい・めい", (-35, -25), None, "町内に住み月1回訪問", False),),
        ("権利擁護・成年後見", "社会的孤立", "孤独死リスク"), "houkatsu", ("houritsu", "minsei"),
        "金融機関から地域包括支援センターへの相談",
        "認知症が進み、通帳や印鑑の管理が難しくなった一人暮らしの女性。町内に住む甥（姪）が時々様子を見ている。",
        (
            (K.VISIT, "{name}宅を訪問。通帳が見当たらないと繰り返し話していた。"),
            (K.LETTER, "成年後見制度の利用について、親族あての説明文書を送付した。"),
            (K.PHONE, "甥（姪）から電話。申立てに協力したいとのこと。"),
        ),
    ),
    _Scenario(
        "dropout", (16, 19), M,
        (_MemberSpec("母", (24, 30), W, "会社員"), _MemberSpec("父", (26, 33), M, "会社員")),
        ("不登校", "ひきこもり"), "outreach", ("kyouiku", "sanka"), "中学校の元担任からのつなぎ",
        "高校を中退した後、自宅にこもりがちで昼夜逆転している。両親と本人の会話はほとんどない。",
        (
            (K.VISIT, "母の在宅時に訪問。本人は部屋から出てこなかったが、好きなゲームの話を母から聞けた。"),
            (K.EMAIL, "{name}とメールのやりとりが続いている。好きなゲームの話をしてくれた。"),
            (K.OTHER, "参加支援の居場所「ひだまり」に初めて来た。30分ほど過ごした。"),
        ),
    ),
    _Scenario(
        "mental_illness", (38, 52), W, (), ("精神疾患", "社会的孤立", "就労"), "kikan", ("clinic", "hoken", "sanka"),
        "本人からの電話相談",
        "統合失調症で通院しているが、服薬が途切れがちで近所とのトラブルもある。働きたいという希望がある。",
        (
            (K.ACCOMPANY, "通院に同行。主治医から服薬の続け方について説明を受けた。"),
            (K.PHONE, "{name}から、薬を飲み忘れなかったと報告の電話があった。"),
            (K.OTHER, "参加支援の作業体験の見学に行った。「やってみたい」とのこと。"),
        ),
    ),
    _Scenario(
        "closed_business", (60, 68), M, (_MemberSpec("配偶者", (-4, 2), W),),
        ("生活困窮", "住まい", "就労", "家賃滞納・債務"), "jiritsu", ("zeimu", "jutaku", "chiiki"),
        "税務課からのつなぎ（納税相談の際）",
        "自営業を廃業して収入が途絶えた。住宅ローンと税の滞納があり、夫婦で今後の住まいに悩んでいる。",
        (
            (K.OFFICE, "夫婦で来所。家計表を一緒に作り、毎月の不足額を確認した。"),
            (K.ACCOMPANY, "法律相談に同行し、住宅ローンの返済について助言を受けた。"),
            (K.PHONE, "{name}から、シルバー人材センターに登録したと連絡があった。"),
        ),
    ),
    _Scenario(
        "shopping", (78, 86), W, (_MemberSpec("配偶者", (1, 5), M, "運転免許を返納"),),
        (*TOWN_TAGS, "社会的孤立"), "houkatsu", ("chiiki", "minsei"), "民生委員からの情報提供",
        "夫が運転免許を返納し、買い物や通院の手段がなくなった高齢の夫婦。坂の上に住み、外出が減っている。",
        (
            (K.OTHER, "移動販売車が週1回自宅前に止まるよう、生活支援コーディネーターが調整した。"),
            (K.VISIT, "{name}宅を訪問。移動販売で買った魚で煮付けを作ったと話してくれた。"),
            (K.PHONE, "通いの場の送迎ボランティアが見つかったと推進協議会から連絡があった。"),
        ),
    ),
    _Scenario(
        "hikikomori_40s", (40, 48), M, (_MemberSpec("母", (26, 32), W, "パート勤務"),),
        ("ひきこもり", "社会的孤立", "障害の疑い"), "outreach", ("kikan", "hoken"), "母からの電話相談",
        "大学卒業後に数年働いたが、退職後は15年ほど自宅で過ごしている。母は自分が倒れた後のことを心配している。",
        (
            (K.LETTER, "本人あてに、アウトリーチ支援員の自己紹介の手紙を送った。"),
            (K.VISIT, "訪問。ドア越しに少し話ができた。「また来てもいい」とのこと。"),
            (K.EMAIL, "{name}から初めてメールが届いた。次の訪問日を自分で決めてくれた。"),
        ),
    ),
    _Scenario(
        "single_mother_debt", (24, 34), W, (_MemberSpec("子", (-26, -22), None, "保育園"),),
        ("浪費", "家賃滞納・債務", "生活困窮"), "jiritsu", ("kosodate", "houritsu"),
        "子育て世代包括支援センターからのつなぎ",
        "ひとり親で、カードの支払いがかさみ家賃を2か月滞納している。子どもの保育料も未納がある。",
        (
            (K.OFFICE, "{name}が子どもと来所。借入先を一緒に書き出した。"),
            (K.ACCOMPANY, "法律事務所の相談に同行。債務整理の方針を確認した。"),
            (K.PHONE, "{name}から「今月は家賃を期日どおりに払えた」と連絡があった。"),
        ),
    ),
)
# fmt: on

GENERIC_NOTES: tuple[tuple[NoteKind, str], ...] = (
    (K.VISIT, "{name}宅を訪問。体調は落ち着いている様子で、30分ほど話ができた。"),
    (K.VISIT, "訪問したが不在だった。次回の訪問日を書いたメモを郵便受けに入れた。"),
    (K.VISIT, "{agency}と同行訪問し、最近の生活の様子を確認した。"),
    (K.PHONE, "{name}に電話。来週の面談の時間を確認した。"),
    (K.PHONE, "{name}が初めて自分から電話をくれた。「話を聞いてもらえて助かった」とのこと。"),
    (K.PHONE, "{agency}から電話で近況の共有があった。大きな変化はない。"),
    (K.OFFICE, "{name}が来所。家計の状況を一緒に整理した。"),
    (K.OFFICE, "{name}が予約どおりに来所。前回より表情が明るかった。"),
    (K.ACCOMPANY, "{name}の通院に同行。次回の受診日を一緒に手帳に書き込んだ。"),
    (K.ACCOMPANY, "役場の窓口での手続きに同行した。本人が自分で書類を記入できた。"),
    (K.MEETING, "{meeting}で{agency}と役割分担を確認し、次のモニタリング時期を決めた。"),
    (K.MEETING, "{meeting}で経過を共有。支援者のしんどさについても話し合った。"),
    (K.LETTER, "{agency}へ経過を報告する文書を送付した。"),
    (K.LETTER, "{name}へ次回面談の案内を郵送した。"),
    (K.EMAIL, "{agency}の担当者とメールで訪問日程を調整した。"),
    (K.EMAIL, "{name}から近況のメールが届いた。返信で来週の面談を提案した。"),
    (K.OTHER, "近所の方から、{name}が最近は朝のごみ出しをしているとの情報があった。"),
    (K.OTHER, "民生委員が見守りの際に、郵便物がたまっていないことを確認してくれた。"),
)

INTAKE_NOTES: tuple[tuple[NoteKind, str], ...] = (
    (K.PHONE, "{agency}に電話し、これまでの関わりと世帯の状況を確認した。"),
    (K.LETTER, "つなぎシートの記載を確認した。足りない情報は初回面談で聞き取ることにした。"),
    (K.EMAIL, "{agency}の担当者とメールで初回訪問の日程を調整した。"),
    (K.OTHER, "受付の内容を所管課（福祉課）に報告した。"),
    (K.VISIT, "{agency}の担当者と初回訪問。緊張した様子だったが、困っていることを少し話してくれた。"),
)
"""Notes of cases still at 受付 (nothing has been planned or done with them yet)."""

MILESTONE_NOTES: dict[CaseStatus, tuple[NoteKind, str]] = {
    CaseStatus.ASSESSMENT: (
        K.VISIT,
        "アセスメントのため自宅を訪問し、世帯の状況と本人の希望・強みを聞き取った。",
    ),
    CaseStatus.PLANNING: (K.MEETING, "{meeting}で{plan}を検討し、役割分担と次のモニタリング時期を決めた。"),
    CaseStatus.MONITORING: (K.VISIT, "モニタリング：プランの目標の達成状況を本人と一緒に確認した。"),
    CaseStatus.CLOSED: (K.MEETING, "{meeting}で終結を判断した。{reason}"),
    CaseStatus.SUSPENDED: (K.MEETING, "{meeting}で連絡を試みた経過を確認し、支援の中断を決定した。"),
}
"""The note written when a case reaches a status (支援中 needs none: the plan meeting said it all)."""
REOPEN_NOTE = (K.PHONE, "再開：{reason}")
LAST_TRY_NOTE = (K.VISIT, "訪問したが応答がない。近隣の方と民生委員に最近の様子を尋ねた。")


# ---- data tables: lifecycle ----------------------------------------------------------------------

A, P, SUP, MON, C, SUS = S.ASSESSMENT, S.PLANNING, S.SUPPORTING, S.MONITORING, S.CLOSED, S.SUSPENDED


@dataclass(frozen=True, slots=True)
class _Path:
    steps: tuple[CaseStatus, ...]  # the moves after 受付
    count: int
    days_ago: tuple[int, int]  # when the case was opened, in days before today


PATHS: tuple[_Path, ...] = (
    _Path((), 7, (0, 20)),
    _Path((A,), 6, (7, 75)),
    _Path((A, P), 5, (30, 150)),
    _Path((A, P, SUP), 7, (60, 420)),
    _Path((A, P, SUP, MON, P, SUP), 2, (240, 600)),
    _Path((A, P, SUP, MON), 6, (150, 500)),
    _Path((A, P, SUP, MON, SUP, MON), 2, (300, 650)),
    _Path((A, P, SUP, MON, C), 5, (200, 700)),
    _Path((C,), 2, (30, 400)),
    _Path((A, C), 1, (60, 400)),
    _Path((A, SUS), 3, (60, 300)),
    _Path((A, P, SUP, SUS), 2, (150, 500)),
    _Path((A, P, SUP, MON, C, A), 2, (400, 720)),
    _Path((A, P, SUP, C, A, P, SUP), 1, (450, 720)),
    _Path((A, SUS, A, P), 1, (300, 650)),
)
"""How far each case gets (52 cases): every status at least 3 times, 4 re-opened after 終結 or 中断."""

REASONS: dict[tuple[CaseStatus, CaseStatus], tuple[str, ...]] = {
    (S.RECEIVED, C): (
        "既存の制度（介護保険サービス）で対応できると判断し、地域包括支援センターにつないで終結。",
        "すでに関係機関が支援中のため、その機関に情報共有して終結。",
    ),
    (A, C): ("アセスメントの結果、関係機関の既存の支援で対応できると判断したため。",),
    (SUP, C): ("主な支援者が決まり、多機関協働事業者が関わらなくても支援が回るようになったため。",),
    (MON, C): (
        "プランの目標をおおむね達成し、課題が解決したため。",
        "主な支援者が決まり、多機関協働事業者が関わらなくても支援が回るようになったため。",
    ),
    (A, SUS): (
        "転居先が分からず連絡が途絶えた。訪問・近隣への確認・民生委員への聞き取りでも所在がつかめない。",
    ),
    (P, SUS): ("本人と連絡が取れなくなった。訪問と手紙を重ねたが応答がない。",),
    (SUP, SUS): ("本人と連絡が完全に途絶えた。訪問・電話・民生委員への確認を重ねたが所在がつかめない。",),
    (MON, SUS): ("本人と連絡が完全に途絶えた。訪問・電話・民生委員への確認を重ねたが所在がつかめない。",),
    (C, A): (
        "本人から再び相談があった。家族の入院で生活が変わったため。",
        "関係機関から、再び課題が重なっていると連絡があった。",
    ),
    (SUS, A): ("本人から数か月ぶりに電話があり、支援を再開することになった。",),
    (SUP, P): ("就労が決まり、目標と役割分担を見直すため（再プラン）。",),
    (MON, P): ("世帯の状況が変わったため、プランを見直す（再プラン）。",),
}


# ---- data tables: consent ----------------------------------------------------------------------

_G, _R, _Q = ConsentState.GIVEN, ConsentState.REFUSED, ConsentState.PENDING

CONSENT_PATTERN: tuple[tuple[ConsentState, ...], ...] = (
    (_G,),
    (_G,),
    (_Q, _G),
    (_G, _R),
    (_R,),
    (_Q, _R),
    (_G,),
    (_Q,),
)
"""Consent histories handed out to the cases past 受付 (which all stay 確認中)."""

CONSENT_SCOPES: tuple[str, ...] = (
    "チームを構成する関係機関との情報共有",
    "重層的支援会議での関係機関への情報提供",
    "地域包括支援センター・くらしサポートセンター・役場関係課との情報共有",
)

CONSENT_NOTES: dict[tuple[ConsentState | None, ConsentState], str] = {
    (None, _G): "支援の流れを説明し、同意書に署名を得た。",
    (None, _R): "関係機関への情報提供は望まないとのこと。支援会議（法106条の6）で検討する。",
    (None, _Q): "本人とまだ会えておらず、同意は確認できていない。",
    (_Q, _G): "アセスメントの訪問で改めて説明し、同意を得た。",
    (_Q, _R): "説明したが、家族に知られたくないとの理由で同意は得られなかった。",
    (_G, _R): "本人から、情報共有の同意を取り消したいとの申し出があった。",
}


# ---- building blocks ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _AgencyRef:
    id: AgencyId
    spec: _AgencySpec
    staff: tuple[tuple[StaffId, str], ...]


Directory = dict[str, _AgencyRef]
NoteEntry = tuple[dt.date, NoteKind, str, StaffId]  # date, kind, text, author


@dataclass(frozen=True, slots=True)
class _CasePlan:
    index: int
    scenario: _Scenario
    principal: Person
    members: tuple[HouseholdMember, ...]
    opened_on: dt.date
    history: tuple[tuple[CaseStatus, dt.date, str], ...]  # starts with (受付, opened_on, "")
    consents: tuple[Consent, ...]
    note_kind: NoteKind | None  # one note of this kind (rotating), so every kind occurs
    team_yet: bool  # False for every other case at 受付: nobody has been asked to join yet

    @property
    def at_intake(self) -> bool:
        return len(self.history) == 1


def _age_group(age: int) -> str:
    return "old" if age >= 65 else "mid" if age >= 35 else "young"


def _birth_date(rng: random.Random, age: int, on: dt.date) -> dt.date:
    """A birth date on which the person is ``age`` full years old on ``on``."""
    try:
        anchor = on.replace(year=on.year - age)
    except ValueError:  # 29 February
        anchor = on.replace(year=on.year - age, day=28)
    return anchor - dt.timedelta(days=rng.randint(0, 364))


def _given_name(rng: random.Random, age: int, sex: Sex, avoid: list[str]) -> Name:
    pool = [n for n in GIVEN_NAMES[(_age_group(age), sex)] if n[0] not in avoid]
    return rng.choice(pool)


def _address(rng: random.Random, district: str) -> str:
    return f"{ADDRESS_PREFIX}{district}{rng.randint(1, 4)}丁目{rng.randint(1, 30)}番{rng.randint(1, 20)}号"


@dataclass(frozen=True, slots=True)
class _Home:
    district: str
    postal_code: str
    address: str

    @classmethod
    def pick(cls, rng: random.Random) -> _Home:
        district, postal_code = rng.choice(DISTRICTS)
        return cls(district, postal_code, _address(rng, district))


def _person(
    rng: random.Random, surname: Name, given: Name, age: int, sex: Sex, home: _Home, on: dt.date
) -> Person:
    """A fictional person who is ``age`` years old on ``on`` (the day the case was opened)."""
    return Person(
        name=f"{surname[0]}\u3000{given[0]}",
        kana=f"{surname[1]}\u3000{given[1]}",
        birth_date=_birth_date(rng, age, on),
        sex=sex,
        postal_code=home.postal_code,
        address=home.address,
        district=home.district,
        note=FICTIONAL_PERSON_NOTE,
    )


def _household(
    rng: random.Random, scenario: _Scenario, surname: Name, opened_on: dt.date
) -> tuple[Person, tuple[HouseholdMember, ...]]:
    """本人 and household; ages follow the story as it was when the case was opened."""
    age = rng.randint(*scenario.age)
    home = _Home.pick(rng)
    sex = scenario.sex or rng.choice((M, W))
    taken = [_given_name(rng, age, sex, [])]
    principal = _person(rng, surname, taken[0], age, sex, home, opened_on)
    if rng.random() < 0.7:
        principal = replace(principal, phone=f"0000-22-{rng.randint(1000, 9999)}")
    members = []
    for spec in scenario.members:
        member_age = max(0, age + rng.randint(*spec.age_delta))
        member_sex = spec.sex or rng.choice((M, W))
        given = _given_name(rng, member_age, member_sex, [name for name, _ in taken])
        taken.append(given)
        member_home = home if spec.lives_together else _Home.pick(rng)
        person = _person(rng, surname, given, member_age, member_sex, member_home, opened_on)
        members.append(HouseholdMember(person, spec.relation, spec.lives_together, spec.note))
    return principal, tuple(members)


def _opened_on(rng: random.Random, path: _Path, today: dt.date) -> dt.date:
    """Cases still at 受付 are from this 年度; the others reach back at most to last 年度's start."""
    current_start, _ = fiscal_year_bounds(fiscal_year_of(today))
    earliest = current_start if not path.steps else fiscal_year_bounds(fiscal_year_of(today) - 1)[0]
    available = (today - earliest).days
    days = rng.randint(*path.days_ago)
    if days > available:
        days = rng.randint(available // 2, available)
    return today - dt.timedelta(days=days)


def _reason(rng: random.Random, source: CaseStatus, target: CaseStatus) -> str:
    needs = next(t.needs_reason for t in transitions_from(source) if t.target == target)
    options = REASONS.get((source, target), ())
    if needs or (options and rng.random() < 0.7):
        return rng.choice(options)
    return ""


def _history(
    rng: random.Random, path: _Path, opened_on: dt.date, today: dt.date
) -> tuple[tuple[CaseStatus, dt.date, str], ...]:
    span = (today - opened_on).days
    weights = [rng.uniform(0.6, 1.4) for _ in path.steps] + [rng.uniform(0.3, 1.0)]
    total = sum(weights)
    history = [(S.RECEIVED, opened_on, "")]
    elapsed = 0.0
    for target, weight in zip(path.steps, weights, strict=False):
        elapsed += weight
        on = opened_on + dt.timedelta(days=int(span * elapsed / total))
        history.append((target, on, _reason(rng, history[-1][0], target)))
    return tuple(history)


def _consent_method(rng: random.Random, state: ConsentState) -> ConsentMethod | None:
    if state == ConsentState.GIVEN:
        return rng.choice((ConsentMethod.WRITTEN, ConsentMethod.WRITTEN, ConsentMethod.ORAL))
    return ConsentMethod.ORAL if state == ConsentState.REFUSED else None


def _consents(
    rng: random.Random,
    states: tuple[ConsentState, ...],
    history: tuple[tuple[CaseStatus, dt.date, str], ...],
    today: dt.date,
    recorded_by: str,
    tax: bool,
) -> tuple[Consent, ...]:
    opened_on = history[0][1]
    last_status, last_on, _ = history[-1]
    end = today if is_open(last_status) else last_on
    if states[0] == ConsentState.PENDING and len(history) > 1:
        later = history[1][1]  # asked again at the next step (usually the assessment visit)
    else:
        later = opened_on + (end - opened_on) * rng.uniform(0.3, 0.7)
    dates = (opened_on, later)
    entries = []
    previous: ConsentState | None = None
    for state, on in zip(states, dates, strict=False):
        given = state == ConsentState.GIVEN
        entries.append(
            Consent(
                state=state,
                recorded_on=on,
                method=_consent_method(rng, state),
                scope=rng.choice(CONSENT_SCOPES) if given else "",
                covers_tax_info=given and tax,
                recorded_by=recorded_by,
                note=CONSENT_NOTES[(previous, state)],
            )
        )
        previous = state
    return tuple(entries)


def _plan_cases(rng: random.Random, today: dt.date, directory: Directory) -> list[_CasePlan]:
    paths = [path for path in PATHS for _ in range(path.count)]
    rng.shuffle(paths)
    scenarios = list(SCENARIOS)
    rng.shuffle(scenarios)
    scenarios += [rng.choice(SCENARIOS) for _ in range(len(paths) - len(scenarios))]
    surnames = [SURNAMES[0], *rng.sample(SURNAMES[1:], len(SURNAMES) - 1)]
    open_paths = [p for p in paths if p.steps]
    consent_pattern = list(islice(cycle(CONSENT_PATTERN), len(open_paths)))
    rng.shuffle(consent_pattern)
    coordinator_names = [name for _, name in directory[COORDINATOR].staff]
    kinds = cycle(NoteKind)
    intake_teams = cycle((False, True))
    plans = []
    for index, (path, scenario) in enumerate(zip(paths, scenarios, strict=True)):
        opened_on = _opened_on(rng, path, today)
        principal, members = _household(rng, scenario, surnames[index % len(surnames)], opened_on)
        history = _history(rng, path, opened_on, today)
        states = consent_pattern.pop() if path.steps else (ConsentState.PENDING,)
        tax = "zeimu" in scenario.related or index % 4 == 0
        consents = _consents(rng, states, history, today, rng.choice(coordinator_names), tax)
        note_kind = next(kinds) if path.steps else None
        team_yet = bool(path.steps) or next(intake_teams)
        plans.append(
            _CasePlan(index, scenario, principal, members, opened_on, history, consents, note_kind, team_yet)
        )
    plans.sort(key=lambda plan: (plan.opened_on, plan.index))
    return plans


# ---- writing ------------------------------------------------------------------------------------


def _add_agencies(db: Database, rng: random.Random) -> Directory:
    directory: Directory = {}
    used: list[str] = []
    for number, spec in enumerate(AGENCIES, start=1):
        phone = f"0000-11-{2000 + number * 10:04d}"
        agency_id = db.agencies.add(
            Agency(
                name=spec.name,
                field=spec.field,
                business=spec.business,
                operation=spec.operation,
                department=spec.department,
                kana=spec.kana,
                address=_address(rng, rng.choice(DISTRICTS)[0]),
                phone=phone,
                fax=phone[:-1] + "1",
                email=f"{spec.key}@tsumugi.example",
                note=FICTIONAL_AGENCY_NOTE + spec.note,
            )
        )
        staff = []
        for title in spec.titles:
            name, kana = _staff_name(rng, used)
            staff_id = db.staff.add(
                Staff(name=name, agency_id=agency_id, kana=kana, title=title, phone=phone)
            )
            staff.append((staff_id, name))
        directory[spec.key] = _AgencyRef(agency_id, spec, tuple(staff))
    return directory


def _staff_name(rng: random.Random, used: list[str]) -> Name:
    while True:
        surname = rng.choice(SURNAMES)
        given = _given_name(rng, rng.randint(26, 62), rng.choice((M, W)), [])
        name = f"{surname[0]}\u3000{given[0]}"
        if name not in used:
            used.append(name)
            return name, f"{surname[1]}\u3000{given[1]}"


def _team(
    rng: random.Random, plan: _CasePlan, directory: Directory, consent: ConsentState
) -> list[TeamMember]:
    scenario = plan.scenario
    lead_key = COORDINATOR if lead_should_be_coordinator(consent) else scenario.main
    others = [
        k
        for k in (scenario.main, COORDINATOR, *rng.sample(scenario.related, len(scenario.related)))
        if k != lead_key
    ]
    size = 1 if plan.at_intake else rng.randint(1, 4)
    members = []
    for position, key in enumerate([lead_key, *others][:size]):
        ref = directory[key]
        role = ref.spec.role if position else f"主担当（{ref.spec.role}）"
        members.append(TeamMember(ref.id, rng.choice(ref.staff)[0], is_lead=position == 0, role=role))
    return members


def _consent_on(plan: _CasePlan, on: dt.date) -> ConsentState:
    state = ConsentState.PENDING
    for consent in plan.consents:
        if consent.recorded_on <= on:
            state = consent.state
    return state


def _staff_names(directory: Directory) -> dict[StaffId, str]:
    return {staff_id: name for ref in directory.values() for staff_id, name in ref.staff}


@dataclass(frozen=True, slots=True)
class _Writer:
    """Context for writing one case's notes."""

    plan: _CasePlan
    directory: Directory
    team: tuple[TeamMember, ...]
    names: dict[StaffId, str]
    today: dt.date

    def author(self, rng: random.Random, key: str | None = None) -> StaffId:
        if key is not None:
            return rng.choice(self.directory[key].staff)[0]
        staff = [m.staff_id for m in self.team if m.staff_id is not None]
        return rng.choice(staff) if staff else rng.choice(self.directory[COORDINATOR].staff)[0]

    def meeting(self, on: dt.date) -> str:
        return str(meeting_kind_for(_consent_on(self.plan, on)))

    def fill(self, rng: random.Random, text: str, on: dt.date) -> str:
        agencies = [m.agency_id for m in self.team if not m.is_lead] or [m.agency_id for m in self.team]
        keys = [k for k, ref in self.directory.items() if ref.id in agencies] or [self.plan.scenario.main]
        agency = self.directory[rng.choice(keys)].spec.name
        name = self.plan.principal.name.split()[0] + "さん"
        return text.format(name=name, agency=agency, meeting=self.meeting(on))


def _milestones(rng: random.Random, w: _Writer) -> list[NoteEntry]:
    """Notes that go with the case's own history: intake, assessment, plans, ending, re-opening."""
    plan = w.plan
    route = plan.scenario.route
    kind = K.PHONE if "電話" in route else K.LETTER if "つなぎ" in route else K.OFFICE
    notes = [
        (plan.opened_on, kind, f"受付（{route}）。主訴と世帯の状況を聞き取った。", w.author(rng, COORDINATOR))
    ]
    previous = S.RECEIVED
    previous_on = plan.opened_on
    for change in plan.history[1:]:
        notes += _milestone(rng, w, previous, change, previous_on)
        previous, previous_on = change[0], change[1]
    return notes


def _milestone(
    rng: random.Random,
    w: _Writer,
    source: CaseStatus,
    change: tuple[CaseStatus, dt.date, str],
    before: dt.date,
) -> list[NoteEntry]:
    """The notes written when the case made ``change`` (target, date, reason) from ``source``."""
    target, on, reason = change
    if target == A and not is_open(source):
        kind, text = REOPEN_NOTE
        return [(on, kind, text.format(reason=reason), w.author(rng, COORDINATOR))]
    if target not in MILESTONE_NOTES:
        return []
    meeting = w.meeting(on)
    kind, text = MILESTONE_NOTES[target]
    plan = "支援プラン（案）" if source == A else "再プラン"
    convener = COORDINATOR if meeting == MeetingKind.JUSOU else MUNICIPALITY
    author = w.author(rng, convener if kind == K.MEETING else None)
    notes = [(on, kind, text.format(meeting=meeting, plan=plan, reason=reason), author)]
    if target == SUS:
        kind, text = LAST_TRY_NOTE
        notes.insert(0, (max(before, on - dt.timedelta(days=14)), kind, text, w.author(rng)))
    return notes


def _active_periods(plan: _CasePlan, today: dt.date) -> list[tuple[dt.date, dt.date]]:
    periods = []
    for i, (status, on, _) in enumerate(plan.history):
        end = plan.history[i + 1][1] if i + 1 < len(plan.history) else today
        if is_open(status):
            periods.append((on, end))
    return periods or [(plan.opened_on, plan.opened_on)]


def _random_day(rng: random.Random, periods: list[tuple[dt.date, dt.date]]) -> dt.date:
    start, end = rng.choices(periods, weights=[(e - s).days + 1 for s, e in periods])[0]
    return start + dt.timedelta(days=rng.randint(0, (end - start).days))


def _fillers(rng: random.Random, w: _Writer, count: int) -> list[NoteEntry]:
    """Everyday notes: the household's own story in order, then everyday ones (one of the plan's kind)."""
    periods = _active_periods(w.plan, w.today)
    if w.plan.note_kind is None:  # still at 受付
        story, pool, forced = [], list(INTAKE_NOTES), []
    else:
        story = list(w.plan.scenario.notes[: max(0, count - 1)])
        forced = [rng.choice([n for n in GENERIC_NOTES if n[0] == w.plan.note_kind])]
        pool = [n for n in GENERIC_NOTES if n not in forced]
    story_days = sorted(_random_day(rng, periods) for _ in story)
    picked = [(day, kind, text) for day, (kind, text) in zip(story_days, story, strict=True)]
    others = forced + rng.sample(pool, min(len(pool), count - len(story) - len(forced)))
    picked += [(_random_day(rng, periods), kind, text) for kind, text in others]
    return [(day, kind, w.fill(rng, text, day), w.author(rng)) for day, kind, text in picked]


def _add_notes(rng: random.Random, db: Database, case_id: CaseId, w: _Writer) -> int:
    milestones = _milestones(rng, w)
    span_days = sum((e - s).days for s, e in _active_periods(w.plan, w.today))
    wanted = rng.randint(3, 12)
    room = max(1, min(12 - len(milestones), span_days // 14 + 2, wanted - len(milestones)))
    notes = sorted(milestones + _fillers(rng, w, max(room, 3 - len(milestones))), key=lambda n: n[0])
    for noted_on, kind, body, author in notes:
        db.notes.add(
            Note(
                case_id=case_id,
                noted_on=noted_on,
                kind=kind,
                body=body,
                author_staff_id=author,
                author_name=w.names[author],
            )
        )
    return len(notes)


def _create_case(
    db: Database,
    rng: random.Random,
    plan: _CasePlan,
    directory: Directory,
    names: dict[StaffId, str],
    today: dt.date,
) -> int:
    """Write one planned case; returns the number of notes."""
    by = plan.consents[0].recorded_by
    case_id = db.cases.create(
        plan.principal,
        opened_on=plan.opened_on,
        members=plan.members,
        route=plan.scenario.route,
        summary=plan.scenario.summary,
        tags=plan.scenario.tags,
        consent=plan.consents[0],
        by=by,
    )
    for status, on, reason in plan.history[1:]:
        db.cases.change_status(case_id, status, on=on, reason=reason, by=by)
    for consent in plan.consents[1:]:
        db.cases.record_consent(case_id, consent)
    final_consent = plan.consents[-1].state
    team = tuple(_team(rng, plan, directory, final_consent)) if plan.team_yet else ()
    if team:
        db.cases.set_team(case_id, team)
    return _add_notes(rng, db, case_id, _Writer(plan, directory, team, names, today))


# ---- public API ---------------------------------------------------------------------------------


def populate(db: Database, *, seed: int = 2024, today: dt.date | None = None) -> DemoSummary:
    """Fill an open, empty database with the fictional town 「つむぎ町」, all or nothing."""
    today = today or dt.date.today()
    rng = random.Random(seed)
    if db.cases.count() or db.agencies.list():
        raise RuleViolation(
            "デモデータは空のデータベースにだけ作成できます。新しいファイルを作ってください。"
        )
    with db.transaction():
        db.settings.set("town_name", TOWN_NAME)
        directory = _add_agencies(db, rng)
        names = _staff_names(directory)
        plans = _plan_cases(rng, today, directory)
        for plan in plans:
            _create_case(db, rng, plan, directory, names, today)
        referrals = add_referrals(db, rng, today)  # their answers add 経過記録 too
        coordinator = next(a for a in db.agencies.list() if a.business is B.COLLABORATION)
        by = db.staff.list(coordinator.id)[0].name
        drafted = draft_plans(db, rng, today, by)  # put forward: their meetings are needed
        meetings = add_meetings(db, rng, today)
        settle_plans(db, rng, today, drafted, by)
        add_resources(db, rng, today)  # 地域資源 and the cases connected to them
        notes = db.notes.count()
    return DemoSummary(
        cases=len(plans),
        persons=sum(1 + len(plan.members) for plan in plans),
        agencies=len(directory),
        staff=len(names),
        notes=notes,
        referrals=referrals,
        meetings=meetings,
    )


READABLE_CHARACTERS = "abcdefghjkmnpqrstuvwxyz23456789"
"""Lowercase letters and digits without the look-alikes i, l, o, 0 and 1."""


def generate_passphrase(groups: int = 4, length: int = 4) -> str:
    """A random, readable passphrase such as ``k7pm-x3ra-9fhe-tw2c``."""
    while True:
        candidate = "-".join(
            "".join(secrets.choice(READABLE_CHARACTERS) for _ in range(length)) for _ in range(groups)
        )
        if assess(candidate).acceptable:
            return candidate


def create_demo_database(
    path: Path, passphrase: str, *, today: dt.date | None = None, seed: int = 2024
) -> DemoSummary:
    """Create a new encrypted demo file; on any failure nothing half-written is left behind.

    A file that already exists is never touched (:class:`~jusou_desktop.store.errors.AlreadyExists`).
    """
    verdict = assess(passphrase)
    if not verdict.acceptable:
        raise ValidationError(verdict.message, field="passphrase")
    path = Path(path)
    db = Database.create(path, passphrase, town=TOWN_NAME)
    try:
        summary = populate(db, seed=seed, today=today)
    except BaseException:
        try:
            db.close()
        finally:
            _remove_half_made(path)
        raise
    db.close()
    return summary


def _remove_half_made(path: Path) -> None:
    """The file this call created (its lock file was released by ``close``)."""
    for leftover in (path, Path(f"{path}-journal")):
        leftover.unlink(missing_ok=True)
