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
# Read by the libraries themselves, not by our settings models.
LIBRARY_VARS = POWERTOOLS_VARS | {"PYDANTIC_DISABLE_PLUGINS"}


@pytest.fixture(scope="module")
def cfn() -> dict[str, Any]:
    return transformed()


def alarm_metrics(alarm: dict[str, Any]) -> set[tuple[str, str]]:
    props = alarm["Properties"]
    if "MetricName" in props:
        return {(json.dumps(props["Namespace"]), props["MetricName"])}
    return {
        (
            json.dumps(m["MetricStat"]["Metric"]["Namespace"]),
            m["MetricStat"]["Metric"]["MetricName"],
        )
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
        ({"Fn::Sub": "CariBerita/${Stage}"}, "ArticlesRejected", "cariberita"),
        ("AWS/ES", "ThreadpoolWriteRejected", "Domain"),
        ("AWS/ES", "ClusterStatus.red", "Domain"),
        ("AWS/ES", "ClusterIndexWritesBlocked", "Domain"),
        ("AWS/ES", "CPUUtilization", "Domain"),
        ("AWS/ES", "JVMMemoryPressure", "Domain"),
        ("AWS/ES", "FreeStorageSpace", "Domain"),
        ("AWS/ES", "AutomatedSnapshotFailure", "Domain"),
        ("AWS/ApiGateway", "5XXError", "-search"),
        ("AWS/ApiGateway", "Latency", "-search"),
    ],
)
def test_alarm_exists_and_notifies_the_topic(cfn, namespace, metric, subject):
    matching = [
        alarm
        for alarm in resources_of_type(cfn, "AWS::CloudWatch::Alarm").values()
        if (json.dumps(namespace), metric) in alarm_metrics(alarm) and subject in json.dumps(alarm)
    ]
    assert matching, f"no alarm on {namespace} {metric} for {subject}"
    for alarm in matching:
        assert alarm["Properties"]["AlarmActions"] == [{"Ref": "AlarmTopic"}]
        assert "docs/operations.md#" in alarm["Properties"]["AlarmDescription"]


# AWS's recommended domain alarms: (statistic, period s, evaluation periods, operator, threshold).
RECOMMENDED = {
    "ClusterStatus.red": ("Maximum", 60, 1, "GreaterThanOrEqualToThreshold", 1),
    "ClusterIndexWritesBlocked": ("Maximum", 300, 1, "GreaterThanOrEqualToThreshold", 1),
    "CPUUtilization": ("Maximum", 900, 3, "GreaterThanOrEqualToThreshold", 80),
    "JVMMemoryPressure": ("Maximum", 60, 3, "GreaterThanOrEqualToThreshold", 95),
    "AutomatedSnapshotFailure": ("Maximum", 60, 1, "GreaterThanOrEqualToThreshold", 1),
}


@pytest.mark.parametrize("metric", sorted(RECOMMENDED))
def test_domain_alarm_uses_the_recommended_threshold(cfn, metric):
    (alarm,) = [
        a["Properties"]
        for a in resources_of_type(cfn, "AWS::CloudWatch::Alarm").values()
        if a["Properties"].get("MetricName") == metric
    ]
    got = (
        alarm["Statistic"],
        alarm["Period"],
        alarm["EvaluationPeriods"],
        alarm["ComparisonOperator"],
        alarm["Threshold"],
    )
    assert got == RECOMMENDED[metric]


def test_storage_alarm_fires_at_a_quarter_of_the_volume_free(cfn):
    props = cfn["Resources"]["DomainStorageAlarm"]["Properties"]
    (free,) = [m for m in props["Metrics"] if "MetricStat" in m]
    assert free["MetricStat"]["Metric"]["MetricName"] == "FreeStorageSpace"
    assert (free["MetricStat"]["Stat"], free["MetricStat"]["Period"]) == ("Minimum", 60)
    (expression,) = [m["Expression"]["Fn::Sub"] for m in props["Metrics"] if "Expression" in m]
    # MiB free / (GiB volume x 1024) as a percentage, at most 25.
    volume_gib, free_mib = 10, 2560
    value = eval(
        expression.replace("${DomainVolumeSizeGiB}", str(volume_gib)).replace("free", str(free_mib))
    )
    assert value == 25 and props["Threshold"] == 25
    assert props["ComparisonOperator"] == "LessThanOrEqualToThreshold"


