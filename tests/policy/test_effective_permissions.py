"""What each function role may really call on OpenSearch, as AWS decides it within one account.

A request is allowed when the role's identity policy OR the domain's resource policy allows it
(and nothing denies it), so a narrow role is only as narrow as the domain's access policy. This
evaluates both on the template after the SAM transform, with IAM's wildcard matching, over a
fixed list of requests, and compares the result with what the code needs:

- search reads through the alias: ``_search`` (suggestions too), ``_count``, ``_doc``;
- ingest writes documents through the alias: ``_bulk`` (index and delete actions), and for
  the removal of an upload ``_refresh`` and ``_delete_by_query``
  (``cariberita.ingest.opensearch_writer``);
- the bootstrap administers the versioned indexes ``articles-v<N>`` (never deletes one), reads
  which index the alias names, their health and the count (``cariberita.index.manager``).

Both deploy paths are checked: the domain the stack creates, and an existing domain whose access
policy is the JSON docs/operations.md tells an operator to add.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from functools import cache
from typing import Any

import pytest

from tests.support.sam_template import ACCOUNT, REGION, ROOT, Resolver, transformed

ROLES = {
    "search": "SearchFunctionRole",
    "ingest": "IngestFunctionRole",
    "bootstrap": "BootstrapFunctionRole",
}

PROBES = (
    "GET /articles/_search",
    "POST /articles/_search",
    "POST /articles/_msearch",
    "GET /articles/_count",
    "POST /articles/_count",
    "GET /articles/_doc/x",
    "PUT /articles/_doc/x",
    "DELETE /articles/_doc/x",
    "POST /articles/_bulk",
    "POST /articles/_refresh",
    "POST /articles/_delete_by_query",
    "DELETE /articles-v1",
    "PUT /articles-v2",
    "HEAD /articles-v1",
    "PUT /articles-v1/_mapping",
    "PUT /articles-v1/_alias/articles",
    "GET /_alias/articles",
    "POST /_aliases",
    "POST /_reindex",
    "GET /_cluster/health",
    "GET /_cluster/health/articles-v1",
    "PUT /_cluster/settings",
    "POST /_bulk",
    "POST /other-index/_bulk",
    "GET /.kibana/_search",
)

EXPECTED = {
    "search": {
        "GET /articles/_search",
        "POST /articles/_search",
        "GET /articles/_count",
        "POST /articles/_count",
        "GET /articles/_doc/x",
    },
    "ingest": {
        "POST /articles/_bulk",
        "POST /articles/_refresh",
        "POST /articles/_delete_by_query",
    },
    "bootstrap": {
        "GET /articles/_count",
        "POST /articles/_count",
        "PUT /articles-v2",
        "HEAD /articles-v1",
        "PUT /articles-v1/_mapping",
        "PUT /articles-v1/_alias/articles",
        "GET /_alias/articles",
        "GET /_cluster/health/articles-v1",
    },
}

EXISTING_DOMAIN = "arn:aws:es:ap-southeast-3:123456789012:domain/newsroom"
EXISTING = {
    "OpenSearchEndpoint": "https://search-newsroom-abc.ap-southeast-3.es.amazonaws.com",
    "OpenSearchArn": EXISTING_DOMAIN,
}
POLICY_MARKER = "<!-- existing-domain-access-policy -->"


# --- IAM evaluation ---------------------------------------------------------------------------


def _pattern(glob: str, *, ignore_case: bool) -> re.Pattern[str]:
    """IAM's wildcards: ``*`` any run of characters (``/`` included), ``?`` exactly one."""
    body = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in glob)
    return re.compile(f"^{body}$", re.IGNORECASE if ignore_case else 0)


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _matches(statement: Mapping[str, Any], action: str, resource: str) -> bool:
    for key in ("NotAction", "NotResource", "NotPrincipal"):
        if key in statement:
            raise NotImplementedError(f"{key} in {statement.get('Sid')}")
    actions = _as_list(statement["Action"])
    resources = _as_list(statement["Resource"])
    applies = any(_pattern(a, ignore_case=True).match(action) for a in actions) and any(
        _pattern(r, ignore_case=False).match(resource) for r in resources
    )
    if applies and "Condition" in statement:
        raise NotImplementedError(f"a Condition on an OpenSearch grant ({statement.get('Sid')})")
    return applies


def _names_principal(statement: Mapping[str, Any], role_arn: str) -> bool:
    """Whether a resource-policy statement grants to this role by itself.

    The account root as principal only delegates to identity policies, so it grants nothing of
    its own; ``*`` grants to everyone.
    """
    principal = statement.get("Principal")
    if principal == "*":
        return True
    names = _as_list(principal.get("AWS", [])) if isinstance(principal, dict) else []
    return any(name == "*" or name == role_arn for name in names)


def _identity_statements(
    template: Mapping[str, Any], resolver: Resolver, logical: str
) -> list[Any]:
    role = resolver.value(template["Resources"][logical])
    if role["Properties"].get("ManagedPolicyArns"):
        raise NotImplementedError(f"{logical} has managed policies this check cannot read")
    statements = [
        s for p in role["Properties"].get("Policies", []) for s in p["PolicyDocument"]["Statement"]
    ]
    role_name = resolver.ref(logical)
    for name, resource in template["Resources"].items():
        policy = resource["Type"] in ("AWS::IAM::Policy", "AWS::IAM::ManagedPolicy")
        if policy and resolver.exists(name):
            props = resolver.value(resource["Properties"])
            if role_name in props.get("Roles", []):
                statements += props["PolicyDocument"]["Statement"]
    return statements


