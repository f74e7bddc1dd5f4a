"""The local API over real HTTP, with a tiny stand-in handler recording the events it receives."""

from __future__ import annotations

import json

import pytest
import requests
from cariberita_local.api_server import LocalApi
from cariberita_local.apigw import Resource


class StandIn:
    """Answers like a proxy integration and remembers the last event."""

    def __init__(self) -> None:
        self.events: list[dict] = []

    def __call__(self, event: dict) -> dict:
        self.events.append(event)
        if event["path"] == "/health":
            raise RuntimeError("handler crashed")
        if event["path"] == "/categories":
            return {"statusCode": "not-a-number"}
        return {
            "statusCode": 404 if event["pathParameters"] else 200,
            "headers": {"Content-Type": "application/json", "Cache-Control": "no-store"},
            "multiValueHeaders": {"Vary": ["Origin"]},
            "body": json.dumps({"q": (event["queryStringParameters"] or {}).get("q")}),
        }


@pytest.fixture(scope="module")
def api():
    stand_in = StandIn()
    resources = [Resource(p) for p in ("/search", "/articles/{id}", "/categories", "/health")]
    server = LocalApi(stand_in, port=0, resources=resources)
    server.start()
    yield server.url, stand_in
    server.stop()


def test_api_request_reaches_the_handler_as_a_proxy_event(api):
    url, stand_in = api
    response = requests.get(f"{url}/search", params={"q": "pelayanan publik"}, timeout=10)
    assert response.status_code == 200
    assert response.json() == {"q": "pelayanan publik"}
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Vary"] == "Origin"
    assert stand_in.events[-1]["resource"] == "/search"


def test_status_code_and_path_parameters_pass_through(api):
    url, stand_in = api
    response = requests.get(f"{url}/articles/tidak-ada", timeout=10)
    assert response.status_code == 404
    assert stand_in.events[-1]["pathParameters"] == {"id": "tidak-ada"}


def test_path_outside_the_api_gets_api_gateways_403(api):
    url, _ = api
    response = requests.get(f"{url}/admin", timeout=10)
    assert response.status_code == 403
    assert response.json() == {"message": "Missing Authentication Token"}


@pytest.mark.parametrize("path", ["/health", "/categories"])
def test_crash_or_malformed_result_gets_api_gateways_502(api, path):
    url, _ = api
    response = requests.get(f"{url}{path}", timeout=10)
    assert response.status_code == 502
    assert response.json() == {"message": "Internal server error"}


def test_demo_page_and_static_files_are_served(api):
    url, _ = api
    page = requests.get(f"{url}/", timeout=10)
    assert page.status_code == 200 and "text/html" in page.headers["Content-Type"]
    assert requests.get(f"{url}/static/searchbox.js", timeout=10).status_code == 200


@pytest.mark.parametrize(
    "path", ["/static/../pyproject.toml", "/static/%2e%2e/pyproject.toml", "/static/nope.js"]
)
def test_static_files_outside_web_are_not_served(api, path):
    url, _ = api
    assert requests.get(f"{url}{path}", timeout=10).status_code in (403, 404)
