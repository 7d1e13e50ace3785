"""A reason of another kind of right is refused by every path that takes a reason code, with the
error on the reason field: the single decision, the report-wide decision, the page."""

import pytest
from django.urls import reverse

from actions.models import BulkJob, EnforcementAction
from audit.models import AuditEntry
from complaints.models import Case, CaseState, Decision
from decisions.report_jobs import report_cases_decide, report_job_walk
from decisions.services import ReasonError, case_decide

from ..conftest import claim, file_report
from ..factories import TrademarkFactory


def _held(world, kind, listings):
    right = TrademarkFactory(brand=world.brand_a, kind=kind, name=f"ACME {kind}",
                             office="" if kind == "copyright" else "USPTO")
    cases = list(file_report(reporter=world.alice, right=right, listings=listings).cases.order_by("id"))
    claim(cases[0], world.rev1)
    return cases


def _written():
    return (Decision.objects.count(), EnforcementAction.objects.count(), BulkJob.objects.count(),
            AuditEntry.objects.count())


@pytest.mark.parametrize("kind,code", [("patent", "tm_counterfeit"), ("copyright", "tm_suppress_images"),
                                       ("design", "pt_product_infringes"), ("copyright", "ds_no_infringement")])
def test_the_service_error_names_the_reason_field(world, kind, code):
    case = _held(world, kind, world.listings_a[:1])[0]
    before = _written()
    with pytest.raises(ReasonError) as refused:
        case_decide(case=case, reviewer=world.rev1, reason_code=code, facts="Checked.")
    assert refused.value.field == "reason_code" and f"this case relies on a {kind}" in str(refused.value)
    assert _written() == before


def test_an_unknown_reason_is_refused_on_the_reason_field_too(world):
    case = _held(world, "patent", world.listings_a[:1])[0]
    with pytest.raises(ReasonError, match="Choose a reason for the decision.") as refused:
        case_decide(case=case, reviewer=world.rev1, reason_code="appeal_genuine_goods", facts="Checked.")
    assert refused.value.field == "reason_code"


def test_a_report_wide_decision_refuses_a_reason_of_another_kind(world):
    cases = _held(world, "design", world.listings_a[:3])
    before = _written()
    with pytest.raises(ReasonError, match="this case relies on a design") as refused:
        report_cases_decide(case=cases[0], reviewer=world.rev1, reason_code="tm_counterfeit", facts="Same lamp.")
    assert refused.value.field == "reason_code" and _written() == before
    assert sorted(Case.objects.filter(pk__in=[c.pk for c in cases]).values_list("state", flat=True)) == [
        CaseState.IN_REVIEW, CaseState.OPEN, CaseState.OPEN]


def test_a_report_wide_copyright_decision_cites_copyright_on_every_case(world):
    cases = _held(world, "copyright", world.listings_a[:3])
    result = report_cases_decide(case=cases[0], reviewer=world.rev1, reason_code="cr_unauthorized_copy",
                                 facts="Pirated copies of the catalogue.")
    report_job_walk(job_id=result.job.pk)
    decisions = list(Decision.objects.filter(case__in=cases).order_by("case_id"))
    assert [d.reason_code for d in decisions] == ["cr_unauthorized_copy"] * 3
    assert all("Ground: Infringement of copyright" in d.statement and "trademark" not in d.statement.lower()
               for d in decisions)


def test_the_page_puts_the_services_refusal_on_the_reason_field(world, client, monkeypatch):
    case = _held(world, "patent", world.listings_a[:1])[0]

    def refuse(**kwargs):
        raise ReasonError("The reason does not fit this case.")

    monkeypatch.setattr("decisions.views.case_decide", refuse)
    client.force_login(world.rev1)
    response = client.post(reverse("decisions:case_decide", args=[case.pk]),
                           {"reason_code": "pt_product_infringes", "facts": "Same hinge."})
    html = response.content.decode()
    assert response.status_code == 400
    assert 'id="id_reason_code_error"' in html and "The reason does not fit this case." in html
    assert "Same hinge.</textarea>" in html
