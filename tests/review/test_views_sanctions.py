import pytest
from django.urls import reverse

from complaints.models import Sanction, SanctionLevel, SanctionStatus

from ..complaints.test_sanctions import _thresholds, decide  # noqa: F401 - the thresholds fixture applies here too
from ..views import assert_login_redirect


@pytest.fixture
def proposed(world):
    decide(world, ["no_infringement"] * 4)
    from complaints.sanctions import sanction_evaluate

    return sanction_evaluate(reporter=world.alice)


def test_the_pages_need_a_login(client, db):
    for name in ("review:sanction_list", "reporters:reporter_standing"):
        url = reverse(name)
        assert_login_redirect(client.get(url), url)


@pytest.mark.parametrize("persona", ["rev1", "alice", "sam"])
def test_only_seniors_see_and_decide_proposals(world, client, proposed, persona):
    client.force_login(getattr(world, persona))
    assert client.get(reverse("review:sanction_list")).status_code == 403
    assert client.post(reverse("review:sanction_detail", args=[proposed.pk]),
                       {"decision": "confirm"}).status_code == 403
    assert client.post(reverse("review:sanction_evaluate")).status_code == 403
    proposed.refresh_from_db()
    assert proposed.status == SanctionStatus.PROPOSED


def test_a_senior_confirms_a_warning(world, client, proposed):
    client.force_login(world.senior)
    html = client.get(reverse("review:sanction_list")).content.decode()
    assert "reporter alice" in html and "rejected as unfounded" in html
    response = client.post(reverse("review:sanction_detail", args=[proposed.pk]),
                           {"decision": "confirm", "note": "Be careful."})
    assert response.status_code == 302
    proposed.refresh_from_db()
    assert proposed.status == SanctionStatus.CONFIRMED and proposed.decided_by == world.senior


def test_dismissing_without_a_note_is_refused_naming_the_field(world, client, proposed):
    client.force_login(world.senior)
    response = client.post(reverse("review:sanction_detail", args=[proposed.pk]), {"decision": "dismiss"})
    assert response.status_code == 400
    assert "note" in response.context["form"].errors
    proposed.refresh_from_db()
    assert proposed.status == SanctionStatus.PROPOSED


def test_the_evaluate_button_makes_proposals(world, client):
    decide(world, ["no_infringement"] * 4)
    client.force_login(world.senior)
    response = client.post(reverse("review:sanction_evaluate"), follow=True)
    assert "2 new proposals" in response.content.decode()
    assert Sanction.objects.filter(level=SanctionLevel.WARNING).count() == 2


def test_the_reporter_sees_their_figures_and_why(world, client, proposed):
    from complaints.sanctions import sanction_confirm

    sanction_confirm(sanction=proposed, senior=world.senior)
    client.force_login(world.alice)
    html = client.get(reverse("reporters:reporter_standing")).content.decode()
    assert "Warning" in html and "4 of 4 decided notices (100%) were rejected as unfounded" in html
    client.force_login(world.bob)
    html = client.get(reverse("reporters:reporter_standing")).content.decode()
    assert "rejected as unfounded; the limit" not in html and "Borealis" in html and "Acme" not in html
    client.force_login(world.sam)
    assert client.get(reverse("reporters:reporter_standing")).status_code == 403
