"""Hostile requests and uploads: injection, smuggled parameters, deep paging, cursor tampering,
XSS, path traversal. Everything goes the real way: S3 -> ingest handler -> OpenSearch, and
HTTP -> local API -> search handler. No answer is a 5xx; every refusal is a clear 400."""

from __future__ import annotations

import base64
import json
import re
from collections import Counter
from collections.abc import Iterator
from urllib.parse import quote

import pytest
import requests
from cariberita.ingest.report import report_key

from tests.relevance.own_articles import XSS, XSS_ARTICLE
from tests.reliability.harness import article, budget_context

pytestmark = pytest.mark.filterwarnings("ignore:No application metrics")
FLOOD = 30  # articles matching "banjir", so that pages and cursors exist
TALLY: Counter[str] = Counter()
# A tag that a browser would parse, unescaped, anywhere in the raw answer (escaped is &lt;...).
RAW_MARKUP = re.compile(r"<\s*/?\s*(script|img|svg|iframe|b|a)\b", re.IGNORECASE)

PAYLOADS = [
    "banjir OR *:*",
    "title:banjir AND NOT body:x",
    "*",
    "*:*",
    "?",
    "/.*/",
    'banjir~10 "jalan raya"~1000 ^ ( ) [ TO ] { } !',
    '{"query": {"match_all": {}}}',
    '"}}, "size": 10000, "query": {"match_all": {}}, "x": {"',
    "doc['title'].value; Math.random()",
    '{"script": {"source": "ctx._source.title = \'x\'"}}',
    "${jndi:ldap://127.0.0.1/a}",
    "'; DROP TABLE artikel; --",
    XSS,
    "\u202ebanjir\u202c \u200b\u200d \ufeff",
    "ｂａｎｊｉｒ",  # full-width
    "banji\u0301r 🌊🏚️ 𝔟𝔞𝔫𝔧𝔦𝔯",
    "\x00\x01\x1f",
    "%00%2e%2e%2f",
    "b" * 10_000,
    "banjir " * 2_000,
]
# Format characters and full-width letters normalise to "banjir" (all 31 match); control
# characters normalise to nothing, i.e. no filter. Neither is an injection.
MATCHES_ALL = {"\u202ebanjir\u202c \u200b\u200d \ufeff", "ｂａｎｊｉｒ", "\x00\x01\x1f"}
PARAMETERS = ["q", "category", "author", "tag", "sort", "date_from", "date_to", "page", "size"]


@pytest.fixture(scope="module")
def stack(search_stack, os_client) -> Iterator[dict]:
    delivery = search_stack["delivery"]
    flood = [
        article(f"banjir-{i}", title=f"Banjir rob ke-{i} merendam jalan") for i in range(FLOOD)
    ]
    # Articles without "banjir": a payload read as text ("banjir or") finds only what has one
    # of its words (half of them are enough), so a match-all would show as a larger total.
    others = [article(f"lain-{i}", title=f"Festival layang ke-{i} di pantai") for i in range(3)]
    messages = [
        delivery.upload("uploads/serangan/xss.ndjson", [XSS_ARTICLE]),
        delivery.upload("uploads/serangan/banjir.ndjson", flood),
        delivery.upload("uploads/serangan/lain.ndjson", others),
    ]
    assert delivery.deliver(messages, budget_context()) == []
    os_client.indices.refresh(index=search_stack["alias"])
    search_stack["session"] = requests.Session()
    yield search_stack
    search_stack["session"].close()


def get(stack: dict, path: str, **params) -> requests.Response:
    reply = stack["session"].get(stack["url"] + path, params=params, timeout=30)
    TALLY["requests"] += 1
    TALLY[f"status_{reply.status_code}"] += 1
    return reply


