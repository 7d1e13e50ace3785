"""The impact page and the re-check progress: members only, by week, chart and table."""

import pytest
from django.urls import reverse

from complaints.models import Case

from .helpers import set_rules, upsert

pytestmark = pytest.mark.django_db


def test_the_impact_page_shows_protected_listings_by_week(world, client, django_capture_on_commit_callbacks):
    set_rules(world, django_capture_on_commit_callbacks, countries=["DE"], countries_mode="suppress")
    upsert(django_capture_on_commit_callbacks, world.seller_b, "X-1", title="ACME headphones")
    upsert(django_capture_on_commit_callbacks, world.seller_b, "X-2", title="Acmé cable", ships_from="DE")
    client.force_login(world.agent)  # any member of the brand, agents too
    page = client.get(reverse("monitoring:brand_impact", args=[world.brand_a.pk])).content.decode()
    assert '<svg viewBox' in page and "Listings protected automatically, by week" in page
    assert 'data-testid="total-protected">1<' in page
    assert 'data-testid="listing-status-X-1">Suppressed<' in page and "X-2" not in page
    assert reverse("monitoring:brand_impact", args=[1]) == "/registry/brands/1/impact/"


def test_the_impact_page_counts_reported_cases_too(world, client):
    from ..conftest import file_report

    file_report(reporter=world.alice, right=world.tm_a, listings=world.listings_a[:2])
    client.force_login(world.alice)
    response = client.get(reverse("monitoring:brand_impact", args=[world.brand_a.pk]))
    assert response.context["weeks"][-1].cases_reported == 2 and response.context["total_protected"] == 0


@pytest.mark.parametrize("who", ["bob", "outsider", "rev1"])
def test_other_people_get_a_404_on_the_impact_page(world, client, who):
    client.force_login(getattr(world, who))
    assert client.get(reverse("monitoring:brand_impact", args=[world.brand_a.pk])).status_code == 404


def test_the_impact_page_needs_login_and_get(world, client):
    url = reverse("monitoring:brand_impact", args=[world.brand_a.pk])
    assert client.get(url).status_code == 302
    client.force_login(world.alice)
    assert client.post(url).status_code == 405


def test_the_rules_page_polls_the_recheck_progress(world, client, django_capture_on_commit_callbacks):
    client.force_login(world.alice)
    rules_page = client.get(reverse("registry:rules_edit", args=[world.brand_a.pk])).content.decode()
    progress = reverse("monitoring:recheck_progress", args=[world.brand_a.pk])
    assert f'hx-get="{progress}"' in rules_page
    assert "No re-check yet" in client.get(progress, HTTP_HX_REQUEST="true").content.decode()
    set_rules(world, django_capture_on_commit_callbacks, countries=["DE"])
    fragment = client.get(progress, HTTP_HX_REQUEST="true").content.decode()
    assert "Last re-check done" in fragment and "5 listings checked" in fragment and "every 2s" not in fragment
    assert "<html" in client.get(progress).content.decode()  # works without HTMX (reload, no JS)


def test_a_running_recheck_polls_itself(world, client):
    from monitoring.services import recheck_start

    recheck_start(brand_id=world.brand_a.pk)  # chunks not run: on_commit is not executed here
    client.force_login(world.alice)
    progress = reverse("monitoring:recheck_progress", args=[world.brand_a.pk])
    fragment = client.get(progress, HTTP_HX_REQUEST="true").content.decode()
    assert "0</b> of 5" in fragment and 'hx-trigger="every 2s"' in fragment


@pytest.mark.parametrize(("who", "status"), [("agent", 403), ("bob", 404), ("outsider", 404)])
def test_only_brand_admins_see_the_recheck(world, client, who, status):
    client.force_login(getattr(world, who))
    assert client.get(reverse("monitoring:recheck_progress", args=[world.brand_a.pk])).status_code == status


def test_no_case_without_a_report_unless_automatic(world):
    from django.db import IntegrityError

    from complaints.models import CaseSource

    listing = world.listings_a[0]
    with pytest.raises(IntegrityError):
        Case.objects.create(report=None, listing=listing, right=world.tm_a, source=CaseSource.REPORT,
                            due_at=listing.created_at, listing_snapshot={})
