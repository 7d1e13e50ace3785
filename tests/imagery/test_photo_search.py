"""Search by photo in the rights holder's report tool: the listings whose pictures look like the
dropped photo, closest first; only rights holders search."""

from django.core.files.uploadedfile import SimpleUploadedFile

from imagery import services

from .pictures import caption_bar, jpeg, logo, product, reencode

URL = "/reports/listings/photo-search/"


def _photo(img):
    return SimpleUploadedFile("photo.jpg", jpeg(img), content_type="image/jpeg")


def _listings_with_pictures(world, image_server, capture):
    """listing 0: the logo re-encoded with a caption bar; listing 1: the logo itself; 2: other."""
    pictures = [caption_bar(reencode(logo(5))), logo(5), product(3)]
    with capture(execute=True):
        services.listing_images_record(images={
            world.listings_a[i].pk: [image_server.add(f"/s{i}.jpg", jpeg(img))] for i, img in enumerate(pictures)})


def test_a_rights_holder_finds_listings_by_photo_closest_first(world, client, image_server,
                                                               django_capture_on_commit_callbacks):
    _listings_with_pictures(world, image_server, django_capture_on_commit_callbacks)
    client.force_login(world.alice)
    response = client.post(URL, {"photo": _photo(logo(5))}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    found = [listing.external_id for listing, _, _ in response.context["results"]]
    assert found == [world.listings_a[1].external_id, world.listings_a[0].external_id]
    distances = [d for _, d, _ in response.context["results"]]
    assert distances[0] <= distances[1]
    html = response.content.decode()
    assert f'data-add-listing="{world.listings_a[0].external_id}"' in html and "Add all 2" in html


def test_no_match_says_so(world, client):
    client.force_login(world.bob)
    response = client.post(URL, {"photo": _photo(logo(66))})
    assert response.status_code == 200 and b"No listing shows a picture like this one" in response.content


def test_a_file_that_is_not_a_picture_is_refused_naming_the_field(world, client):
    client.force_login(world.alice)
    response = client.post(URL, {"photo": SimpleUploadedFile("x.jpg", b"%PDF-1.4 nope")})
    assert response.status_code == 400
    assert "cannot be searched" in response.context["form"].errors["photo"][0]
    assert client.post(URL, {}).status_code == 400


def test_only_rights_holders_search(world, client):
    for user in (world.sam, world.rev1, world.outsider):
        client.force_login(user)
        assert client.post(URL, {"photo": _photo(logo(5))}).status_code == 403
    client.logout()
    assert client.get(URL).status_code == 302  # to the login page
    client.force_login(world.alice)
    assert client.get(URL).status_code == 200
    assert client.put(URL).status_code == 405


def test_the_report_form_offers_the_photo_search(world, client):
    client.force_login(world.alice)
    page = client.get("/reports/new/trademark/").content.decode()
    assert 'hx-post="/reports/listings/photo-search/"' in page
