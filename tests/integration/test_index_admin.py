"""The admin code creates, updates and migrates the versioned index behind its alias."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from cariberita.index import manager, reindex, reindex_tasks, reindex_versions
from cariberita.index.mapping import INDEX_VERSION
from cariberita.index.reindex_errors import ReindexError

DOC = {"id": "a1", "title": "Banjir di Jakarta", "body": "Air naik."}


@pytest.fixture
def alias(os_client, fresh_index_alias) -> Iterator[str]:
    """A fresh alias whose every version (not only the aliased one) is deleted afterwards."""
    yield fresh_index_alias
    for index in reindex_versions.versions(os_client, fresh_index_alias):
        os_client.indices.delete(index=index, ignore_unavailable=True)


def put(os_client, index: str, article_id: str, version: int, **fields: Any) -> None:
    """Write as ingest does: external versions, newer wins, an ``ingested_at`` stamp."""
    os_client.index(
        index=index,
        id=article_id,
        body={
            "id": article_id,
            "title": fields.get("title", f"Berita {article_id} versi {version}"),
            "body": "Isi berita.",
            "ingested_at": datetime.now(UTC).isoformat(),
        },
        version=version,
        version_type="external_gte",
        refresh=True,
    )


def with_extra_stopword(monkeypatch) -> None:
    from cariberita.index import analysis

    original = analysis.analysis_settings

    def changed():
        settings = original()
        settings["filter"]["id_stop"]["stopwords"].append("zzzkata")
        return settings

    monkeypatch.setattr("cariberita.index.mapping.analysis_settings", changed)


def tokens(os_client, index: str, text: str) -> list[str]:
    found = os_client.indices.analyze(index=index, body={"analyzer": "id_news", "text": text})
    return [t["token"] for t in found["tokens"]]


def test_create_is_idempotent(os_client, alias):
    assert manager.ensure_index(os_client, alias) == "unchanged"
    status = manager.status(os_client, alias)
    assert status.indices == (f"{alias}-v{INDEX_VERSION}",)
    assert status.health in ("green", "yellow")


def test_changed_word_lists_leave_the_live_index_open_and_ask_for_a_reindex(
    os_client, alias, monkeypatch
):
    with_extra_stopword(monkeypatch)
    assert manager.ensure_index(os_client, alias) == "reindex_needed"
    live = f"{alias}-v{INDEX_VERSION}"
    state = os_client.cluster.state(index=live, metric="metadata")["metadata"]["indices"][live]
    assert state["state"] == "open"
    assert tokens(os_client, alias, "zzzkata banjir") == ["zzzkata", "banjir"]  # untouched

    reindex.reindex(os_client, alias)
    assert tokens(os_client, alias, "zzzkata banjir") == ["banjir"]
    assert manager.ensure_index(os_client, alias) == "unchanged"


def test_reindex_keeps_replicas_and_documents_and_the_old_version(os_client, alias):
    manager.ensure_index(os_client, alias, replicas=1)  # one node: yellow, that is fine
    for n in range(30):
        put(os_client, alias, f"a{n}", version=5)
    result = reindex.reindex(os_client, alias)
    new, old = f"{alias}-v{INDEX_VERSION + 1}", f"{alias}-v{INDEX_VERSION}"
    assert result["to"] == new and result["documents"] == 30
    assert manager.aliased_indices(os_client, alias) == (new,)
    stored = os_client.indices.get_settings(index=new)[new]["settings"]["index"]
    assert stored["number_of_replicas"] == "1"
    assert os_client.get(index=alias, id="a7")["_version"] == 5  # external versions kept
    assert os_client.count(index=old)["count"] == 30  # kept for a rollback, write-blocked
    old_settings = os_client.indices.get_settings(index=old)[old]["settings"]["index"]
    assert old_settings["blocks"]["write"] == "true"


def test_a_failed_copy_leaves_the_alias_and_the_live_index_as_they_were(
    os_client, alias, monkeypatch
):
    put(os_client, alias, "a1", version=1)
    broken = manager.index_body()
    broken["mappings"]["properties"]["title"] = {"type": "long"}  # every title is refused
    monkeypatch.setattr(reindex_versions, "index_body", lambda: broken)

    with pytest.raises(ReindexError, match=f"reindex --to-version {INDEX_VERSION + 1}"):
        reindex.reindex(os_client, alias)
    assert manager.aliased_indices(os_client, alias) == (f"{alias}-v{INDEX_VERSION}",)
    put(os_client, alias, "a2", version=1)  # still writable
    assert os_client.count(index=alias)["count"] == 2


def test_catch_up_copies_new_writes_and_does_not_revive_deletes(os_client, alias):
    source, target = f"{alias}-v{INDEX_VERSION}", f"{alias}-v{INDEX_VERSION + 1}"
    for n in range(10):
        put(os_client, source, f"a{n}", version=1)
    os_client.indices.create(
        index=target, body=reindex_versions.new_version_body(os_client, source)
    )
    started = datetime.now(UTC)
    reindex_tasks.copy(os_client, source, target)
    # Written and deleted while the copy ran:
    put(os_client, source, "a1", version=2, title="Judul baru")
    put(os_client, source, "new", version=1)
    os_client.delete(index=source, id="a2", refresh=True)

    reindex.converge_and_swap(os_client, alias, source, target, started)
    assert manager.aliased_indices(os_client, alias) == (target,)
    assert os_client.get(index=alias, id="a1")["_source"]["title"] == "Judul baru"
    assert os_client.exists(index=alias, id="new")
    assert not os_client.exists(index=alias, id="a2")
    assert os_client.count(index=alias)["count"] == 10


def test_rollback_swaps_back_with_what_was_written_since(os_client, alias):
    put(os_client, alias, "a1", version=1)
    reindex.reindex(os_client, alias)
    put(os_client, alias, "after-swap", version=1)
    os_client.delete(index=alias, id="a1", refresh=True)

    result = reindex.rollback(os_client, alias)
    assert result == {
        "from": f"{alias}-v{INDEX_VERSION + 1}",
        "to": f"{alias}-v{INDEX_VERSION}",
        "documents": 1,
    }
    assert manager.aliased_indices(os_client, alias) == (f"{alias}-v{INDEX_VERSION}",)
    assert os_client.exists(index=alias, id="after-swap")
    assert not os_client.exists(index=alias, id="a1")
    put(os_client, alias, "writable-again", version=1)


def test_prune_deletes_old_versions_only_on_request(os_client, alias):
    reindex.reindex(os_client, alias)
    reindex.reindex(os_client, alias)
    assert reindex_versions.versions(os_client, alias) == [
        f"{alias}-v{INDEX_VERSION + n}" for n in (0, 1, 2)
    ]
    assert reindex_versions.prune(os_client, alias) == [
        f"{alias}-v{INDEX_VERSION}"
    ]  # v2 kept for a rollback
    assert reindex_versions.prune(os_client, alias, keep=0) == [f"{alias}-v{INDEX_VERSION + 1}"]
    assert reindex_versions.versions(os_client, alias) == [f"{alias}-v{INDEX_VERSION + 2}"]


def test_no_entry_point_closes_an_index(os_client, alias, monkeypatch):
    """Record every request at the transport while each entry point runs."""
    sent: list[tuple[str, str]] = []
    perform = os_client.transport.perform_request

    def recording(method: str, url: str, *args: Any, **kwargs: Any) -> Any:
        sent.append((method, url))
        return perform(method, url, *args, **kwargs)

    monkeypatch.setattr(os_client.transport, "perform_request", recording)
    put(os_client, alias, "a1", version=1)
    manager.ensure_index(os_client, alias, replicas=1)
    with_extra_stopword(monkeypatch)
    manager.ensure_index(os_client, alias)
    reindex.reindex(os_client, alias)
    reindex.rollback(os_client, alias)
    reindex_versions.prune(os_client, alias, keep=0)

    assert any(url.endswith("/_reindex") for _, url in sent)  # the recorder saw the work
    assert [url for _, url in sent if "_close" in url] == []


def test_status_of_missing_alias(os_client):
    assert manager.status(os_client, "t-does-not-exist").health == "missing"


def test_replica_count_follows_the_deploy_setting(os_client, alias):
    # A single local node leaves the replica unassigned (yellow); the setting is what matters.
    assert manager.ensure_index(os_client, alias, replicas=1) == "updated"
    index = f"{alias}-v{INDEX_VERSION}"
    stored = os_client.indices.get_settings(index=index)[index]["settings"]["index"]
    assert stored["number_of_replicas"] == "1"
    assert manager.ensure_index(os_client, alias, replicas=1) == "unchanged"
