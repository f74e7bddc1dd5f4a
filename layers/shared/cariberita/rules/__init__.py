"""Editors' search rules: synonyms, pinned and hidden results, category mapping.

A rules document (JSON, :mod:`model`) is validated whole (:mod:`validation`), stored as a new
version in the ``<alias>-rules`` index with a ``current`` pointer (:mod:`store`,
:mod:`opensearch_store`), applied or rolled back by :mod:`service` (the ingest function for
``rules/`` uploads, ``cariberita-admin rules`` for the CLI), read by the search function through a
per-container cache (:mod:`cache`) and turned into query clauses by :mod:`steering`. A file may
carry comments (top-level ``_`` keys); one of them, ``_based_on_version``, keeps a file written
from older rules from dropping rules applied since (:mod:`in_force`); :mod:`notes` tells the
editor what is easy to miss. docs/editors.md is the editors' guide.
"""
