"""The four report forms: what each asks, the bad input the issue lists, CSV listings, the landing
page, the confirmation email and listing search."""

import re
from datetime import timedelta
from html import escape

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from complaints.kinds import SPECS
from complaints.models import Case, Report
from listings.models import Listing
from registry.models import BrandMember, RightKind

from ..evidence.samples import PDF, upload
from ..factories import ListingFactory, TrademarkFactory
from .test_views_reports import _field_error

ANSWERS = {
    "trademark": {"infringement_type": "counterfeit", "where_on_listing": ["title", "images"]},
    "patent": {"claims": "1, 4-6", "claim_reading": "Claim 1: the hinge (a) and spring (b) are visible in photo 2."},
    "design": {"copied_features": "The faceted lamp shade and its triangular base, photos 1-3."},
    "copyright": {"original_work": "Product photo of our Aurora lamp", "original_location": "https://acme.example/aurora",
                  "copied_material": "The main image is our photo, cropped."},
}


@pytest.fixture
def rights(world):
    made = {"trademark": world.tm_a}
    for kind in ("patent", "design", "copyright"):
        made[kind] = TrademarkFactory(brand=world.brand_a, kind=kind, name=f"ACME {kind}",
                                      office="" if kind == "copyright" else "USPTO")
    return made


def _post(world, rights, kind, **overrides):
    data = {
        "right": rights[kind].pk, "capacity": "owner",
        "listings": "\n".join(lst.external_id for lst in world.listings_a[:2]),
        "explanation": "The listing copies our product; see the photos.", "contact_email": "legal@acme.example",
        "decl_good_faith": "on", "decl_accurate": "on", "decl_authority": "on", "signature": "Alice Example",
        **ANSWERS[kind],
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def _url(kind):
    return reverse("reporters:report_form", args=[kind])


@pytest.mark.parametrize("kind", SPECS)
def test_each_kind_files_a_report_with_its_answers(world, client, rights, kind):
    client.force_login(world.alice)
    response = client.post(_url(kind), _post(world, rights, kind))
    report = Report.objects.get()
    assert response.status_code == 302 and response.url == reverse("reporters:report_detail", args=[report.pk])
    assert report.kind == kind and report.right == rights[kind] and report.cases.count() == 2
    expected = {k: v for k, v in ANSWERS[kind].items() if k != "infringement_type"}
    assert report.details == expected
    page = client.get(response.url).content.decode()
    for f in SPECS[kind].fields:
        if f.name in expected:
            assert f.label in page


@pytest.mark.parametrize("kind,field", [
    (kind, f.name) for kind, spec in SPECS.items() for f in spec.fields if f.required
])
def test_each_kind_requires_its_own_fields(world, client, rights, kind, field):
    client.force_login(world.alice)
    response = client.post(_url(kind), _post(world, rights, kind, **{field: ""}))
    assert response.status_code == 200 and not Report.objects.exists()
    assert _field_error(response.content.decode(), field)


@pytest.mark.parametrize("kind", SPECS)
def test_a_form_asks_only_for_its_own_kind(world, client, rights, kind):
    client.force_login(world.alice)
    html = client.get(_url(kind)).content.decode()
    for other, spec in SPECS.items():
        for f in spec.fields:
            present = f'name="{f.name}"' in html
            assert present == (other == kind), (kind, f.name)
    # Only rights of this kind are choices.
    picker = re.search(r'<select name="right".*?</select>', html, re.S).group(0)
    assert f'value="{rights[kind].pk}"' in picker
    assert all(f'value="{r.pk}"' not in picker for k, r in rights.items() if k != kind)


def test_a_copyright_report_takes_a_certificate_instead_of_a_url(world, client, rights):
    client.force_login(world.alice)
    response = client.post(_url("copyright"), _post(world, rights, "copyright", original_location=""))
    assert "attach its registration certificate" in _field_error(response.content.decode(), "original_location")
    response = client.post(_url("copyright"), _post(world, rights, "copyright", original_location="",
                                                     evidence_upload=[upload("certificate.pdf", PDF)]))
    assert response.status_code == 302
    assert Report.objects.get().evidence_links.get().file.original_name == "certificate.pdf"


@pytest.mark.parametrize("missing", ["decl_good_faith", "decl_accurate", "decl_authority"])
def test_a_missing_declaration_is_refused_and_nothing_filed(world, client, rights, missing):
    client.force_login(world.alice)
    response = client.post(_url("patent"), _post(world, rights, "patent", **{missing: None}))
    assert "Tick this declaration to file the report." in _field_error(response.content.decode(), missing)
    assert not Report.objects.exists() and not Case.objects.exists()


def test_a_listing_that_does_not_exist_is_named(world, client, rights):
    client.force_login(world.alice)
    response = client.post(_url("design"), _post(world, rights, "design", listings="NOPE-404"))
    assert "No listing found for: NOPE-404" in _field_error(response.content.decode(), "listings")
    assert not Report.objects.exists()


def test_301_listings_are_refused_in_the_form(world, client, rights):
    Listing.objects.bulk_create(Listing(external_id=f"MANY-{i:04d}", seller=world.seller_a, title="x",
                                        ships_from="CN", price=1) for i in range(301))
    client.force_login(world.alice)
    listings = "\n".join(f"MANY-{i:04d}" for i in range(301))
    response = client.post(_url("trademark"), _post(world, rights, "trademark", listings=listings))
    assert "301 listings given; a report takes at most 300" in _field_error(response.content.decode(), "listings")
    assert not Report.objects.exists()


def test_a_script_in_the_explanation_is_shown_as_text(world, client, rights):
    client.force_login(world.alice)
    client.post(_url("trademark"), _post(world, rights, "trademark", explanation="<script>alert(1)</script> copy"))
    report = Report.objects.get()
    html = client.get(reverse("reporters:report_detail", args=[report.pk])).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt; copy" in html
    assert "<script>alert(1)</script>" not in html


def test_another_brands_right_is_not_a_choice(world, client, rights):
    client.force_login(world.alice)
    response = client.post(_url("trademark"), _post(world, rights, "trademark", right=world.tm_b.pk))
    assert "Select a valid choice" in _field_error(response.content.decode(), "right")
    assert not Report.objects.exists()


def test_an_agent_whose_authorization_ended_cannot_open_the_form_rights(world, client, rights):
    BrandMember.objects.filter(user=world.agent).update(authorized_until=timezone.localdate() - timedelta(days=1))
    client.force_login(world.agent)
    response = client.post(_url("trademark"), _post(world, rights, "trademark", capacity="agent"))
    assert _field_error(response.content.decode(), "right")  # the brand's rights are no longer choices
    assert not Report.objects.exists()


def test_an_agent_must_file_as_an_agent(world, client, rights):
    client.force_login(world.agent)
    response = client.post(_url("trademark"), _post(world, rights, "trademark", capacity="owner"))
    assert "file as an authorized agent" in _field_error(response.content.decode(), "capacity")
    response = client.post(_url("trademark"), _post(world, rights, "trademark", capacity="agent"))
    assert response.status_code == 302 and Report.objects.get().capacity == "agent"


def _csv(text: str, name="listings.csv"):
    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")


def test_a_csv_of_listings_is_added_to_the_report(world, client, rights):
    client.force_login(world.alice)
    extra = ListingFactory(seller=world.seller_b)
    text = f"listing_id\n{world.listings_a[2].external_id}\nhttps://market.example/listing/{extra.external_id}\n"
    response = client.post(_url("patent"), _post(world, rights, "patent", listings_csv=_csv(text)))
    assert response.status_code == 302
    assert {c.listing for c in Report.objects.get().cases.all()} == {*world.listings_a, extra}


def test_a_csv_with_bad_rows_names_each_row_and_adds_none(world, client, rights):
    client.force_login(world.alice)
    text = f"listing\n{world.listings_a[2].external_id}\n\nNOPE-1\nnot a listing!\n"
    response = client.post(_url("patent"), _post(world, rights, "patent", listings_csv=_csv(text)))
    error = _field_error(response.content.decode(), "listings_csv")
    assert "nothing was added" in error
    assert "Row 3: empty" in error and "Row 4: no listing NOPE-1" in error
    assert "Row 5: “not a listing!” is neither a listing id nor a listing URL" in error
    assert world.listings_a[2].external_id not in response.context["form"].data["listings"]
    assert not Report.objects.exists()


def test_a_duplicate_listing_is_merged(world, client, rights):
    client.force_login(world.alice)
    ext = world.listings_a[0].external_id
    client.post(_url("design"), _post(world, rights, "design", listings=f"{ext}\n{ext}\nhttps://m.example/listing/{ext}"))
    assert Report.objects.get().cases.count() == 1


def test_the_confirmation_email_gives_the_reference(world, client, rights, django_capture_on_commit_callbacks):
    client.force_login(world.alice)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(_url("copyright"), _post(world, rights, "copyright"))
    report = Report.objects.get()
    # One "report received" e-mail each to the reporter, the report's contact and the brand's admins.
    [message] = [m for m in mail.outbox if m.to == ["legal@acme.example"]]
    assert report.reference in message.subject
    assert "(2 listings)" in message.subject and f"/reports/{report.pk}/" in message.body
    for case in report.cases.all():
        assert case.listing.external_id in message.body


def test_drafts_keep_the_kind(world, client, rights):
    client.force_login(world.alice)
    response = client.post(_url("patent"), _post(world, rights, "patent", action="draft", signature=""))
    assert response.status_code == 302
    html = client.get(response.url).content.decode()
    assert "Report patent infringement" in html and "Claim 1: the hinge" in html


def test_the_landing_page_explains_each_kind(world, client, rights):
    client.force_login(world.alice)
    html = client.get(reverse("reporters:report_new")).content.decode()
    for kind, spec in SPECS.items():
        assert _url(kind) in html and escape(spec.summary) in html


def test_an_unknown_kind_is_404(world, client):
    client.force_login(world.alice)
    assert client.get(_url("trade-secret")).status_code == 404


def test_listing_search_finds_by_keyword_brand_seller_and_id(world, client):
    hit = ListingFactory(seller=world.seller_b, title="ACME headphones replica", brand_name="Acme")
    client.force_login(world.alice)
    url = reverse("reporters:listing_search")
    for params in ({"q": "headphones"}, {"brand": "acme"}, {"seller": world.seller_b.name},
                   {"listing_id": hit.external_id}):
        html = client.get(url, params).content.decode()
        assert f'data-add-listing="{hit.external_id}"' in html, params
    assert "<html" in client.get(url, {"q": "headphones"}).content.decode()  # a page without JS
    partial = client.get(url, {"q": "headphones"}, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in partial and hit.external_id in partial
    assert "No listing matches" in client.get(url, {"q": "zzzz"}).content.decode()


@pytest.mark.parametrize("persona", ["rev1", "sam", "outsider"])
def test_listing_search_is_for_rights_holders(world, client, persona):
    client.force_login(getattr(world, persona))
    assert client.get(reverse("reporters:listing_search"), {"q": "x"}).status_code == 403


def test_my_reports_filters_by_state_type_brand_and_date(world, client, rights):
    from ..conftest import claim_and_remove, file_report

    open_tm = file_report(reporter=world.alice, right=world.tm_a, listings=world.listings_a[:1])
    decided = file_report(reporter=world.alice, right=world.tm_a, listings=world.listings_a[1:2])
    claim_and_remove(case=decided.cases.get(), reviewer=world.rev1)
    patent = file_report(reporter=world.alice, right=rights["patent"], listings=world.listings_a[2:3],
                         infringement_type="", details=ANSWERS["patent"])
    client.force_login(world.alice)
    url = reverse("reporters:report_list")

    def refs(**params):
        html = client.get(url, params).content.decode()
        return {r.reference for r in (open_tm, decided, patent) if f">{r.reference}<" in html}

    assert refs() == {open_tm.reference, decided.reference, patent.reference}
    assert refs(state="open") == {open_tm.reference, patent.reference}
    assert refs(state="decided") == {decided.reference}
    assert refs(kind=RightKind.PATENT) == {patent.reference}
    assert refs(brand=world.brand_a.pk) == {open_tm.reference, decided.reference, patent.reference}
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    assert refs(filed_from=tomorrow) == set()


@pytest.mark.parametrize("slug", ["", "report-trademark", "report-patent", "report-design", "report-copyright",
                                  "after-filing", "avoid-rejection", "false-notices", "bulk-api",
                                  "unregistered-rights"])
def test_help_pages_are_public(client, db, slug):
    response = client.get(f"/help/{slug}/" if slug else "/help/")
    assert response.status_code == 200


def test_help_for_a_kind_lists_what_it_asks(client, db):
    html = client.get("/help/report-patent/").content.decode()
    assert "Claims the product meets" in html and "How the product meets each claim" in html
    assert client.get("/help/nothing/").status_code == 404


def test_the_reviewer_sees_the_kinds_answers_on_the_case_page(world, client, rights):
    client.force_login(world.alice)
    client.post(_url("patent"), _post(world, rights, "patent"))
    case = Report.objects.get().cases.first()
    client.force_login(world.rev1)
    html = client.get(reverse("review:case_detail", args=[case.pk])).content.decode()
    assert "Patent report" in html and "How the product meets each claim" in html
    assert "Claim 1: the hinge (a) and spring (b)" in html
