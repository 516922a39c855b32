"""What goes on paper for a plan version: the case, the version before it, monitoring and evaluation.

Read on the calling (GUI) thread into a plain :class:`PlanDocument`; the writers run elsewhere.
"""

from __future__ import annotations

import datetime as dt

from jusou_desktop.reports.plan_pdf import PlanDocument
from jusou_desktop.store.database import Database


def plan_document(db: Database, plan_id: int, printed_on: dt.date) -> PlanDocument:
    plan = db.plans.get(plan_id)
    case = db.cases.get(plan.case_id)
    earlier = [v for v in db.plans.versions(plan.case_id) if v.number < plan.number]
    evaluations = [e.evaluation for e in db.plans.endings(plan.case_id) if e.evaluation is not None]
    return PlanDocument(
        town=db.settings.town_name(),
        case_number=case.number,
        person_name=case.principal.name,
        plan=plan,
        printed_on=printed_on,
        previous=earlier[-1] if earlier else None,
        monitorings=db.plans.monitorings(plan_id),
        evaluation=evaluations[-1] if evaluations else None,
    )
