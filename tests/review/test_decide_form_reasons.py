"""The case page's decide form offers only the reasons for the case's kind of right."""

import re

import pytest
from django.urls import reverse

from ..conftest import claim, file_report
from ..factories import TrademarkFactory


def _options(html):
    select = re.search(r'<select name="reason_code".*?</select>', html, flags=re.S).group(0)
    groups = re.findall(r'<optgroup label="([^"]+)">(.*?)</optgroup>', select, flags=re.S)
    return {label: re.findall(r'<option value="([^"]+)"', body) for label, body in groups}


def _page(world, client, kind):
    registration = {"office": "", "registration_number": ""} if kind == "copyright" else {}
    right = world.tm_a if kind == "trademark" else TrademarkFactory(brand=world.brand_a, kind=kind,
                                                                    name=f"Acme {kind}", **registration)
    case = file_report(reporter=world.alice, right=right, listings=world.listings_a[:1]).cases.get()
    claim(case, world.rev1)
    client.force_login(world.rev1)
    response = client.get(reverse("review:case_detail", args=[case.pk]))
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("kind,expected", [
    ("patent", {"Remove listing": ["patent_claims_met"], "Suppress listing": ["patent_suppress_unclear"],
                "Reject report": ["insufficient_evidence", "patent_no_infringement"]}),
    ("copyright", {"Remove listing": ["copyright_unauthorized_copies", "copyright_listing_content"],
                   "Suppress listing": ["copyright_suppress_content"],
                   "Reject report": ["insufficient_evidence", "copyright_no_infringement"]}),
    ("design", {"Remove listing": ["design_copied"], "Suppress listing": ["design_suppress_unclear"],
                "Reject report": ["insufficient_evidence", "design_no_infringement"]}),
    ("trademark", {"Remove listing": ["tm_counterfeit", "tm_misuse"],
                   "Suppress listing": ["tm_suppress_unclear", "tm_suppress_images"],
                   "Reject report": ["insufficient_evidence", "no_infringement"]}),
])
def test_the_form_offers_the_reasons_of_the_cases_kind(world, client, kind, expected):
    assert _options(_page(world, client, kind)) == expected


def test_a_patent_case_offers_no_trademark_reason(world, client):
    html = _page(world, client, "patent")
    select = re.search(r'<select name="reason_code".*?</select>', html, flags=re.S).group(0)
    for code in ["tm_counterfeit", "tm_misuse", "tm_suppress_unclear", "tm_suppress_images", "no_infringement"]:
        assert f'value="{code}"' not in select
    assert "tm_" not in select and "mark" not in select
    assert "auto_" not in select  # automatic suppressions are the system's, never a reviewer's


def test_the_statement_preview_composes_nothing_for_a_reason_of_another_kind(world, client):
    html = _page(world, client, "patent")
    case_pk = int(re.search(r'/review/cases/(\d+)/decide/', html).group(1))
    url = reverse("review:case_statement_preview", kwargs={"pk": case_pk})
    assert "Infringement of" not in client.post(url, {"reason_code": "tm_counterfeit", "facts": "x"}).content.decode()
    assert "Infringement of a granted patent" in client.post(
        url, {"reason_code": "patent_claims_met", "facts": "x"}).content.decode()
