"""Why a whole object cannot be read (as opposed to one bad record in it)."""

from cariberita.errors import CariBeritaError


class UnparseableObject(CariBeritaError):
    """The whole object is unreadable: reported to the editor and acknowledged, never retried."""
