"""JSON decoding that turns an over-long integer into a bad record, not an exception.

Python refuses to convert an integer of more than 4,300 digits (``sys.int_info``'s string
limit) and ``json`` lets that ``ValueError`` escape from the middle of a document. The hook
below never converts such a number: it flags the record, which the parser then rejects.
"""

from __future__ import annotations

import json
import sys

MAX_INT_DIGITS = sys.get_int_max_str_digits() or 4_300
TOO_LONG = f"a number longer than {MAX_INT_DIGITS} digits"


class _Huge:
    """Stands in for an integer too long to convert."""


HUGE = _Huge()


def holds_huge(value: object) -> bool:
    """Whether ``value`` (decoded JSON) holds an over-long integer, at any depth."""
    stack = [value]
    while stack:
        item = stack.pop()
        if item is HUGE:
            return True
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


class NumberGuard:
    """A decoder whose integers are checked; ``too_long`` is set by an over-long one."""

    def __init__(self) -> None:
        self.too_long = False
        self.decoder = json.JSONDecoder(parse_int=self._parse_int)

    def _parse_int(self, text: str) -> int | _Huge:
        if len(text) - text.startswith("-") > MAX_INT_DIGITS:
            self.too_long = True
            return HUGE
        return int(text)

    def loads(self, text: str) -> object:
        self.too_long = False
        return self.decoder.decode(text)
