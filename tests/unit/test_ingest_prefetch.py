import threading

import pytest
from cariberita.ingest.prefetch import prefetch


def test_items_arrive_in_order():
    assert list(prefetch(iter(range(1000)), depth=7)) == list(range(1000))


def test_an_error_while_producing_is_raised_at_its_position():
    def items():
        yield 1
        yield 2
        raise ValueError("rusak")

    seen = []
    with pytest.raises(ValueError, match="rusak"):
        for item in prefetch(items(), depth=1):
            seen.append(item)
    assert seen == [1, 2]


def test_producer_stays_at_most_depth_ahead_and_stops_when_abandoned():
    produced = []

    def items():
        for n in range(10_000):
            produced.append(n)
            yield n

    stream = prefetch(items(), depth=3)
    assert next(stream) == 0
    stream.close()
    # taken (1) + queued (3) + one blocked in put
    assert len(produced) <= 5
    assert not [t for t in threading.enumerate() if t.name == "ingest-prefetch"]
