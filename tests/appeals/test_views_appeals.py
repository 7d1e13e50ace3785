import re

import pytest
from django.urls import reverse

from actions.models import EnforcementAction
from appeals.models import Appeal, AppealStatus
from appeals.services import appeal_decide, appeal_file
from complaints.models import CaseState, Decision
from listings.models import ListingStatus

from ..factories import ListingFactory
from ..views import assert_login_redirect, removed_case


def _appeal(world, reviewer=None, listing=None):
    case = removed_case(world, reviewer=reviewer, listing=listing)
    return appeal_file(case=case, user=world.sam, statement="Bought from the brand's distributor.")


def _unchanged(appeal):
    appeal.refresh_from_db()
    appeal.case.refresh_from_db()
    appeal.case.listing.refresh_from_db()
    return (appeal.status, appeal.case.state, appeal.case.listing.status, Decision.objects.count(),
            EnforcementAction.objects.count())


@pytest.mark.parametrize("name,kwargs", [("appeals:appeal_list", {}), ("appeals:appeal_detail", {"pk": 1})])
def test_it_sends_an_anonymous_visitor_to_log_in(client, db, name, kwargs):
    url = reverse(name, kwargs=kwargs)
    assert_login_redirect(client.get(url), url)


@pytest.mark.parametrize("persona", ["rev1", "sam", "alice", "outsider"])
def test_appeal_pages_are_for_senior_reviewers_only(world, client, settings, persona):
    settings.DEBUG = False
    appeal = _appeal(world)
    before = _unchanged(appeal)
    client.force_login(getattr(world, persona))
    for response in [
        client.get(reverse("appeals:appeal_list")),
        client.get(reverse("appeals:appeal_detail", kwargs={"pk": appeal.pk})),
        client.post(reverse("appeals:appeal_detail", kwargs={"pk": appeal.pk}),
                    {"reason_code": "appeal_genuine_goods", "facts": "Invoice."}),
    ]:
        assert response.status_code == 403
        assert "Only senior reviewers decide appeals." in response.content.decode()
    assert _unchanged(appeal) == before


def test_the_list_shows_open_appeals(world, client):
    appeal = _appeal(world)
    client.force_login(world.senior)
    response = client.get(reverse("appeals:appeal_list"))
    assert response.status_code == 200
    assert f'href="/review/appeals/{appeal.pk}/">Appeal #{appeal.pk}</a>' in response.content.decode()


def test_the_list_marks_the_seniors_own_decisions(world, client):
    _appeal(world, reviewer=world.senior)
    client.force_login(world.senior)
    assert "(you: a colleague must decide)" in client.get(reverse("appeals:appeal_list")).content.decode()


def test_the_list_leaves_out_decided_appeals(world, client):
    appeal = _appeal(world)
    appeal_decide(appeal=appeal, senior=world.senior, reason_code="appeal_no_new_facts", facts="No proof.")
    client.force_login(world.senior)
    assert "No open appeals." in client.get(reverse("appeals:appeal_list")).content.decode()


def test_the_list_refuses_a_post(world, client):
    client.force_login(world.senior)
    assert client.post(reverse("appeals:appeal_list")).status_code == 405


def test_the_detail_shows_the_appeal_and_the_decision(world, client):
    appeal = _appeal(world)
    client.force_login(world.senior)
    response = client.get(reverse("appeals:appeal_detail", kwargs={"pk": appeal.pk}))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Bought from the brand&#x27;s distributor." in html
    assert "Remove listing · rev1" in html and "Record ruling" in html


def test_granting_reinstates_the_listing(world, client, django_capture_on_commit_callbacks):
    appeal = _appeal(world)
    client.force_login(world.senior)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("appeals:appeal_detail", kwargs={"pk": appeal.pk}),
                               {"reason_code": "appeal_genuine_goods", "facts": "Invoice checked."})
    assert response.status_code == 302 and response["Location"] == reverse("appeals:appeal_list")
    appeal.refresh_from_db()
    appeal.case.refresh_from_db()
    appeal.case.listing.refresh_from_db()
    assert appeal.status == AppealStatus.GRANTED
    assert appeal.case.state == CaseState.REINSTATED
    assert appeal.case.listing.status == ListingStatus.ACTIVE


def test_denying_upholds_the_removal(world, client):
    appeal = _appeal(world)
    client.force_login(world.senior)
    response = client.post(reverse("appeals:appeal_detail", kwargs={"pk": appeal.pk}),
                           {"reason_code": "appeal_no_new_facts", "facts": "No invoice."})
    assert response.status_code == 302
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.DENIED and appeal.case.state == CaseState.UPHELD
    assert EnforcementAction.objects.count() == 1


