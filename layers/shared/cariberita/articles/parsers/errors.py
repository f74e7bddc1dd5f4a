"""Why a whole object cannot be read (as opposed to one bad record in it)."""

from cariberita.errors import CariBeritaError


class UnparseableObject(CariBeritaError):
    """The whole object is unreadable: reported to the editor and acknowledged, never retried.

    Raised part-way through a streamed object, it ends the reading there: the records before
    it stand (``reading.open_records`` turns it into a final ``stop`` record at ``position``
    when the parser knows it, else just after the last record).
    """

    def __init__(self, message: str, position: int | None = None) -> None:
        super().__init__(message)
        self.position = position


class OverLimit(UnparseableObject):
    """The object is over a per-object cap (records, lines, decompressed bytes)."""
