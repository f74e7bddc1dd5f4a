"""Hostile uploads: one bad record never costs its neighbours, the report or the time budget.

Each case is an object built to hurt ingest: numbers past Python's integer-string limit in
every container, a JSON array or a gzip that breaks off part-way, deep nesting, quadratic
category and tag lists, expanding inputs, reports swollen by echoed values, broken CSV quotes,
content that contradicts its extension and empty files. Through ``IngestService`` on the
in-memory fakes, every case must keep its good articles (exactly those are in the index), give
a report whose counts add up (received = indexed + updated + skipped_older + deleted + rejected
+ not_read) and stay small, and finish in bounded time and memory; the worst time and memory
per kind are recorded for docs/reliability.md. The cases whose outcome depends on indexing go
through the real ingest handler too (moto S3, the real node).
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import random
import re
import time
import tracemalloc
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from cariberita.articles.categories import CategoryMap
from cariberita.ingest.deadline import Deadline, OutOfTime
from cariberita.ingest.events import ObjectEvent
from cariberita.ingest.report import SETTLED
from cariberita.ingest.service import IngestService
from cariberita.ingest.settings import IngestSettings

from tests.reliability.harness import Delivery, budget_context
from tests.support.fake_index_writer import FakeIndexWriter
from tests.support.fake_upload_store import FakeUploadStore
from tests.support.handlers import load_handler_module

pytestmark = pytest.mark.filterwarnings("ignore:No application metrics")
BUCKET = "hostile"
SETTINGS = IngestSettings.from_env({"OPENSEARCH_ENDPOINT": "http://index.invalid"})
HUGE = "9" * 5_000
REPORT_BYTES = 1_000_000
WORST: dict[str, dict[str, float]] = defaultdict(lambda: {"seconds": 0.0, "peak_mib": 0.0})
TALLY = {"attacks": 0, "lost": 0}


def art(n: int | str, **extra: object) -> dict[str, object]:
    return {
        "id": f"h-{n}",
        "title": f"Warga kampung {n} memperbaiki jalan desa",
        "body": f"Perbaikan jalan di kampung {n} selesai sebelum musim hujan.",
        "published_at": "2024-03-01T08:00:00+07:00",
        **extra,
    }


def lines(*records: dict[str, object] | str) -> bytes:
    out = [r if isinstance(r, str) else json.dumps(r) for r in records]
    return ("\n".join(out) + "\n").encode()


def array(*records: dict[str, object] | str) -> str:
    return "[" + ",".join(r if isinstance(r, str) else json.dumps(r) for r in records) + "]"


def goods(*ns: int | str) -> set[str]:
    return {f"h-{n}" for n in ns}


def csv_bytes(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([["id", "title", "body"], *rows])
    return out.getvalue().encode()


def many(count: int) -> list[dict[str, object]]:
    return [art(n) for n in range(count)]


@dataclass(frozen=True)
class Case:
    kind: str  # the row of the figures table it counts in
    name: str
    key: str
    data: Callable[[], bytes]
    good: set[str]
    status: str
    stopped_at: dict[str, int] | None = None


BIG = 1_300  # more than one bulk chunk (1,000), as in the attack that found the loss
CASES = [
    # 4. Integers past the 4,300-digit limit, in every container.
    Case("huge integer", "ndjson top level", "a.ndjson",
         lambda: lines(art(1), f'{{"id": "x", "title": "T", "body": "B", "n": {HUGE}}}', art(2)),
         goods(1, 2), "rejected_records"),
    Case("huge integer", "ndjson negative, nested object and array", "a.ndjson",
         lambda: lines(art(1), f'{{"title": "T", "body": "B", "x": {{"y": [1, -{HUGE}]}}}}',
                       art(2)), goods(1, 2), "rejected_records"),
    Case("huge integer", "json array item", "a.json",
         lambda: array(art(1), f'{{"title": "T", "body": "B", "tags": [{HUGE}]}}',
                       art(2)).encode(), goods(1, 2), "rejected_records"),
    Case("huge integer", "json articles document", "a.json",
         lambda: ('{"articles": ' + array(art(1), f'{{"title": "T", "body": "B", "n": {HUGE}}}',
                                          art(2)) + "}").encode(), goods(1, 2),
         "rejected_records"),
    Case("huge integer", "csv cell read as a date", "a.csv",
         lambda: (b"id,title,body,published_at\nh-1,T,B,\nx,T,B," + HUGE.encode()
                  + b"\nh-2,T,B,\n"), goods(1, 2), "rejected_records"),
    Case("huge integer", "gzip ndjson", "a.ndjson.gz",
         lambda: gzip.compress(lines(art(1), f'{{"title": "T", "body": "B", "n": {HUGE}}}',
                                     art(2))), goods(1, 2), "rejected_records"),
    # 5. Broken off part-way: everything before the break is indexed, the rest not read.
    Case("broken off", "json array syntax error after a full chunk", "a.json",
         lambda: (array(*many(1_200))[:-1] + ', {"title": "x" "body": "y"}, '
                  + json.dumps(art("after")) + "]").encode(),
         goods(*range(1_200)), "incomplete", {"item": 1_201}),
    Case("broken off", "json array cut mid-string", "a.json",
         lambda: (array(*many(BIG))[:-1] + ', {"title": "terpo').encode(),
         goods(*range(BIG)), "incomplete", {"item": BIG + 1}),
    Case("broken off", "json array cut mid-escape", "a.json",
         lambda: (array(*many(BIG))[:-1] + ', {"title": "a\\u00').encode(),
         goods(*range(BIG)), "incomplete", {"item": BIG + 1}),
    Case("broken off", "json array cut mid-number", "a.json",
         lambda: (array(*many(BIG))[:-1] + ', {"title": "a", "body": "b", "n": 12').encode(),
         goods(*range(BIG)), "incomplete", {"item": BIG + 1}),
    *(
        Case("broken off", f"gzip ndjson cut at {share:.0%}", "a.ndjson.gz",
             (lambda share=share: _cut_gzip(share)), set(), "incomplete")
        for share in (0.25, 0.5, 0.9, 0.999)
    ),
    Case("deep nesting", "deep item inside a json array", "a.json",
         lambda: (array(art(1), "[" * 50_000 + "]" * 50_000, art(2))).encode(),
         goods(1, 2), "rejected_records"),
    Case("deep nesting", "deep ndjson line", "a.ndjson",
         lambda: lines(art(1), "[" * 50_000 + "]" * 50_000, art(2)),
         goods(1, 2), "rejected_records"),
    Case("deep nesting", "deep field in a json array item", "a.json",
         lambda: array(art(1), '{"title": "T", "body": ' + "[" * 5_000 + "]" * 5_000 + "}",
                       art(2)).encode(), goods(1, 2), "rejected_records"),
    # 6. Work that grows faster than the input, and expanding inputs.
    Case("quadratic fields", "146 KB breadcrumb of distinct levels", "a.ndjson",
         lambda: lines(art(1), art("cat", category="/".join(f"L{n}" for n in range(25_000))),
                       art(2)), goods(1, 2), "rejected_records"),
    Case("quadratic fields", "146 KB breadcrumb of one repeated level", "a.ndjson",
         lambda: lines(art(1), art("dup", category="/".join(["Daerah"] * 20_000)), art(2)),
         goods(1, 2, "dup"), "ok"),
    Case("quadratic fields", "60,000 distinct tags", "a.ndjson",
         lambda: lines(art(1), art("tags", tags=[f"t{n}" for n in range(60_000)]), art(2)),
         goods(1, 2), "rejected_records"),
    Case("quadratic fields", "60,000 copies of one tag", "a.ndjson",
         lambda: lines(art(1), art("tagdup", tags=["banjir"] * 60_000), art(2)),
         goods(1, 2, "tagdup"), "ok"),
    Case("expanding input", "gzip of 40 MB of blank lines", "a.ndjson.gz",
         lambda: gzip.compress(lines(art(1)) + b"\n" * 40_000_000 + lines(art(2))),
         goods(1), "over_limit", {"line": 2_000_001}),
    Case("expanding input", "gzip of 20 million CRLF blank lines", "a.ndjson.gz",
         lambda: gzip.compress(lines(art(1)) + b"\r\n" * 20_000_000 + lines(art(2))),
         goods(1), "over_limit", {"line": 2_000_001}),
    Case("expanding input", "gzip of 300 MB of spaces on one line", "a.ndjson.gz",
         lambda: gzip.compress(lines(art(1)) + b" " * 300_000_000), goods(1), "over_limit"),
    Case("expanding input", "50,001 articles", "a.ndjson",
         lambda: lines(*many(50_001)), goods(*range(50_000)), "over_limit",
         {"line": 50_001}),
    # 7. Reports swollen by echoed values.
    Case("report size", "2,000 bad dates of 50 KB", "a.ndjson",
         lambda: lines(art(1), *(art(f"d{n}", published_at="x" * 50_000) for n in range(2_000))),
         goods(1), "rejected_records"),
    Case("report size", "2,000 ids of 50 KB", "a.ndjson",
         lambda: lines(art(1), *(art(n, id="i" * 50_000 + str(n)) for n in range(2_000))),
         goods(1), "rejected_records"),
    # 8. CSV quoting.
    Case("csv quoting", "unterminated quote before good rows", "a.csv",
         lambda: b'id,title,body\nh-1,T,B\nx,"T,B\nh-2,T,B\nh-3,T,B\n',
         goods(1, 2, 3), "rejected_records"),
    Case("csv quoting", "quote closed inside a later row", "a.csv",
         lambda: b'id,title,body\nh-1,T,B\nx,"T,B\nh-2,T,"B"\nh-3,T,B\n',
         goods(1, 2, 3), "rejected_records"),
    Case("csv quoting", "quoted field over 1 MB with an embedded row", "a.csv",
         lambda: csv_bytes([["h-1", "T", "B"],
                            ["x", "T", "a" * 600_000 + "\nh-emb,Embedded,Row\n" + "b" * 600_000],
                            ["h-2", "T", "B"]]), goods(1, 2), "rejected_records"),
    Case("csv quoting", "multi-line quoted body stays one article", "a.csv",
         lambda: csv_bytes([["h-1", "T", "Paragraf satu.\n\nParagraf dua."], ["h-2", "T", "B"]]),
         goods(1, 2), "ok"),
    # 9. Content contradicting its extension.
    Case("wrong format", "ndjson saved as .txt", "a.txt", lambda: lines(art(1), art(2)),
         set(), "unparseable"),
    Case("wrong format", "json array saved as .txt", "a.txt", lambda: array(art(1)).encode(),
         set(), "unparseable"),
    Case("wrong format", "html saved as .txt", "a.txt",
         lambda: b"<!DOCTYPE html><html><body><h1>Judul</h1><p>Isi.</p></body></html>",
         set(), "unparseable"),
    Case("wrong format", "html saved as .json", "a.json",
         lambda: b"<html><body><p>Isi.</p></body></html>", set(), "unparseable"),
    Case("wrong format", "html saved as .ndjson", "a.ndjson",
         lambda: b"<html>\n<body>\n<p>Isi.</p>\n</body></html>\n", set(), "unparseable"),
    Case("wrong format", "binary saved as .txt", "a.txt",
         lambda: random.Random(4).randbytes(5_000), set(),
         "unparseable"),
    # Empty files: one outcome whatever the format.
    *(
        Case("empty", f"empty {name}", name, (lambda data=data: data), set(), "empty")
        for name, data in (
            ("a.ndjson", b""), ("a.csv", b""), ("a.txt", b""), ("a.json", b""),
            ("a.html", b""), ("a.ndjson", b"\n\n \n"), ("a.txt", b"\xef\xbb\xbf\n"),
            ("a.csv", b"id,title,body\n"), ("a.json", b"[]"), ("a.ndjson.gz", gzip.compress(b"")),
        )
    ),
]  # fmt: skip


def _cut_gzip(share: float) -> bytes:
    packed = gzip.compress(lines(*many(BIG)), compresslevel=1)
    return packed[: int(len(packed) * share)]


def _gzip_good(data: bytes) -> set[str]:
    """Ids of the whole lines (newline included) that survive in a truncated gzip."""
    import zlib

    prefix = zlib.decompressobj(wbits=31).decompress(data)
    whole = prefix[: prefix.rfind(b"\n") + 1]
    return {json.loads(line)["id"] for line in whole.splitlines() if line.strip()}


def _handle(data: bytes, key: str, deadline: Deadline | None = None):
    index = FakeIndexWriter(chunk_size=1_000)
    store = FakeUploadStore()
    service = IngestService(SETTINGS, index, store, CategoryMap(), random.Random(0))
    store.put(BUCKET, f"uploads/{key}", data)
    service.handle(ObjectEvent("created", BUCKET, f"uploads/{key}"), deadline or Deadline())
    text = store.reports[(BUCKET, f"reports/uploads/{key}.json")]
    return index, json.loads(text), len(text.encode())


def balanced(counts: dict[str, int]) -> bool:
    return counts["received"] == sum(counts[name] for name in SETTLED)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_a_hostile_upload_costs_nothing_but_itself(case: Case, record):
    data = case.data()
    good = _gzip_good(data) if case.kind == "broken off" and case.key.endswith(".gz") else case.good
    tracemalloc.start()
    started = time.perf_counter()
    try:
        index, report, size = _handle(data, case.key)
        seconds = time.perf_counter() - started
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    indexed = set(index.articles)
    lost = good - indexed
    TALLY["attacks"] += 1
    TALLY["lost"] += len(lost)
    worst = WORST[case.kind]
    worst["seconds"] = max(worst["seconds"], round(seconds, 2))
    worst["peak_mib"] = max(worst["peak_mib"], round(peak / 2**20, 1))
    record(
        "hostile/uploads",
        injected="hostile uploads through IngestService on the fakes (tests/reliability/"
        "test_hostile_uploads.py): huge integers, broken-off arrays and gzip, deep nesting, "
        "quadratic fields, expanding inputs, swollen reports, CSV quotes, wrong formats, empty",
        attacks=TALLY["attacks"],
        lost=TALLY["lost"],
        worst={k: dict(v) for k, v in WORST.items()},
    )

    assert report["status"] == case.status, report["error"]
    assert indexed == good, f"lost {sorted(lost)[:5]}, extra {sorted(indexed - good)[:5]}"
    counts = report["counts"]
    assert balanced(counts), counts
    assert counts["indexed"] == len(good)
    assert all(entry["reason"] for entry in report["rejected"])
    assert size < REPORT_BYTES
    if case.stopped_at is not None:
        assert report["stopped_at"] == case.stopped_at
    if case.status in ("incomplete", "over_limit", "unparseable"):
        assert report["error"]
    assert seconds < 60 and peak < 200 * 2**20


def test_an_object_that_outruns_the_deadline_while_parsing_raises_with_a_retrying_report():
    class Clock:
        calls = 0

        def get_remaining_time_in_millis(self) -> int:
            self.calls += 1
            return 60_000 if self.calls < 20 else 1_000

    # Blank lines yield no record: only the per-chunk check can see the time run out.
    data = gzip.compress(b"\n" * 30_000_000)
    store = FakeUploadStore()
    service = IngestService(SETTINGS, FakeIndexWriter(), store, CategoryMap())
    store.put(BUCKET, "uploads/lambat.ndjson.gz", data)
    started = time.perf_counter()
    with pytest.raises(OutOfTime):
        service.handle(
            ObjectEvent("created", BUCKET, "uploads/lambat.ndjson.gz"), Deadline(Clock(), 15_000)
        )
    assert time.perf_counter() - started < 5
    report = store.report(BUCKET, "reports/uploads/lambat.ndjson.gz.json")
    assert report["status"] == "retrying"


def test_a_reupload_that_fails_replaces_the_stale_ok_report():
    store = FakeUploadStore()
    index = FakeIndexWriter()
    service = IngestService(SETTINGS, index, store, CategoryMap())
    key = "uploads/ulang.ndjson"
    store.put(BUCKET, key, lines(art(1)))
    service.handle(ObjectEvent("created", BUCKET, key), Deadline())
    assert store.report(BUCKET, f"reports/{key}.json")["status"] == "ok"

    index.unavailable = True
    store.put(BUCKET, key, lines(art(2)))
    with pytest.raises(Exception):  # noqa: B017 - any failure, as long as it is redelivered
        service.handle(ObjectEvent("created", BUCKET, key), Deadline())
    assert store.report(BUCKET, f"reports/{key}.json")["status"] != "ok"


# Through the real handler, moto S3 and the real node: the cases that depend on indexing.
REAL = [c for c in CASES if c.name in {
    "ndjson negative, nested object and array",
    "json array syntax error after a full chunk",
    "deep item inside a json array",
    "unterminated quote before good rows",
    "gzip ndjson cut at 50%",
}]  # fmt: skip


@pytest.fixture
def delivery(monkeypatch, fresh_index_alias, s3_bucket) -> Delivery:
    monkeypatch.setenv("ARTICLES_INDEX", fresh_index_alias)
    return Delivery(load_handler_module("ingest").lambda_handler, s3_bucket)


@pytest.mark.parametrize("case", REAL, ids=[c.name for c in REAL])
def test_a_hostile_upload_through_the_real_handler_keeps_its_neighbours(
    case: Case, delivery, os_client, fresh_index_alias
):
    data = case.data()
    good = _gzip_good(data) if case.key.endswith(".gz") else case.good
    key = "uploads/hostile/" + re.sub(r"[^a-z0-9]+", "-", case.name) + "/" + case.key
    delivery.s3.put_object(Bucket=delivery.bucket, Key=key, Body=data)
    assert delivery.deliver([delivery.message(key)], budget_context(budget_ms=280_000)) == []
    report = delivery.report(key)

    os_client.indices.refresh(index=fresh_index_alias)
    hits = os_client.search(
        index=fresh_index_alias,
        body={"size": 10_000, "query": {"term": {"source": f"{delivery.bucket}/{key}"}}},
        _source=False,
    )["hits"]["hits"]
    assert {h["_id"] for h in hits} == good
    assert report["status"] == case.status
    assert balanced(report["counts"]) and report["counts"]["indexed"] == len(good)
