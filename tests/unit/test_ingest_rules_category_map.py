"""The ingest function's rules uploads compare editors' categories with the map that stack's
ingest really uses (``CATEGORY_MAP_PATH``), not the bundled one."""

from __future__ import annotations

import json

from cariberita.ingest.settings import IngestSettings
from cariberita_local.lambda_runtime import load_handler_module


def test_rules_notes_use_the_stacks_own_category_map(tmp_path, monkeypatch):
    monkeypatch.setenv("AWS_DEFAULT_REGION", "ap-southeast-3")
    own = tmp_path / "category-map.json"
    own.write_text(json.dumps({"Celebrity": "Hiburan Kita"}), encoding="utf-8")
    settings = IngestSettings(
        OPENSEARCH_ENDPOINT="http://localhost:9200", CATEGORY_MAP_PATH=str(own)
    )

    service = load_handler_module("ingest").service_for(settings)

    assert service.rules is not None
    assert service.rules.shipped is service.category_map
    assert service.rules.shipped.site_category(["celebrity"]) == "Hiburan Kita"
