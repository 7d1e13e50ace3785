"""Reasons per IP type: every kind of right has its own remove, suppress and reject reasons, with the
legal ground of its own law; the reviewer is offered only those that fit the case's right; the
service refuses the others; statements cite the right kind's law."""

import pytest
from django.urls import reverse

from complaints.models import Outcome
from complaints.reasons import AUTO_REASON_FOR_KIND, REASONS, reasons_for
from complaints.records import CaseError
from decisions.automated import case_suppress_automated
from decisions.services import case_decide

from ..conftest import claim, file_report
from ..factories import TrademarkFactory

pytestmark = pytest.mark.django_db

# Written out, not derived from the table: what a reviewer may pick for each kind and outcome.
EXPECTED = {
    ("trademark", "remove"): {"tm_counterfeit", "tm_misuse"},
    ("trademark", "suppress"): {"tm_suppress_unclear", "tm_suppress_images"},
    ("trademark", "reject"): {"no_infringement", "insufficient_evidence"},
    ("copyright", "remove"): {"cr_unauthorized_copy"},
    ("copyright", "suppress"): {"cr_suppress_unclear"},
    ("copyright", "reject"): {"cr_no_infringement", "insufficient_evidence"},
    ("patent", "remove"): {"pt_product_infringes"},
    ("patent", "suppress"): {"pt_suppress_unclear"},
    ("patent", "reject"): {"pt_no_infringement", "insufficient_evidence"},
    ("design", "remove"): {"ds_copied_design"},
    ("design", "suppress"): {"ds_suppress_unclear"},
    ("design", "reject"): {"ds_no_infringement", "insufficient_evidence"},
}
LAW_WORDS = {"trademark": "trademark", "copyright": "copyright", "patent": "patent", "design": "design"}


@pytest.mark.parametrize(("kind", "outcome"), sorted(EXPECTED))
def test_every_kind_and_outcome_has_its_own_reasons(kind, outcome):
    assert {r.code for r in reasons_for(outcome, kind=kind)} == EXPECTED[(kind, outcome)]


@pytest.mark.parametrize(("kind", "outcome"), sorted(k for k in EXPECTED if k[1] != "reject"))
def test_a_restricting_reasons_ground_cites_its_own_kind_of_right_and_no_other(kind, outcome):
    for reason in reasons_for(outcome, kind=kind):
        ground = reason.ground.lower()
        assert LAW_WORDS[kind] in ground, reason.code
        assert not any(word in ground for k, word in LAW_WORDS.items() if k != kind), reason.code


@pytest.fixture
def rights(world):
    return {"trademark": world.tm_a, **{kind: TrademarkFactory(brand=world.brand_a, kind=kind, name=f"ACME {kind}",
                                                               office="" if kind == "copyright" else "USPTO")
                                        for kind in ("copyright", "patent", "design")}}


def _case(world, right, listing):
    case = file_report(reporter=world.alice, right=right, listings=[listing]).cases.get()
    claim(case, world.rev1)
    return case


@pytest.mark.parametrize(("kind", "code", "cites"), [
    ("copyright", "cr_unauthorized_copy", "Infringement of copyright"),
    ("patent", "pt_product_infringes", "Infringement of a patent"),
    ("design", "ds_copied_design", "Infringement of a registered design"),
    ("trademark", "tm_counterfeit", "Infringement of a registered trademark"),
])
def test_a_takedowns_statement_cites_the_law_of_the_cases_right(world, rights, kind, code, cites):
    case = _case(world, rights[kind], world.listings_a[0])
    decision = case_decide(case=case, reviewer=world.rev1, reason_code=code, facts="The listing copies it.")
    assert cites in decision.statement
    if kind != "trademark":
        assert "trademark" not in decision.statement.lower()


def test_the_service_refuses_a_reason_for_another_kind_of_right_and_changes_nothing(world, rights):
    case = _case(world, rights["copyright"], world.listings_a[0])
    with pytest.raises(CaseError, match="not a ground for a copyright; this case relies on a copyright"):
        case_decide(case=case, reviewer=world.rev1, reason_code="tm_counterfeit", facts="Copied photo.")
    case.refresh_from_db()
    assert case.is_in_review and not case.decisions.exists()


def test_the_reviewer_is_offered_only_the_reasons_of_the_cases_right(world, client, rights):
    case = _case(world, rights["patent"], world.listings_a[0])
    client.force_login(world.rev1)
    page = client.get(reverse("review:case_detail", args=[case.pk])).content.decode()
    assert 'value="pt_product_infringes"' in page and 'value="insufficient_evidence"' in page
    assert 'value="tm_counterfeit"' not in page and 'value="cr_unauthorized_copy"' not in page
    # Posted anyway, a trademark reason is an error on the reason field, and the facts are kept.
    response = client.post(reverse("decisions:case_decide", args=[case.pk]),
                           {"reason_code": "tm_counterfeit", "facts": "The hinge of claim 1.", "statement": "x"})
    html = response.content.decode()
    assert response.status_code == 400 and 'id="id_reason_code_error"' in html
    assert "Choose one of the patent reasons" in html and "The hinge of claim 1." in html
    assert not case.decisions.exists()


@pytest.mark.parametrize("kind", ["patent", "design", "copyright"])
def test_an_automatic_suppression_cites_the_rights_own_kind(world, rights, kind):
    case = file_report(reporter=world.alice, right=rights[kind], listings=[world.listings_a[1]]).cases.get()
    decision = case_suppress_automated(case=case, facts="Matched the owner's rule.")
    assert decision.reason_code == AUTO_REASON_FOR_KIND[kind] == "auto_right_outside_authorization"
    assert "Ground: Probable infringement of a verified " in decision.statement
    ground = decision.statement.split("Ground: ")[1].split(".")[0]
    assert kind in ground, ground
    assert "{kind}" not in decision.statement and "trademark" not in decision.statement.lower()


def test_a_reviewers_decision_on_an_automatic_case_says_detection_was_automatic(world,
                                                                                django_capture_on_commit_callbacks):
    from complaints.models import Case, CaseSource

    from ..monitoring.helpers import set_rules, upsert

    set_rules(world, django_capture_on_commit_callbacks)
    upsert(django_capture_on_commit_callbacks, world.seller_b, "AUTO-1", title="ACME headphones")
    case = Case.objects.get(source=CaseSource.AUTOMATIC)
    claim(case, world.rev1)
    decision = case_decide(case=case, reviewer=world.rev1, reason_code="tm_misuse", facts="Mark in the title.")
    assert "Detection: automatic, by a protection rule the rights owner set. Decision: taken by a person" in \
        decision.statement
    assert "notice from the rights holder" not in decision.statement


def test_system_reasons_are_never_offered_to_a_person():
    offered = {r.code for o in Outcome.values for k in LAW_WORDS for r in reasons_for(o, kind=k)}
    assert not offered & {"auto_mark_outside_authorization", "auto_right_outside_authorization",
                          "auto_rule_no_longer_matches", "counter_notice_no_court_action", "notifier_suspended"}
    assert set(AUTO_REASON_FOR_KIND.values()) <= set(REASONS)
