import re


def test_the_openapi_schema_is_served(client, db):
    response = client.get("/api/schema/")
    assert response.status_code == 200
    assert b"/api/v1/listings/" in response.content
    assert b"IP Portal API" in response.content


def test_the_api_docs_load_swagger_ui_from_our_own_static_files(client, db):
    response = client.get("/api/docs/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    # Every script and stylesheet from our own static files, none from a CDN or any other host
    # (a bare "cdn" search also matched random tokens in the page now and then).
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources and all(s.startswith(("/", "#")) for s in sources), sources
