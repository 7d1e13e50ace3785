import pytest
from django.urls import reverse

from ..views import assert_login_redirect

CARDS = {
    "alice": ["Report infringing listings", "My reports"],
    "rev1": ["Review queue"],
    "senior": ["Review queue", "Appeals"],
    "sam": ["Notices"],
    "outsider": ["Your account has no role yet"],
}
ALL_CARDS = {card for cards in CARDS.values() for card in cards}


@pytest.mark.parametrize("persona", list(CARDS))
def test_each_role_sees_only_its_own_starting_points(world, client, persona):
    client.force_login(getattr(world, persona))
    response = client.get(reverse("home"))
    assert response.status_code == 200
    html = response.content.decode()
    for card in CARDS[persona]:
        assert card in html
    for card in ALL_CARDS - set(CARDS[persona]):
        assert card not in html


def test_it_sends_an_anonymous_visitor_to_log_in(client, db):
    assert_login_redirect(client.get(reverse("home")), reverse("home"))


def test_it_refuses_a_post(world, client):
    client.force_login(world.alice)
    assert client.post(reverse("home")).status_code == 405
