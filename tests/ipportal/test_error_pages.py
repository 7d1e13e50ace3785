"""`make run` (DEBUG on) shows the portal's own 404 and 500 pages unless DEBUG_ERROR_PAGES keeps
Django's debug pages for a developer (common/middleware.py ErrorPagesMiddleware)."""

import pytest
from django.test import Client
from django.urls import path

from ipportal.urls import urlpatterns as portal_urls


def boom(request):
    raise RuntimeError("secret detail from the traceback")


urlpatterns = [*portal_urls, path("boom/", boom)]


@pytest.fixture
def debug_on(settings):
    settings.DEBUG = True
    settings.DEBUG_ERROR_PAGES = False
    settings.ROOT_URLCONF = __name__


@pytest.mark.django_db
def test_an_unknown_address_shows_the_portals_404_with_debug_on(debug_on):
    response = Client().get("/no-such-page/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "Page not found" in body and "Back to your home page" in body
    assert "URLconf" not in body and "NOARCHIVE" not in body


@pytest.mark.django_db
def test_a_crash_shows_the_portals_500_without_the_traceback(debug_on):
    response = Client(raise_request_exception=False).get("/boom/")
    assert response.status_code == 500
    body = response.content.decode()
    assert "Something went wrong on our side" in body
    assert "secret detail" not in body and "Traceback" not in body


@pytest.mark.django_db
def test_a_developer_keeps_djangos_debug_pages(debug_on, settings):
    settings.DEBUG_ERROR_PAGES = True
    response = Client().get("/no-such-page/")
    assert response.status_code == 404 and "URLconf" in response.content.decode()


@pytest.mark.django_db
def test_api_answers_stay_json(debug_on):
    response = Client().get("/api/v1/reports/999999999/")
    assert response["Content-Type"].startswith("application/json")
