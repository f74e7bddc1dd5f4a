"""A first deploy rehearsed offline: the order CloudFormation creates things in, and every path.

CloudFormation creates a resource after everything it names (DependsOn, Ref, GetAtt, Sub), so
the dependency graph of the transformed template is the creation order. Every combination of
the parameters that choose a deploy path is transformed as CloudFormation's SAM transform
would, checked against the template's Rules, and linted with cfn-lint.
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Iterator, Mapping
from typing import Any

import pytest
from cfnlint.api import ManualArgs, lint

from tests.support.sam_template import PSEUDO, Resolver, transformed

EXISTING = {
    "OpenSearchEndpoint": "https://search-news-abc.ap-southeast-3.es.amazonaws.com",
    "OpenSearchArn": "arn:aws:es:ap-southeast-3:123456789012:domain/news",
}
CHOICES: dict[str, list[dict[str, str]]] = {
    "domain": [{}, EXISTING],
    "api key": [{"UsagePlan": "NONE"}, {"UsagePlan": "PER_API"}],
    "cache": [{"ApiCacheEnabled": "false"}, {"ApiCacheEnabled": "true"}],
    "alarm e-mail": [{"AlarmEmail": ""}, {"AlarmEmail": "ops@example.id"}],
    "api logging": [
        {"ApiGatewayLogging": "off"},
        {"ApiGatewayLogging": "account-role-exists"},
        {"ApiGatewayLogging": "create-account-role"},
    ],
    "operator": [
        {"OperatorRoleArn": ""},
        {"OperatorRoleArn": "arn:aws:iam::123456789012:role/ops"},
    ],
}
_SUB_NAME = re.compile(r"\$\{([^!}][^}]*)\}")


def combinations() -> Iterator[dict[str, str]]:
    for picks in itertools.product(*CHOICES.values()):
        parameters: dict[str, str] = {}
        for pick in picks:
            parameters.update(pick)
        yield parameters


def label(parameters: Mapping[str, str]) -> str:
    return ",".join(f"{k}={v}" for k, v in sorted(parameters.items()) if k != "OpenSearchArn")


COMBINATIONS = list(combinations())
# cfn-lint takes seconds per template: every path, with the operator role on every other one
# (it only adds one conditional statement to the domain policy).
LINTED = [p for i, p in enumerate(COMBINATIONS) if bool(p["OperatorRoleArn"]) == bool(i // 2 % 2)]
# SAM's own output for UsagePlan: an explicit DependsOn beside a Ref to the same resource.
SAM_REDUNDANT = ("SearchApiUsagePlan", "SearchApiApiKey", "SearchApiUsagePlanKey")


# --- dependency graph ---------------------------------------------------------------------------


def _references(node: Any, resources: set[str]) -> Iterator[str]:
    if isinstance(node, list):
        for item in node:
            yield from _references(item, resources)
    elif isinstance(node, dict):
        for key, value in node.items():
            if key == "Ref" and value in resources:
                yield value
            elif key == "Fn::GetAtt":
                name = value[0] if isinstance(value, list) else value.split(".", 1)[0]
                if name in resources:
                    yield name
            elif key == "Fn::Sub":
                text = value if isinstance(value, str) else value[0]
                for name in _SUB_NAME.findall(text):
                    if name.split(".", 1)[0] in resources:
                        yield name.split(".", 1)[0]
                if isinstance(value, list):
                    yield from _references(value[1], resources)
            else:
                yield from _references(value, resources)


def dependency_graph(template: Mapping[str, Any]) -> dict[str, set[str]]:
    """resource -> the resources CloudFormation creates before it."""
    resources = set(template["Resources"])
    graph = {}
    for name, resource in template["Resources"].items():
        depends = resource.get("DependsOn", [])
        edges = set([depends] if isinstance(depends, str) else depends)
        edges |= set(_references(resource.get("Properties", {}), resources))
        graph[name] = edges
    return graph


def created_before(graph: Mapping[str, set[str]], name: str) -> set[str]:
    seen: set[str] = set()
    todo = [name]
    while todo:
        for before in graph[todo.pop()]:
            if before not in seen:
                seen.add(before)
                todo.append(before)
    return seen


@pytest.mark.parametrize("domain", ["created", "existing"])
def test_ingestion_starts_only_after_the_bootstrap_made_the_alias(domain):
    template = transformed(**(EXISTING if domain == "existing" else {}))
    graph = dependency_graph(template)
    (mapping,) = [
        n
        for n, r in template["Resources"].items()
        if r["Type"] == "AWS::Lambda::EventSourceMapping"
    ]
    assert "ArticlesIndexBootstrap" in created_before(graph, mapping)
    assert "IngestFunction" in created_before(graph, mapping)
    if domain == "created":
        assert "Domain" in created_before(graph, "ArticlesIndexBootstrap")


def test_the_graph_has_no_cycle():
    graph = dependency_graph(transformed())
    for name in graph:
        assert name not in created_before(graph, name), name


def test_the_order_check_can_fail():
    graph = {"Mapping": {"Function"}, "Function": set(), "Bootstrap": {"Function"}}
    assert "Bootstrap" not in created_before(graph, "Mapping")


# --- every path ---------------------------------------------------------------------------------


def _rule_holds(resolver: Resolver, rule: Mapping[str, Any]) -> list[str]:
    if "RuleCondition" in rule and not resolver.value(rule["RuleCondition"]):
        return []
    return [a["AssertDescription"] for a in rule["Assertions"] if not resolver.value(a["Assert"])]


@pytest.mark.parametrize("parameters", COMBINATIONS, ids=[label(p) for p in COMBINATIONS])
def test_every_path_transforms_passes_the_rules_and_resolves(parameters):
    template = transformed(**parameters)
    resolver = Resolver(template, parameters)
    failed = [d for rule in template.get("Rules", {}).values() for d in _rule_holds(resolver, rule)]
    assert failed == []
    kept = [name for name in template["Resources"] if resolver.exists(name)]
    # Whatever exists names only what exists on this path.
    graph = dependency_graph(template)
    for name in kept:
        resolved = resolver.value(template["Resources"][name])
        missing = {n for n in graph[name] if not resolver.exists(n)} & set(
            _references(resolved, set(template["Resources"]))
        )
        assert not missing, f"{name} needs {missing}, absent with {label(parameters)}"
    assert ("Domain" in kept) == ("OpenSearchEndpoint" not in parameters)
    assert ("ApiGatewayAccount" in kept) == (
        parameters["ApiGatewayLogging"] == "create-account-role"
    )
    has_key = any(r["Type"] == "AWS::ApiGateway::ApiKey" for r in template["Resources"].values())
    assert has_key == (parameters["UsagePlan"] == "PER_API")


def _lint_findings(template: dict[str, Any], parameters: Mapping[str, str]) -> list[str]:
    template = json.loads(json.dumps(template))
    for name, value in parameters.items():
        template["Parameters"][name]["Default"] = value
    matches = lint(json.dumps(template), config=ManualArgs(regions=[PSEUDO["AWS::Region"]]))
    # UsagePlan is read by the SAM transform itself, so none of its output refers to it.
    return [
        f"{m.rule.id}: {m.message}"
        for m in matches
        if not (m.rule.id == "W2001" and "UsagePlan" in m.message)
        and not (
            m.rule.id == "W3005" and any(f"Resources/{r}/" in m.message for r in SAM_REDUNDANT)
        )
    ]


def test_linted_paths_cover_every_value_of_every_choice():
    assert len(LINTED) == len(COMBINATIONS) // 2
    for choice, values in CHOICES.items():
        for value in values:
            assert any(value.items() <= p.items() for p in LINTED), (choice, value)


@pytest.mark.parametrize("parameters", LINTED, ids=[label(p) for p in LINTED])
def test_every_path_passes_cfn_lint_after_the_transform(parameters):
    assert _lint_findings(transformed(**parameters), parameters) == []
