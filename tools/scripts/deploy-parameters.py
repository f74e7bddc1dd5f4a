"""The parameter overrides of a samconfig.toml environment with extra ``Key=Value`` pairs on top.

``sam deploy --config-env prod --parameter-overrides X=1`` does not add X to the profile's
overrides, it replaces them all (Stage included, so a prod deploy would run as Stage=dev, the
template's default). ``make deploy ENV=prod PARAMS="X=1"`` passes this merged list instead.

    python tools/scripts/deploy-parameters.py prod ApiGatewayLogging=account-role-exists
"""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path

CONFIG = Path(__file__).resolve().parents[2] / "samconfig.toml"
# Key="value with spaces" or Key=value, as samconfig.toml writes parameter_overrides.
_PAIR = re.compile(r'([A-Za-z0-9]+)=(?:"((?:[^"\\]|\\.)*)"|(\S*))')


def pairs(text: str) -> dict[str, str]:
    """``Key="v" Other=w`` -> {"Key": "v", "Other": "w"}; anything else is an error."""
    found: dict[str, str] = {}
    rest = text
    for match in _PAIR.finditer(text):
        key, quoted, bare = match.groups()
        found[key] = quoted if quoted is not None else bare
        rest = rest.replace(match.group(0), "", 1)
    if rest.strip():
        raise ValueError(f"not a Key=Value pair: {rest.strip()!r}")
    return found


def merged(environment: str, extra: list[str], config: Path = CONFIG) -> str:
    profile = tomllib.loads(config.read_text(encoding="utf-8"))
    try:
        base = profile[environment]["deploy"]["parameters"].get("parameter_overrides", "")
    except KeyError:
        raise ValueError(f"no [{environment}.deploy.parameters] in {config.name}") from None
    values = {**pairs(base), **pairs(" ".join(extra))}
    return " ".join(f'{key}="{value}"' for key, value in values.items())


def main(argv: list[str]) -> int:
    if not argv:
        print("usage: deploy-parameters.py ENV [Key=Value ...]", file=sys.stderr)
        return 2
    try:
        print(merged(argv[0], argv[1:]))
    except ValueError as exc:
        print(f"deploy-parameters: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
