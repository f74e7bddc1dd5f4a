"""template.yaml read and transformed offline, the way CloudFormation's SAM transform does it."""

from __future__ import annotations

import copy
import json
import os
import re
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
# CARIBERITA_TEMPLATE runs the same tests on another version of the template, e.g. on
# `git show HEAD~1:template.yaml > /tmp/old.yaml` to show that a check fails there.
TEMPLATE = Path(os.environ.get("CARIBERITA_TEMPLATE") or ROOT / "template.yaml")


class _CfnLoader(yaml.SafeLoader):
    """YAML with CloudFormation's short tags (!Ref, !Sub, !GetAtt ...) as long-form dicts."""


def _intrinsic(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> dict[str, Any]:
    name = "Ref" if suffix == "Ref" else f"Fn::{suffix}"
    if isinstance(node, yaml.ScalarNode):
        value: Any = loader.construct_scalar(node)
        if suffix == "GetAtt":
            value = value.split(".", 1)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)
    return {name: value}


_CfnLoader.add_multi_constructor("!", _intrinsic)


def load_template() -> dict[str, Any]:
    return copy.deepcopy(_load())


def packaged_template() -> dict[str, Any]:
    """The template as `sam package` leaves it: local code folders replaced by S3 URIs."""
    template = load_template()
    for resource in template["Resources"].values():
        props = resource.get("Properties", {})
        for key in ("CodeUri", "ContentUri"):
            if isinstance(props.get(key), str) and not props[key].startswith("s3://"):
                props[key] = f"s3://artifacts/{props[key].strip('/')}.zip"
    return template


@cache
def _load() -> dict[str, Any]:
    return yaml.load(TEMPLATE.read_text(encoding="utf-8"), Loader=_CfnLoader)  # CFN tags only


REGION = "ap-southeast-3"


def _bundled_policies() -> dict[str, str]:
    """The AWS managed policy ARNs samtranslator ships with, instead of asking IAM."""
    import samtranslator

    data = Path(samtranslator.__file__).parent / "internal" / "data" / "aws_managed_policies.json"
    return json.loads(data.read_text(encoding="utf-8"))["aws"]


def transformed(**parameters: str) -> dict[str, Any]:
    """The CloudFormation template SAM produces for these parameter values (defaults otherwise)."""
    return copy.deepcopy(_transform(tuple(sorted(parameters.items()))))


@cache
def _transform(parameters: tuple[tuple[str, str], ...]) -> dict[str, Any]:
    import boto3
    from samtranslator.parser.parser import Parser
    from samtranslator.translator.translator import Translator

    # A session with only a region: the translator needs one for ARNs and never calls AWS.
    session = boto3.session.Session(region_name=REGION)
    translator = Translator(None, Parser(), boto_session=session)
    return translator.translate(
        packaged_template(), dict(parameters), get_managed_policy_map=_bundled_policies
    )


def resources_of_type(template: dict[str, Any], kind: str) -> dict[str, dict[str, Any]]:
    return {k: v for k, v in template["Resources"].items() if v["Type"] == kind}


# --- resolving intrinsic functions offline, for checks that need concrete strings ----------

ACCOUNT = "123456789012"
STACK = "cariberita-dev"
STACK_ID = (
    f"arn:aws:cloudformation:{REGION}:{ACCOUNT}:stack/{STACK}/0f1e2d3c-4b5a-4697-8877-66554433aabb"
)
PSEUDO = {
    "AWS::Region": REGION,
    "AWS::AccountId": ACCOUNT,
    "AWS::Partition": "aws",
    "AWS::StackName": STACK,
    "AWS::StackId": STACK_ID,
    "AWS::URLSuffix": "amazonaws.com",
}


class _NoValue:
    def __repr__(self) -> str:
        return "AWS::NoValue"


NO_VALUE: Any = _NoValue()
_SUB_VARIABLE = re.compile(r"\$\{(!?)([^}]+)\}")


