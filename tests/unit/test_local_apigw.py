"""HTTP <-> API Gateway REST proxy event translation used by the local API."""

import base64

import pytest
from cariberita_local.apigw import Resource, build_event, match_resource, to_http

RESOURCES = [Resource(p) for p in ("/search", "/articles/{id}", "/health", "/{proxy+}")]


@pytest.mark.parametrize(
    ("path", "template", "params"),
    [
        ("/search", "/search", {}),
        ("/articles/abc-1", "/articles/{id}", {"id": "abc-1"}),
        ("/articles/a%2Fb", "/articles/{id}", {"id": "a%2Fb"}),
        ("/nothing/here", "/{proxy+}", {"proxy": "nothing/here"}),
    ],
)
def test_literal_resources_win_over_parameters_and_proxy(path, template, params):
    resource, found = match_resource(RESOURCES, path)
    assert (resource.template, found) == (template, params)


def test_unknown_path_matches_nothing_without_a_proxy_resource():
    assert match_resource([Resource("/search")], "/searchx") is None
    assert match_resource([Resource("/articles/{id}")], "/articles/a/b") is None


def test_event_carries_decoded_single_and_multi_value_query_parameters():
    event = build_event(
        "GET",
        "/search?q=pelayanan%20publik&category=Ekonomi&category=Politik&page=",
        [("Host", "localhost:8080"), ("Accept", "application/json")],
        b"",
        Resource("/search"),
        {},
    )
    assert event["queryStringParameters"] == {
        "q": "pelayanan publik",
        "category": "Politik",
        "page": "",
    }
    assert event["multiValueQueryStringParameters"]["category"] == ["Ekonomi", "Politik"]
    assert event["headers"]["Accept"] == "application/json"
    assert event["resource"] == event["requestContext"]["resourcePath"] == "/search"
    assert event["pathParameters"] is None and event["body"] is None


def test_event_path_parameters_are_url_decoded():
    event = build_event(
        "GET", "/articles/a%2Fb", [], b"", Resource("/articles/{id}"), {"id": "a%2Fb"}
    )
    assert event["pathParameters"] == {"id": "a/b"}


def test_event_without_query_has_null_parameter_maps():
    event = build_event("GET", "/health", [], b"", Resource("/health"), {})
    assert event["queryStringParameters"] is None
    assert event["multiValueQueryStringParameters"] is None


def test_binary_body_is_base64_encoded():
    event = build_event("POST", "/search", [], b"\xff\xfe", Resource("/search"), {})
    assert event["isBase64Encoded"] is True
    assert base64.b64decode(event["body"]) == b"\xff\xfe"


def test_result_headers_and_multi_value_headers_are_merged():
    status, headers, body = to_http(
        {
            "statusCode": 400,
            "headers": {"Content-Type": "application/json"},
            "multiValueHeaders": {"Vary": ["Origin", "Accept-Encoding"]},
            "body": '{"error": {"code": "invalid_parameter"}}',
        }
    )
    assert status == 400
    assert headers["Vary"] == ["Origin", "Accept-Encoding"]
    assert body.startswith(b'{"error"')


def test_base64_result_body_is_decoded():
    payload = base64.b64encode(b"\x1f\x8b compressed").decode()
    _, _, body = to_http({"statusCode": 200, "body": payload, "isBase64Encoded": True})
    assert body == b"\x1f\x8b compressed"


@pytest.mark.parametrize(
    "result", [None, {}, {"statusCode": "200"}, {"statusCode": 200, "body": {"a": 1}}]
)
def test_malformed_result_becomes_api_gateways_502(result):
    status, _, body = to_http(result)
    assert status == 502
    assert b"Internal server error" in body


def test_method_must_be_defined_on_the_resource():
    resources = [
        Resource("/search", frozenset({"GET"})),
        Resource("/{proxy+}", frozenset({"OPTIONS"})),
    ]
    assert match_resource(resources, "/search", "POST") is None
    resource, params = match_resource(resources, "/search", "OPTIONS")
    assert (resource.template, params) == ("/{proxy+}", {"proxy": "search"})


def test_routes_come_from_the_sam_templates_api_events(tmp_path):
    from cariberita_local.api_server import api_resources

    template = tmp_path / "template.yaml"
    template.write_text(
        "\n".join(
            [
                "Events:",
                "  Search:",
                "    Type: Api",
                "    Properties:",
                "      RestApiId: !Ref SearchApi",
                "      Path: /search",
                "      Method: GET",
                "  Article:",
                "    Properties:",
                '      Path: "/articles/{id}"',
                "      Method: get",
                "  Preflight:",
                '    Properties: {RestApiId: !Ref A, Path: "/{proxy+}", Method: OPTIONS}',
            ]
        )
    )
    resources = {r.template: r.methods for r in api_resources(template, tmp_path / "none.json")}
    assert resources == {
        "/search": {"GET"},
        "/articles/{id}": {"GET"},
        "/{proxy+}": {"OPTIONS"},
    }