def effective(
    statements: Iterable[Mapping[str, Any]], domain_arn: str, probes: Iterable[str] = PROBES
) -> set[str]:
    """The probes these statements (identity and resource, already for one role) allow."""
    statements = list(statements)
    allowed = set()
    for probe in probes:
        method, path = probe.split(" ", 1)
        action = f"es:ESHttp{method.capitalize()}"
        resource = f"{domain_arn}/{path.lstrip('/')}"
        matching = [s for s in statements if _matches(s, action, resource)]
        if any(s["Effect"] == "Allow" for s in matching) and not any(
            s["Effect"] == "Deny" for s in matching
        ):
            allowed.add(probe)
    return allowed


@cache
def _documented_policy() -> str:
    doc = (ROOT / "docs" / "operations.md").read_text(encoding="utf-8")
    after = doc.split(POLICY_MARKER, 1)[1]
    return after.split("```json", 1)[1].split("```", 1)[0]


def documented_policy(stage: str, domain_arn: str) -> dict[str, Any]:
    """The access policy docs/operations.md gives for an existing domain, filled in."""
    _, _, _, region, account, rest = domain_arn.split(":", 5)
    text = _documented_policy()
    for placeholder, value in {
        "<region>": region,
        "<account>": account,
        "<domain>": rest.split("/", 1)[1],
        "<stage>": stage,
    }.items():
        text = text.replace(placeholder, value)
    return json.loads(text)


def matrix(deploy: str) -> dict[str, set[str]]:
    """role -> the probes it may call, for the ``created`` or ``existing`` domain path."""
    parameters = EXISTING if deploy == "existing" else {}
    template = transformed(**parameters)
    resolver = Resolver(template, parameters)
    if deploy == "existing":
        domain_arn = EXISTING_DOMAIN
        resource_policy = documented_policy(resolver.parameters["Stage"], domain_arn)
    else:
        domain_arn = (
            f"arn:aws:es:{REGION}:{ACCOUNT}:domain/cariberita-{resolver.parameters['Stage']}"
        )
        domain = template["Resources"]["Domain"]["Properties"]
        resource_policy = resolver.value(domain["AccessPolicies"])
    result = {}
    for role, logical in ROLES.items():
        role_arn = resolver.get_att(logical, "Arn")
        identity = _identity_statements(template, resolver, logical)
        granted = [s for s in resource_policy["Statement"] if _names_principal(s, role_arn)]
        result[role] = effective(identity + granted, domain_arn)
    return result


def render(found: Mapping[str, set[str]]) -> str:
    roles = list(ROLES)
    lines = [f"{'request':36}" + "".join(f"{r:>10}" for r in roles)]
    for probe in PROBES:
        marks = "".join(f"{'yes' if probe in found[r] else '-':>10}" for r in roles)
        lines.append(f"{probe:36}{marks}")
    return "\n".join(lines)


# --- the checks -----------------------------------------------------------------------------


@pytest.mark.parametrize("deploy", ["created", "existing"])
def test_each_role_may_call_exactly_what_its_code_needs(deploy):
    found = matrix(deploy)
    assert found == EXPECTED, f"effective permissions ({deploy} domain):\n{render(found)}"


def test_the_evaluation_sees_a_broad_resource_policy_undo_a_narrow_role():
    # The check itself can fail: one role-wide statement in the domain policy widens the role.
    narrow = {"Effect": "Allow", "Action": "es:ESHttpGet", "Resource": "arn:d/articles/_search"}
    broad = {
        "Effect": "Allow",
        "Principal": {"AWS": ["arn:role/search"]},
        "Action": ["es:ESHttp*"],
        "Resource": "arn:d/*",
    }
    assert effective([narrow], "arn:d") == {"GET /articles/_search"}
    assert _names_principal(broad, "arn:role/search")
    widened = effective([narrow, broad], "arn:d")
    assert {"DELETE /articles-v1", "POST /articles/_bulk", "PUT /_cluster/settings"} <= widened


def test_an_account_root_principal_grants_nothing_by_itself():
    root = {"Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}}
    assert not _names_principal(root, f"arn:aws:iam::{ACCOUNT}:role/cariberita-dev-x-search")


def test_wildcards_match_like_iam():
    assert _pattern("d/articles-v*", ignore_case=False).match("d/articles-v1/_bulk")
    assert not _pattern("d/articles/_bulk", ignore_case=False).match("d/articles/_bulkx")
    assert _pattern("es:ESHttp?et", ignore_case=True).match("es:eshttpget")
    assert not _pattern("d/Articles*", ignore_case=False).match("d/articles")


def test_the_domain_refuses_index_names_inside_bulk_bodies():
    # Otherwise POST /articles/_bulk with {"index": {"_index": "other"}} writes anywhere, and the
    # path-scoped grants above would hold on paper only.
    options = transformed()["Resources"]["Domain"]["Properties"]["AdvancedOptions"]
    assert options["rest.action.multi.allow_explicit_index"] == "false"


def test_the_documented_policy_names_the_roles_the_stack_creates():
    template = transformed(**EXISTING)
    resolver = Resolver(template, EXISTING)
    policy = documented_policy("dev", EXISTING_DOMAIN)
    named = {p for s in policy["Statement"] for p in _as_list(s["Principal"]["AWS"])}
    assert named == {resolver.get_att(logical, "Arn") for logical in ROLES.values()}
