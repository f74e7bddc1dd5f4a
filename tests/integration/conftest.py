"""Fixtures shared by the search API's integration modules."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.relevance.api import env
from tests.relevance.corpus import load_search_index


@pytest.fixture(scope="module")
def loaded_search_index(os_client, index_alias, settings) -> Iterator[str]:
    """This module's index holding the search test subset, with the search function's
    environment pointing at it (as the template would configure it)."""
    load_search_index(os_client, index_alias, None)
    with pytest.MonkeyPatch.context() as mp:
        for name, value in env(settings.opensearch_endpoint, index_alias).items():
            mp.setenv(name, value)
        yield index_alias
