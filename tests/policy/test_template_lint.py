"""template.yaml passes cfn-lint with no errors or warnings, for the regions we deploy to."""

from cfnlint.api import ManualArgs, lint

from tests.support.sam_template import TEMPLATE


def test_cfn_lint_finds_no_error_or_warning():
    matches = lint(
        TEMPLATE.read_text(encoding="utf-8"),
        config=ManualArgs(regions=["ap-southeast-3", "ap-southeast-1", "us-east-1"]),
    )
    findings = [f"{m.rule.id} line {m.linenumber}: {m.message}" for m in matches]
    assert findings == []


def test_samconfig_environments_override_only_declared_parameters():
    import shlex
    import tomllib

    from tests.support.sam_template import ROOT, load_template

    config = tomllib.loads((ROOT / "samconfig.toml").read_text(encoding="utf-8"))
    declared = set(load_template()["Parameters"])
    for env in ("dev", "prod"):
        overrides = config[env]["deploy"]["parameters"]["parameter_overrides"]
        names = {pair.split("=", 1)[0] for pair in shlex.split(overrides)}
        assert names <= declared, f"{env}: unknown parameters {names - declared}"
        # The roles have fixed names (known before the deploy), which needs NAMED_IAM.
        assert config[env]["deploy"]["parameters"]["capabilities"].split() == [
            "CAPABILITY_NAMED_IAM",
            "CAPABILITY_AUTO_EXPAND",
        ]
