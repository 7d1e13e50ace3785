import pytest
from django.test import Client

from certificates.models import Certificate
from tests.certificates.conftest import as_file, register
from tests.certificates.samples import edits, encode, picture, png, text

pytestmark = pytest.mark.django_db


def logged_in(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def form(data=None, name="work.png", **fields):
    return {"brand": fields.pop("brand"), "title": "Harbour at dusk", "work_type": "image", "author": "A. Painter",
            "file": as_file(data if data is not None else png(1), name), **fields}


def test_a_rights_holder_registers_a_work_in_the_browser(world):
    r = logged_in(world.alice).post("/certificates/new/", form(brand=world.brand_a.pk))
    cert = Certificate.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/certificates/{cert.public_id}/"
    assert cert.author == "A. Painter" and cert.registered_by == world.alice


def test_a_near_copy_is_refused_with_a_link_to_the_earlier_public_page(world):
    first = register(world, png(3))
    copy = encode(edits(picture(3))["resized_50"], "JPEG", quality=85)
    r = logged_in(world.bob).post("/certificates/new/", form(copy, "copy.jpg", brand=world.brand_b.pk,
                                                             title="My photo"))
    assert r.status_code == 200
    html = r.content.decode()
    assert f'href="/certificates/{first.public_id}/"' in html
    assert "Alice Example" not in html and "alice" not in html  # the author and uploader stay private
    assert 'value="My photo"' in html  # what was typed is kept
    assert Certificate.objects.count() == 1


def test_one_cannot_register_for_another_brand(world):
    r = logged_in(world.alice).post("/certificates/new/", form(brand=world.brand_b.pk))
    assert r.status_code == 200 and not Certificate.objects.exists()


def test_only_rights_holders_see_the_register_page(world):
    assert logged_in(world.sam).get("/certificates/new/").status_code == 403
    assert Client().get("/certificates/new/").status_code == 302  # to the login page
    assert logged_in(world.alice).get("/certificates/new/").status_code == 200


def test_the_register_page_refuses_other_methods(world):
    assert logged_in(world.alice).put("/certificates/new/").status_code == 405
    assert Client().post(f"/certificates/{register(world, png(1)).public_id}/").status_code == 405


def test_a_brand_lists_only_its_own_certificates(world):
    mine = register(world, png(1), title="Mine")
    theirs = register(world, png(2), brand=world.brand_b, by=world.bob, title="Theirs")
    html = logged_in(world.alice).get("/certificates/").content.decode()
    assert mine.public_id in html and theirs.public_id not in html


def test_the_public_page_shows_the_certificate_without_private_data(world):
    cert = register(world, png(1))
    r = Client().get(f"/certificates/{cert.public_id}/")
    html = r.content.decode()
    assert r.status_code == 200
    for shown in (cert.public_id, cert.title, "Acme", cert.sha256, "thumbnail.png"):
        assert shown in html
    assert "Alice Example" not in html and "alice" not in html
    assert Client().get("/certificates/IPC-NOTAREALID/").status_code == 404


def test_the_owner_sees_the_author_on_the_public_page(world):
    cert = register(world, png(1))
    assert "Alice Example" in logged_in(world.agent).get(f"/certificates/{cert.public_id}/").content.decode()
    assert "Alice Example" not in logged_in(world.bob).get(f"/certificates/{cert.public_id}/").content.decode()


def test_the_thumbnail_is_a_small_re_encoded_png(world):
    from io import BytesIO

    from PIL import Image

    cert = register(world, png(1))
    r = Client().get(f"/certificates/{cert.public_id}/thumbnail.png")
    assert r.status_code == 200 and r["Content-Type"] == "image/png"
    assert max(Image.open(BytesIO(r.content)).size) <= 320


def test_a_text_work_has_no_thumbnail(world):
    cert = register(world, text(1).encode(), work_type="text", name="t.txt")
    assert Client().get(f"/certificates/{cert.public_id}/thumbnail.png").status_code == 404


def test_the_printable_certificate_has_a_qr_code_to_its_public_page(world):
    cert = register(world, png(1))
    html = Client().get(f"/certificates/{cert.public_id}/print/").content.decode()
    assert "<svg" in html and f"/certificates/{cert.public_id}/" in html and 'class="print-page"' in html


def test_anyone_can_verify_a_file_exactly_or_nearly(world):
    cert = register(world, png(5))
    anon = Client()
    r = anon.post("/certificates/verify/", {"file": as_file(png(5), "same.png")})
    assert "Exact match" in r.content.decode() and cert.public_id in r.content.decode()
    near = encode(edits(picture(5))["resized_25"], "JPEG", quality=70)
    r = anon.post("/certificates/verify/", {"file": as_file(near, "near.jpg")})
    assert "Near match" in r.content.decode() and cert.public_id in r.content.decode()
    r = anon.post("/certificates/verify/", {"file": as_file(png(99), "other.png")})
    assert "No certificate matches" in r.content.decode()
    assert Certificate.objects.count() == 1


def test_verifying_a_disguised_file_says_why(db):
    r = Client().post("/certificates/verify/", {"file": as_file(b"<html><script>x</script>", "a.png")})
    assert "cannot be checked" in r.content.decode()


def test_the_list_page_takes_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    for i in range(6):
        register(world, png(i), title=f"Work {i}")
    client = logged_in(world.alice)
    with django_assert_max_num_queries(8):
        r = client.get("/certificates/")
    assert r.content.decode().count("/certificates/IPC-") == 6
