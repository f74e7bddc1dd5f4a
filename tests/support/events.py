"""Sample events from events/, as ``sam local invoke -e`` would send them."""

from __future__ import annotations

import json
from typing import Any

from tests.support.paths import EVENTS


def load_event(name: str) -> dict[str, Any]:
    """An event from events/, as `sam local invoke -e` would send it."""
    return json.loads((EVENTS / name).read_text(encoding="utf-8"))
