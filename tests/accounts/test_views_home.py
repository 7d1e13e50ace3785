import pytest
from django.urls import reverse

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


def test_an_anonymous_visitor_sees_the_front_door(client, db):
    response = client.get(reverse("home"))
    html = response.content.decode()
    assert response.status_code == 200
    for link in (reverse("signup"), reverse("open_notice_new"), reverse("login"), reverse("transparency:report"),
                 reverse("certificates:verify_file"), reverse("help:index"), reverse("sellers:seller_help")):
        assert f'href="{link}"' in html
    assert "Welcome," not in html and "Needs you" not in html  # no one's home page


def test_it_refuses_a_post(world, client):
    client.force_login(world.alice)
    assert client.post(reverse("home")).status_code == 405
