"""What one line of a copied news page is: article text, or the page furniture around it.

Every rule is anchored on the whole line and bounded in length, so a paragraph that merely
starts with "Foto" or says "baca juga" mid-sentence stays article text. Used by ``textpage``
(and through it by ``htmlpage``); see docs/ingestion.md for the list of what is dropped.
"""

from __future__ import annotations

import re

from cariberita.articles.dates import DATE_LINE, DateError, parse_date

MAX_CAPTION_CHARS = 400
_SEP = r"\s*[:：»|–—-]\s*"

# "Baca Juga: <title>", "Baca juga : <title>", "BACA JUGA:", "Simak juga:", "Artikel terkait:"
RELATED_INLINE = re.compile(
    rf"^(?:(?:baca|simak|lihat|cek)\s+(?:juga|pula)|(?:artikel|berita)\s+terkait){_SEP}\S",
    re.IGNORECASE,
)
# A header line opening a block of other stories' headlines.
RELATED_HEADER = re.compile(
    r"^(?:(?:baca|simak|lihat)\s+(?:juga|pula)(?:\s+berita\s+lainnya)?"
    r"|(?:berita|artikel)\s+(?:terkait|lainnya|pilihan|populer|terpopuler|terbaru|rekomendasi)"
    r"|terpopuler|pilihan\s+redaksi|rekomendasi(?:\s+untuk\s+anda)?"
    r"|related(?:\s+(?:news|articles|posts))?)\s*:?$",
    re.IGNORECASE,
)
# "- Judul", "• Judul", "1. Judul": an item of a related list.
BULLET = re.compile(r"^(?:[-•·*»›▪►◦–—]|\d{1,2}[.)])\s*\S")

CREDIT_ROLES = {
    "penulis": "author",
    "reporter": "reporter",
    "pewarta": "reporter",
    "wartawan": "reporter",
    "kontributor": "reporter",
    "editor": "editor",
    "redaktur": "editor",
    "penyunting": "editor",
}
_LABEL = r"(?P<label>penulis|reporter|pewarta|wartawan|kontributor|editor|redaktur|penyunting)"
CREDIT_HEADER = re.compile(rf"^{_LABEL}\s*:?$", re.IGNORECASE)
_CREDIT_PART = re.compile(rf"(?:^|[|•;,/]\s*|\s+){_LABEL}\s*:\s*", re.IGNORECASE)
_NAME = re.compile(r"[^\W\d_][\w\s.,'&/()-]*")

_CAPTION_LABEL = re.compile(
    r"^(?:foto|photo|keterangan\s+foto|caption|gambar)\s*:\s*(?P<text>\S.*)$", re.IGNORECASE
)
_PHOTO_CREDIT = r"(?:foto|photo|dok|doc|dokumentasi|ist|istimewa|sumber\s+foto|ilustrasi)\b"
_CAPTION_PAREN_TAIL = re.compile(rf"\({_PHOTO_CREDIT}[^()]{{0,100}}\)$", re.IGNORECASE)
_CAPTION_WORD_TAIL = re.compile(r"\s(?:FOTO|Foto|PHOTO)\s*:\s*[^:.!?]{1,80}$")
_ILLUSTRATION = re.compile(r"^ilustrasi(?:\s*[.:|–—-]|$)", re.IGNORECASE)