def test_the_senior_who_decided_cannot_rule_on_the_appeal(world, client):
    appeal = _appeal(world, reviewer=world.senior)
    before = _unchanged(appeal)
    client.force_login(world.senior)
    page = client.get(reverse("appeals:appeal_detail", kwargs={"pk": appeal.pk})).content.decode()
    assert "a different senior reviewer must decide it" in page and "Record ruling" not in page
    response = client.post(reverse("appeals:appeal_detail", kwargs={"pk": appeal.pk}),
                           {"reason_code": "appeal_genuine_goods", "facts": "Invoice."})
    assert response.status_code == 400
    assert "You made the decision under appeal" in response.content.decode()
    assert _unchanged(appeal) == before


@pytest.mark.parametrize("data", [
    {"facts": "Invoice."}, {"reason_code": "tm_counterfeit", "facts": "Invoice."},
    {"reason_code": "appeal_genuine_goods", "facts": ""},
])
def test_a_ruling_without_a_reason_or_facts_is_refused(world, client, data):
    appeal = _appeal(world)
    before = _unchanged(appeal)
    client.force_login(world.senior)
    response = client.post(reverse("appeals:appeal_detail", kwargs={"pk": appeal.pk}), data)
    assert response.status_code == 400
    assert 'class="errorlist"' in response.content.decode()
    assert _unchanged(appeal) == before


def test_ruling_twice_is_refused(world, client):
    appeal = _appeal(world)
    appeal_decide(appeal=appeal, senior=world.senior2, reason_code="appeal_no_new_facts", facts="No proof.")
    before = _unchanged(appeal)
    client.force_login(world.senior)
    response = client.post(reverse("appeals:appeal_detail", kwargs={"pk": appeal.pk}),
                           {"reason_code": "appeal_genuine_goods", "facts": "Invoice."})
    assert response.status_code == 400
    assert "This appeal has already been decided." in response.content.decode()
    assert _unchanged(appeal) == before


def test_an_unknown_appeal_is_not_found(world, client, settings):
    settings.DEBUG = False
    client.force_login(world.senior)
    response = client.get(reverse("appeals:appeal_detail", kwargs={"pk": 999_999}))
    assert response.status_code == 404 and "Page not found" in response.content.decode()


def test_the_detail_refuses_a_put(world, client):
    appeal = _appeal(world)
    client.force_login(world.senior)
    assert client.put(reverse("appeals:appeal_detail", kwargs={"pk": appeal.pk})).status_code == 405


@pytest.mark.parametrize("rows", [5, 20])
def test_the_list_runs_a_fixed_number_of_queries(world, client, django_assert_max_num_queries, rows):
    for _ in range(rows):
        _appeal(world, listing=ListingFactory(seller=world.seller_a))
    client.force_login(world.senior)
    # session, user, the appeals; and on every senior's page the open Art. 18 flags (legal_tags.offence_alert)
    with django_assert_max_num_queries(4):
        response = client.get(reverse("appeals:appeal_list"))
    assert len(re.findall(r'href="/review/appeals/\d+/"', response.content.decode())) == rows
    assert Appeal.objects.count() == rows


def test_the_detail_gives_the_senior_the_whole_case_and_grant_or_deny(world, client):
    appeal = _appeal(world)
    client.force_login(world.senior)
    html = client.get(reverse("appeals:appeal_detail", kwargs={"pk": appeal.pk})).content.decode()
    assert f'href="{reverse("review:case_detail", args=[appeal.case.pk])}" data-testid="case-link"' in html
    assert 'data-testid="listing-diff"' in html and "As reported" in html
    assert 'data-testid="reporter-explanation"' in html and "Replica of our goods." in html
    assert '<optgroup label="Grant the appeal: reinstate the listing">' in html
    assert '<optgroup label="Deny the appeal: the restriction stands">' in html


@pytest.mark.parametrize("code,said", [
    ("appeal_genuine_goods", "granted. The listing is being reinstated on the marketplace"),
    ("appeal_no_new_facts", "denied. The restriction stands"),
])
def test_the_result_says_what_happened_and_what_follows(world, client, code, said):
    appeal = _appeal(world)
    client.force_login(world.senior)
    response = client.post(reverse("appeals:appeal_detail", kwargs={"pk": appeal.pk}),
                           {"reason_code": code, "facts": "Checked."}, follow=True)
    assert f"Appeal on {appeal.case.reference} {said}" in response.content.decode()
