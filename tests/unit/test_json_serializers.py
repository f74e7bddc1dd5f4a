"""orjson in the OpenSearch client and in API responses: same JSON, library fallbacks kept."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from cariberita.config import Settings
from cariberita.http import responses
from cariberita.opensearch_client import SERIALIZER, build_client
from opensearchpy.exceptions import SerializationError
from opensearchpy.serializer import JSONSerializer

SAMPLE = {
    "q": "banjir jakarta — déjà",
    "n": 3,
    "f": 0.25,
    "when": datetime(2024, 5, 1, 7, 30, tzinfo=UTC),
    "day": date(2024, 5, 1),
    "id": uuid.UUID(int=7),
    "nested": [{"a": None, "b": True}],
}


def test_the_client_serializer_writes_what_the_library_serializer_writes():
    assert json.loads(SERIALIZER.dumps(SAMPLE)) == json.loads(JSONSerializer().dumps(SAMPLE))


def test_the_client_serializer_reads_what_it_writes():
    assert SERIALIZER.loads('{"hits": {"hits": [{"_id": "a\\u00e9"}]}}') == {
        "hits": {"hits": [{"_id": "aé"}]}
    }


def test_strings_pass_through_untouched_for_bulk_lines():
    line = '{"index":{"_id":"x"}}'
    assert SERIALIZER.dumps(line) is line


def test_unknown_types_and_bad_json_raise_the_library_error():
    with pytest.raises(SerializationError):
        SERIALIZER.dumps({"x": object()})
    with pytest.raises(SerializationError):
        SERIALIZER.loads("{not json")


def test_every_client_uses_it():
    client = build_client(Settings(OPENSEARCH_ENDPOINT="http://127.0.0.1:9"))
    assert client.transport.serializer is SERIALIZER
    assert client.transport.deserializer.loads("[1]", "application/json") == [1]


def test_response_bodies_are_json_with_powertools_fallbacks():
    body = {"price": Decimal("1.50"), "text": "Pemkot Bandung", 3: "non-str key"}
    assert json.loads(responses.dumps(body)) == {
        "price": "1.50",
        "text": "Pemkot Bandung",
        "3": "non-str key",
    }
