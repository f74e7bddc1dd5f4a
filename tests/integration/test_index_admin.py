"""The admin code creates, updates and migrates the versioned index behind its alias."""

from cariberita.index import manager


def test_create_is_idempotent(os_client, fresh_index_alias):
    assert manager.ensure_index(os_client, fresh_index_alias) == "unchanged"
    status = manager.status(os_client, fresh_index_alias)
    assert status.indices == (f"{fresh_index_alias}-v1",)
    assert status.health in ("green", "yellow")


def test_changed_word_lists_are_applied_in_place(os_client, fresh_index_alias, monkeypatch):
    from cariberita.index import analysis

    original = analysis.analysis_settings

    def with_extra_stopword():
        settings = original()
        settings["filter"]["id_stop"]["stopwords"].append("zzzkata")
        return settings

    monkeypatch.setattr("cariberita.index.mapping.analysis_settings", with_extra_stopword)
    assert manager.ensure_index(os_client, fresh_index_alias) == "updated"
    tokens = os_client.indices.analyze(
        index=fresh_index_alias, body={"analyzer": "id_news", "text": "zzzkata banjir"}
    )["tokens"]
    assert [t["token"] for t in tokens] == ["banjir"]


def test_reindex_moves_documents_and_swaps_alias(os_client, fresh_index_alias):
    os_client.index(
        index=fresh_index_alias,
        id="a1",
        body={"id": "a1", "title": "Banjir di Jakarta", "body": "Air naik."},
        refresh=True,
    )
    result = manager.reindex(os_client, fresh_index_alias)
    assert result["to"] == f"{fresh_index_alias}-v2"
    assert manager.aliased_indices(os_client, fresh_index_alias) == (f"{fresh_index_alias}-v2",)
    assert os_client.count(index=fresh_index_alias)["count"] == 1
    os_client.indices.delete(index=f"{fresh_index_alias}-v1")


def test_status_of_missing_alias(os_client):
    assert manager.status(os_client, "t-does-not-exist").health == "missing"


def test_replica_count_follows_the_deploy_setting(os_client, fresh_index_alias):
    # A single local node leaves the replica unassigned (yellow); the setting is what matters.
    assert manager.ensure_index(os_client, fresh_index_alias, replicas=1) == "updated"
    index = f"{fresh_index_alias}-v1"
    stored = os_client.indices.get_settings(index=index)[index]["settings"]["index"]
    assert stored["number_of_replicas"] == "1"
    assert manager.ensure_index(os_client, fresh_index_alias, replicas=1) == "unchanged"
