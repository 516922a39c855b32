"""Deterministic, clearly fictional data shapes shared by the app path and the raw floors.

Both sides of every benchmark write or read exactly these rows: the app through its
repositories, the floors through hand-written SQL.  Names, districts and note wording come from
the demo town (jusou_desktop.demo), so the text has the same length and character mix as the
data a town would type.  Nothing here touches a file.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from dataclasses import dataclass

from jusou_desktop.demo import DISTRICTS, GENERIC_NOTES, GIVEN_NAMES, SURNAMES
from jusou_desktop.domain.kana import search_key, to_katakana
from jusou_desktop.domain.model import (
    CaseStatus,
    ConsentState,
    HouseholdMember,
    NoteKind,
    Person,
    Sex,
)
from jusou_desktop.domain.tags import STANDARD_TAGS
from jusou_desktop.domain.wareki import fiscal_year_of

TODAY = dt.date(2025, 3, 1)
"""A fixed 'today' so every run makes the same data (opened dates fall in 年度 2022–2024)."""

FICTIONAL_NOTE = "架空の人物（ベンチマーク用）"
AGENCY_NAMES: tuple[str, ...] = (
    "つむぎ町多機関協働事業所（架空）",
    "つむぎ町地域包括支援センター（架空）",
    "つむぎ町基幹相談支援センター（架空）",
    "つむぎ町くらしサポートセンター（架空）",
    "つむぎ町子育て世代包括支援センター（架空）",
    "つむぎ町社会福祉協議会（架空）",
)
MEETINGS: tuple[str, ...] = ("重層的支援会議", "支援会議")
EXTRA_SENTENCES: tuple[str, ...] = (
    "次回は二週間後に訪問する予定。",
    "家族の困りごとについても少し話してくれた。",
    "書類の整理を一緒に行い、期限のあるものに印をつけた。",
    "本人の希望を確認し、無理のない範囲で進めることにした。",
    "関係機関と情報を共有し、見守りの頻度を確認した。",
)
RARE_SENTENCE = "灯油の配達を手配した。"
"""Put in one note in 20,000: a two-character term (灯油) with fewer hits than a page (200) even
among a million notes, so the search reads every note."""
RARE_EVERY = 20_000

# Status mix of a town's case list (most cases are open; a third are finished).
_STATUS_WEIGHTS: tuple[tuple[CaseStatus, int], ...] = (
    (CaseStatus.RECEIVED, 8),
    (CaseStatus.ASSESSMENT, 10),
    (CaseStatus.PLANNING, 7),
    (CaseStatus.SUPPORTING, 25),
    (CaseStatus.MONITORING, 15),
    (CaseStatus.CLOSED, 30),
    (CaseStatus.SUSPENDED, 5),
)
_MEMBER_RELATIONS: tuple[str, ...] = ("配偶者", "子", "母", "父", "兄弟姉妹", "孫")


@dataclass(frozen=True, slots=True)
class CaseShape:
    """One case as a user would enter it, plus where it stands later (for the list data set)."""

    principal: Person
    members: tuple[HouseholdMember, ...]
    opened_on: dt.date
    number: str
    """The number the app gives it when the cases are created in this order (年度-連番)."""
    route: str
    summary: str
    tags: tuple[str, ...]
    status: CaseStatus
    consent: ConsentState
    lead: int
    """Index into AGENCY_NAMES, or -1 for no lead agency."""

    @property
    def people(self) -> tuple[Person, ...]:
        return (self.principal, *(m.person for m in self.members))


@dataclass(frozen=True, slots=True)
class NoteShape:
    case_index: int
    """0-based position of the case in the list made by make_cases (case id = index + 1)."""
    noted_on: dt.date
    kind: NoteKind
    body: str
    author_name: str


def _person(rng: random.Random, surname: tuple[str, str], age: int, sex: Sex) -> Person:
    group = "old" if age >= 65 else "mid" if age >= 30 else "young"
    given, given_kana = rng.choice(GIVEN_NAMES[(group, sex)])
    district, postal = rng.choice(DISTRICTS)
    birth = TODAY - dt.timedelta(days=age * 365 + rng.randint(0, 364))
    return Person(
        name=f"{surname[0]} {given}",
        kana=f"{surname[1]} {given_kana}",
        birth_date=birth,
        sex=sex,
        postal_code=postal,
        address=f"つむぎ町{district}{rng.randint(1, 9)}-{rng.randint(1, 30)}",
        district=district,
        phone=f"0000-11-{rng.randint(0, 9999):04d}",
        note=FICTIONAL_NOTE,
    )


def make_cases(count: int, seed: int = 2024) -> list[CaseShape]:
    """``count`` cases in creation order; their numbers are what the app would assign."""
    rng = random.Random(seed)
    per_year: dict[int, int] = {}
    statuses = [s for s, _ in _STATUS_WEIGHTS]
    weights = [w for _, w in _STATUS_WEIGHTS]
    shapes: list[CaseShape] = []
    for _ in range(count):
        surname = rng.choice(SURNAMES)
        age = rng.randint(18, 95)
        principal = _person(rng, surname, age, rng.choice((Sex.MALE, Sex.FEMALE)))
        members = tuple(
            HouseholdMember(
                _person(rng, surname, rng.randint(1, 95), rng.choice((Sex.MALE, Sex.FEMALE))),
                rng.choice(_MEMBER_RELATIONS),
            )
            for _ in range(rng.choice((0, 0, 1, 1, 1, 2, 2, 3)))
        )
        opened_on = TODAY - dt.timedelta(days=rng.randint(0, 3 * 365 - 60))
        year = fiscal_year_of(opened_on)
        per_year[year] = per_year.get(year, 0) + 1
        shapes.append(
            CaseShape(
                principal=principal,
                members=members,
                opened_on=opened_on,
                number=f"{year}-{per_year[year]:04d}",
                route=rng.choice(("電話相談", "来所相談", "つなぎシート", "民生委員から")),
                summary=rng.choice(EXTRA_SENTENCES),
                tags=tuple(rng.sample(STANDARD_TAGS, rng.choice((0, 1, 1, 2)))),
                status=rng.choices(statuses, weights)[0],
                consent=rng.choice(tuple(ConsentState)),
                lead=rng.randrange(-1, len(AGENCY_NAMES)),
            )
        )
    return shapes


def iter_notes(cases: list[CaseShape], count: int, seed: int = 2025) -> Iterator[NoteShape]:
    """``count`` notes spread over the cases, made one at a time (a million would not fit well)."""
    rng = random.Random(seed)
    for i in range(count):
        index = rng.randrange(len(cases))
        case = cases[index]
        kind, template = rng.choice(GENERIC_NOTES)
        body = template.format(
            name=case.principal.name.split()[0] + "さん",
            agency=rng.choice(AGENCY_NAMES),
            meeting=rng.choice(MEETINGS),
        )
        body += "".join(rng.sample(EXTRA_SENTENCES, rng.choice((0, 1, 1, 2))))
        if i % RARE_EVERY == RARE_EVERY - 1:
            body += RARE_SENTENCE
        yield NoteShape(
            case_index=index,
            noted_on=case.opened_on
            + dt.timedelta(days=rng.randint(0, max(0, (TODAY - case.opened_on).days))),
            kind=kind,
            body=body,
            author_name=rng.choice(("相談支援員 A", "社会福祉士 B", "保健師 C")),
        )


def person_row(person: Person, now: str) -> tuple[object, ...]:
    """The persons row the app stores for ``person`` (same folding of name and フリガナ)."""
    kana = to_katakana(person.kana)
    return (
        person.name.strip(),
        kana,
        person.birth_date.isoformat() if person.birth_date else None,
        person.sex.value,
        person.postal_code,
        person.address,
        person.district,
        person.phone,
        person.note,
        search_key(person.name) + "|" + search_key(kana),
        search_key(kana),
        now,
        now,
    )
