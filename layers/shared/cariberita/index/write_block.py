"""The write block a reindex or rollback puts on the live version for its last pass and check.

Ingest treats the block as retryable (its articles wait in the queue), so a block left behind
stops ingest without losing anything: lifting it is retried, and if it cannot be lifted
``WriteBlockLeft`` says so and how (index/reindex.py).
"""

from __future__ import annotations

import time
from collections.abc import Sequence

from opensearchpy import OpenSearch

from cariberita.index.reindex_errors import WriteBlockLeft

WRITE_BLOCK = "index.blocks.write"
# Seconds between attempts to lift the write block after a failure (a domain that stopped
# answering for a while): about half a minute in all before giving up and saying so.
UNBLOCK_WAITS = (1.0, 2.0, 4.0, 8.0, 16.0)


def set_write_block(client: OpenSearch, index: str, blocked: bool) -> None:
    client.indices.put_settings(index=index, body={WRITE_BLOCK: blocked if blocked else None})


def lift_block(
    client: OpenSearch, index: str, cause: BaseException, waits: Sequence[float]
) -> None:
    """Lift the write block on ``index``, retrying; raise WriteBlockLeft (from ``cause``) if it
    cannot be lifted: ingest keeps retrying its articles until someone does."""
    last: Exception | None = None
    for wait in (0.0, *waits):
        time.sleep(wait)
        try:
            set_write_block(client, index, False)
            return
        except Exception as exc:  # the domain is not answering: try again
            last = exc
    raise WriteBlockLeft(
        index,
        f"{type(cause).__name__}: {cause}. Then lifting the write block failed too "
        f"({len(waits) + 1} attempts, last: {type(last).__name__}: {last}): {index} is STILL "
        f"WRITE-BLOCKED, ingest cannot write until it is lifted: "
        f'PUT {index}/_settings {{"{WRITE_BLOCK}": null}}',
    ) from cause
