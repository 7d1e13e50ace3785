def test_the_openapi_schema_is_served(client, db):
    response = client.get("/api/schema/")
    assert response.status_code == 200
    assert b"/api/v1/listings/" in response.content
    assert b"IP Portal API" in response.content
