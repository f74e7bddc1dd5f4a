"""template.yaml read and transformed offline, the way CloudFormation's SAM transform does it."""

from __future__ import annotations

import copy
import json
from functools import cache
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "template.yaml"


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
