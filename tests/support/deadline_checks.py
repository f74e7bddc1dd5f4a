"""A deadline check for parser tests: counts its calls, and can run out of time."""

from __future__ import annotations


class TimeUp(Exception):
    pass


class CountingCheck:
    """A deadline check that counts its calls and raises from call ``fail_at`` on."""

    def __init__(self, fail_at: int | None = None) -> None:
        self.calls = 0
        self.fail_at = fail_at

    def __call__(self) -> None:
        self.calls += 1
        if self.fail_at is not None and self.calls >= self.fail_at:
            raise TimeUp