class Resolver:
    """Evaluates the intrinsic functions of a (transformed) template for given parameters.

    Conditions and ``Fn::If`` are decided as CloudFormation would; references to resources
    become the names and ARNs they would have (IAM roles and the domain from their name
    properties), anything else a readable stand-in. Unknown functions raise, so a check never
    passes on something it did not understand.
    """

    def __init__(self, template: Mapping[str, Any], parameters: Mapping[str, str]) -> None:
        self.template = template
        declared = template.get("Parameters", {})
        unknown = set(parameters) - set(declared)
        if unknown:
            raise KeyError(f"undeclared parameters {sorted(unknown)}")
        self.parameters = {
            name: str(parameters.get(name, spec.get("Default", "")))
            for name, spec in declared.items()
        }

    def condition(self, name: str) -> bool:
        return bool(self.value(self.template["Conditions"][name]))

    def exists(self, logical_id: str) -> bool:
        resource = self.template["Resources"][logical_id]
        return "Condition" not in resource or self.condition(resource["Condition"])

    def value(self, node: Any) -> Any:
        if isinstance(node, list):
            items = [self.value(item) for item in node]
            return [item for item in items if item is not NO_VALUE]
        if not isinstance(node, dict):
            return node
        if len(node) == 1:
            ((key, arg),) = node.items()
            if key == "Ref" or key.startswith("Fn::") or key == "Condition":
                return self._function(key, arg)
        resolved = {key: self.value(value) for key, value in node.items()}
        return {key: value for key, value in resolved.items() if value is not NO_VALUE}

    def _function(self, name: str, arg: Any) -> Any:
        if name == "Ref":
            return self.ref(arg)
        if name == "Condition":
            return self.condition(arg)
        if name == "Fn::GetAtt":
            logical, attribute = arg if isinstance(arg, list) else arg.split(".", 1)
            return self.get_att(logical, attribute)
        if name == "Fn::If":
            condition, if_true, if_false = arg
            return self.value(if_true if self.condition(condition) else if_false)
        if name == "Fn::Equals":
            left, right = (self.value(a) for a in arg)
            return str(left) == str(right)
        if name == "Fn::Not":
            return not self.value(arg[0])
        if name == "Fn::And":
            return all(self.value(a) for a in arg)
        if name == "Fn::Or":
            return any(self.value(a) for a in arg)
        if name == "Fn::Sub":
            text, variables = (arg, {}) if isinstance(arg, str) else arg
            return self.sub(text, {k: self.value(v) for k, v in variables.items()})
        if name == "Fn::Join":
            separator, items = arg
            return separator.join(str(i) for i in self.value(items))
        if name == "Fn::Split":
            separator, text = arg
            return str(self.value(text)).split(separator)
        if name == "Fn::Select":
            index, items = arg
            return self.value(items)[int(self.value(index))]
        if name == "Fn::FindInMap":
            mapping, top, second = (self.value(a) for a in arg)
            return self.template["Mappings"][mapping][top][second]
        raise NotImplementedError(name)

    def sub(self, text: str, variables: Mapping[str, Any]) -> str:
        def replace(match: re.Match[str]) -> str:
            literal, name = match.groups()
            if literal:
                return "${" + name + "}"
            if name in variables:
                return str(variables[name])
            if "." in name:
                logical, attribute = name.split(".", 1)
                return str(self.get_att(logical, attribute))
            return str(self.ref(name))

        return _SUB_VARIABLE.sub(replace, text)

    def ref(self, name: str) -> Any:
        if name == "AWS::NoValue":
            return NO_VALUE
        if name in PSEUDO:
            return PSEUDO[name]
        if name in self.parameters:
            return self.parameters[name]
        resource = self.template["Resources"][name]
        props = resource.get("Properties", {})
        for key in ("RoleName", "DomainName", "BucketName", "FunctionName"):
            if key in props:
                return self.value(props[key])
        return f"{STACK}-{name}-GENERATED"

    def get_att(self, logical: str, attribute: str) -> Any:
        resource = self.template["Resources"][logical]
        kind = resource["Type"]
        if attribute == "Arn" and kind == "AWS::IAM::Role":
            path = self.value(resource["Properties"].get("Path", "/"))
            return f"arn:aws:iam::{ACCOUNT}:role{path}{self.ref(logical)}"
        if attribute in ("Arn", "DomainArn") and kind == "AWS::OpenSearchService::Domain":
            return f"arn:aws:es:{REGION}:{ACCOUNT}:domain/{self.ref(logical)}"
        if attribute == "Arn" and kind == "AWS::S3::Bucket":
            return f"arn:aws:s3:::{self.ref(logical)}"
        return f"{logical}.{attribute}"
