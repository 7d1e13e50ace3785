import re

import pytest
from django.urls import reverse

from appeals.models import Appeal
from complaints.models import CaseState

from ..factories import ListingFactory, SuspensionFactory
from ..views import assert_login_redirect, open_case, removed_case


def _url(case):
    return reverse("sellers:notice_detail", kwargs={"pk": case.pk})


@pytest.mark.parametrize("name,kwargs", [("sellers:notice_list", {}), ("sellers:notice_detail", {"pk": 1})])
def test_it_sends_an_anonymous_visitor_to_log_in(client, db, name, kwargs):
    url = reverse(name, kwargs=kwargs)
    assert_login_redirect(client.get(url), url)


@pytest.mark.parametrize("persona", ["rev1", "alice", "outsider"])
def test_seller_center_is_for_sellers_only(world, client, settings, persona):
    settings.DEBUG = False
    case = removed_case(world)
    client.force_login(getattr(world, persona))
    for response in [client.get(reverse("sellers:notice_list")), client.get(_url(case)),
                     client.post(_url(case), {"statement": "Genuine."})]:
        assert response.status_code == 403
        assert "Seller Center is for sellers." in response.content.decode()
    assert Appeal.objects.count() == 0


def test_the_list_shows_removals_of_the_sellers_listings_only(world, client):
    removed = removed_case(world)
    waiting = open_case(world, world.listings_a[1])
    client.force_login(world.sam)
    html = client.get(reverse("sellers:notice_list")).content.decode()
    assert f'href="{_url(removed)}"' in html
    assert f'href="{_url(waiting)}"' not in html


def test_another_seller_sees_no_notice(world, client):
    removed_case(world)
    client.force_login(world.sue)
    assert "No notices." in client.get(reverse("sellers:notice_list")).content.decode()


def test_the_list_refuses_a_post(world, client):
    client.force_login(world.sam)
    assert client.post(reverse("sellers:notice_list")).status_code == 405


@pytest.mark.parametrize("rows", [5, 20])
def test_the_list_runs_a_fixed_number_of_queries(world, client, django_assert_max_num_queries, rows):
    for _ in range(rows):
        removed_case(world, listing=ListingFactory(seller=world.seller_a))
    client.force_login(world.sam)
    with django_assert_max_num_queries(3):
        response = client.get(reverse("sellers:notice_list"))
    assert len(re.findall(r'href="/seller/notices/\d+/"', response.content.decode())) == rows


def test_the_notice_shows_the_statement_of_reasons_and_the_appeal_form(world, client):
    case = removed_case(world)
    client.force_login(world.sam)
    response = client.get(_url(case))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Replica sold at 9.99." in html and "How to appeal" in html
    assert 'data-testid="listing-status">Removed<' in html
    assert "File appeal" in html


def test_another_sellers_notice_is_not_found(world, client, settings):
    settings.DEBUG = False
    case = removed_case(world)
    client.force_login(world.sue)
    for response in [client.get(_url(case)), client.post(_url(case), {"statement": "Let me in."})]:
        assert response.status_code == 404
        assert "Page not found" in response.content.decode()
        assert "Replica sold at 9.99." not in response.content.decode()
    assert Appeal.objects.count() == 0


def test_a_case_without_a_removal_is_not_a_notice(world, client):
    case = open_case(world)
    client.force_login(world.sam)
    assert client.get(_url(case)).status_code == 404


def test_filing_an_appeal(world, client):
    case = removed_case(world)
    client.force_login(world.sam)
    response = client.post(_url(case), {"statement": "Bought from the brand's distributor."}, follow=True)
    assert response.redirect_chain == [(_url(case), 302)]
    html = response.content.decode()
    assert "Appeal filed." in html and 'data-testid="appeal-status">Open<' in html
    appeal = Appeal.objects.get()
    assert appeal.filed_by == world.sam and appeal.case == case
    case.refresh_from_db()
    assert case.state == CaseState.APPEALED


def test_a_second_appeal_says_already_appealed(world, client):
    case = removed_case(world)
    client.force_login(world.sam)
    client.post(_url(case), {"statement": "Genuine goods."})
    response = client.post(_url(case), {"statement": "Really genuine."})
    assert response.status_code == 400
    assert "You already appealed this decision; one appeal per decision." in response.content.decode()
    assert Appeal.objects.count() == 1


def test_a_blank_appeal_is_refused_and_nothing_is_filed(world, client):
    case = removed_case(world)
    client.force_login(world.sam)
    response = client.post(_url(case), {"statement": ""})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Your appeal was not filed. Nothing you typed was lost." in html
    assert 'id="id_statement_error"' in html
    assert Appeal.objects.count() == 0
    case.refresh_from_db()
    assert case.state == CaseState.ACTIONED


def test_the_notice_refuses_a_put(world, client):
    case = removed_case(world)
    client.force_login(world.sam)
    assert client.put(_url(case)).status_code == 405


def test_seller_center_says_the_account_is_suspended(world, client):
    SuspensionFactory(seller=world.seller_a, reason="Repeated counterfeit listings.")
    SuspensionFactory(seller=world.seller_b, status="lifted")
    client.force_login(world.sam)
    html = client.get(reverse("sellers:seller_center")).content.decode()
    assert re.search(r'data-testid="health-label">Suspended<', html)
    assert f"{world.seller_a.name} is suspended</b>" in html and "Repeated counterfeit listings." in html
    client.force_login(world.sue)  # a lifted suspension is over
    html = client.get(reverse("sellers:seller_center")).content.decode()
    assert 'data-testid="suspension"' not in html and "Suspended<" not in html
