"""Find abbreviation and nickname synonyms in article text, for editors to review.

Indonesian news introduces a short form next to its long form: ``Dinas Sosial (Dinsos)``,
``Dinsos (Dinas Sosial)``, ``Joko Widodo (Jokowi)``, ``Basuki Tjahaja Purnama alias Ahok``,
``... atau yang akrab disapa ...``. :class:`Evidence` reads articles one at a time, keeps every
such pair with the articles it came from, and :meth:`Evidence.results` scores them:

- an abbreviation must *abbreviate* its expansion (:func:`abbreviates`: a non-empty prefix of
  every content word, in order, so initials ``BPBD`` and syllable contractions ``Dinsos``,
  ``Kemenkes``, ``Jateng`` pass while ``KTP`` for ``Dinas Sosial`` does not); a nickname has no
  such check and must instead be seen in more articles;
- *frequency* is the number of articles with the pair, *consistency* the share of the short
  form's articles that agree on this long form (a short form with two meanings scores low);
- pairs already shipped, and short forms that are stopwords or common words, are left out.

Everything here is pure: reading the archive and writing the file is ``cariberita.admin``'s job.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

Kind = Literal["abbreviation", "nickname"]

# Names are seen in more articles than this before they are proposed (no letter check for them).
NICKNAME_MIN_ARTICLES = 3
MAX_EXAMPLES = 3
_MAX_EXPANSION_WORDS = 10


def _word_set(words: str) -> frozenset[str]:
    return frozenset(words.split())


# Words an expansion may hold without giving the abbreviation a letter ("Badan ... dan ...").
CONNECTORS = _word_set("dan serta untuk di ke dari atas bagi pada dengan yang the of and for de")
# Words before a name that are not part of it ("Gubernur Basuki ... alias Ahok").
TITLES = _word_set(
    """presiden wapres wakil gubernur wagub bupati wabup wali walikota menteri ketua umum kepala
    direktur dirut sekretaris jenderal sekjen mantan eks sang pak bu bapak ibu mbak mas bang kak
    capres cawapres cagub cawagub pelatih kiper striker penyerang gelandang bek pemain politikus
    politisi artis aktor aktris penyanyi komedian presenter tersangka pelaku korban terdakwa
    terpidana saksi jaksa hakim kapolri kapolda kapolres kapolsek kasat kanit dr prof ir h hj kh
    almarhum almarhumah raja ratu pangeran putri syekh ustaz ustad habib kiai the
    jenderal letjen mayjen brigjen komjen irjen kombes akbp akp kompol iptu ipda aiptu bripka
    briptu brigadir kolonel letkol mayor kapten laksamana marsekal"""
)

_VOWELS = frozenset("aeiou")
_WORD = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*")
_PAREN = re.compile(r"\(([^()\n]{1,120})\)")
_SHORT = re.compile(r"[A-Z][A-Za-z]{1,11}")
_NAME_WORD = re.compile(r"[A-Z][a-z'’-]+")
# Punctuation that ends the stretch of text a long form may come from.
_BOUNDARY = re.compile(r"[.,;:!?\"“”()\[\]\n]")
_NICKNAME_MARKER = re.compile(
    r",?\s+(?:alias|(?:atau\s+)?(?:yang\s+)?(?:akrab|biasa|kerap|sering|lebih\s+dikenal)"
    r"\s+(?:disapa|dipanggil|dengan\s+(?:sapaan|panggilan|nama)))\s+"
)


def fold(text: str) -> str:
    """Lower case, ASCII only, single spaces: the form the analyzers compare."""
    decomposed = unicodedata.normalize("NFKD", text.replace("’", "'"))
    ascii_only = decomposed.encode("ascii", "ignore").decode("ascii")
    return " ".join(ascii_only.lower().split())


def _pieces(word: str, first: bool) -> Iterator[str]:
    """What one word may give a short form: a prefix, or (after the first word) a final syllable
    run such as tu-GAS, khu-SUS, penga-WAS, pemi-LU."""
    for k in range(1, len(word) + 1):
        yield word[:k]
    if not first:
        for s in range(1, len(word) - 1):
            if word[s] not in _VOWELS and word[s - 1] in _VOWELS:
                yield word[s:]


def abbreviates(short: str, words: Sequence[str]) -> bool:
    """Whether ``short`` is made of a piece of every content word of ``words``, in order.

    Both sides folded. A piece is a prefix of the word or, after the first word, a final syllable
    run (``satgas`` = SATuan tuGAS); connectors (``dan``, ``untuk``...) may give nothing. A word
    of the expansion is not its abbreviation (``dinas`` / ``dinas sosial``).
    ``bpbd`` / ``badan penanggulangan bencana daerah`` (initials), ``dinsos`` / ``dinas sosial``
    and ``jateng`` / ``jawa tengah`` (syllables) pass; ``ktp`` / ``dinas sosial`` does not.
    """
    if len(words) < 2 or len(short) < 2 or words[0] in CONNECTORS or short in words:
        return False
    seen: dict[tuple[int, int], bool] = {}

    def fits(i: int, j: int) -> bool:
        if j == len(words):
            return i == len(short)
        if (i, j) not in seen:
            word = words[j]
            seen[(i, j)] = (word in CONNECTORS and fits(i, j + 1)) or any(
                short.startswith(piece, i) and fits(i + len(piece), j + 1)
                for piece in _pieces(word, first=j == 0)
            )
        return seen[(i, j)]

    return fits(0, 0)


def resembles(nickname: str, words: Sequence[str]) -> bool:
    """A nickname in parentheses after a name starts like it and takes its letters in order."""
    letters = iter("".join(words))
    return nickname[:1] == words[0][:1] and all(c in letters for c in nickname)


@dataclass(frozen=True)
class Candidate:
    short: str
    long: str
    kind: Kind
    # Written in capitals (BOS, UP): a lower-case use of the same letters is another word.
    initialism: bool = False


def _words(text: str) -> list[str]:
    return _WORD.findall(text)


def _stretch_before(text: str, end: int) -> str:
    """The text before ``end`` back to the nearest sentence or clause boundary."""
    start = max(0, end - 300)
    window = text[start:end]
    cut = max((m.end() for m in _BOUNDARY.finditer(window)), default=0)
    return window[cut:]


def _name_run(words: Sequence[str], limit: int = 4) -> list[str]:
    """The trailing capitalised words (a name), stopping at a title or rank (Gubernur, AKBP)."""
    run: list[str] = []
    for word in reversed(words):
        if len(run) == limit or not _NAME_WORD.fullmatch(word) or fold(word) in TITLES:
            break
        run.insert(0, word)
    return run


def _folded_words(words: Sequence[str]) -> list[str]:
    # "Dewan-red": an editor's note glued to the last word of a quote.
    return [fold(w.removesuffix("-red")) for w in words]


def _shortest_expansion(short: str, words: Sequence[str]) -> list[str] | None:
    folded = _folded_words(words[-_MAX_EXPANSION_WORDS:])
    for n in range(2, len(folded) + 1):
        if abbreviates(short, folded[-n:]):
            return folded[-n:]
    return None


def _from_parentheses(text: str) -> list[Candidate]:
    found: list[Candidate] = []
    for match in _PAREN.finditer(text):
        inner = match.group(1).strip()
        before = _words(_stretch_before(text, match.start()))
        if _SHORT.fullmatch(inner):
            short = fold(inner)
            expansion = _shortest_expansion(short, before)
            if expansion:
                found.append(Candidate(short, " ".join(expansion), "abbreviation", inner.isupper()))
                continue
            names = _name_run(before)
            if inner[1:].islower() and len(inner) >= 3:
                for n in range(2, len(names) + 1):
                    name = [fold(w) for w in names[-n:]]
                    if short not in name and resembles(short, name):
                        found.append(Candidate(short, " ".join(name), "nickname"))
                        break
        elif before and text[: match.start()].rstrip().endswith(before[-1]):
            # "ABBR (expansion)": the whole parenthesis must be words, and the word before short.
            expansion = _folded_words(_words(inner))
            if (
                _SHORT.fullmatch(before[-1])
                and len(expansion) == len(inner.split())
                and len(expansion) <= _MAX_EXPANSION_WORDS
                and abbreviates(fold(before[-1]), expansion)
            ):
                found.append(
                    Candidate(
                        fold(before[-1]), " ".join(expansion), "abbreviation", before[-1].isupper()
                    )
                )
    return found


def _from_nickname_markers(text: str) -> list[Candidate]:
    found: list[Candidate] = []
    for match in _NICKNAME_MARKER.finditer(text):
        name = _name_run(_words(_stretch_before(text, match.start())))
        after = _BOUNDARY.split(text[match.end() : match.end() + 60], maxsplit=1)[0]
        # The nickname: up to two capitalised words after the marker.
        nick_words: list[str] = []
        for word in _words(after)[:2]:
            if not _SHORT.fullmatch(word):
                break
            nick_words.append(word)
        if len(name) >= 2 and nick_words:
            short, long = fold(" ".join(nick_words)), fold(" ".join(name))
            if short not in long.split():
                found.append(Candidate(short, long, "nickname", " ".join(nick_words).isupper()))
    return found


def extract(text: str) -> list[Candidate]:
    """Every candidate pair in one text, in order of appearance within each pattern."""
    return [*_from_parentheses(text), *_from_nickname_markers(text)]


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance (insertions, deletions, substitutions)."""
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def is_variant(long: str, of: str) -> bool:
    """Another spelling or a slip of the same long form (centre/center, pahlwan/pahlawan,
    with or without ``dan``)."""
    if edit_distance(long, of) <= max(2, len(of) // 12):
        return True
    content = [" ".join(w for w in form.split() if w not in CONNECTORS) for form in (long, of)]
    return content[0] == content[1]


@dataclass(frozen=True)
class Discovered:
    short: str
    long: str
    kind: Kind
    articles: int
    consistency: float
    example_ids: tuple[str, ...]
    # Spellings of the same long form, and other long forms, with their article counts.
    variants: tuple[tuple[str, int], ...] = ()
    others: tuple[tuple[str, int], ...] = ()
    # Set when another long form is itself seen in enough articles: review with care.
    ambiguous: bool = False
    # The short form's lower-case share in the archive: high for an ordinary word (kolam).
    lower_case_share: float = 0.0

    def forms(self, min_articles: int) -> list[str]:
        """The synonym rule: short form, long form, and variants seen often enough."""
        return [self.short, self.long, *(v for v, n in self.variants if n >= min_articles)]


@dataclass
class _Group:
    """One long form of a short form with its variant spellings and their article counts."""

    long: str
    ids: list[str]
    spellings: dict[str, int]

    @property
    def variants(self) -> dict[str, int]:
        return {k: v for k, v in self.spellings.items() if k != self.long}

    @property
    def weight(self) -> int:
        return sum(self.spellings.values())


@dataclass
class Evidence:
    """Pairs and word counts gathered over an archive, one article at a time."""

    pairs: dict[tuple[str, str], list[str]] = field(default_factory=lambda: defaultdict(list))
    kinds: dict[tuple[str, str], Kind] = field(default_factory=dict)
    initialisms: Counter[str] = field(default_factory=Counter)
    shorts: Counter[str] = field(default_factory=Counter)
    words: Counter[str] = field(default_factory=Counter)
    lower_words: Counter[str] = field(default_factory=Counter)

    def add(self, article_id: str, text: str) -> None:
        for candidate in extract(text):
            key = (candidate.short, candidate.long)
            ids = self.pairs[key]
            if not ids or ids[-1] != article_id:
                ids.append(article_id)
            # A pair that passed the abbreviation check once is an abbreviation.
            if self.kinds.get(key) != "abbreviation":
                self.kinds[key] = candidate.kind
            self.shorts[candidate.short] += 1
            self.initialisms[candidate.short] += candidate.initialism
        for word in _words(text):
            if len(word) >= 2:
                folded = fold(word)
                self.words[folded] += 1
                if word.islower():
                    self.lower_words[folded] += 1

    def is_common_word(self, short: str, kind: Kind) -> bool:
        """An initialism (BOS) or nickname written in lower case in a third of its uses here.

        Syllable contractions that passed the letter check (capim, karhutla) are left alone:
        their lower-case uses are the same word, grown common.
        """
        if kind == "abbreviation" and self.initialisms[short] * 2 < self.shorts[short]:
            return False
        lower = self.lower_words[short]
        return lower >= 3 and lower * 3 >= self.words[short]

    def _rarest(self, long: str) -> int:
        return min(self.words[w] for w in long.split())

    def lower_case_share(self, short: str) -> float:
        """How often the short form is written in lower case in this archive (0 to 1)."""
        return self.lower_words[short] / self.words[short] if self.words[short] else 0.0

    def _groups(self) -> dict[str, list[_Group]]:
        """Long forms of each short form, most frequent first, variants folded into the first."""
        by_short: dict[str, list[tuple[str, list[str]]]] = defaultdict(list)
        for (short, long), ids in self.pairs.items():
            by_short[short].append((long, ids))
        grouped: dict[str, list[_Group]] = {}
        for short, longs in by_short.items():
            groups: list[_Group] = []
            for long, ids in sorted(longs, key=lambda li: (-len(li[1]), li[0])):
                head = next((g for g in groups if is_variant(long, g.long)), None)
                if head is None:
                    groups.append(_Group(long, list(ids), {long: len(ids)}))
                else:
                    head.spellings[long] = len(ids)
                    head.ids.extend(i for i in ids if i not in head.ids)
            for group in groups:
                # The most frequent spelling leads; on a tie, the one made of commoner words.
                group.long = max(
                    group.spellings, key=lambda f: (group.spellings[f], self._rarest(f))
                )
            grouped[short] = groups
        return grouped

    def results(
        self,
        *,
        min_articles: int = 2,
        min_consistency: float = 0.8,
        skip_words: frozenset[str] = frozenset(),
        shipped: frozenset[tuple[str, str]] = frozenset(),
    ) -> list[Discovered]:
        """Scored pairs that pass the thresholds, most frequent first.

        ``articles`` counts the articles with the long form or a variant spelling of it;
        ``consistency`` is that form's share of all pairs seen for the short form.
        ``skip_words``: short forms never proposed (stopwords, common words from a list);
        ``shipped``: pairs already in the shipped lists (either order).
        """
        found: list[Discovered] = []
        for short, groups in self._groups().items():
            total = sum(g.weight for g in groups)
            for group in groups:
                kind = self.kinds[(short, group.long)]
                if any(self.kinds[(short, v)] == "abbreviation" for v in group.variants):
                    kind = "abbreviation"
                needed = max(min_articles, NICKNAME_MIN_ARTICLES if kind == "nickname" else 0)
                consistency = group.weight / total
                if (
                    len(group.ids) < needed
                    or consistency < min_consistency
                    or (short, group.long) in shipped
                    or short in skip_words
                    or short in CONNECTORS
                    or self.is_common_word(short, kind)
                ):
                    continue
                rivals = [(g.long, len(g.ids)) for g in groups if g is not group]
                found.append(
                    Discovered(
                        short=short,
                        long=group.long,
                        kind=kind,
                        articles=len(group.ids),
                        consistency=round(consistency, 3),
                        example_ids=tuple(group.ids[:MAX_EXAMPLES]),
                        variants=tuple(sorted(group.variants.items(), key=_by_count)),
                        others=tuple(sorted(rivals, key=_by_count)),
                        ambiguous=any(n >= min_articles for _, n in rivals),
                        lower_case_share=round(self.lower_case_share(short), 2),
                    )
                )
        found.sort(key=lambda d: (-d.articles, -d.consistency, d.short, d.long))
        return found


def _by_count(item: tuple[str, int]) -> tuple[int, str]:
    return (-item[1], item[0])


def shipped_pairs(lines: Iterable[str]) -> frozenset[tuple[str, str]]:
    """Every ordered pair of forms on the lines of a synonym list (``a, b[, c]`` or ``a => b``)."""
    pairs: set[tuple[str, str]] = set()
    for line in lines:
        forms = [fold(f) for f in re.split(r",|=>", line) if f.strip()]
        pairs.update((a, b) for a in forms for b in forms if a != b)
    return frozenset(pairs)


def rules_document(
    found: Sequence[Discovered], *, min_articles: int = 2, limit: int | None = None
) -> dict[str, Any]:
    """The editors' rules file: ``synonyms`` to apply, ``_discovered`` evidence to review."""
    chosen = list(found[:limit] if limit is not None else found)
    evidence: list[dict[str, Any]] = []
    for d in chosen:
        entry: dict[str, Any] = {
            "pair": [d.short, d.long],
            "kind": d.kind,
            "articles": d.articles,
            "consistency": d.consistency,
            "example_ids": list(d.example_ids),
        }
        if d.variants:
            entry["variants"] = dict(d.variants)
        if d.others:
            entry["other_expansions"] = dict(d.others)
        if d.ambiguous:
            entry["ambiguous"] = True
        entry["lower_case_share"] = d.lower_case_share
        evidence.append(entry)
    return {
        "synonyms": [d.forms(min_articles) for d in chosen],
        "_discovered": evidence,
    }
