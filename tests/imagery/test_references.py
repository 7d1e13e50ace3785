"""Reference pictures: a brand admin adds them to a right (checked, hashed once); its members see
them; nobody else does."""

from django.core.files.uploadedfile import SimpleUploadedFile

from audit.models import AuditEntry
from imagery.models import ReferenceImage

from .pictures import jpeg, logo, png


def _upload(data: bytes, name="logo.jpg"):
    return SimpleUploadedFile(name, data, content_type="image/jpeg")


def test_a_brand_admin_adds_a_reference_picture(world, client):
    client.force_login(world.alice)
    url = f"/registry/rights/{world.tm_a.pk}/references/"
    response = client.post(url, {"kind": "logo", "label": "Acme roundel", "image": _upload(jpeg(logo(1)))})
    assert response.status_code == 302
    ref = ReferenceImage.objects.get()
    assert (ref.right, ref.kind, ref.label, len(ref.sha256)) == (world.tm_a, "logo", "Acme roundel", 64)
    assert AuditEntry.objects.filter(action="reference_image.add", target_id=ref.pk).exists()
    page = client.get(url)
    assert b"Acme roundel" in page.content
    thumb = client.get(f"/images/references/{ref.pk}.jpg")
    assert thumb.status_code == 200 and thumb["Content-Type"] == "image/jpeg" and thumb.content[:3] == b"\xff\xd8\xff"


def test_the_same_picture_twice_and_a_non_picture_are_refused_naming_the_field(world, client):
    client.force_login(world.alice)
    url = f"/registry/rights/{world.tm_a.pk}/references/"
    client.post(url, {"kind": "logo", "image": _upload(png(logo(2)), "a.png")})
    again = client.post(url, {"kind": "logo", "image": _upload(png(logo(2)), "a.png")})
    assert again.status_code == 400 and "already a reference" in again.context["form"].errors["image"][0]
    html = client.post(url, {"kind": "product", "image": _upload(b"<html><script>x</script></html>", "x.jpg")})
    assert html.status_code == 400 and "cannot be a reference image" in html.context["form"].errors["image"][0]
    assert ReferenceImage.objects.count() == 1


def test_an_agent_sees_but_does_not_add_and_outsiders_get_404(world, client):
    client.force_login(world.alice)
    client.post(f"/registry/rights/{world.tm_a.pk}/references/", {"kind": "logo", "image": _upload(jpeg(logo(3)))})
    ref = ReferenceImage.objects.get()
    client.force_login(world.agent)
    assert client.get(f"/registry/rights/{world.tm_a.pk}/references/").status_code == 200
    denied = client.post(f"/registry/rights/{world.tm_a.pk}/references/",
                         {"kind": "logo", "image": _upload(jpeg(logo(4)))})
    assert denied.status_code == 403 and ReferenceImage.objects.count() == 1
    client.force_login(world.bob)  # another brand
    assert client.get(f"/registry/rights/{world.tm_a.pk}/references/").status_code == 404
    assert client.get(f"/images/references/{ref.pk}.jpg").status_code == 404
    assert client.post(f"/registry/references/{ref.pk}/remove/").status_code == 404
    client.force_login(world.rev1)
    assert client.get(f"/images/references/{ref.pk}.jpg").status_code == 200
    assert client.get(f"/images/references/{ref.pk}.jpg", REQUEST_METHOD="POST").status_code in (200, 405)


def test_removing_a_reference(world, client):
    client.force_login(world.alice)
    client.post(f"/registry/rights/{world.tm_a.pk}/references/", {"kind": "logo", "image": _upload(jpeg(logo(5)))})
    ref = ReferenceImage.objects.get()
    assert client.get(f"/registry/references/{ref.pk}/remove/").status_code == 405
    assert client.post(f"/registry/references/{ref.pk}/remove/").status_code == 302
    assert not ReferenceImage.objects.exists()
