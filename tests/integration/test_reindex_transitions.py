"""Reindex, rollback and prune against each other and against the node misbehaving.

Each test plays one interleaving that once lost or revived articles: two runs on one new
version, the task of a run whose connection dropped, a prune while the alias moves, a
same-version rewrite during the copy, a domain that stops answering after the write block.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from cariberita import admin
from cariberita.articles.document import to_document
from cariberita.articles.validation import article_from_record
from cariberita.config import Settings
from cariberita.index import manager, reindex, reindex_versions
from cariberita.index.mapping import INDEX_VERSION
from cariberita.index.reindex_errors import ReindexError
from cariberita.ingest.opensearch_writer import OpenSearchIndexWriter
from cariberita.ingest.writer import DeleteArticle, IndexArticle
from cariberita.opensearch_client import build_client
from opensearchpy.exceptions import NotFoundError
from opensearchpy.helpers import bulk

from tests.support.fault_proxy import Fault, FaultProxy

OLD, NEW = INDEX_VERSION, INDEX_VERSION + 1
BLOCK = "index.blocks.write"


@pytest.fixture
def alias(os_client, fresh_index_alias) -> Iterator[str]:
    """A fresh alias whose every version (not only the aliased one) is deleted afterwards."""
    yield fresh_index_alias
    # A task left running would write on into (and so create again) a deleted index.
    listed = os_client.tasks.list(actions="*reindex", detailed=True)
    for node in listed.get("nodes", {}).values():
        for task_id, task in node.get("tasks", {}).items():
            if f"to [{fresh_index_alias}-v" in task.get("description", ""):
                os_client.tasks.cancel(task_id=task_id)
    for index in reindex_versions.versions(os_client, fresh_index_alias):
        os_client.indices.put_settings(index=index, body={BLOCK: None})
        os_client.indices.delete(index=index, ignore_unavailable=True)


def document(article_id: str, day: int = 2, title: str | None = None, at: datetime | None = None):
    """``(version, document)`` as ingest builds them."""
    item = article_from_record(
        {
            "id": article_id,
            "title": title or f"Warga {article_id} menyambut perbaikan jalan",
            "body": f"Perbaikan jalan di kelurahan {article_id} selesai.",
            "category": "Berita Utama / Daerah",
            "published_at": "2024-03-01T08:00:00+07:00",
            "updated_at": f"2024-03-{day:02d}T09:00:00+07:00",
        }
    )
    return item.version, to_document(item, "bucket/uploads/x.ndjson", None, at or datetime.now(UTC))


def put(client, index: str, article_id: str, **kwargs: Any) -> int:
    version, body = document(article_id, **kwargs)
    client.index(
        index=index,
        id=article_id,
        body=body,
        version=version,
        version_type="external_gte",
        refresh=True,
    )
    return version


def seed(client, alias: str, n: int = 5) -> str:
    live = f"{alias}-v{OLD}"
    for i in range(n):
        put(client, live, f"a{i}")
    return live


def ingest(client, alias: str, operation: IndexArticle | DeleteArticle) -> str:
    """Write one operation through the alias as the ingest function does; its outcome."""
    [outcome] = OpenSearchIndexWriter(client, alias).write([operation])
    client.indices.refresh(index=alias)
    return outcome.result


def blocked(client, index: str) -> bool:
    settings = client.indices.get_settings(index=index)[index]["settings"]["index"]
    return settings.get("blocks", {}).get("write") == "true"


def on_request(client, monkeypatch, wanted: Callable[[str, str], bool], run: Callable[[], None]):
    """Run ``run`` once, just before the first request of ``client`` that ``wanted`` picks."""
    perform = client.transport.perform_request
    fired: list[bool] = []

    def hooked(method: str, url: str, *args: Any, **kwargs: Any) -> Any:
        if not fired and wanted(method, url):
            fired.append(True)
            run()
        return perform(method, url, *args, **kwargs)

    monkeypatch.setattr(client.transport, "perform_request", hooked)


# --- two runs on one new version (A) --------------------------------------------------------


def test_a_reindex_refuses_a_new_version_that_already_exists(os_client, alias):
    live = seed(os_client, alias)
    target = f"{alias}-v{NEW}"
    os_client.indices.create(index=target, body=reindex_versions.new_version_body(os_client, live))

    with pytest.raises(ReindexError, match=f"--to-version {NEW}"):
        reindex.reindex(os_client, alias)
    assert manager.aliased_indices(os_client, alias) == (live,)
    assert not blocked(os_client, live)


def test_a_run_whose_alias_another_run_moved_deletes_nothing_from_the_live_index(
    os_client, alias, settings
):
    seed(os_client, alias)
    other = build_client(settings)  # the other operator
    moved: list[str] = []

    def progress(message: str) -> None:
        if message.startswith("catch-up pass 1") and not moved:
            moved.append(reindex.reindex(other, alias, NEW)["to"])  # resumes into our target
            version, body = document("fresh", day=5)
            assert ingest(other, alias, IndexArticle("fresh", version, body)) == "created"

    with pytest.raises(ReindexError, match="moved"):
        reindex.reindex(os_client, alias, progress=progress)
    assert moved == [f"{alias}-v{NEW}"]
    assert manager.aliased_indices(os_client, alias) == (f"{alias}-v{NEW}",)
    assert os_client.exists(index=alias, id="fresh")  # written after the other run's swap
    assert os_client.count(index=alias)["count"] == 6


def test_a_swap_fails_when_another_run_already_moved_the_alias(os_client, alias):
    live = seed(os_client, alias)
    target = f"{alias}-v{NEW}"
    os_client.indices.create(index=target, body=reindex_versions.new_version_body(os_client, live))
    reindex.swap(os_client, alias, live, target)  # the other run's swap

    with pytest.raises(NotFoundError, match="aliases_not_found"):
        reindex.swap(os_client, alias, live, target)  # this run's, from a source no longer live
    assert manager.aliased_indices(os_client, alias) == (target,)


# --- the task of a run whose connection dropped (E) -------------------------------------------


def test_a_rerun_stops_the_copy_a_dropped_run_left_running(os_client, alias):
    live = f"{alias}-v{OLD}"
    actions = []
    for i in range(200):
        version, body = document(f"a{i}")
        actions.append(
            {"_index": live, "_id": f"a{i}", "version": version, "version_type": "external_gte"}
            | {"_source": body}
        )
    bulk(os_client, actions, refresh=True)
    version, body = document("gone")
    assert ingest(os_client, alias, IndexArticle("gone", version, body)) == "created"
    # Run 1 created the new version and started its copy, then lost its connection: the task
    # goes on (throttled here to stand in for a large archive; "gone" is last in its scroll).
    target = f"{alias}-v{NEW}"
    os_client.indices.create(index=target, body=reindex_versions.new_version_body(os_client, live))
    orphan = os_client.reindex(
        body={
            "conflicts": "proceed",
            "source": {"index": live, "size": 10},
            "dest": {"index": target, "version_type": "external_gte"},
        },
        wait_for_completion=False,
        refresh=True,
        requests_per_second=20,
    )["task"]
    assert ingest(os_client, alias, DeleteArticle("gone", version + 1)) == "deleted"

    reindex.reindex(os_client, alias, NEW)  # the same command again, as the message says
    give_up = time.monotonic() + 60
    while not os_client.tasks.get(task_id=orphan).get("completed"):
        assert time.monotonic() < give_up, "the orphan task still runs"
        time.sleep(0.5)
    os_client.indices.refresh(index=alias)
    assert manager.aliased_indices(os_client, alias) == (target,)
    assert not os_client.exists(index=alias, id="gone")  # the retraction holds
    assert os_client.count(index=alias)["count"] == 200


# --- prune while the alias moves (F) ----------------------------------------------------------


def test_prune_never_deletes_a_version_a_concurrent_reindex_made_live(
    os_client, alias, settings, monkeypatch
):
    seed(os_client, alias)
    other = build_client(settings)
    on_request(
        os_client,
        monkeypatch,
        lambda method, url: url.endswith("-v*/_alias"),  # prune lists the versions
        lambda: reindex.reindex(other, alias),
    )
    reindex_versions.prune(os_client, alias, keep=1)
    assert manager.aliased_indices(os_client, alias) == (f"{alias}-v{NEW}",)
    assert reindex_versions.versions(os_client, alias) == [f"{alias}-v{OLD}", f"{alias}-v{NEW}"]
    assert os_client.count(index=alias)["count"] == 5


def test_prune_deletes_nothing_when_a_rollback_moves_the_alias_first(
    os_client, alias, settings, monkeypatch
):
    seed(os_client, alias)
    reindex.reindex(os_client, alias)
    other = build_client(settings)
    on_request(
        os_client,
        monkeypatch,
        lambda method, url: method == "DELETE" or url.endswith("/_aliases"),
        lambda: reindex.rollback(other, alias),
    )
    with pytest.raises(ReindexError, match="not deleted"):
        reindex_versions.prune(os_client, alias, keep=0)
    assert manager.aliased_indices(other, alias) == (f"{alias}-v{OLD}",)
    assert other.count(index=alias)["count"] == 5


def test_prune_deletes_a_newer_abandoned_version_only_when_asked(os_client, alias):
    live = seed(os_client, alias)
    target = f"{alias}-v{NEW}"
    os_client.indices.create(index=target, body=reindex_versions.new_version_body(os_client, live))
    assert reindex_versions.prune(os_client, alias, keep=0) == []
    assert reindex_versions.prune(os_client, alias, keep=0, abandoned=True) == [target]
    assert reindex_versions.versions(os_client, alias) == [live]


# --- a same-version rewrite during the copy (B) -----------------------------------------------


def test_a_same_version_rewrite_during_the_copy_is_what_the_new_version_serves(os_client, alias):
    seed(os_client, alias)
    put(os_client, alias, "x", title="Judul lama salah")
    rewritten: list[bool] = []

    def progress(message: str) -> None:
        if message.startswith("catch-up pass 1") and not rewritten:
            rewritten.append(True)
            # A re-upload: same updated_at, so the same version; stamped long before it landed.
            at = datetime.now(UTC) - timedelta(minutes=10)
            put(os_client, alias, "x", title="Judul baru yang dikoreksi", at=at)

    reindex.reindex(os_client, alias, progress=progress)
    assert rewritten
    assert manager.aliased_indices(os_client, alias) == (f"{alias}-v{NEW}",)
    assert os_client.get(index=alias, id="x")["_source"]["title"] == "Judul baru yang dikoreksi"


# --- the domain stops answering after the write block (C) -------------------------------------


def _failing_after_the_block(proxy: FaultProxy, live: str, times: int | None) -> None:
    """From the request after the one that sets the block on, ``times`` requests answer 503."""
    seen: list[str] = []

    def before(method: str, path: str) -> None:
        if method == "PUT" and path.startswith(f"/{live}/_settings") and not seen:
            seen.append(path)
            proxy.add(Fault(kind="status", status=503, times=times))

    proxy.before_forward = before


def test_a_block_that_cannot_be_lifted_is_reported_as_still_on(os_client, alias, settings):
    live = seed(os_client, alias)
    with FaultProxy(settings.opensearch_endpoint) as proxy:
        via = build_client(Settings(OPENSEARCH_ENDPOINT=proxy.url, OPENSEARCH_TIMEOUT_S=30))
        _failing_after_the_block(proxy, live, None)
        with pytest.raises(ReindexError) as raised:
            reindex.reindex(via, alias, unblock_waits=(0.1, 0.1))
    message = str(raised.value)
    assert "STILL WRITE-BLOCKED" in message and f"PUT {live}/_settings" in message
    assert "which is writable" not in message
    assert "503" in str(raised.value.__cause__.__cause__)  # the original failure, chained
    assert blocked(os_client, live)  # as the message says
    assert manager.aliased_indices(os_client, alias) == (live,)


def test_a_block_is_lifted_once_the_domain_answers_again(os_client, alias, settings):
    live = seed(os_client, alias)
    with FaultProxy(settings.opensearch_endpoint) as proxy:
        via = build_client(Settings(OPENSEARCH_ENDPOINT=proxy.url, OPENSEARCH_TIMEOUT_S=30))
        _failing_after_the_block(proxy, live, 3)  # the failure, then two unblock attempts
        with pytest.raises(ReindexError, match="which is writable"):
            reindex.reindex(via, alias, unblock_waits=(0.1, 0.1, 0.1))
    assert not blocked(os_client, live)
    assert manager.aliased_indices(os_client, alias) == (live,)


# --- stories mark on a blocked index (D) ------------------------------------------------------


def test_stories_mark_exits_non_zero_when_no_copy_can_be_written(
    os_client, alias, settings, monkeypatch, capsys
):
    live = f"{alias}-v{OLD}"
    version, body = document("copy-1")
    for article_id in ("copy-1", "copy-2"):  # one story under two ids, loaded around ingest
        os_client.index(
            index=live,
            id=article_id,
            body={**body, "id": article_id},
            version=version,
            version_type="external_gte",
            refresh=True,
        )
    monkeypatch.setenv("OPENSEARCH_ENDPOINT", settings.opensearch_endpoint)
    os_client.indices.put_settings(index=live, body={BLOCK: True})
    try:
        assert admin.main(["stories", "mark", "--alias", alias]) == 1
    finally:
        os_client.indices.put_settings(index=live, body={BLOCK: None})
    assert "could not be rewritten" in capsys.readouterr().err
    assert admin.main(["stories", "mark", "--alias", alias]) == 0


# --- resuming into an existing version (G, H) -------------------------------------------------


def test_a_resume_refuses_a_version_built_with_another_definition(os_client, alias):
    live = seed(os_client, alias)
    stale = reindex_versions.new_version_body(os_client, live)
    stale["settings"]["analysis"]["filter"]["id_stop"]["stopwords"].append("banjir")
    os_client.indices.create(index=f"{alias}-v{NEW}", body=stale)

    with pytest.raises(ReindexError, match="another definition"):
        reindex.reindex(os_client, alias, NEW)
    assert manager.aliased_indices(os_client, alias) == (live,)
    assert not blocked(os_client, live)


def test_after_a_rollback_a_resume_into_the_rolled_back_version_succeeds(os_client, alias):
    seed(os_client, alias)
    reindex.reindex(os_client, alias)
    reindex.rollback(os_client, alias)
    put(os_client, alias, "after-rollback")

    result = reindex.reindex(os_client, alias, NEW)
    assert result["to"] == f"{alias}-v{NEW}"
    assert os_client.exists(index=alias, id="after-rollback")
    assert os_client.count(index=alias)["count"] == 6