_SOCIAL = frozenset(
    [
        "facebook",
        "twitter",
        "x",
        "whatsapp",
        "wa",
        "telegram",
        "line",
        "linkedin",
        "pinterest",
        "email",
        "e-mail",
        "instagram",
        "tiktok",
        "threads",
        "copy",
        "salin",
        "link",
        "tautan",
        "url",
        "print",
        "cetak",
        "kirim",
    ]
)
_SHARE = re.compile(
    r"^(?:share|bagikan|sebarkan|share\s+this|bagikan\s+(?:artikel|berita)(?:\s+ini)?)"
    r"(?:\s+(?:ke|on|via))?\s*:?(?P<rest>.*)$",
    re.IGNORECASE,
)
_PAGINATION = re.compile(
    r"^(?:(?:halaman|laman|page)\s*:?\s*\d{1,3}(?:\s*(?:dari|of|/)\s*\d{1,3})?"
    r"|(?:halaman|laman)\s+(?:selanjutnya|berikutnya|sebelumnya)"
    r"|[«‹<←]?\s*(?:sebelumnya|selanjutnya|berikutnya|next|prev(?:ious)?)"
    r"|[«‹<←]?\s*(?:\d{1,3}\s+){1,20}(?:\d{1,3}|selanjutnya|berikutnya|next|[»›>→])"
    r"|(?:lanjut(?:kan)?\s+(?:baca|membaca)|baca\s+(?:selengkapnya|selanjutnya|berikutnya))"
    r"(?:\s*[:»]\s*.{0,120})?)"
    r"\s*[»›>→]*$",
    re.IGNORECASE,
)
_ADS = re.compile(
    r"^[-–—\s]*(?:advertisement|iklan|ads|sponsored|konten\s+sponsor"
    r"|scroll\s+(?:to|untuk)\s+(?:continue|melanjutkan)(?:\s+(?:with\s+content|membaca))?"
    r"|gulir\s+(?:ke\s+bawah\s+)?untuk\s+melanjutkan(?:\s+membaca)?"
    r"|continue\s+reading\s+below|lanjutkan\s+membaca\s+di\s+bawah)[-–—\s]*$",
    re.IGNORECASE,
)
_TAGS_INLINE = re.compile(
    r"^(?:tags?|topik(?:\s+terkait)?|kata\s+kunci|label)\s*:\s*(?P<list>\S.*)$", re.IGNORECASE
)
TAGS_HEADER = re.compile(r"^(?:tags?|topik(?:\s+terkait)?|kata\s+kunci)\s*:?$", re.IGNORECASE)
_HASHTAGS = re.compile(r"^#\w[\w-]*(?:[\s,]+#\w[\w-]*)*$")
_DATE_PREFIX = re.compile(
    r"^(?:diterbitkan|dipublikasikan|terbit|published|diposting|posted|tanggal)"
    r"(?:\s+pada)?\s*:?\s*",
    re.IGNORECASE,
)
# A trailing "(name)" after the last sentence: a byline, initials or a marker like (*).
_TRAILING = re.compile(r"^(?P<text>.*?)\s*\((?P<credit>[\w .,'/&*-]{1,60})\)\s*$", re.DOTALL)
# Not names: news agencies, desk codes and end markers that sit where a byline would.
_NOT_NAMES = frozenset(
    [
        "ant",
        "antara",
        "red",
        "redaksi",
        "rls",
        "rilis",
        "adv",
        "advertorial",
        "hms",
        "humas",
        "pr",
        "sumber",
        "bersambung",
        "selesai",
        "habis",
        "tamat",
        "ist",
        "istimewa",
        "foto",
        "dok",
        "admin",
        "tim",
        "kontributor",
    ]
)

_SENTENCE_END = ".!?\"”’'…:"


def words(line: str) -> list[str]:
    return line.split()


def is_prose(line: str) -> bool:
    """A sentence of article text, not a headline, label or list item.

    Headlines are short, Title Case and end without a full stop; article text ends like a
    sentence and is either long or mostly lowercase words.
    """
    match = _TRAILING.match(line) if len(line) < 5_000 or line.endswith(")") else None
    core = match["text"] if match and match["text"] else line
    if not core or core[-1] not in _SENTENCE_END or BULLET.match(core):
        return False
    tokens = [w for w in words(core) if w[:1].isalpha()]
    if len(tokens) >= 12:
        return True
    lower = sum(1 for w in tokens if w[:1].islower())
    return len(tokens) >= 4 and lower / len(tokens) >= 0.3


def is_label(line: str) -> bool:
    """A short category label in a related block ("BERITA UTAMA", "Nasional")."""
    return len(words(line)) <= 3 and not is_prose(line)


def date_of(line: str) -> str | None:
    """The date of a date line: ``Senin, 19 Februari 2024 - 20:04 WIB``, ``Terbit: 2024-03-06``."""
    if len(line) > 80:
        return None
    text = _DATE_PREFIX.sub("", line, count=1)
    labelled = text != line
    for candidate in (text, text.split("|")[0].strip()):
        try:
            parse_date(candidate)
        except (DateError, ValueError, OverflowError):
            continue
        if labelled or not candidate.isdigit():
            return candidate
    # An unreadable date line still counts, so the editor is told why its date is wrong.
    return text if DATE_LINE.match(text) else None


def _name(value: str) -> str | None:
    value = value.strip(" ,;|•-–—")
    if value.endswith(".") and len(words(value)[-1]) > 4:
        return None  # a sentence ("Penulis: Budi menulis buku."), not "Ahmad D."
    value = value.rstrip(" .")
    if not value or len(value) > 80 or len(words(value)) > 6 or not _NAME.fullmatch(value):
        return None
    if any(ch.isdigit() or ch == "_" for ch in value):
        return None
    return value


