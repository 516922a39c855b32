"""Demo referrals (つなぎシート) for the fictional town: one in every state, every C票 answer.

Built only through the public repositories on a database that :func:`jusou_desktop.demo.populate`
has filled, so the demo exercises the same rules as the office does.  All people are fictional.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from jusou_desktop.domain.ids import CaseId, ReferralId
from jusou_desktop.domain.model import AgencyField, Business, CaseRow, CaseStatus
from jusou_desktop.domain.sheets import AnswerAction, Binding, SheetTemplate, case_bindings, prefill
from jusou_desktop.store.database import Database

_HISTORY = (
    "数年前に配偶者を亡くしてから外出が減り、近所付き合いも途切れがちになった。",
    "同居の家族は仕事が長続きせず、ここ一年ほどは自室で過ごす時間が長い。",
    "家賃や公共料金の支払いが遅れがちで、督促の通知が届いていると本人が話している。",
    "以前は地区の清掃活動に参加していたが、体調を崩してからは参加していない。",
    "親族とは年に数回の電話のやりとりがある程度で、頼れる人は少ないと感じている。",
)
_STRENGTHS = (
    "話し好きで、昔の仕事の話になると表情が明るくなる。",
    "庭の草花の手入れを続けていて、近所の人からも声をかけられる。",
    "約束した日時はきちんと守る。困りごとを自分から話してくれた。",
)
_AWARENESS = (
    "家族全体の生活費と家族の将来への不安が重なっており、高齢・困窮・ひきこもりの分野にまたがる。",
    "本人の介護の問題だけでなく、同居家族の就労と家計の立て直しを合わせて考える必要がある。",
    "一機関では対応しきれず、関係機関で役割を分けて関わることが必要と考える。",
)
_ANSWER_COMMENTS = {
    AnswerAction.CONNECT: "既存の制度で対応できる見込みです。つなぎ先と連絡をとり、経過を確認します。",
    AnswerAction.SHARE: "すでに関わっている機関があるため、情報を共有し、役割を確認しました。",
    AnswerAction.MEETING: "関係機関が多いため、支援会議で情報を共有し、それぞれの役割を決めます。",
    AnswerAction.PARTICIPATION: "本人の希望を聞きながら、居場所や就労体験につながる方法を検討します。",
    AnswerAction.ACCOMPANY: "アセスメントのため、次回の訪問に同行させてください。",
    AnswerAction.OTHER: "まずは紹介元と電話で状況を確認してから、進め方を相談します。",
}


def _pick(rng: random.Random, items: tuple[str, ...], n: int = 2) -> str:
    return "".join(rng.sample(items, min(n, len(items))))


def _sheet_values(
    db: Database, template: SheetTemplate, rng: random.Random, case: CaseRow | None, source: Any, on: dt.date
) -> dict[str, Any]:
    """A plausibly filled sheet: bound fields from the case, the free texts from the phrase lists."""
    known: dict[Binding, Any] = {
        Binding.SOURCE_AGENCY: {"name": source.name, "id": source.id},
        Binding.SOURCE_STAFF: {"name": _staff_name(db, source), "id": None},
        Binding.ROUTE: "関係機関から",
    }
    if case is not None:
        full = db.cases.get(case.id)
        known |= case_bindings(full)
        known[Binding.MAIN_COMPLAINT] = full.summary or "生活全般の困りごとについて相談があった。"
        known[Binding.CONSENT] = full.consent_state.value == "あり"
    values = prefill(template, known)
    texts = {
        "history": _pick(rng, _HISTORY, 3),
        "strengths": _pick(rng, _STRENGTHS, 1),
        "issue_awareness": _pick(rng, _AWARENESS, 1),
        "household_situation": "本人と同居家族の二人暮らし。家計は本人の年金が中心。",
        "involved": f"{source.name}が月に一度訪問している。",
        "wishes": "できるだけ今の家で暮らし続けたい。",
    }
    for f in template.fields(include_hidden=False):
        if f.key in texts and f.key not in values:
            values[f.key] = texts[f.key]
        elif f.type.value == "date" and f.binds is None and f.key not in values:
            values[f.key] = on.isoformat()
    return values


def _staff_name(db: Database, agency: Any) -> str:
    staff = db.staff.list(agency.id, active_only=True)
    return staff[0].name if staff else "担当者"


def _staff_ref(db: Database, agency: Any) -> dict[str, Any]:
    staff = db.staff.list(agency.id, active_only=True)
    return {"name": staff[0].name, "id": staff[0].id} if staff else {"name": "担当者", "id": None}


def _answer_values(
    template: SheetTemplate, action: AnswerAction, on: dt.date, agency: Any, responder: dict[str, Any]
) -> dict[str, Any]:
    values: dict[str, Any] = {}

    def put(binding: Binding, value: Any) -> None:
        f = template.bound(binding)
        if f is not None:
            values[f.key] = value

    put(Binding.ANSWER_ACTIONS, {"selected": [action.value], "primary": None})
    put(Binding.ANSWER_AGENCY, {"name": agency.name, "id": agency.id})
    put(Binding.ANSWER_VISIT_DATE, (on + dt.timedelta(days=7)).isoformat())
    put(Binding.ANSWER_OTHER, "紹介元と電話で状況を確認する")
    put(Binding.ANSWER_COMMENT, _ANSWER_COMMENTS[action])
    put(Binding.ANSWER_DATE, on.isoformat())
    put(Binding.ANSWER_RESPONDER, responder)
    return values


def add_referrals(db: Database, rng: random.Random, today: dt.date) -> int:
    """Add the demo referrals; returns how many."""
    agencies = db.agencies.list(active_only=True)
    referring = [
        a
        for a in agencies
        if a.field
        in (
            AgencyField.ELDERLY,
            AgencyField.DISABILITY,
            AgencyField.CHILDREN,
            AgencyField.POVERTY,
            AgencyField.HEALTH,
        )
    ]
    coordinator = next((a for a in agencies if a.business is Business.COLLABORATION), agencies[0])
    responder = _staff_name(db, coordinator)
    cases = sorted(db.cases.rows(limit=10_000), key=lambda r: r.opened_on)
    linked = [c for c in cases if c.status is not CaseStatus.RECEIVED and (today - c.opened_on).days > 20]
    fresh = [c for c in cases if c.status is CaseStatus.RECEIVED]
    ab = db.templates.latest("takashima_ab")
    count = 0
    people = iter(rng.sample(_NEW_PEOPLE, len(_NEW_PEOPLE)))

    def new(template_key: str, case: CaseRow | None, created_on: dt.date, **extra: Any) -> ReferralId:
        nonlocal count
        stored = db.templates.latest(template_key)
        source = rng.choice(referring or agencies)
        values = _sheet_values(db, stored.template, rng, case, source, created_on)
        values.update(extra)
        count += 1
        return db.referrals.create(stored.id, values, created_on=created_on, by=source.name)

    # 回答済: one for each C票 check item, on cases already under way.
    for action, case in zip(
        AnswerAction, rng.sample(linked, min(len(linked), len(AnswerAction))), strict=False
    ):
        created = case.opened_on - dt.timedelta(days=rng.randint(2, 6))
        referral_id = new(ab.template.key, case, created)
        db.referrals.send(referral_id, on=created + dt.timedelta(days=1))
        db.referrals.accept(referral_id, on=case.opened_on, case_id=CaseId(case.id), by=responder)
        answer_template = db.referrals.get(referral_id).answer_template
        assert answer_template is not None
        target = rng.choice([a for a in agencies if a.id != coordinator.id])
        answered = min(today, case.opened_on + dt.timedelta(days=rng.randint(1, 5)))
        db.referrals.answer(
            referral_id,
            _answer_values(answer_template, action, answered, target, _staff_ref(db, coordinator)),
            by=responder,
        )
    # 受理 (answer being written) on the newest cases.
    for case in fresh[-2:]:
        referral_id = new(ab.template.key, case, case.opened_on - dt.timedelta(days=2))
        db.referrals.send(referral_id, on=case.opened_on - dt.timedelta(days=1))
        db.referrals.accept(referral_id, on=case.opened_on, case_id=CaseId(case.id), by=responder)
    # 送付 and waiting, on other towns' sheets; one is a person already on file (a duplicate to link).
    waiting = (("sakai_shokai", 3), ("yonago_tsunagu", 9), ("standard_uketsuke_consent", 20))
    for index, (key, days) in enumerate(waiting):
        sent = today - dt.timedelta(days=days)
        known = cases[0] if index == 0 and cases else None
        extra = {"issue_awareness": _pick(rng, _AWARENESS, 1)} if key == "sakai_shokai" else {}
        if known is None:
            extra |= _new_person(db.templates.latest(key).template, next(people))
        referral_id = new(key, known, sent - dt.timedelta(days=1), **extra)
        db.referrals.send(referral_id, on=sent)
    # 下書き: one nearly complete, one started on the 本人同意なし form.
    new(ab.template.key, None, today - dt.timedelta(days=1), **_new_person(ab.template, next(people)))
    noconsent = db.templates.latest("standard_uketsuke_noconsent")
    count += 1
    db.referrals.create(
        noconsent.id,
        _new_person(noconsent.template, next(people), consent=False),
        created_on=today,
        by=responder,
    )
    # 取下げ.
    referral_id = new(
        ab.template.key, None, today - dt.timedelta(days=30), **_new_person(ab.template, next(people))
    )
    db.referrals.send(referral_id, on=today - dt.timedelta(days=29))
    db.referrals.withdraw(
        referral_id, on=today - dt.timedelta(days=25), reason="本人が町外の親族宅へ転居したため", by=responder
    )
    return count


_NEW_PEOPLE = (
    ("森 正雄", "モリ マサオ", dt.date(1948, 6, 3), "男"),
    ("石田 恵子", "イシダ ケイコ", dt.date(1971, 11, 20), "女"),
    ("工藤 悠斗", "クドウ ユウト", dt.date(2002, 2, 14), "男"),
    ("酒井 千代", "サカイ チヨ", dt.date(1940, 9, 9), "女"),
    ("長谷川 直樹", "ハセガワ ナオキ", dt.date(1985, 4, 27), "男"),
    ("小野 美穂", "オノ ミホ", dt.date(1992, 12, 1), "女"),
)


def _new_person(
    template: SheetTemplate, who: tuple[str, str, dt.date, str], *, consent: bool = True
) -> dict[str, Any]:
    name, kana, born, sex = who
    return prefill(
        template,
        {
            Binding.PERSON_NAME: name,
            Binding.PERSON_KANA: kana,
            Binding.BIRTH_DATE: born,
            Binding.SEX: sex,
            Binding.MAIN_COMPLAINT: "近所の人から、最近姿を見かけないと相談があった。",
            Binding.CONSENT: consent,
        },
    )
