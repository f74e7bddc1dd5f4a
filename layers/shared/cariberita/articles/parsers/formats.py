"""What format an upload is in: by extension, and by content when the extension says nothing."""

from __future__ import annotations

from typing import Literal

Format = Literal["ndjson", "json", "csv", "text", "html"]
EXTENSIONS: dict[str, Format] = {
    ".ndjson": "ndjson",
    ".jsonl": "ndjson",
    ".json": "json",
    ".csv": "csv",
    ".txt": "text",
    ".text": "text",
    ".html": "html",
    ".htm": "html",
}


def _suffixes(name: str) -> tuple[str, bool]:
    base = name.rsplit("/", 1)[-1].lower()
    gz = base.endswith(".gz")
    base = base.removesuffix(".gz")
    dot = base.rfind(".")
    return (base[dot:] if dot >= 0 else ""), gz


def sniff(head: bytes) -> Format:
    """Guess the format from the first decoded bytes."""
    text = head.removeprefix(b"\xef\xbb\xbf").lstrip()
    lowered = text[:200].lower()
    if lowered.startswith((b"<!doctype html", b"<html", b"<head", b"<body", b"<article", b"<")):
        return "html"
    if text.startswith(b"["):
        return "json"
    if text.startswith(b"{"):
        first, newline, rest = text.partition(b"\n")
        # NDJSON when the first line closes an object and the next line starts another one; a
        # single line is a compact document (one article or {"articles": [...]}).
        closed = first.rstrip().endswith(b"}")
        return "ndjson" if closed and newline and rest.lstrip()[:1] == b"{" else "json"
    header = text.split(b"\n", 1)[0].lower()
    if b"title" in header and b"body" in header and (b"," in header or b";" in header):
        return "csv"
    return "text"


def detect_format(name: str, head: bytes) -> Format:
    suffix, _ = _suffixes(name)
    declared = EXTENSIONS.get(suffix)
    if declared == "json":
        # Editors name JSON Lines files .json too; the content decides.
        return "ndjson" if sniff(head) == "ndjson" else "json"
    return declared or sniff(head)
