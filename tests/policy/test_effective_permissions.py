"""What each function role may really call on OpenSearch, as AWS decides it within one account.

A request is allowed when the role's identity policy OR the domain's resource policy allows it
(and nothing denies it), so a narrow role is only as narrow as the domain's access policy. This
evaluates both on the template after the SAM transform, with IAM's wildcard matching, over a
fixed list of requests, and compares the result with what the code needs:

- search reads through the alias: ``_search`` (suggestions, related articles, collapse and
  the category counts are searches), ``_count`` (health), ``_doc`` (one article), and the
  editors' rules in force, ``<alias>-rules/_doc/current`` (``cariberita.search.store``,
  ``cariberita.rules.cache``); never ``<alias>-tombstones`` nor a write to ``<alias>-rules``;
- ingest writes documents through the alias: ``_bulk`` (index and delete actions), for the
  removal of an upload ``_refresh`` and ``_delete_by_query``, and reads ``_mget`` (stored
  versions before a release) and ``_search`` (whether pinned articles exist); it checks the
  alias (``HEAD _alias/<alias>``), creates ``<alias>-uploads``, ``<alias>-tombstones`` and
  ``<alias>-rules``, keeps one record per object in ``<alias>-uploads`` (``_doc``, ``_search``,
  ``_refresh``), the retractions in ``<alias>-tombstones`` (``_mget``, ``_bulk``) and the
  rules versions in ``<alias>-rules`` (``_doc``, ``_search``) (``cariberita.ingest.opensearch_*``,
  ``cariberita.rules.opensearch_store``); it never deletes an index nor touches the cluster;
- the bootstrap administers the versioned indexes ``articles-v<N>`` (never deletes one), reads
  which index the alias names, their health and the count (``cariberita.index.manager``); the
  reindex, rollback and prune are an operator's (docs/operations.md#operator-permissions).

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
    # the alias and the versioned indexes behind it
    "GET /articles/_search",
    "POST /articles/_search",
    "POST /articles/_msearch",
    "GET /articles/_count",
    "POST /articles/_count",
    "GET /articles/_doc/x",
    "PUT /articles/_doc/x",
    "DELETE /articles/_doc/x",
    "POST /articles/_mget",
    "POST /articles/_bulk",
    "POST /articles/_refresh",
    "POST /articles/_delete_by_query",
    "DELETE /articles-v1",
    "PUT /articles-v2",
    "HEAD /articles-v1",
    "GET /articles-v1/_settings",
    "PUT /articles-v1/_settings",
    "GET /articles-v1/_mapping",
    "PUT /articles-v1/_mapping",
    "PUT /articles-v1/_alias/articles",
    "GET /_alias/articles",
    "HEAD /_alias/articles",
    "POST /_aliases",
    "POST /_reindex",
    "GET /_tasks/x",
    "POST /_search/scroll",
    # ingest's upload records and retractions
    "PUT /articles-uploads",
    "DELETE /articles-uploads",
    "GET /articles-uploads/_doc/x",
    "PUT /articles-uploads/_doc/x",
    "DELETE /articles-uploads/_doc/x",
    "POST /articles-uploads/_search",
    "POST /articles-uploads/_refresh",
    "PUT /articles-tombstones",
    "DELETE /articles-tombstones",
    "GET /articles-tombstones/_doc/x",
    "POST /articles-tombstones/_search",
    "POST /articles-tombstones/_mget",
    "POST /articles-tombstones/_bulk",
    # the editors' rules
    "PUT /articles-rules",
    "DELETE /articles-rules",
    "GET /articles-rules/_doc/current",
    "GET /articles-rules/_doc/v1",
    "PUT /articles-rules/_doc/current",
    "PUT /articles-rules/_doc/v1",
    "DELETE /articles-rules/_doc/v1",
    "POST /articles-rules/_search",
    "POST /articles-rules/_refresh",
    "GET /articles-rules/_doc/form-weights",
    "PUT /articles-rules/_doc/form-weights",
    "PUT /articles-rules/_mapping",
    "POST /articles/_mtermvectors",
    "GET /_tasks",
    "POST /_tasks/node:1/_cancel",
    # the cluster, the domain, other indexes
    "GET /_cluster/health",
    "GET /_cluster/health/articles-v1",
    "PUT /_cluster/settings",
    "POST /_bulk",
    "POST /_mget",
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
        "GET /articles-rules/_doc/current",
        "GET /articles-rules/_doc/form-weights",
    },
    "ingest": {
        "POST /articles/_bulk",
        "POST /articles/_refresh",
        "POST /articles/_delete_by_query",
        "POST /articles/_mget",
        "POST /articles/_search",
        "HEAD /_alias/articles",
        "PUT /articles-uploads",
        "GET /articles-uploads/_doc/x",
        "PUT /articles-uploads/_doc/x",
        "POST /articles-uploads/_search",
        "POST /articles-uploads/_refresh",
        "PUT /articles-tombstones",
        "POST /articles-tombstones/_mget",
        "POST /articles-tombstones/_bulk",
        "PUT /articles-rules",
        "GET /articles-rules/_doc/current",
        "GET /articles-rules/_doc/v1",
        "PUT /articles-rules/_doc/current",
        "PUT /articles-rules/_doc/v1",
        "POST /articles-rules/_search",
        # within its grant on the rules documents; it never writes the weights
        "GET /articles-rules/_doc/form-weights",
        "PUT /articles-rules/_doc/form-weights",
    },
    "bootstrap": {
        "GET /articles/_count",
        "POST /articles/_count",
        "PUT /articles-v2",
        "HEAD /articles-v1",
        "GET /articles-v1/_settings",
        "PUT /articles-v1/_settings",
        "GET /articles-v1/_mapping",
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


def _matches(
    statement: Mapping[str, Any],
    action: str,
    resource: str,
    context: Mapping[str, str] | None = None,
) -> bool:
    for key in ("NotAction", "NotResource", "NotPrincipal"):
        if key in statement:
            raise NotImplementedError(f"{key} in {statement.get('Sid')}")
    actions = _as_list(statement["Action"])
    resources = _as_list(statement["Resource"])
    applies = any(_pattern(a, ignore_case=True).match(action) for a in actions) and any(
        _pattern(r, ignore_case=False).match(resource) for r in resources
    )
    return applies and _condition_holds(statement, context or {})


def _condition_holds(statement: Mapping[str, Any], context: Mapping[str, str]) -> bool:
    """The one condition the template uses (the operator's account); any other is refused
    rather than guessed."""
    condition = statement.get("Condition")
    if not condition:
        return True
    keys = {(op, key) for op, block in condition.items() for key in block}
    if keys != {("StringEquals", "aws:PrincipalAccount")}:
        raise NotImplementedError(f"a Condition on an OpenSearch grant ({statement.get('Sid')})")
    wanted = condition["StringEquals"]["aws:PrincipalAccount"]
    return context.get("aws:PrincipalAccount") in _as_list(wanted)


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
    statements: Iterable[Mapping[str, Any]],
    domain_arn: str,
    probes: Iterable[str] = PROBES,
    context: Mapping[str, str] | None = None,
) -> set[str]:
    """The probes these statements (identity and resource, already for one role) allow;
    ``context`` holds the request's condition keys (the caller's account)."""
    statements = list(statements)
    allowed = set()
    for probe in probes:
        method, path = probe.split(" ", 1)
        action = f"es:ESHttp{method.capitalize()}"
        resource = f"{domain_arn}/{path.lstrip('/')}"
        matching = [s for s in statements if _matches(s, action, resource, context)]
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


def matrix(deploy: str, *, identity: bool = True) -> dict[str, set[str]]:
    """role -> the probes it may call, for the ``created`` or ``existing`` domain path.

    ``identity=False``: what the domain's access policy alone grants each role.
    """
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
        own = _identity_statements(template, resolver, logical) if identity else []
        granted = [s for s in resource_policy["Statement"] if _names_principal(s, role_arn)]
        result[role] = effective(own + granted, domain_arn)
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


@pytest.mark.parametrize("deploy", ["created", "existing"])
def test_the_domain_policy_alone_states_what_each_role_may_call(deploy):
    # The domain's own policy (the created one, or the JSON an operator adds) grants each role
    # exactly what its identity policy does: reading either one tells the whole story.
    found = matrix(deploy, identity=False)
    assert found == EXPECTED, f"domain policy alone ({deploy} domain):\n{render(found)}"


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


# --- the operator's policy (cariberita-admin; docs/operations.md#operator-permissions) ----------

OPERATOR_MARKER = "<!-- operator-policy -->"
OPERATOR_DOMAIN = "arn:aws:es:ap-southeast-3:123456789012:domain/newsroom"
# What each command sends (cariberita.admin, cariberita.index.reindex, cariberita.rules).
OPERATOR_NEEDS = {
    "status": {"GET /_alias/articles", "POST /articles/_count", "GET /_cluster/health/articles-v1"},
    "reindex": {
        "GET /_alias/articles",
        "HEAD /articles-v2",
        "PUT /articles-v2",
        "GET /articles-v1/_settings",
        "PUT /articles-v1/_settings",
        "GET /_cluster/health/articles-v2",
        "POST /_reindex",
        "GET /_tasks/node:1",
        # a copy a dropped run left running is cancelled before the swap (index/reindex.py)
        "GET /_tasks",
        "POST /_tasks/node:1/_cancel",
        "POST /articles-v1/_refresh",
        "POST /articles-v1/_search",
        "POST /_search/scroll",
        "DELETE /_search/scroll",
        "POST /articles-v2/_bulk",
        # shared_stories.mark_all on the new version before the swap
        "POST /articles-v2/_refresh",
        "POST /articles-v2/_search",
        "POST /articles-v2/_mget",
        "POST /articles-tombstones/_mget",
        "POST /_aliases",
        "DELETE /articles-v1",
    },
    "stories mark": {
        "GET /_alias/articles",
        "POST /articles-v1/_refresh",
        "POST /articles-v1/_search",
        "POST /articles-v1/_mget",
        "POST /articles-tombstones/_mget",
        "POST /articles-v1/_bulk",
    },
    "rollback": {"GET /articles-v*/_alias", "PUT /articles-v1/_settings", "POST /_aliases"},
    # each delete is an _aliases remove_index, checked against the alias in the same step
    "prune": {"GET /articles-v*/_alias", "DELETE /articles-v1", "POST /_aliases"},
    "synonyms weigh": {
        "GET /articles-rules/_doc/current",
        "POST /articles/_mtermvectors",
        "PUT /articles-rules",
        "PUT /articles-rules/_mapping",
        "PUT /articles-rules/_doc/form-weights",
    },
    "rules": {
        "PUT /articles-rules",
        "GET /articles-rules/_doc/current",
        "PUT /articles-rules/_doc/v2",
        "PUT /articles-rules/_doc/current",
        "POST /articles-rules/_search",
        "POST /articles/_search",
    },
}
# What the runbooks (docs/operations.md) tell an operator to call.
OPERATOR_RUNBOOKS = {"GET /_cluster/allocation/explain", "GET /_snapshot/cs-automated/_all"}
OPERATOR_NEVER = {
    "DELETE /articles",
    "DELETE /articles-rules",
    "DELETE /articles-uploads",
    "DELETE /articles-tombstones",
    "DELETE /articles-rules/_doc/v1",
    "POST /articles/_bulk",
    "POST /_bulk",
    "PUT /_cluster/settings",
    "GET /.kibana/_search",
    "DELETE /_all",
}


def operator_policy(domain_arn: str = OPERATOR_DOMAIN) -> dict[str, Any]:
    doc = (ROOT / "docs" / "operations.md").read_text(encoding="utf-8")
    text = doc.split(OPERATOR_MARKER, 1)[1].split("```json", 1)[1].split("```", 1)[0]
    _, _, _, region, account, rest = domain_arn.split(":", 5)
    for placeholder, value in {
        "<region>": region,
        "<account>": account,
        "<domain>": rest.split("/", 1)[1],
        "<stack>": "cariberita-prod",
    }.items():
        text = text.replace(placeholder, value)
    return json.loads(text)


def test_the_documented_operator_policy_allows_each_admin_command_and_no_more():
    statements = operator_policy()["Statement"]
    wanted = set().union(*OPERATOR_NEEDS.values()) | OPERATOR_RUNBOOKS
    allowed = effective(statements, OPERATOR_DOMAIN, sorted(wanted | OPERATOR_NEVER))
    assert wanted - allowed == set(), "the operator cannot"
    assert allowed & OPERATOR_NEVER == set(), "the operator may"
    # `insights`: the saved queries' log group only; results have no resource-level permission.
    logs = {s["Action"]: s["Resource"] for s in statements if str(s["Action"]).startswith("logs:")}
    assert logs == {
        "logs:StartQuery": "arn:aws:logs:ap-southeast-3:123456789012:log-group:"
        "/aws/lambda/cariberita-prod/search:*",
        "logs:GetQueryResults": "*",
    }


OPERATOR_ROLE = f"arn:aws:iam::{ACCOUNT}:role/ops"


def _created_domain_with_operator(role_arn: str) -> tuple[list[dict[str, Any]], str]:
    """The created domain's statements naming ``role_arn`` as OperatorRoleArn, and its ARN."""
    parameters = {"OperatorRoleArn": role_arn}
    template = transformed(**parameters)
    resolver = Resolver(template, parameters)
    policy = resolver.value(template["Resources"]["Domain"]["Properties"]["AccessPolicies"])
    granted = [s for s in policy["Statement"] if _names_principal(s, role_arn)]
    domain = f"arn:aws:es:{REGION}:{ACCOUNT}:domain/cariberita-{resolver.parameters['Stage']}"
    return granted, domain


def test_the_created_domain_admits_the_operator_role_to_its_commands_and_no_more():
    # As AWS decides within one account: the domain's statements OR the role's own policy.
    # The domain once admitted OperatorRoleArn to every path (DELETE /_all included), which
    # undid the narrow operator policy however it was written.
    granted, domain = _created_domain_with_operator(OPERATOR_ROLE)
    wanted = set().union(*OPERATOR_NEEDS.values()) | OPERATOR_RUNBOOKS
    probes = sorted(wanted | OPERATOR_NEVER)
    ours = {"aws:PrincipalAccount": ACCOUNT}
    identity = operator_policy(domain)["Statement"]
    assert wanted - effective(granted, domain, probes, ours) == set(), "the domain refuses"
    assert effective(granted + identity, domain, probes, ours) & OPERATOR_NEVER == set()


def test_the_created_domain_admits_no_operator_role_of_another_account():
    outsider = "arn:aws:iam::999999999999:role/ops"
    granted, domain = _created_domain_with_operator(outsider)
    assert granted, "the parameter's pattern accepts any account's role"
    probes = sorted(set().union(*OPERATOR_NEEDS.values()))
    assert effective(granted, domain, probes, {"aws:PrincipalAccount": "999999999999"}) == set()
