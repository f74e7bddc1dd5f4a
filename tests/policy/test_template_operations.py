"""Operability of the stack: alarms, log retention, tracing, outputs, routes, settings in sync."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from tests.support.sam_template import ROOT, load_template, resources_of_type, transformed

FUNCTIONS = ("IngestFunction", "SearchFunction", "BootstrapFunction")
POWERTOOLS_VARS = {
    "POWERTOOLS_SERVICE_NAME",
    "POWERTOOLS_METRICS_NAMESPACE",
    "POWERTOOLS_LOG_LEVEL",
}


@pytest.fixture(scope="module")
def cfn() -> dict[str, Any]:
    return transformed()


def alarm_metrics(alarm: dict[str, Any]) -> set[tuple[str, str]]:
    props = alarm["Properties"]
    if "MetricName" in props:
        return {(props["Namespace"], props["MetricName"])}
    return {
        (m["MetricStat"]["Metric"]["Namespace"], m["MetricStat"]["Metric"]["MetricName"])
        for m in props["Metrics"]
        if "MetricStat" in m
    }


@pytest.mark.parametrize(
    ("namespace", "metric", "subject"),
    [
        ("AWS/SQS", "ApproximateNumberOfMessagesVisible", "IngestDeadLetterQueue"),
        ("AWS/Lambda", "Errors", "IngestFunction"),
        ("AWS/Lambda", "Errors", "SearchFunction"),
        ("AWS/Lambda", "Throttles", "IngestFunction"),
        ("AWS/Lambda", "Throttles", "SearchFunction"),
        ("CariBerita", "ArticlesRejected", "cariberita"),
        ("AWS/ES", "ThreadpoolWriteRejected", "Domain"),
        ("AWS/ApiGateway", "5XXError", "-search"),
        ("AWS/ApiGateway", "Latency", "-search"),
    ],
)
def test_alarm_exists_and_notifies_the_topic(cfn, namespace, metric, subject):
    matching = [
        alarm
        for alarm in resources_of_type(cfn, "AWS::CloudWatch::Alarm").values()
        if (namespace, metric) in alarm_metrics(alarm) and subject in json.dumps(alarm)
    ]
    assert matching, f"no alarm on {namespace} {metric} for {subject}"
    for alarm in matching:
        assert alarm["Properties"]["AlarmActions"] == [{"Ref": "AlarmTopic"}]
        assert "docs/operations.md#" in alarm["Properties"]["AlarmDescription"]


def test_every_alarm_links_a_runbook_section_that_exists(cfn):
    from tests.support.sam_template import ROOT

    doc = (ROOT / "docs" / "operations.md").read_text(encoding="utf-8")
    anchors = {
        re.sub(r"[^a-z0-9 -]", "", line.lstrip("#").strip().lower()).replace(" ", "-")
        for line in doc.splitlines()
        if line.startswith("#")
    }
    for name, alarm in resources_of_type(cfn, "AWS::CloudWatch::Alarm").items():
        anchor = (
            alarm["Properties"]["AlarmDescription"].split("docs/operations.md#")[1].rstrip(").")
        )
        assert anchor in anchors, f"{name} links #{anchor}, missing in docs/operations.md"


@pytest.mark.parametrize("function", FUNCTIONS)
def test_function_logs_to_its_own_group_with_retention(cfn, function):
    group_ref = cfn["Resources"][function]["Properties"]["LoggingConfig"]["LogGroup"]
    group = cfn["Resources"][group_ref["Ref"]]
    assert group["Type"] == "AWS::Logs::LogGroup"
    assert group["Properties"]["RetentionInDays"] == {"Ref": "LogRetentionDays"}


def test_every_log_group_has_retention(cfn):
    for name, group in resources_of_type(cfn, "AWS::Logs::LogGroup").items():
        assert "RetentionInDays" in group["Properties"], name


@pytest.mark.parametrize("function", FUNCTIONS)
def test_function_runs_the_declared_runtime_traced_with_powertools(cfn, function):
    props = cfn["Resources"][function]["Properties"]
    assert props["Runtime"] == "python3.12"
    assert props["Architectures"] == ["arm64"]
    assert props["TracingConfig"] == {"Mode": "Active"}
    env = props["Environment"]["Variables"]
    assert env["POWERTOOLS_SERVICE_NAME"] == "cariberita"
    assert env["POWERTOOLS_METRICS_NAMESPACE"] == "CariBerita"
    assert env["OPENSEARCH_AUTH"] == "sigv4"
    assert len(props["Layers"]) == 1


def test_every_artifact_builds_without_docker():
    template = load_template()
    for name, resource in template["Resources"].items():
        if resource["Type"] in ("AWS::Serverless::Function", "AWS::Serverless::LayerVersion"):
            assert resource["Metadata"]["BuildMethod"] == "makefile", name


def test_settings_and_environment_agree():
    from cariberita.config import Settings
    from cariberita.ingest.settings import IngestSettings
    from cariberita.search.settings import SearchSettings

    cfn = transformed()
    for function, model in (
        ("IngestFunction", IngestSettings),
        ("SearchFunction", SearchSettings),
        ("BootstrapFunction", Settings),
    ):
        env = set(cfn["Resources"][function]["Properties"]["Environment"]["Variables"])
        fields = model.model_fields.values()
        known = {f.alias for f in fields}
        required = {f.alias for f in fields if f.is_required()}
        assert env - POWERTOOLS_VARS <= known, (
            f"{function}: unknown {env - POWERTOOLS_VARS - known}"
        )
        assert required <= env, f"{function}: missing {required - env}"


def test_api_serves_every_route_traced_throttled_and_logged(cfn):
    paths = cfn["Resources"]["SearchApi"]["Properties"]["Body"]["paths"]
    documented = json.loads((ROOT / "api" / "openapi.json").read_text(encoding="utf-8"))["paths"]
    # The deployed API and the OpenAPI document name the same routes and path parameters.
    assert set(paths) == set(documented)
    for route in documented:
        assert set(paths[route]) == {"get", "options"}, route  # preflight reaches the function
    stage = cfn["Resources"]["SearchApiStage"]["Properties"]
    assert stage["TracingEnabled"] is True
    assert stage["AccessLogSetting"]["DestinationArn"] == {
        "Fn::GetAtt": ["ApiAccessLogGroup", "Arn"]
    }
    json.loads(stage["AccessLogSetting"]["Format"])  # CloudWatch Logs Insights parses JSON
    (settings,) = stage["MethodSettings"]
    assert settings["ThrottlingRateLimit"] == {"Ref": "ApiThrottleRateLimit"}
    assert settings["CacheDataEncrypted"] is True


def test_cached_routes_key_the_cache_on_their_parameters(cfn):
    paths = cfn["Resources"]["SearchApi"]["Properties"]["Body"]["paths"]
    search_keys = paths["/search"]["get"]["x-amazon-apigateway-integration"]["cacheKeyParameters"]
    assert "method.request.querystring.q" in search_keys
    assert "method.request.querystring.cursor" in search_keys
    article = paths["/articles/{article_id}"]["get"]["x-amazon-apigateway-integration"]
    assert article["cacheKeyParameters"] == ["method.request.path.article_id"]


def test_bootstrap_runs_on_deploy_and_never_waits_an_hour(cfn):
    props = cfn["Resources"]["ArticlesIndexBootstrap"]["Properties"]
    assert props["ServiceToken"] == {"Fn::GetAtt": ["BootstrapFunction", "Arn"]}
    assert int(props["ServiceTimeout"]) <= 600
    assert props["Alias"] == {"Ref": "ArticlesIndex"}
    # The layer version (which carries the index definition) is a property: a new one updates.
    assert props["Definition"]["Ref"].startswith("SharedLayer")


def test_outputs_name_what_operators_need(cfn):
    wanted = {"ApiUrl", "ArticlesBucketName", "IngestQueueUrl", "DeadLetterQueueUrl"}
    wanted |= {"OpenSearchEndpoint", "AlarmTopicArn", "DashboardUrl", "UploadPrefix"}
    assert wanted <= set(cfn["Outputs"])


def test_dashboard_body_is_json_once_substituted(cfn):
    body, _variables = cfn["Resources"]["Dashboard"]["Properties"]["DashboardBody"]["Fn::Sub"]
    dashboard = json.loads(re.sub(r"\$\{[^}]+\}", "x", body))
    assert len(dashboard["widgets"]) >= 6


def test_alarm_topic_can_receive_cloudwatch_alarms(cfn):
    # CloudWatch cannot use the AWS managed aws/sns key; such a topic silently drops alarms.
    assert "KmsMasterKeyId" not in cfn["Resources"]["AlarmTopic"]["Properties"]


def test_search_outlasts_its_opensearch_retries_and_api_gateway_outlasts_search(cfn):
    timeout_s = cfn["Resources"]["SearchFunction"]["Properties"]["Timeout"]
    worst_ms = cfn["Parameters"]["SearchTimeoutMs"]["MaxValue"] * 4  # 3 retries + 1
    assert worst_ms < timeout_s * 1000 < 29_000
