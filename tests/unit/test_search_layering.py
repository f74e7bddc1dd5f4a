"""The search domain knows nothing of HTTP: routes, statuses and headers live in cariberita.http."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

DOMAIN = Path(__file__).resolve().parents[2] / "layers" / "shared" / "cariberita" / "search"
HTTP_MODULES = ("aws_lambda_powertools.event_handler", "cariberita.http")


def imported(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


@pytest.mark.parametrize("path", sorted(DOMAIN.glob("*.py")), ids=lambda p: p.name)
def test_domain_module_imports_nothing_of_http(path):
    assert not {n for n in imported(path) if n.startswith(HTTP_MODULES)}
