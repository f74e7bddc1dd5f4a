"""SnapStart: the template option and the restore hook that rebuilds the OpenSearch client."""

from __future__ import annotations

import pytest
from cariberita.opensearch_client import get_client
from cariberita.search.settings import SearchSettings

from tests.support.handlers import load_handler_module
from tests.support.sam_template import load_template, resources_of_type, transformed

pytestmark = pytest.mark.filterwarnings("ignore:No application metrics")

APP = load_handler_module("search")
SETTINGS = SearchSettings(OPENSEARCH_ENDPOINT="http://127.0.0.1:9", CURSOR_SECRET="s" * 32)


def test_after_restore_rebuilds_the_client_and_the_routes_over_it():
    APP.container_app.cache_clear()
    before_app = APP.container_app(SETTINGS)
    before_client = get_client(SETTINGS)
    assert APP.container_app(SETTINGS) is before_app  # cached per container

    APP.after_restore()

    after_client = get_client(SETTINGS)
    assert after_client is not before_client
    assert APP.container_app(SETTINGS) is not before_app


def test_without_the_runtime_package_the_hook_is_a_plain_function():
    # Locally snapshot_restore_py is absent: the decorator must leave the hook callable.
    assert callable(APP.after_restore)
    assert APP.after_restore.__name__ == "after_restore"


def _search_function(template):
    return template["Resources"]["SearchFunction"]["Properties"]


def test_snapstart_is_on_only_when_the_parameter_says_so():
    props = _search_function(load_template())
    assert props["SnapStart"]["ApplyOn"] == {
        "Fn::If": ["SearchSnapStartOn", "PublishedVersions", "None"]
    }
    conditions = load_template()["Conditions"]
    assert conditions["SearchSnapStartOn"] == {"Fn::Equals": [{"Ref": "SearchSnapStart"}, "true"]}


def test_snapstart_needs_a_python_312_or_newer_runtime():
    template = load_template()
    runtime = (
        _search_function(template).get("Runtime") or template["Globals"]["Function"]["Runtime"]
    )
    major, minor = (int(n) for n in runtime.removeprefix("python").split("."))
    assert (major, minor) >= (3, 12), f"SnapStart for Python needs 3.12+, not {runtime}"


def test_the_api_calls_the_published_alias_not_the_unqualified_function():
    template = transformed(SearchSnapStart="true")
    aliases = resources_of_type(template, "AWS::Lambda::Alias")
    assert list(aliases) == ["SearchFunctionAliaslive"]
    permissions = resources_of_type(template, "AWS::Lambda::Permission")
    search = {k: v for k, v in permissions.items() if k.startswith("SearchFunction")}
    assert search
    for permission in search.values():
        assert permission["Properties"]["FunctionName"] == {"Ref": "SearchFunctionAliaslive"}
    api = resources_of_type(template, "AWS::ApiGateway::RestApi")
    uris = [
        method["x-amazon-apigateway-integration"]["uri"]
        for spec in api.values()
        for path in spec["Properties"]["Body"]["paths"].values()
        for method in path.values()
        if "x-amazon-apigateway-integration" in method
    ]
    assert uris and all("SearchFunctionAliaslive" in str(uri) for uri in uris)
