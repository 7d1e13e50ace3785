"""Reasons follow the case's kind of right: the services refuse a reason of another kind (naming
the field), a report-wide decision too, and the automatic suppression cites the right's kind."""

import pytest
from django.db import transaction
from django.urls import reverse

from actions.models import BulkJob, EnforcementAction
from audit.models import AuditEntry
from complaints.models import Case, CaseSource, CaseState, Decision
from complaints.reasons import statement_preview
from complaints.sanctions import reporter_figures
from complaints.sla import case_due_at
from decisions.automated import case_suppress_automated
from decisions.report_jobs import report_cases_decide, report_job_walk
from decisions.services import ReasonError, case_decide
from review.claims import case_claim

from ..conftest import claim, file_report
from ..factories import TrademarkFactory


def _right(world, kind):
    registration = {"office": "", "registration_number": ""} if kind == "copyright" else {}
    return TrademarkFactory(brand=world.brand_a, kind=kind, name=f"Acme {kind}", **registration)


def _held(world, kind, *, listings=None):
    report = file_report(reporter=world.alice, right=_right(world, kind), listings=listings or world.listings_a[:1])
    cases = list(report.cases.order_by("id"))
    claim(cases[0], world.rev1)
    return cases


def _written():
    return (Decision.objects.count(), EnforcementAction.objects.count(), BulkJob.objects.count(),
            AuditEntry.objects.count())


@pytest.mark.parametrize("kind,code", [("patent", "tm_counterfeit"), ("copyright", "tm_suppress_images"),
                                       ("design", "patent_claims_met"), ("trademark", "copyright_no_infringement")])
def test_a_reason_of_another_kind_is_refused_naming_the_field(world, kind, code):
    case = _held(world, kind)[0]
    before = _written()
    with pytest.raises(ReasonError) as refused:
        case_decide(case=case, reviewer=world.rev1, reason_code=code, facts="Checked.")
    assert refused.value.field == "reason_code"
    assert f"({code})" in str(refused.value) and f"this case relies on a {kind}" in str(refused.value)
    case.refresh_from_db()
    assert case.state == CaseState.IN_REVIEW and case.claimed_by == world.rev1 and _written() == before


def test_the_refusal_says_which_kind_the_reason_is_for(world):
    case = _held(world, "patent")[0]
    with pytest.raises(ReasonError, match=r"^The reason “Counterfeit goods bearing the registered mark” "
                                          r"\(tm_counterfeit\) is for trademark cases; this case relies on a "
                                          r"patent\. Choose one of the reasons for a patent\.$"):
        case_decide(case=case, reviewer=world.rev1, reason_code="tm_counterfeit", facts="Checked.")


def test_a_patent_removal_cites_the_patent(world):
    case = _held(world, "patent")[0]
    decision = case_decide(case=case, reviewer=world.rev1, reason_code="patent_claims_met",
                           facts="The hinge has every feature of claim 1.")
    assert decision.outcome == "remove" and decision.reason_code == "patent_claims_met"
    assert "Ground: Infringement of a granted patent: the product offered has every feature" in decision.statement
    assert "Right relied on: Patent “Acme patent”" in decision.statement
    assert "trademark" not in decision.statement.lower()


def test_the_kind_neutral_rejection_fits_every_kind(world):
    for kind, listing in zip(["patent", "design", "copyright"], world.listings_a, strict=True):
        case = _held(world, kind, listings=[listing])[0]
        decision = case_decide(case=case, reviewer=world.rev1, reason_code="insufficient_evidence", facts="Vague.")
        assert decision.outcome == "reject"


def test_a_report_wide_decision_refuses_a_reason_of_another_kind(world):
    cases = _held(world, "design", listings=world.listings_a[:3])
    before = _written()
    with pytest.raises(ReasonError) as refused:
        report_cases_decide(case=cases[0], reviewer=world.rev1, reason_code="tm_counterfeit", facts="Same lamp.")
    assert refused.value.field == "reason_code" and "this case relies on a design" in str(refused.value)
    assert _written() == before
    assert set(Case.objects.filter(pk__in=[c.pk for c in cases]).values_list("state", flat=True)) == {
        CaseState.IN_REVIEW, CaseState.OPEN}


def test_a_report_wide_copyright_decision_cites_copyright_on_every_case(world):
    cases = _held(world, "copyright", listings=world.listings_a[:3])
    result = report_cases_decide(case=cases[0], reviewer=world.rev1, reason_code="copyright_unauthorized_copies",
                                 facts="Pirated copies of the catalogue.")
    report_job_walk(job_id=result.job.pk)
    decisions = Decision.objects.filter(case__in=cases).order_by("case_id")
    assert [d.reason_code for d in decisions] == ["copyright_unauthorized_copies"] * 3
    assert all("Ground: Infringement of copyright: the goods offered are copies of the protected work"
               in d.statement and "trademark" not in d.statement.lower() for d in decisions)


