"""The report form's "describe a right that is not registered": files, keeps drafts and typed text,
refuses what it must."""

import re

import pytest
from django.urls import reverse

from complaints.models import Priority, Report, ReportDraft
from registry.models import IPRight

from ..factories import BrandMemberFactory
from .test_views_reports import _field_error, _form

TM_FORM = "/reports/new/trademark/"
DESCRIBED = {"right_source": "unregistered", "right": "", "unreg_name": "ZENOR", "unreg_first_used_on": "2019-03-01",
             "unreg_use_countries": "us, ca", "unreg_description": "Headphones sold under ZENOR since 2019."}


def _described(world, **overrides):
    return _form(world, **{**DESCRIBED, "unreg_brand": world.brand_a.pk, **overrides})


def test_the_form_offers_to_describe_a_right_for_the_kinds_that_can_be_unregistered(world, client):
    client.force_login(world.alice)
    html = client.get(TM_FORM).content.decode()
    assert 'value="unregistered"' in html and 'name="unreg_first_used_on"' in html
    assert 'name="unreg_use_countries"' in html and 'data-testid="unregistered-right"' in html
    design = client.get("/reports/new/design/").content.decode()
    assert 'name="unreg_first_published_on"' in design and 'name="unreg_use_countries"' not in design
    patent = client.get("/reports/new/patent/").content.decode()
    assert 'name="right_source"' not in patent and 'name="unreg_name"' not in patent
    assert "there is no unregistered patent" in patent


def test_it_files_a_report_with_an_unregistered_right(world, client):
    client.force_login(world.alice)
    response = client.post(TM_FORM, _described(world))
    report = Report.objects.get()
    assert response.status_code == 302 and response.url == reverse("reporters:report_detail", args=[report.pk])
    right = report.right
    assert not right.registered and right.brand == world.brand_a and right.name == "ZENOR"
    assert right.use_countries == ["CA", "US"] and str(right.first_used_on) == "2019-03-01"
    assert set(report.cases.values_list("priority", flat=True)) == {Priority.UNREGISTERED}
    html = client.get(response.url).content.decode()
    assert "Unregistered right — described by the reporter" in html and "Headphones sold under ZENOR" in html


def test_the_registered_choice_still_files_with_the_picked_right_and_ignores_the_description(world, client):
    client.force_login(world.alice)
    response = client.post(TM_FORM, _form(world, right_source="registered", unreg_name="ignored"))
    assert response.status_code == 302 and Report.objects.get().right == world.tm_a
    assert not IPRight.objects.filter(registered=False).exists()


def test_missing_parts_of_the_description_are_named_and_typed_text_is_kept(world, client):
    client.force_login(world.alice)
    response = client.post(TM_FORM, _described(world, unreg_first_used_on="", unreg_use_countries="",
                                                unreg_description="Sold in our <b>shops</b> since 2019."))
    html = response.content.decode()
    assert response.status_code == 200 and not Report.objects.exists() and not IPRight.objects.filter(
        registered=False).exists()
    assert "In use in commerce since: this is required" in _field_error(html, "unreg_first_used_on")
    assert "Countries where it is used: this is required" in _field_error(html, "unreg_use_countries")
    assert 'value="ZENOR"' in html and "Sold in our &lt;b&gt;shops&lt;/b&gt; since 2019.</textarea>" in html
    assert re.search(r'<input type="radio" name="right_source" value="unregistered"[^>]* checked', html)
    assert "The logo is a copy of ours; see the second photo.</textarea>" in html


def test_a_bad_country_or_future_date_is_refused_beside_its_field(world, client):
    client.force_login(world.alice)
    html = client.post(TM_FORM, _described(world, unreg_use_countries="US, Narnia")).content.decode()
    assert "Not ISO 3166-1 country codes: NARNIA" in _field_error(html, "unreg_use_countries")
    html = client.post(TM_FORM, _described(world, unreg_first_used_on="2999-01-01")).content.decode()
    assert "cannot be in the future" in _field_error(html, "unreg_first_used_on")
    assert not Report.objects.exists()


def test_choosing_neither_says_what_to_do(world, client):
    client.force_login(world.alice)
    html = client.post(TM_FORM, _form(world, right="")).content.decode()
    assert "or describe a right that is not registered" in _field_error(html, "right")


