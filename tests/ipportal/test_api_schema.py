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



def test_every_operation_has_a_summary_and_every_enum_a_name(client, db):
    import yaml

    schema = yaml.safe_load(client.get("/api/schema/").content)
    missing = [f"{method} {path}" for path, ops in schema["paths"].items() for method, op in ops.items()
               if not op.get("summary")]
    assert missing == []
    assert [n for n in schema["components"]["schemas"] if re.search(r"[0-9a-f]{3}Enum$", n)] == []
    assert "RightKindEnum" in schema["components"]["schemas"]
    assert "Authorization: Token" in schema["info"]["description"]


def test_the_api_docs_have_a_way_back_and_an_authentication_section(client, db):
    html = client.get("/api/docs/").content.decode()
    assert '<html lang="en">' in html and "Back to the portal" in html
    assert 'data-testid="api-auth"' in html and "Authorization: Token" in html
