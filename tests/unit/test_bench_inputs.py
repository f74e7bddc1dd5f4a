"""Generated benchmark inputs: repeated corpus copies get fresh ids; streams stop at their size."""

import json

from bench.coldstart import heaviest_imports
from bench.corpus import NdjsonStream, fresh_copy, repeated
from bench.scale import _retarget

ARTICLES = [
    {"id": "a1", "url": "https://berita.example.id/1", "title": "Banjir di Jakarta"},
    {"id": "a2", "url": "https://berita.example.id/2", "title": "Harga cabai naik"},
]


def test_copy_zero_is_the_article_itself():
    assert fresh_copy(ARTICLES[0], 0) is ARTICLES[0]


def test_later_copies_get_fresh_ids_and_urls():
    copy = fresh_copy(ARTICLES[0], 3)
    assert (copy["id"], copy["url"]) == ("a1-r3", "https://berita.example.id/1#r3")
    assert copy["title"] == ARTICLES[0]["title"]
    assert ARTICLES[0]["id"] == "a1"  # the original is untouched


def test_a_repeated_document_is_a_story_of_its_own():
    document = {**ARTICLES[0], "story": "s1"}
    assert fresh_copy(document, 2)["story"] == "s1-r2"
    assert "story" not in fresh_copy(ARTICLES[0], 2)  # raw records get theirs at ingest


def test_repetition_never_repeats_an_id():
    ids = [a["id"] for a in repeated(ARTICLES, 7)]
    assert len(ids) == len(set(ids)) == 7
    assert [a["id"] for a in repeated(ARTICLES, 6, start=3)] == ["a2-r1", "a1-r2", "a2-r2"]


def test_ndjson_stream_yields_whole_lines_up_to_its_size():
    stream = NdjsonStream(ARTICLES, 500)
    data = stream.read()
    lines = data.decode("utf-8").splitlines()
    assert data.endswith(b"\n")
    assert len(data) >= 500 and len(data) - len(lines[-1]) - 1 < 500
    assert stream.bytes_written == len(data)
    assert stream.articles_written == len(lines)
    assert len({json.loads(line)["id"] for line in lines}) == len(lines)


def test_ndjson_stream_reads_the_same_in_small_chunks():
    whole = NdjsonStream(ARTICLES, 2000).read()
    stream = NdjsonStream(ARTICLES, 2000)
    parts = iter(lambda: stream.read(7), b"")
    assert b"".join(parts) == whole


def test_importtime_charges_each_package_its_own_time():
    stderr = "\n".join(
        [
            "import time: self [us] | cumulative | imported package",
            "import time:       500 |        500 |     botocore.utils",
            "import time:      1500 |       2000 |   botocore",
            "import time:      3000 |       5000 | app",
            "something else",
        ]
    )
    assert heaviest_imports(stderr) == [("app", 3.0), ("botocore", 2.0)]


def test_recorded_requests_are_pointed_at_another_index():
    requests = [
        ("POST", "/bench-ingest-1/_search", {"x": "1"}, {"q": 1}),
        ("GET", "/_cluster/health", None, None),
    ]
    assert _retarget(requests, "bench-scale-2") == [
        ("POST", "/bench-scale-2/_search", {"x": "1"}, {"q": 1}),
        ("GET", "/_cluster/health", None, None),
    ]