def assert_safe(reply: requests.Response) -> dict:
    """Not a 5xx; JSON; a 400 names its field; no raw markup anywhere in the answer."""
    assert reply.status_code < 500, reply.text[:300]
    assert reply.headers["Content-Type"].startswith("application/json")
    body = reply.json()
    if reply.status_code == 400:
        assert body["error"]["message"] and body["error"]["code"]
    markup = RAW_MARKUP.search(reply.text)
    assert markup is None, reply.text[max(0, markup.start() - 80) : markup.end() + 80]
    return body


@pytest.mark.parametrize("parameter", PARAMETERS)
def test_injection_payloads_in_every_search_parameter_are_text_or_refused(stack, parameter):
    total = get(stack, "/search").json()["total"]["value"]
    for payload in PAYLOADS:
        reply = get(stack, "/search", **{parameter: payload})
        body = assert_safe(reply)
        if reply.status_code == 200:
            # Treated as text: never a match-all, unless it normalises to "banjir" or to nothing.
            if parameter not in ("sort", "page", "size") and payload not in MATCHES_ALL:
                assert body["total"]["value"] < total, (parameter, payload[:40])
            assert all(r["id"] for r in body["results"])


@pytest.mark.parametrize("payload", PAYLOADS)
def test_injection_payloads_in_suggest_and_article_paths(stack, payload):
    assert_safe(get(stack, "/suggest", q=payload))
    reply = stack["session"].get(f"{stack['url']}/articles/{quote(payload, safe='')}", timeout=30)
    TALLY["requests"] += 1
    # 414: a path over the URL limit (10 KiB) is refused before routing, as API Gateway does.
    assert reply.status_code in (400, 403, 404, 414), reply.text[:200]


def test_smuggled_parameters_change_nothing(stack):
    plain = get(stack, "/search", q="banjir", size=5).json()
    smuggled = get(
        stack,
        "/search",
        q="banjir",
        size=5,
        index="*",
        explain="true",
        _source="*",
        script="ctx._source.title='x'",
        preference="_shards:0",
        source=json.dumps({"query": {"match_all": {}}}),
        routing="x",
        filter_path="*",
    )
    assert smuggled.status_code in (200, 400)
    if smuggled.status_code == 200:
        body = smuggled.json()
        assert [r["id"] for r in body["results"]] == [r["id"] for r in plain["results"]]
        assert "_explanation" not in smuggled.text
    # A parameter given twice: one value wins or it is refused, never both or a crash.
    assert_safe(
        stack["session"].get(f"{stack['url']}/search?q=banjir&size=5&size=50000", timeout=30)
    )


@pytest.mark.parametrize(
    "params",
    [
        {"page": "100000"},
        {"page": "0"},
        {"page": "-1"},
        {"size": "1000000"},
        {"size": "0"},
        {"size": "-5"},
        {"size": "1e9"},
        {"page": "999", "size": "50"},
        {"page": "99999999999999999999999"},
    ],
)
def test_deep_paging_and_enormous_sizes_are_refused(stack, params):
    reply = get(stack, "/search", q="banjir", **params)
    assert reply.status_code == 400, reply.text[:200]
    assert reply.json()["error"]["field"] in params


