"""The printable list of open 行動連携 actions: overdue first, per agency, case numbers only."""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path

from jusou_desktop.domain.meetings import Action, Attendee, Holding, Meeting, MeetingType, Reason
from jusou_desktop.domain.model import Agency, AgencyField, Consent, ConsentState, Person
from jusou_desktop.reports.actions_pdf import ActionListDocument, write_action_list_pdf
from jusou_desktop.store.database import Database

MEETING_DAY = dt.date(2024, 6, 11)
TODAY = dt.date(2024, 7, 1)


def test_open_actions_print_per_agency_without_names(db: Database, tmp_path: Path) -> None:
    houkatsu = db.agencies.add(Agency("つむぎ町地域包括支援センター", AgencyField.ELDERLY))
    shakyo = db.agencies.add(Agency("つむぎ町社会福祉協議会", AgencyField.COMMUNITY))
    case_id = db.cases.create(Person(name="山田 花子"), opened_on=dt.date(2024, 4, 5))
    db.cases.record_consent(case_id, Consent(state=ConsentState.GIVEN, recorded_on=dt.date(2024, 4, 5)))
    meeting_id = db.meetings.create(
        Meeting(MeetingType.JUSOU, Holding.AD_HOC, MEETING_DAY, title="いちばんいい会議")
    )
    db.meetings.add_case(meeting_id, case_id, Reason.SHARING)
    a = db.meetings.invite(meeting_id, Attendee("包括 一", "地域包括支援センター", agency_id=houkatsu))
    b = db.meetings.invite(meeting_id, Attendee("社協 二", "社会福祉協議会", agency_id=shakyo))
    db.meetings.add_action(
        meeting_id, case_id, Action(a, "包括 一", "自宅を訪問する", due_on=dt.date(2024, 6, 20))
    )
    db.meetings.add_action(
        meeting_id, case_id, Action(b, "社協 二", "家計の相談に乗る", due_on=dt.date(2024, 7, 30))
    )
    rows = db.meetings.open_actions(today=TODAY, agency_id=houkatsu)
    assert [r.what for r in rows] == ["自宅を訪問する"]
    dest = tmp_path / "役割.pdf"
    write_action_list_pdf(ActionListDocument("つむぎ町", "つむぎ町地域包括支援センター", rows, TODAY), dest)
    text = subprocess.run(
        ["pdftotext", "-raw", str(dest), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "自宅を訪問する" in text
    assert "期限切れ" in text
    assert "家計の相談" not in text  # another agency's action
    assert "山田" not in text  # case numbers only
    assert db.cases.get(case_id).number in text
    assert "取扱注意" in text