def test_docs_list_exactly_the_template_alarms(cfn):
    doc = (ROOT / "docs" / "operations.md").read_text(encoding="utf-8")
    table = doc.split("<!-- alarms -->", 1)[1].split("\n\n", 1)[0]
    listed = set(re.findall(r"^\| `(\w+Alarm)` \|", table, flags=re.MULTILINE))
    assert listed == set(resources_of_type(cfn, "AWS::CloudWatch::Alarm"))
    count = re.search(r"(\d+) alarms", doc.split("<!-- alarms -->", 1)[0].rsplit("\n## ", 1)[1])
    assert count and int(count.group(1)) == len(listed)


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


def test_metrics_are_per_stage_so_two_stages_never_share_alarms(cfn):
    env = cfn["Resources"]["IngestFunction"]["Properties"]["Environment"]["Variables"]
    assert env["POWERTOOLS_METRICS_NAMESPACE"] == {"Fn::Sub": "CariBerita/${Stage}"}
    body = json.dumps(cfn["Resources"]["Dashboard"]["Properties"]["DashboardBody"])
    assert '"CariBerita/${Stage}"' in body.replace('\\"', '"')
    assert '"CariBerita",' not in body.replace('\\"', '"')
    # docs/operations.md: the search metrics "show the same on the dashboard".
    for metric in ("Searches", "ZeroResults", "SearchLatency", "ArticlesRejected"):
        assert f'"{metric}"' in body.replace('\\"', '"'), metric


@pytest.mark.parametrize("function", FUNCTIONS)
def test_function_logs_to_its_own_group_with_retention(cfn, function):
    group_ref = cfn["Resources"][function]["Properties"]["LoggingConfig"]["LogGroup"]
    group = cfn["Resources"][group_ref["Ref"]]
    assert group["Type"] == "AWS::Logs::LogGroup"
    assert group["Properties"]["RetentionInDays"] == {"Ref": "LogRetentionDays"}


def test_every_log_group_has_retention(cfn):
    for name, group in resources_of_type(cfn, "AWS::Logs::LogGroup").items():
        assert group["Properties"]["RetentionInDays"] == {"Ref": "LogRetentionDays"}, name


def test_api_execution_logs_get_a_group_with_retention_before_api_gateway_makes_one(cfn):
    group = cfn["Resources"]["ApiExecutionLogGroup"]
    assert group["Properties"]["LogGroupName"] == {
        "Fn::Sub": "API-Gateway-Execution-Logs_${SearchApi}/${Stage}"
    }
    assert group["Condition"] == "ApiLogging"


def test_api_logging_and_the_account_role_are_opt_in(cfn):
    assert cfn["Parameters"]["ApiGatewayLogging"]["Default"] == "off"
    assert cfn["Resources"]["ApiGatewayAccount"]["Condition"] == "SetApiGatewayRole"
    assert cfn["Conditions"]["SetApiGatewayRole"] == {
        "Fn::Equals": [{"Ref": "ApiGatewayLogging"}, "create-account-role"]
    }
    stage = cfn["Resources"]["SearchApiStage"]["Properties"]
    (settings,) = stage["MethodSettings"]
    assert settings["LoggingLevel"] == {"Fn::If": ["ApiLogging", "ERROR", "OFF"]}
    assert stage["AccessLogSetting"]["Fn::If"][0] == "ApiLogging"


@pytest.mark.parametrize("function", FUNCTIONS)
def test_function_runs_the_declared_runtime_traced_with_powertools(cfn, function):
    props = cfn["Resources"][function]["Properties"]
    assert props["Runtime"] == "python3.12"
    assert props["Architectures"] == ["arm64"]
    assert props["TracingConfig"] == {"Mode": "Active"}
    env = props["Environment"]["Variables"]
    assert env["POWERTOOLS_SERVICE_NAME"] == "cariberita"
    assert env["POWERTOOLS_METRICS_NAMESPACE"] == {"Fn::Sub": "CariBerita/${Stage}"}
    assert env["OPENSEARCH_AUTH"] == "sigv4"
    assert len(props["Layers"]) == 1


