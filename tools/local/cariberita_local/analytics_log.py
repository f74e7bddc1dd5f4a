"""The local stack's stand-in for CloudWatch Logs: the search function's ``search`` lines in a file.

In AWS every search writes one JSON log line (``message: "search"``) that Logs Insights queries;
locally the search containers append exactly those lines, formatted by Powertools as in AWS, to
the file named by ``CARIBERITA_ANALYTICS_FILE``, so ``cariberita-admin insights`` and the
editors' page (``/editor.html``) read what AWS would have. The console keeps its own log level.
"""

from __future__ import annotations

import logging
import os

VARIABLE = "CARIBERITA_ANALYTICS_FILE"


class _SearchLines(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return record.getMessage() in ("search", "suggest")


def install() -> str | None:
    """Append every ``search`` log line to the file in ``CARIBERITA_ANALYTICS_FILE`` (if set)."""
    path = os.environ.get(VARIABLE)
    if not path:
        return None
    from cariberita.observability import logger

    std = logging.getLogger(logger.name)
    # The console handlers keep the configured level; the file needs the INFO lines.
    for handler in std.handlers:
        if handler.level == logging.NOTSET:
            handler.setLevel(std.level)
    std.setLevel(min(std.level, logging.INFO))
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    to_file = logging.FileHandler(path, encoding="utf-8")
    to_file.setLevel(logging.INFO)
    to_file.addFilter(_SearchLines())
    to_file.setFormatter(logger.registered_formatter)
    std.addHandler(to_file)
    return path
