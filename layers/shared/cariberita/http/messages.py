"""Error messages for readers: Indonesian by default, English with ``Accept-Language: en``.

The error ``code`` values never change with the language; only ``message`` does. Messages with
a fixed meaning come from :data:`CATALOGUE` by code; ``invalid_parameter`` messages name a
parameter and a limit, and are translated by :data:`PATTERNS` (an unknown one says which
parameter is invalid). The English text is the one the code raises.
"""

from __future__ import annotations

import json
import re
from typing import Any

Language = str  # "id" or "en"
DEFAULT: Language = "id"
LOCALISED_STATUSES = frozenset({400, 404, 503})

CATALOGUE: dict[str, dict[Language, str]] = {
    "not_found": {"id": "Tidak ada berita dengan id ini.", "en": "no article with this id"},
    "no_route": {"id": "Alamat API ini tidak ada.", "en": "no such endpoint"},
    "unavailable": {
        "id": "Pencarian sedang tidak tersedia; coba lagi sebentar lagi.",
        "en": "search is temporarily unavailable; try again shortly",
    },
    "internal_error": {
        "id": "Terjadi kesalahan di pihak kami.",
        "en": "something went wrong on our side",
    },
    "page_too_deep": {
        "id": "page x size tidak boleh lebih dari 10.000; ikuti next_cursor untuk melanjutkan.",
        "en": "page x size may not exceed 10000; follow next_cursor to go further",
    },
    "cursor_mismatch": {
        "id": "Kursor ini milik pencarian, filter, atau urutan lain; mulai lagi dari halaman "
        "pertama.",
        "en": "cursor belongs to a different query, filter or sort; start again from the first "
        "page",
    },
}

# English message (as raised) -> Indonesian, for invalid_parameter.
PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"^(\w+) is longer than (\d+) characters$"), "{0} lebih dari {1} karakter."),
    (re.compile(r"^q has more than (\d+) words$"), "q lebih dari {0} kata."),
    (re.compile(r"^at most (\d+) categories$"), "Paling banyak {0} kategori."),
    (re.compile(r"^at most (\d+) values of (\w+)$"), "Paling banyak {0} nilai {1}."),
    (re.compile(r"^date_from is after date_to$"), "date_from jatuh setelah date_to."),
    (
        re.compile(r"^use either page or cursor, not both$"),
        "Pakai page atau cursor, bukan keduanya.",
    ),
    (
        re.compile(r"^cursor is invalid or expired"),
        "Kursor tidak valid atau kedaluwarsa; mulai lagi dari halaman pertama.",
    ),
    (
        re.compile(r"^(\w+): given more than once"),
        "{0} dikirim lebih dari sekali; kirim sekali saja.",
    ),
    (re.compile(r"^(\w+): must be a date like"), "{0} harus berupa tanggal seperti 2024-03-31."),
]


def language(headers: dict[str, Any] | None) -> Language:
    """``en`` when the reader prefers English to Indonesian in Accept-Language, else ``id``."""
    value = next(
        (str(v) for k, v in (headers or {}).items() if k.lower() == "accept-language" and v), ""
    )
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate(value.split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        match = re.search(r"q\s*=\s*([0-9.]+)", params)
        if match:
            try:
                quality = float(match.group(1))
            except ValueError:
                quality = 0.0
        primary = tag.strip().lower().split("-")[0]
        if primary in ("id", "in", "en") and quality > 0:
            ranked.append((-quality, position, "en" if primary == "en" else "id"))
    return min(ranked)[2] if ranked else DEFAULT


def message(code: str, english: str, field: str | None, lang: Language) -> str:
    """The reader's message for an error raised with ``english``."""
    if lang == "en":
        return english
    if code in CATALOGUE:
        return CATALOGUE[code]["id"]
    for pattern, template in PATTERNS:
        found = pattern.search(english)
        if found:
            return template.format(*found.groups())
    return f"Parameter {field} tidak valid." if field else "Permintaan tidak valid."


def localise(response: dict[str, Any], headers: dict[str, Any] | None) -> dict[str, Any]:
    """A proxy response whose error message speaks the reader's language (in place)."""
    if response.get("statusCode") not in LOCALISED_STATUSES or not response.get("body"):
        return response
    try:
        body = json.loads(response["body"])
        detail = body["error"]
        detail["message"] = message(
            str(detail["code"]), str(detail["message"]), detail.get("field"), language(headers)
        )
    except (ValueError, KeyError, TypeError):
        return response
    response["body"] = json.dumps(body)
    for key in ("headers", "multiValueHeaders"):
        vary = (response.get(key) or {}).get("Vary")
        if isinstance(vary, str):
            response[key]["Vary"] = f"{vary}, Accept-Language"
        elif isinstance(vary, list):
            response[key]["Vary"] = [", ".join([*vary, "Accept-Language"])]
    return response