def _tamper(cursor: str) -> list[str]:
    body, _, sig = cursor.partition(".")
    payload = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    forged = dict(payload, n=0, a=[0])
    forged_body = base64.urlsafe_b64encode(json.dumps(forged).encode()).rstrip(b"=").decode()
    flipped = body[:-1] + ("A" if body[-1] != "A" else "B")
    return [
        f"{flipped}.{sig}",  # payload changed, old signature
        f"{forged_body}.{sig}",  # forged position
        f"{body}.{sig[::-1]}",  # signature changed
        body,  # signature removed
        f"{body}.",  # empty signature
        cursor[: len(cursor) // 2],  # truncated
        "x" * 5_000,  # enormous
        "%%%.***",  # not base64
        base64.urlsafe_b64encode(b'{"v":1}').decode() + ".AAAA",
    ]


def test_tampered_cursors_are_refused_with_400(stack):
    first = get(stack, "/search", q="banjir", size=5).json()
    cursor = first["next_cursor"]
    assert cursor, "30 matching articles make more than one page"
    assert get(stack, "/search", q="banjir", size=5, cursor=cursor).status_code == 200
    for bad in _tamper(cursor):
        reply = get(stack, "/search", q="banjir", size=5, cursor=bad)
        assert reply.status_code == 400, (bad[:40], reply.text[:200])
        assert reply.json()["error"]["field"] == "cursor"
    # A genuine cursor replayed on another query is refused too.
    other = get(stack, "/search", q="jalan", size=5, cursor=cursor)
    assert other.status_code == 400 and other.json()["error"]["field"] == "cursor"


def test_xss_in_articles_is_escaped_in_every_answer(stack):
    search = get(stack, "/search", q="serangan banjir judul")
    assert any(r["id"] == "uji-xss" for r in assert_safe(search)["results"])
    assert_safe(get(stack, "/articles/uji-xss"))
    assert_safe(get(stack, "/suggest", q="serangan"))
    assert_safe(get(stack, "/categories"))
    assert_safe(get(stack, "/search", q=XSS))


TRAVERSAL_KEYS = [
    "../x.ndjson",
    "../../reports-luar/x.ndjson",
    "uploads/../../x.ndjson",
    "uploads/..%2F..%2Fx.ndjson",
    "uploads/%2e%2e/%2e%2e/x.ndjson",
    "./uploads/./x.ndjson",
    "/absolut/x.ndjson",
    "uploads\\..\\..\\x.ndjson",
    "uploads//ganda//x.ndjson",
    "reports/../../x.ndjson",
]


def test_path_traversal_in_s3_keys_cannot_write_outside_the_reports_prefix(stack):
    delivery = stack["delivery"]
    s3 = delivery.s3
    messages = [
        delivery.upload(key, [article(f"jalur-{n}", title=f"Jalur {n}")])
        for n, key in enumerate(TRAVERSAL_KEYS)
    ]
    # An upload into the reports prefix itself is ignored (no report of a report, no index).
    messages.append(delivery.upload("reports/palsu.ndjson", [article("palsu")]))
    assert delivery.deliver(messages, budget_context()) == []

    keys = {o["Key"] for o in s3.list_objects_v2(Bucket=delivery.bucket)["Contents"]}
    written = keys - set(TRAVERSAL_KEYS) - {"reports/palsu.ndjson"}
    uploads = {k for k in written if not k.startswith("reports/")}
    assert all(k.startswith("uploads/serangan/") for k in uploads), uploads
    reports = {k for k in written if k.startswith("reports/")}
    assert all(".." not in k.split("/") and "//" not in k for k in reports), reports
    # One report per upload: keys that differ only in dot segments never share (overwrite) one.
    uploaded = [k for k in TRAVERSAL_KEYS if not k.startswith("reports/")]
    expected = {report_key("reports/", k) for k in uploaded}
    assert len(expected) == len(uploaded) and expected <= reports, expected - reports
    assert "reports/reports/palsu.ndjson.json" not in keys
    TALLY["traversal_keys"] = len(TRAVERSAL_KEYS)
    TALLY["reports_outside_prefix"] = len(
        [k for k in written if not k.startswith(("reports/", "uploads/"))]
    )


@pytest.fixture(scope="module", autouse=True)
def _record_totals(record) -> Iterator[None]:
    yield
    record(
        "attacks/search_and_uploads",
        injected=f"{len(PAYLOADS)} injection payloads (Lucene, DSL/JSON, *, regex, script, "
        "XSS, Unicode, 10,000 chars) in each of 9 search parameters, /suggest and the article "
        "path; smuggled parameters; deep paging; 9 cursor tamperings; traversal S3 keys",
        requests=TALLY["requests"],
        server_errors=sum(v for k, v in TALLY.items() if k.startswith("status_5")),
        refused_400=TALLY["status_400"],
        traversal_keys=TALLY["traversal_keys"],
        reports_outside_prefix=TALLY["reports_outside_prefix"],
        lost=0,
    )
