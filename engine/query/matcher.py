"""Matches documents against compiled topic queries and explains every match.

A :class:`Matcher` compiles its queries once. For each document it reads the text
and title token by token; each distinct token is analysed and looked up once (then
cached), so a post costs little more than tokenising it. Only the topics whose
trigger words occur are evaluated.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from ..records import MatchKind, TopicMatch
from .commonwords import common_words, languages_for
from .compiler import CompiledQuery, Compiler
from .document import FIELD_NAMES, TEXT, TITLE, Document
from .evaluate import Context, Hit, Occurrence
from .lexicon import Lexicon, remember
from .parser import parse

DEFAULT_CACHE_SIZE = 100_000
MAX_CACHED_LANGUAGES = 16
# A chunk's width in word positions, and per query word found: word id, distance,
# first and last position, start and end offset (relative to the chunk), token kind,
# piece role, and whether it is a common-word typo (kept only for phrases).
ChunkEntry = tuple[int, tuple[tuple[int, int, int, int, int, int, str, str, bool], ...]]


@dataclass(frozen=True, slots=True)
class Result:
    """Whether one query matched a document, and the term matches that explain it."""

    matched: bool
    matches: list[TopicMatch]


class Matcher:
    """Compiled topic queries, matched together against each document.

    Args:
        queries: topic name -> query text (or (name, query) pairs), in topic order.
        cache_size: distinct tokens remembered between documents (0: no cache).
        guard: apply the common-word guard (off only to measure what it prevents).
    Raises:
        QueryError: a query is invalid (``topic`` names which one).
    """

    def __init__(
        self,
        queries: Mapping[str, str] | Iterable[tuple[str, str]],
        *,
        cache_size: int = DEFAULT_CACHE_SIZE,
        guard: bool = True,
    ) -> None:
        items = list(queries.items()) if isinstance(queries, Mapping) else list(queries)
        self.lexicon = Lexicon(cache_size)
        compiler = Compiler(self.lexicon)
        self.queries: list[CompiledQuery] = []
        for name, text in items:
            self.queries.append(compiler.compile(name, parse(text)))
        self._guard = guard
        # A word that is forced is typo-tolerant even where it is a common word.
        self._force = [spec.force or not guard for spec in self.lexicon.specs]
        self._phrase_words = frozenset(compiler.phrase_words)
        if guard:
            self.lexicon.keep_fuzzy_on_common_words(self._phrase_words)
        self._common_by_lang: dict[str | None, frozenset[str]] = {}
        self.cache_size = cache_size
        self._by_languages: dict[tuple[str, ...], tuple[dict[str, ChunkEntry], set[str]]] = {}
        self._chunks: dict[str | None, tuple[dict[str, ChunkEntry], set[str]]] = {}
        self._evictions = 0
        self._always = [i for i, q in enumerate(self.queries) if q.root.trigger is None]
        self._index: dict[int, list[int]] = {}
        for position, query in enumerate(self.queries):
            for word_id in query.root.trigger or ():
                self._index.setdefault(word_id, []).append(position)

    @property
    def topics(self) -> list[str]:
        """The topic names, in order."""
        return [query.name for query in self.queries]

    # -- matching -------------------------------------------------------------

    def match(self, document: Document) -> dict[str, list[TopicMatch]]:
        """The topics ``document`` matches, each with its term matches."""
        postings: dict[int, list[Occurrence]] = {}
        self._scan(document.text, TEXT, postings, document.lang)
        if document.title:
            self._scan(document.title, TITLE, postings, document.lang)
        candidates = set(self._always)
        for word_id in postings:
            found = self._index.get(word_id)
            if found:
                candidates.update(found)
        if not candidates:
            return {}
        context = Context(document, postings)
        results: dict[str, list[TopicMatch]] = {}
        for position in sorted(candidates):
            query = self.queries[position]
            hits = query.root.evaluate(context)
            if hits is not None:
                results[query.name] = _explain(query, hits, document)
        return results

    def explain(self, document: Document) -> Result:
        """Match a document against the first (usually only) query."""
        name = self.queries[0].name
        found = self.match(document)
        return Result(name in found, found.get(name, []))

    def _scan(
        self, text: str, field: int, postings: dict[int, list[Occurrence]], lang: str | None
    ) -> None:
        # str.split, then set operations on the chunk cache, all in C: far faster than
        # any regular expression. Only chunks that hold a query word are looked at one
        # by one, and only their offsets are searched for.
        chunks = text.split()
        cache, holding = self._caches(lang)
        if self.cache_size:
            distinct = set(chunks)
            evictions = self._evictions
            for chunk in distinct.difference(cache):
                self._chunk(chunk, lang, cache, holding)
            # (A chunk of this very text may have been forgotten: then look at each.)
            if evictions == self._evictions and holding.isdisjoint(distinct):
                return
        cursor = position = 0
        for chunk in chunks:
            width, hits = cache.get(chunk) or self._chunk(chunk, lang, cache, holding)
            if hits:
                base = _chunk_start(text, chunk, cursor)
                cursor = base + len(chunk)
                for word_id, distance, first, last, start, end, kind, role, guarded in hits:
                    postings.setdefault(word_id, []).append(
                        (
                            field,
                            position + first,
                            position + last,
                            base + start,
                            base + end,
                            distance,
                            kind,
                            role,
                            guarded,
                        )
                    )
            position += width

    def _caches(self, lang: str | None) -> tuple[dict[str, ChunkEntry], set[str]]:
        """The chunk cache for texts in ``lang``, and the set of its chunks holding words."""
        found = self._chunks.get(lang)
        if found is None:
            key = languages_for(lang)  # languages sharing word lists share a cache
            found = self._by_languages.get(key)
            if found is None:
                if len(self._by_languages) >= MAX_CACHED_LANGUAGES:
                    self._by_languages.clear()
                    self._chunks.clear()
                found = self._by_languages[key] = ({}, set())
            self._chunks[lang] = found
        return found

    def _chunk(
        self, chunk: str, lang: str | None, cache: dict[str, ChunkEntry], holding: set[str]
    ) -> ChunkEntry:
        """Analyse a chunk for texts in ``lang``: common-word typos dropped or flagged."""
        # The word lists load only for queries with typo-tolerant words.
        guarded = self._guard and self.lexicon.max_edits > 0
        common = self._common(lang) if guarded else frozenset()
        width, hits = self.lexicon.chunk(chunk, common.__contains__)
        kept = []
        for word_id, distance, first, last, start, end, kind, role, norm in hits:
            guarded = False
            if distance and not self._force[word_id]:
                guarded = norm in self._common(lang)
                if guarded and word_id not in self._phrase_words:
                    continue  # a common word is no typo (phrases decide for themselves)
            kept.append((word_id, distance, first, last, start, end, kind, role, guarded))
        entry = (width, tuple(kept))
        if self.cache_size:
            if len(cache) >= self.cache_size:
                holding.difference_update(list(cache)[: max(1, self.cache_size // 2)])
                self._evictions += 1
            remember(cache, chunk, entry, self.cache_size)
            if kept:
                holding.add(chunk)
        return entry

    @property
    def cached_chunks(self) -> int:
        """How many chunks the caches hold now (all languages)."""
        return sum(len(cache) for cache, _ in self._by_languages.values())

    def _common(self, lang: str | None) -> frozenset[str]:
        words = self._common_by_lang.get(lang)
        if words is None:
            words = self._common_by_lang[lang] = common_words(lang)
        return words


def _chunk_start(text: str, chunk: str, cursor: int) -> int:
    """Where ``chunk`` (a maximal run of non-space characters) starts at or after ``cursor``."""
    start = text.find(chunk, cursor)
    end = start + len(chunk)
    while (start > 0 and not text[start - 1].isspace()) or (
        end < len(text) and not text[end].isspace()
    ):
        start = text.find(chunk, start + 1)
        end = start + len(chunk)
    return start


def compile_query(query: str, *, name: str = "query", cache_size: int = 10_000) -> Matcher:
    """A matcher for one query (``Matcher.explain`` runs it).

    Raises:
        QueryError: the query is invalid.
    """
    return Matcher([(name, query)], cache_size=cache_size)


def _field_text(document: Document, field: int) -> str:
    values = (
        document.text,
        document.title,
        document.author,
        document.platform,
        document.lang,
        document.url,
        document.author_name,
    )
    return values[field] or ""


def _explain(query: CompiledQuery, hits: list[Hit], document: Document) -> list[TopicMatch]:
    """Hits as topic matches: one per term and place, a span inside another dropped."""
    ordered = sorted(set(hits), key=lambda h: (h[0], h[1], h[4], -h[5]))
    kept: list[Hit] = []
    reach: dict[tuple[int, int], int] = {}
    for hit in ordered:
        key = (hit[0], hit[1])
        if key in reach and hit[5] <= reach[key]:
            continue  # inside a longer match of the same term (#AcmeCloud vs its parts)
        reach[key] = max(reach.get(key, -1), hit[5])
        kept.append(hit)
    kept.sort(key=lambda h: (h[1], h[4], h[5], h[0]))
    matches = []
    for leaf, field, _first, _last, start, end, distance, kind in kept:
        text = _field_text(document, field)
        kind_name: MatchKind = kind  # type: ignore[assignment]
        matches.append(
            TopicMatch(
                topic=query.name,
                term=query.terms[leaf],
                found=text[start:end],
                start=start,
                end=end,
                distance=distance,
                kind=kind_name,
                field=FIELD_NAMES[field],
            )
        )
    return matches