def test_another_brand_is_not_a_choice_for_the_owner(world, client):
    client.force_login(world.alice)
    html = client.post(TM_FORM, _described(world, unreg_brand=world.brand_b.pk)).content.decode()
    assert "Choose one of the brands you act for." in _field_error(html, "unreg_brand")
    assert not Report.objects.exists() and not IPRight.objects.filter(registered=False).exists()


def test_another_brands_right_id_is_still_refused(world, client):
    client.force_login(world.alice)
    html = client.post(TM_FORM, _form(world, right=world.tm_b.pk)).content.decode()
    assert _field_error(html, "right") and not Report.objects.exists()


def test_a_patent_form_refuses_a_forged_description(world, client):
    client.force_login(world.alice)
    response = client.post("/reports/new/patent/", {**_described(world), "claims": "1", "claim_reading": "All."})
    assert response.status_code == 200 and not Report.objects.exists()
    assert "Choose the granted patent this report relies on." in _field_error(response.content.decode(), "right")


def test_a_draft_keeps_the_description_and_the_brand(world, client):
    client.force_login(world.alice)
    BrandMemberFactory(user=world.alice, brand__name="Cirrus")  # two brands: the draft takes the chosen one
    response = client.post(TM_FORM, _described(world, action="draft", signature="", unreg_first_used_on=""))
    draft = ReportDraft.objects.get()
    assert response.status_code == 302 and draft.brand == world.brand_a and draft.right is None
    assert draft.data["right_source"] == "unregistered" and draft.data["unreg_name"] == "ZENOR"
    assert draft.data["unreg_description"] == DESCRIBED["unreg_description"]
    html = client.get(reverse("reporters:report_draft", kwargs={"draft_pk": draft.pk})).content.decode()
    assert re.search(r'<input type="radio" name="right_source" value="unregistered"[^>]* checked', html)
    assert 'value="ZENOR"' in html and 'value="us, ca"' in html
    assert f'<option value="{world.brand_a.pk}" selected>' in html
    # Finishing the draft files it with the described right and deletes the draft.
    response = client.post(reverse("reporters:report_draft", kwargs={"draft_pk": draft.pk}), _described(world))
    assert response.status_code == 302 and not Report.objects.get().right.registered
    assert not ReportDraft.objects.exists()


@pytest.mark.parametrize("kind,fields,details", [
    ("design", {"unreg_name": "Aurora lamp shape", "unreg_product": "table lamp",
                "unreg_first_published_on": "2026-01-10", "unreg_description": "A faceted conical shade."},
     {"copied_features": "The shade."}),
    ("copyright", {"unreg_name": "Aurora photo", "unreg_work_type": "image", "unreg_author": "Rita Holt"},
     {"original_work": "Product photo", "original_location": "https://acme.example/a", "copied_material": "Photo"}),
])
def test_design_and_copyright_forms_file_with_a_description(world, client, time_machine, kind, fields, details):
    time_machine.move_to("2026-06-15 12:00Z", tick=False)
    client.force_login(world.alice)
    data = {**_form(world, infringement_type=None, where_on_listing=None), **fields, **details,
            "right_source": "unregistered", "right": "", "unreg_brand": world.brand_a.pk}
    response = client.post(f"/reports/new/{kind}/", data)
    assert response.status_code == 302, _field_error(response.content.decode(), "unreg_name")
    report = Report.objects.get()
    assert report.kind == kind and report.right.kind == kind and not report.right.registered


def test_the_help_pages_say_what_an_unregistered_right_needs_and_its_lane(client, db, settings):
    settings.REVIEW_SLA_HOURS = {**settings.REVIEW_SLA_HOURS, 3: 99}
    html = client.get("/help/unregistered-rights/").content.decode()
    assert "In use in commerce since" in html and "First made available to the public" in html
    assert "Patents</strong> cannot be described" in html and "3 years" in html
    assert "target of <strong>99 hours</strong>" in html and "<td>Unregistered right</td>" in html
    trademark = client.get("/help/report-trademark/").content.decode()
    assert "If your trademark right is not registered" in trademark and "within 99 hours" in trademark
    patent = client.get("/help/report-patent/").content.decode()
    assert "there is no unregistered patent" in patent and 'data-testid="described-fields"' not in patent
    after = client.get("/help/after-filing/").content.decode()
    assert "<td>Unregistered right</td><td class=\"num\">99 hours</td>" in after
