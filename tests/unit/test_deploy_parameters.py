"""tools/scripts/deploy-parameters.py: `make deploy PARAMS=...` adds to a profile's overrides."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "tools" / "scripts" / "deploy-parameters.py"


def _module():
    spec = importlib.util.spec_from_file_location("deploy_parameters", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_extra_parameters_keep_every_profile_value_and_override_their_own():
    script = _module()
    profile = script.pairs(script.merged("prod", []))
    merged = script.pairs(
        script.merged("prod", ["ApiGatewayLogging=account-role-exists", "IndexReplicas=2"])
    )
    assert profile["Stage"] == "prod"  # sam's own flag would have dropped it (Stage=dev)
    assert merged == {**profile, "ApiGatewayLogging": "account-role-exists", "IndexReplicas": "2"}


def test_quoted_values_with_commas_and_spaces_survive():
    script = _module()
    merged = script.pairs(script.merged("dev", ['CorsAllowedOrigins="https://a.id,https://b.id"']))
    assert merged["CorsAllowedOrigins"] == "https://a.id,https://b.id"
    assert script.pairs('A="x y" B=z') == {"A": "x y", "B": "z"}


@pytest.mark.parametrize("bad", [["oops"], ["=x"]])
def test_anything_but_key_value_pairs_is_refused(bad):
    with pytest.raises(ValueError, match="not a Key=Value pair"):
        _module().merged("dev", bad)


def test_an_unknown_environment_is_refused():
    with pytest.raises(ValueError, match=r"no \[staging\.deploy\.parameters\]"):
        _module().merged("staging", [])