def test_every_artifact_builds_without_docker():
    template = load_template()
    for name, resource in template["Resources"].items():
        if resource["Type"] in ("AWS::Serverless::Function", "AWS::Serverless::LayerVersion"):
            assert resource["Metadata"]["BuildMethod"] == "makefile", name


def _settings_models() -> dict[str, Any]:
    from cariberita.config import Settings
    from cariberita.ingest.settings import IngestSettings
    from cariberita.search.settings import SearchSettings

    return {
        "IngestFunction": IngestSettings,
        "SearchFunction": SearchSettings,
        "BootstrapFunction": Settings,
    }


# The search function gets CURSOR_SECRET_ARN (read at run time by cariberita.secrets), never
# CURSOR_SECRET; SearchSettings accepts either (test_template_security checks the value is absent).
@pytest.mark.parametrize("function", FUNCTIONS)
def test_settings_and_environment_agree(function):
    cfn = transformed()
    model = _settings_models()[function]
    env = set(cfn["Resources"][function]["Properties"]["Environment"]["Variables"])
    fields = model.model_fields.values()
    known = {f.alias for f in fields}
    required = {f.alias for f in fields if f.is_required()}
    assert env - LIBRARY_VARS <= known, f"{function}: unknown {env - LIBRARY_VARS - known}"
    assert required <= env, f"{function}: missing {required - env}"


@pytest.mark.parametrize("function", FUNCTIONS)
def test_no_function_scans_for_pydantic_plugins_at_cold_start(function):
    # Without it the first model built walks every installed distribution's entry points
    # (docs/benchmarks.md, section 4); no function uses a pydantic plugin.
    env = transformed()["Resources"][function]["Properties"]["Environment"]["Variables"]
    assert env.get("PYDANTIC_DISABLE_PLUGINS") == "__all__"


def test_api_serves_every_route_traced_throttled_and_logged(cfn):
    paths = cfn["Resources"]["SearchApi"]["Properties"]["Body"]["paths"]
    documented = json.loads((ROOT / "api" / "openapi.json").read_text(encoding="utf-8"))["paths"]
    # The deployed API and the OpenAPI document name the same routes and path parameters.
    assert set(paths) == set(documented)
    for route in documented:
        assert set(paths[route]) == {"get", "options"}, route  # preflight reaches the function
    stage = cfn["Resources"]["SearchApiStage"]["Properties"]
    assert stage["TracingEnabled"] is True
    _condition, access_log, _off = stage["AccessLogSetting"]["Fn::If"]
    assert access_log["DestinationArn"] == {"Fn::GetAtt": ["ApiAccessLogGroup", "Arn"]}
    json.loads(access_log["Format"])  # CloudWatch Logs Insights parses JSON
    (settings,) = stage["MethodSettings"]
    assert settings["ThrottlingRateLimit"] == {"Ref": "ApiThrottleRateLimit"}
    assert settings["CacheDataEncrypted"] is True


def test_cached_routes_key_the_cache_on_their_parameters(cfn):
    paths = cfn["Resources"]["SearchApi"]["Properties"]["Body"]["paths"]
    search_keys = paths["/search"]["get"]["x-amazon-apigateway-integration"]["cacheKeyParameters"]
    assert "method.request.querystring.q" in search_keys
    assert "method.request.querystring.cursor" in search_keys
    article = paths["/articles/{article_id}"]["get"]["x-amazon-apigateway-integration"]
    assert "method.request.path.article_id" in article["cacheKeyParameters"]


def test_cached_answers_are_kept_per_origin(cfn):
    # The function's CORS headers depend on the Origin; an answer cached for one site must not
    # be served to another. Every method of every route keys the cache on the Origin header.
    paths = cfn["Resources"]["SearchApi"]["Properties"]["Body"]["paths"]
    for route, methods in paths.items():
        for method, spec in methods.items():
            keys = spec["x-amazon-apigateway-integration"].get("cacheKeyParameters", [])
            assert "method.request.header.Origin" in keys, (route, method)


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