def credits(line: str) -> list[tuple[str, str]] | None:
    """``[("author"|"reporter"|"editor", name), ...]`` for a credit line, else None.

    ``Editor : Ahmad Dani``, ``Penulis: Rina | Editor: Dodi``; a question ("Reporter: Apa
    kabar?") or a long text after the label is not a credit.
    """
    if len(line) > 200:
        return None
    parts = list(_CREDIT_PART.finditer(line))
    if not parts or parts[0].start() != 0:
        return None
    found = []
    for part, after in zip(parts, [*parts[1:], None], strict=True):
        name = _name(line[part.end() : after.start() if after else len(line)])
        if name is None:
            return None
        found.append((CREDIT_ROLES[part["label"].lower()], name))
    return found


def credit_name(line: str) -> str | None:
    """The name on the line after a lone ``Editor`` / ``Penulis`` header."""
    return _name(line) if not is_prose(line) else None


def caption(line: str) -> str | None:
    """The caption text of a photo caption line, else None."""
    if len(line) > MAX_CAPTION_CHARS:
        return None
    labelled = _CAPTION_LABEL.match(line)
    if labelled:
        return labelled["text"]
    if line.startswith("(") and _CAPTION_PAREN_TAIL.match(line):
        return line[1:-1].strip()
    if _ILLUSTRATION.match(line) or _CAPTION_PAREN_TAIL.search(line):
        return line
    if len(line) <= 250 and _CAPTION_WORD_TAIL.search(line):
        return line
    return None


def is_share(line: str) -> bool:
    """``Share :``, ``Bagikan: Facebook | Twitter``, ``Facebook Twitter WhatsApp``."""
    if len(line) > 120:
        return False
    match = _SHARE.match(line)
    rest = match["rest"] if match else line
    tokens = [t for t in re.split(r"[\s|,/•·:]+", rest.casefold()) if t]
    return all(t in _SOCIAL for t in tokens) and (match is not None or bool(tokens))


def is_pagination(line: str) -> bool:
    return len(line) <= 160 and bool(_PAGINATION.match(line))


def is_ad(line: str) -> bool:
    return len(line) <= 80 and bool(_ADS.match(line))


def tags_of(line: str) -> list[str] | None:
    """``Tags: a, b`` / ``Topik: a; b`` / ``#a #b`` as a list of tags, else None."""
    if len(line) > 500:
        return None
    match = _TAGS_INLINE.match(line)
    if match:
        items = re.split(r"\s*[,;|#]\s*", match["list"])
    elif _HASHTAGS.match(line):
        items = re.split(r"[\s,]+", line)
    else:
        return None
    tags = [t.strip(" #.") for t in items if t.strip(" #.")]
    if not tags or any(len(t) > 60 or len(words(t)) > 5 for t in tags):
        return None
    return tags


def tag_item(line: str) -> str | None:
    """One tag on its own line under a ``Tags`` header."""
    tag = line.strip(" #•-")
    if not tag or len(tag) > 60 or len(words(tag)) > 5 or is_prose(line):
        return None
    return tag


def split_byline(paragraph: str) -> tuple[str, str | None] | None:
    """``("...Mojokerto.", "jekyridwan")`` for a paragraph ending with a byline, else None.

    The parenthesis must follow a finished sentence (or stand alone) and hold no digits; it is
    removed from the text. It names the author only when some part of it (split at ``/`` and
    ``,``) is a name: two words or more, or one word of four letters or more that is not an
    agency or desk code (``ant``, ``red``, ``rls``...) nor an all-capitals short code. So
    ``(jek)``, ``(ant/dan)``, ``(*)`` and ``(ADV)`` are removed but name nobody.
    """
    if len(paragraph) > 5_000 and not paragraph.endswith(")"):
        return None
    match = _TRAILING.match(paragraph)
    if not match or any(ch.isdigit() for ch in match["credit"]):
        return None
    text, credit = match["text"], match["credit"].strip()
    if text and text[-1] not in ".!?\"”'":
        return None
    if "*" in credit and credit.strip("* ") != "":
        return None
    names = [n for n in (p.strip() for p in re.split(r"[/,]", credit)) if _is_person(n)]
    return text, (", ".join(names) or None)


def _is_person(part: str) -> bool:
    tokens = words(part)
    if not tokens or not all(re.fullmatch(r"[^\W\d_][^\W\d_'.-]*", t) for t in tokens):
        return False
    if len(tokens) >= 2:
        return True
    word = tokens[0]
    if word.casefold() in _NOT_NAMES or (word.isupper() and len(word) <= 4):
        return False
    return len(word) >= 4