def _automatic_case(world, kind, listing):
    right = _right(world, kind)
    return Case.objects.create(report=None, listing=listing, right=right, source=CaseSource.AUTOMATIC, priority=1,
                               due_at=case_due_at(priority=1, created_at=listing.created_at),
                               listing_snapshot=listing.snapshot(), detection={"rules": ["ships_from"]})


@pytest.mark.parametrize("kind,code,cites", [
    ("trademark", "auto_mark_outside_authorization", "Probable infringement of a verified registered trademark"),
    ("copyright", "auto_copyright_outside_authorization", "Probable infringement of a verified copyright"),
    ("patent", "auto_patent_outside_authorization", "Probable infringement of a verified granted patent"),
    ("design", "auto_design_outside_authorization", "Probable infringement of a verified registered design"),
])
def test_the_automatic_suppression_uses_the_reason_of_the_rights_kind(world, kind, code, cites):
    case = _automatic_case(world, kind, world.listings_a[0])
    decision = case_suppress_automated(case=case, facts="Ships from CN, outside the authorized countries.")
    assert (decision.outcome, decision.reason_code, decision.automated, decision.decided_by) == (
        "suppress", code, True, None)
    assert f"Ground: {cites}" in decision.statement and "Detection and decision were automated." in decision.statement


def test_a_person_confirming_an_automatic_case_is_not_said_to_act_on_a_notice(world):
    case = _automatic_case(world, "trademark", world.listings_a[0])
    with transaction.atomic():
        case_claim(case=case, reviewer=world.rev1)
    decision = case_decide(case=case, reviewer=world.rev1, reason_code="tm_misuse", facts="Mark in the title.")
    assert ("Detection: automatic, by the rights owner's protection rules. Decision: taken by a person"
            in decision.statement)
    assert "notice from the rights holder" not in decision.statement


def test_the_preview_of_a_reason_of_another_kind_is_empty(world):
    case = _held(world, "patent")[0]
    assert statement_preview(case=case, reason_code="tm_counterfeit", facts="x") == ""
    assert "Infringement of a granted patent" in statement_preview(case=case, reason_code="patent_claims_met",
                                                                   facts="x")


def test_a_rejection_of_any_kind_counts_against_the_reporter_as_unfounded(world):
    for kind, code, listing in [("copyright", "copyright_no_infringement", world.listings_a[0]),
                                ("patent", "patent_no_infringement", world.listings_a[1]),
                                ("design", "design_no_infringement", world.listings_a[2])]:
        case = _held(world, kind, listings=[listing])[0]
        case_decide(case=case, reviewer=world.rev1, reason_code=code, facts="Lawful.")
    figures = reporter_figures(reporter=world.alice)
    assert (figures.decided, figures.unfounded) == (3, 3)


# --- the decide view ---------------------------------------------------------------------------

def _url(case):
    return reverse("decisions:case_decide", kwargs={"pk": case.pk})


def test_the_view_refuses_a_trademark_reason_on_a_patent_case_and_keeps_the_input(world, client):
    case = _held(world, "patent")[0]
    before = _written()
    client.force_login(world.rev1)
    response = client.post(_url(case), {"reason_code": "tm_counterfeit", "facts": "Same hinge.", "statement": "x"})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_reason_code_error"' in html
    assert "“tm_counterfeit” is not a reason for a patent case. Choose one of the reasons listed." in html
    assert "Same hinge.</textarea>" in html and _written() == before


def test_the_view_puts_the_services_reason_refusal_on_the_reason_field(world, client, monkeypatch):
    case = _held(world, "patent")[0]

    def refuse(**kwargs):
        raise ReasonError("The reason does not fit this case.")

    monkeypatch.setattr("decisions.views.case_decide", refuse)
    client.force_login(world.rev1)
    response = client.post(_url(case), {"reason_code": "patent_claims_met", "facts": "Same hinge."})
    html = response.content.decode()
    assert response.status_code == 400
    assert 'id="id_reason_code_error"' in html and "The reason does not fit this case." in html


def test_the_view_records_a_patent_reason_on_a_patent_case(world, client):
    case = _held(world, "patent")[0]
    client.force_login(world.rev1)
    response = client.post(_url(case), {"reason_code": "patent_suppress_unclear", "facts": "Looks like claim 1."})
    assert response.status_code == 302
    decision = Decision.objects.get(case=case)
    assert decision.reason_code == "patent_suppress_unclear" and decision.outcome == "suppress"
    assert "Likely infringement of a granted patent" in decision.statement
