"""Reports relying on a right that is not registered: created with the report, lowest lane, named
as unregistered on the case, the report and the statement of reasons."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from complaints import services
from complaints.lanes import _reprioritize, case_priority
from complaints.models import Case, InfringementType, Priority, Report, ReporterCapacity
from complaints.reasons import REASONS, statement_compose
from complaints.services import ReportError, report_submit
from registry.models import IPRight, RightStatus
from review.selectors import queue_health

from ..conftest import DETAILS_BY_KIND, claim_and_remove, file_report

TRADEMARK = {"kind": "trademark", "name": "ZENOR", "first_used_on": "2019-03-01", "use_countries": ["US", "CA"],
             "description": "Headphones sold under ZENOR since 2019."}
DESIGN = {"kind": "design", "name": "Aurora lamp shape", "product": "table lamp",
          "first_published_on": (timezone.localdate() - timedelta(days=200)).isoformat(),
          "description": "A faceted conical shade on a triangular base."}


def submit(world, *, reporter=None, brand=None, kind="trademark", **overrides):
    """report_submit with a complete report of `kind`, the right left to the caller."""
    reporter = reporter or world.alice
    fields = dict(
        reporter=reporter, brand=brand or world.brand_a,
        capacity=ReporterCapacity.AGENT if reporter == world.agent else ReporterCapacity.OWNER,
        infringement_type=InfringementType.COUNTERFEIT if kind == "trademark" else "",
        details=DETAILS_BY_KIND.get(kind, {}), explanation="Replica of our goods.", contact_email="legal@example.test",
        listings=world.listings_a[:2], signature="Alice Example",
        declarations={"good_faith": True, "accurate": True, "authority": True},
    )
    fields.update(overrides)
    return report_submit(**fields)


def file_unregistered(world, *, described=TRADEMARK, **overrides):
    return submit(world, kind=described.get("kind", "trademark"), unregistered_right=dict(described), **overrides)


@pytest.fixture
def nothing_filed():
    """Asserts, after the test body, that no report, case, right or audit entry was written."""
    before = (Report.objects.count(), Case.objects.count(), IPRight.objects.count(), AuditEntry.objects.count())
    yield
    assert (Report.objects.count(), Case.objects.count(), IPRight.objects.count(),
            AuditEntry.objects.count()) == before


def test_it_creates_the_right_for_the_brand_with_the_report(world):
    report = file_unregistered(world)
    right = report.right
    assert right.brand == world.brand_a and not right.registered and right.kind == "trademark"
    assert right.name == "ZENOR" and right.use_countries == ["CA", "US"] and right.submitted_by == world.alice
    assert report.kind == "trademark" and report.cases.count() == 2
    actions = list(AuditEntry.objects.order_by("id").values_list("action", flat=True))
    assert actions == ["ipright.described", "report.submitted", "case.open", "case.open"]


def test_its_cases_go_to_the_unregistered_lane_with_its_own_sla(world, settings, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    settings.REVIEW_SLA_HOURS = {**settings.REVIEW_SLA_HOURS, 3: 200}
    cases = list(file_unregistered(world).cases.all())
    assert {c.priority for c in cases} == {Priority.UNREGISTERED}
    assert all(c.due_at == timezone.now() + timedelta(hours=200) for c in cases)


def test_the_lane_comes_after_other():
    assert max(Priority.values) == Priority.UNREGISTERED > Priority.OTHER
    assert Priority.UNREGISTERED.label == "Unregistered right"


def test_a_trusted_flagger_or_good_faith_brand_does_not_jump_the_lane(world):
    world.brand_a.trusted_flagger = True
    world.brand_a.good_faith_lane = True
    world.brand_a.save()
    report = file_unregistered(world)
    assert set(report.cases.values_list("priority", flat=True)) == {Priority.UNREGISTERED}
    assert case_priority(brand=world.brand_a, right=world.tm_a) == Priority.TRUSTED
    # Re-prioritizing the brand's open cases (entering or leaving the good-faith lane) keeps it last.
    _reprioritize(brand=world.brand_a)
    assert set(report.cases.values_list("priority", flat=True)) == {Priority.UNREGISTERED}


def test_an_agent_files_with_an_unregistered_right(world):
    report = file_unregistered(world, reporter=world.agent)
    assert report.reporter == world.agent and report.right.submitted_by == world.agent


def test_an_unregistered_design_files_a_design_report(world):
    report = file_unregistered(world, described=DESIGN)
    assert report.kind == "design" and report.right.expires_on is not None
    assert report.details == DETAILS_BY_KIND["design"]


def test_a_later_report_can_rely_on_the_same_unregistered_right_and_joins_its_cases(world):
    first = file_unregistered(world, listings=world.listings_a[:1])
    second = file_report(reporter=world.alice, right=first.right, listings=world.listings_a[:1])
    assert second.cases.count() == 0 and second.linked_cases.get() == first.cases.get()


def test_a_patent_cannot_be_unregistered(world, nothing_filed):
    with pytest.raises(ReportError, match="only once it is granted") as exc:
        submit(world, kind="patent", unregistered_right={"kind": "patent", "name": "Hinge"})
    assert exc.value.field == "unregistered_right.kind"


@pytest.mark.parametrize("described,field", [
    ({**TRADEMARK, "first_used_on": ""}, "unregistered_right.first_used_on"),
    ({**TRADEMARK, "use_countries": ["ZZ"]}, "unregistered_right.use_countries"),
    ({**DESIGN, "first_published_on": "2020-01-01"}, "unregistered_right.first_published_on"),
    ({**TRADEMARK, "office": "USPTO"}, "unregistered_right.office"),
    ({**TRADEMARK, "kind": "plant variety"}, "unregistered_right.kind"),
])
def test_a_bad_description_files_nothing(world, nothing_filed, described, field):
    with pytest.raises(ReportError) as exc:
        file_unregistered(world, described=described)
    assert exc.value.field == field


def test_it_needs_a_right_or_a_description_not_both(world, nothing_filed):
    with pytest.raises(ReportError, match="not both") as exc:
        file_report(reporter=world.alice, right=world.tm_a, unregistered_right=dict(TRADEMARK),
                    listings=world.listings_a[:1])
    assert exc.value.field == "right"
    with pytest.raises(ReportError, match="describe a right"):
        submit(world)


def test_another_brands_right_is_still_refused(world, nothing_filed):
    with pytest.raises(ReportError, match="this brand's registered rights") as exc:
        file_report(reporter=world.alice, right=world.tm_b, brand=world.brand_a, listings=world.listings_a[:1])
    assert exc.value.field == "right"


def test_no_one_describes_a_right_for_a_brand_they_do_not_act_for(world, nothing_filed):
    with pytest.raises(ReportError, match="not a member of this brand") as exc:
        file_unregistered(world, reporter=world.bob, brand=world.brand_a)
    assert exc.value.field == "brand"


def test_nothing_is_half_created_when_filing_fails_after_the_right(world, monkeypatch, nothing_filed):
    def fail(**kwargs):
        raise ReportError("Some of these listings were reported for this right a moment ago.", field="listings")

    monkeypatch.setattr(services, "_open_cases", fail)
    with pytest.raises(ReportError, match="a moment ago"):
        file_unregistered(world)


def test_the_statement_of_reasons_names_the_right_as_unregistered(world):
    case = file_unregistered(world, listings=world.listings_a[:1]).cases.get()
    decision = claim_and_remove(case=case, reviewer=world.rev1)
    statement = decision.statement
    assert "Right relied on: Unregistered trademark “ZENOR” held by Acme" in statement
    assert "The right is not registered with an office: it was described by the reporter (in use in commerce " \
           "since: 1 March 2019; countries where it is used: CA, US) and has not been verified" in statement
    assert "registered trademark" not in statement.replace("Unregistered trademark", "").replace(
        "unregistered trademark", "")
    assert "an unregistered trademark protected by its use" in statement
    registered = statement_compose(case=file_report(reporter=world.alice, right=world.tm_a,
                                                    listings=world.listings_a[1:2]).cases.get(),
                                   reason=REASONS["tm_counterfeit"], facts="Replica.")
    assert "Infringement of a registered trademark" in registered


def test_the_case_page_says_unregistered_and_shows_the_description(world, client):
    case = file_unregistered(world, listings=world.listings_a[:1]).cases.get()
    client.force_login(world.rev1)
    html = client.get(reverse("review:case_detail", args=[case.pk])).content.decode()
    assert "Unregistered right — described by the reporter" in html
    assert "Headphones sold under ZENOR since 2019." in html and "CA, US" in html
    assert "Unregistered right</" in html  # the lane


def test_the_report_page_says_unregistered_and_shows_the_description(world, client):
    report = file_unregistered(world, listings=world.listings_a[:1])
    client.force_login(world.agent)
    html = client.get(reverse("reporters:report_detail", args=[report.pk])).content.decode()
    assert "Unregistered right — described by the reporter" in html and "1 March 2019" in html
    client.force_login(world.bob)
    assert client.get(reverse("reporters:report_detail", args=[report.pk])).status_code == 404


def test_the_queue_filters_by_the_unregistered_lane(world, client):
    unregistered = file_unregistered(world, listings=world.listings_a[:1]).cases.get()
    registered = file_report(reporter=world.alice, right=world.tm_a, listings=world.listings_a[1:2]).cases.get()
    client.force_login(world.rev1)
    html = client.get(reverse("review:queue"), {"lane": Priority.UNREGISTERED}).content.decode()
    assert unregistered.reference in html and registered.reference not in html
    assert client.get(reverse("review:queue"), {"lane": 4}).status_code == 400


def test_queue_health_counts_the_lane_with_its_sla(world, settings, time_machine):
    settings.REVIEW_SLA_HOURS = {**settings.REVIEW_SLA_HOURS, 3: 120}
    file_unregistered(world, listings=world.listings_a[:1])
    time_machine.move_to(timezone.now() + timedelta(hours=121), tick=False)
    lane = next(x for x in queue_health(user=world.rev1).lanes if x["label"] == "Unregistered right")
    assert lane == {"label": "Unregistered right", "sla_hours": 120, "backlog": 1, "overdue": 1}


def test_a_rejected_or_expired_unregistered_right_cannot_support_a_report(world):
    right = file_unregistered(world, listings=world.listings_a[:1]).right
    IPRight.objects.filter(pk=right.pk).update(status=RightStatus.EXPIRED)
    right.refresh_from_db()
    with pytest.raises(ReportError, match="expired"):
        file_report(reporter=world.alice, right=right, listings=world.listings_a[1:2])
