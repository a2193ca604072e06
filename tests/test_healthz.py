def test_healthz_answers_with_version(client):
    resp = client.get("/healthz")
    assert resp.status_code == 200
    assert resp.get_json()["version"] == "0.1.0"
