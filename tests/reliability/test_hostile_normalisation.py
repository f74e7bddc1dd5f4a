"""Issue 19, case 2, through the local API: text that NFKC expands is refused before any work.

A 911-byte URL of U+FDFA once became 1,800 characters and 400 words of fuzzy suggest (1.8 s a
request; 8 clients made every request a 503). The unit tests check each limit after
normalisation in process (tests/unit/test_search_strict_requests.py); here the same attack and
its variants (other expanding code points, every text parameter, the raw length just within
its limit) go over HTTP to the real handler, as an anonymous client would send them: each is a
400 in JSON naming its parameter, and an ordinary search still answers afterwards.
"""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import quote

import pytest
import requests
from cariberita.search.params import MAX_FILTER_CHARS, MAX_QUERY_CHARS, MAX_SUGGEST_CHARS

from tests.reliability.harness import local_search_api

pytestmark = pytest.mark.filterwarnings("ignore:No application metrics")

# U+FDFA -> 18 characters and 4 words; U+3300.. -> katakana words; U+2474 "(1)"; U+2488 "1.";
# U+FB2C -> 3 characters; U+33FF "gal"; U+1D15F a musical note -> 2 code points.
EXPANDING = ["\ufdfa", "\u3300", "\u3357", "\u2474", "\u2488", "\ufb2c", "\u33ff", "\U0001d15f"]
# Each text parameter with its raw limit: the attack fills it to just within.
ROUTES = [
    ("/suggest", "q", MAX_SUGGEST_CHARS),
    ("/search", "q", MAX_QUERY_CHARS),
    ("/search", "author", MAX_FILTER_CHARS),
    ("/search", "tag", MAX_FILTER_CHARS),
]


@pytest.fixture(scope="module")
def api(os_client, index_alias, settings) -> Iterator[str]:
    with local_search_api(settings.opensearch_endpoint, index_alias, containers=2) as url:
        yield url


def _attack(char: str, limit: int) -> str:
    # Spaced, so that words count too: within the raw limit, far over it once normalised.
    text = (char + " ") * (limit // 2)
    return text[:limit].strip()


@pytest.mark.parametrize("char", EXPANDING, ids=lambda c: f"U+{ord(c):04X}")
@pytest.mark.parametrize(("path", "name", "limit"), ROUTES, ids=lambda v: str(v))
def test_expanding_text_is_refused_with_the_parameter_named(api, path, name, limit, char):
    text = _attack(char, limit)
    assert len(text) <= limit
    reply = requests.get(f"{api}{path}?{name}={quote(text)}", timeout=30)
    assert reply.status_code == 400, reply.text
    assert reply.headers["Content-Type"].startswith("application/json")
    assert reply.json()["error"]["field"] == name


def test_an_ordinary_search_still_answers_after_the_attacks(api):
    reply = requests.get(f"{api}/search?q=banjir", timeout=30)
    assert reply.status_code == 200, reply.text
    assert "results" in reply.json()