@pytest.mark.parametrize("deploy", ["created", "existing"])
def test_dashboard_body_is_json_once_substituted(deploy):
    from tests.support.sam_template import Resolver

    parameters = (
        {
            "OpenSearchEndpoint": "https://search-news-abc.ap-southeast-3.es.amazonaws.com",
            "OpenSearchArn": "arn:aws:es:ap-southeast-3:123456789012:domain/news",
        }
        if deploy == "existing"
        else {}
    )
    cfn = transformed(**parameters)
    body = Resolver(cfn, parameters).value(cfn["Resources"]["Dashboard"]["Properties"])
    dashboard = json.loads(body["DashboardBody"])
    titles = [w["properties"]["title"] for w in dashboard["widgets"]]
    assert len(titles) == (8 if deploy == "created" else 7), titles


def test_alarm_topic_can_receive_cloudwatch_alarms(cfn):
    # CloudWatch cannot use the AWS managed aws/sns key; such a topic silently drops alarms.
    assert "KmsMasterKeyId" not in cfn["Resources"]["AlarmTopic"]["Properties"]


def test_search_outlasts_its_opensearch_retries_and_api_gateway_outlasts_search(cfn):
    timeout_s = cfn["Resources"]["SearchFunction"]["Properties"]["Timeout"]
    worst_ms = cfn["Parameters"]["SearchTimeoutMs"]["MaxValue"] * 4  # 3 retries + 1
    assert worst_ms < timeout_s * 1000 < 29_000


def test_saved_insights_queries_are_the_ones_the_admin_cli_runs(cfn):
    # Editors open these in Logs Insights; `cariberita-admin insights` runs the constant. Same
    # texts, one each, on the search function's log group.
    from cariberita.rules.insights import LOGS_INSIGHTS_QUERIES

    saved = resources_of_type(cfn, "AWS::Logs::QueryDefinition")
    assert sorted(q["Properties"]["QueryString"] for q in saved.values()) == sorted(
        LOGS_INSIGHTS_QUERIES.values()
    )
    for query in saved.values():
        assert query["Properties"]["LogGroupNames"] == [{"Ref": "SearchLogGroup"}]
        assert query["Properties"]["Name"]["Fn::Sub"].startswith("${AWS::StackName}/insights/")


def _custom_metric_alarms(cfn: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    out = []
    for name, alarm in resources_of_type(cfn, "AWS::CloudWatch::Alarm").items():
        for query in alarm["Properties"].get("Metrics", []):
            metric = query.get("MetricStat", {}).get("Metric", {})
            if metric.get("Namespace") == {"Fn::Sub": "CariBerita/${Stage}"}:
                out.append((name, metric))
    return out


@pytest.mark.parametrize("stage", ["dev", "prod"])
def test_metrics_the_functions_emit_are_the_ones_the_alarms_watch(cfn, stage):
    # As CloudWatch matches them: the EMF line the code writes under the template's
    # environment, namespace and dimensions exactly (Powertools preferred a namespace given in
    # code over the variable, so every stage's metrics once went to one no alarm watched).
    from cariberita.observability import make_metrics

    env = cfn["Resources"]["IngestFunction"]["Properties"]["Environment"]["Variables"]
    namespace = env["POWERTOOLS_METRICS_NAMESPACE"]["Fn::Sub"].replace("${Stage}", stage)
    alarms = _custom_metric_alarms(cfn)
    assert alarms, "no alarm on the functions' own metrics"
    metrics = make_metrics({"POWERTOOLS_METRICS_NAMESPACE": namespace})
    for name, metric in alarms:
        metrics.add_metric(name=metric["MetricName"], unit="Count", value=1)
        try:
            emitted = metrics.serialize_metric_set()["_aws"]["CloudWatchMetrics"][0]
        finally:
            metrics.clear_metrics()
        assert emitted["Namespace"] == namespace, name
        watched = {d["Name"]: d["Value"] for d in metric.get("Dimensions", [])}
        assert set(emitted["Dimensions"][0]) == set(watched), name
        assert watched == {"service": "cariberita"}, name
