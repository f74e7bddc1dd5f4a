"""Recency on the real node: ``score * (1 + 0.25 * decay(age))``, summed so that only recent
articles run the decay (search/ranking.py, ``with_recency``), gives the scores it promises."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from cariberita.articles import Article, to_document
from cariberita.search import query, ranking
from cariberita.search.params import SearchParams

BODY = "Nelayan di Teluk Kenari menangkap ikan tongkol dalam jumlah besar pagi ini. " * 3


def _index(os_client, alias: str, ages_days: dict[str, float], title: str) -> None:
    now = datetime.now(UTC)
    for id_, age in ages_days.items():
        published = (now - timedelta(days=age)).replace(microsecond=0).isoformat()
        record = {"id": id_, "title": title, "body": BODY, "published_at": published}
        os_client.index(
            index=alias, id=id_, body=to_document(Article.model_validate(record), "b/k")
        )
    os_client.indices.refresh(index=alias)


def _scores(os_client, alias: str, q: str) -> dict[str, float]:
    params = SearchParams.from_query(q=q, collapse="false")
    body = query.search_body(params, 5_000)
    hits = os_client.search(index=alias, body=body)["hits"]["hits"]
    # Articles with every concept of a short query score a constant tier plus the recency sum
    # (ranking.all_concepts_first); recency multiplies the sum only, so the tier comes off.
    return {h["_id"]: _without_tier(h["_score"]) for h in hits}


def _without_tier(score: float) -> float:
    tier = ranking.ALL_CONCEPTS_TIER
    return score - tier if score >= tier else score


@pytest.fixture
def alias(fresh_index_alias: str) -> str:
    return fresh_index_alias


def test_the_multiplier_by_age(os_client, alias):
    ages = {"hari-ini": 0.5, "sebulan": 31.0, "dua-bulan": 61.0, "setahun": 365.0, "lama": 2500}
    _index(os_client, alias, ages, "Tangkapan tongkol melimpah di Teluk Kenari")
    scores = _scores(os_client, alias, "tangkapan tongkol kenari")
    base = scores["lama"]
    # gauss(published_at): 1 within a day's offset, 0.5 a scale (30 days) past it, then
    # 0.5 ** ((age - 1) / 30) ** 2; beyond the window nothing.
    expected = {"hari-ini": 1.25, "sebulan": 1.125, "dua-bulan": 1 + 0.25 * 0.5**4}
    for id_, factor in expected.items():
        assert scores[id_] / base == pytest.approx(factor, rel=1e-3), id_
    assert scores["setahun"] == pytest.approx(base, rel=1e-5)


def test_a_much_better_old_match_still_beats_a_fresh_weak_one(os_client, alias):
    _index(os_client, alias, {"baru": 0.1}, "Cuaca cerah di pelabuhan")
    _index(os_client, alias, {"lama": 900}, "Tangkapan tongkol melimpah di Teluk Kenari")
    scores = _scores(os_client, alias, "tangkapan tongkol kenari")
    assert max(scores, key=scores.__getitem__) == "lama"
    assert ranking.RECENCY_WEIGHT <= 0.5
