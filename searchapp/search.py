"""The search core: one query path behind the web page, the JSON API and the CLI.

``search(searcher, request)`` parses the query string, applies facet filters, counts facets,
pages the hits and builds highlighted snippets; the surfaces only convert its
:class:`SearchResults` to HTML, JSON or terminal text.

Query syntax (Whoosh's, adapted to Chinese): words separated by spaces are all required,
and rank higher where they stand together in the order typed; ``OR``, ``AND``, ``NOT`` (any
case: a lowercase ``or`` never narrows a search) and ``-word``; ``( )``; ``"exact phrase"``;
fields ``title:``, ``body:``, ``source:``, ``origin:``, ``operation:``, ``year:``; dates
``date:2022``, ``date:2021-01..2021-06``, ``date:>=2024-03-01``. A run of Chinese without
spaces needs all its words, and also matches where its characters stand together. Terms of
the synonym lexicon also search their alternatives, ranked lower ("also searched").
"""

from __future__ import annotations

import datetime
import re
import time
import unicodedata
from collections import Counter
from dataclasses import dataclass
from dataclasses import field
from dataclasses import replace

from markupsafe import Markup
from whoosh import query
from whoosh.qparser import AndGroup
from whoosh.qparser import FieldAliasPlugin
from whoosh.qparser import MultifieldParser
from whoosh.qparser import OperatorsPlugin
from whoosh.qparser import PhrasePlugin
from whoosh.qparser import TaggingPlugin
from whoosh.qparser import PlusMinusPlugin
from whoosh.qparser import RangePlugin
from whoosh.qparser import WildcardPlugin
from whoosh.qparser import syntax
from whoosh.qparser.syntax import attach
from whoosh.query.spans import SpanNear2
from whoosh.searching import Searcher

from searchapp.document import Copy
from searchapp.facets import MISSING_VALUES
from searchapp.facets import FacetTable
from searchapp.engine.whoosh.matching import matching_docnums
from searchapp.engine.whoosh.matching import near_docnums
from searchapp.engine.whoosh.scoring import best
from searchapp.engine.whoosh.scoring import score_all
from searchapp.document import Document
from searchapp.engine.whoosh.schema import FACET_FIELDS
from searchapp.engine.whoosh.schema import SEARCH_FIELDS
from searchapp.engine.whoosh.schema import ChineseText
from searchapp.engine.whoosh.schema import ExpansionQuery
from searchapp.engine.whoosh.schema import HanCharacter
from searchapp.engine.whoosh.schema import stored_document
from searchapp.snippets import highlight
from searchapp.snippets import make_snippet

#: Longest query string accepted, in characters.
MAX_QUERY_CHARS = 500
#: Default and largest page size; larger requests are clamped to the largest.
DEFAULT_PER_PAGE = 10
MAX_PER_PAGE = 100
#: Deepest result reachable by paging: page × per_page may not exceed it.
MAX_RESULT_WINDOW = 10_000
#: Most values one facet filter may hold.
MAX_FILTER_VALUES = 20
#: Sort orders: by score; newest first; oldest first. Undated documents are last in both.
SORTS = ("relevance", "date", "date_asc")
#: How many values of each facet are returned, most frequent first.
FACET_SIZE = 30
#: Text fields searched by the title-only switch.
TITLE_FIELDS = ("title",)
#: Weight of the bonus for query words standing together (contiguous, in the order typed),
#: and the fixed score added where they stand near each other in order.
ADJACENCY_BOOST = 1.0
PROXIMITY_SCORE = 1.0
#: Positions (characters) that may separate two query words for the proximity bonus.
PROXIMITY_SLOP = 10
#: Documents of a relevance ranking re-scored with the adjacency bonus (at least the page).
RESCORE_WINDOW = 100
#: Searches with fewer hits than this get suggestions.
SUGGEST_BELOW = 5


def _valid_text(text: str) -> str:
    """Replace lone surrogates (undecodable input bytes) with ``?`` and control characters
    (NUL and the like, never typed on purpose) with spaces."""
    if not text.isascii():
        text = text.encode("utf-8", "replace").decode("utf-8")
    return _CONTROL_CHARACTERS.sub(" ", text)


_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


class QueryError(ValueError):
    """The query string or a search parameter cannot be used; the message says what to fix."""


@dataclass(frozen=True)
class SearchRequest:
    """What to search for.

    :param q: the query string ("" lists every document, newest first).
    :param years: facet filter, e.g. ``("2022",)``; several values of one facet combine
        with OR, different facets with AND.
    :param sources: facet filter on ``source``.
    :param operations: facet filter on canonical operation names.
    :param sort: one of :data:`SORTS`.
    :param page: 1-based page number.
    :param per_page: hits per page, 1 to :data:`MAX_PER_PAGE` (larger values are clamped).
    :param title_only: search words in titles only (fields named in the query, such as
        ``source:``, still apply).
    :param expand: also search the synonym lexicon's alternatives of the query's terms.
    :param explain: return a readable account of how the query was read (``explain``).
    :raises QueryError: for a parameter out of range; the message names it.
    """

    q: str = ""
    years: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    operations: tuple[str, ...] = ()
    sort: str = "relevance"
    page: int = 1
    per_page: int = DEFAULT_PER_PAGE
    title_only: bool = False
    expand: bool = True
    explain: bool = False

    def __post_init__(self):
        # Text that is not valid Unicode (lone surrogates: undecodable bytes from a terminal)
        # or holds control characters is cleaned, never raised on.
        object.__setattr__(self, "q", _valid_text(self.q))
        for name in ("years", "sources", "operations"):
            object.__setattr__(self, name, tuple(_valid_text(v) for v in getattr(self, name)))
        errors = []
        if len(self.q) > MAX_QUERY_CHARS:
            errors.append(f"the query is longer than {MAX_QUERY_CHARS} characters")
        if self.sort not in SORTS:
            errors.append(f"sort must be one of {', '.join(SORTS)}")
        if self.page < 1:
            errors.append("page must be 1 or more")
        if self.per_page < 1:
            errors.append("per_page must be 1 or more")
        for facet, values in self.filters().items():
            if len(values) > MAX_FILTER_VALUES:
                errors.append(f"at most {MAX_FILTER_VALUES} values of {facet} can be chosen")
        for year in self.years:
            if not (len(year) == 4 and year.isdigit()) and year != MISSING_VALUES["year"]:
                errors.append(f"year must be four digits, not {year!r}")
        if self.page * min(self.per_page, MAX_PER_PAGE) > MAX_RESULT_WINDOW:
            errors.append(
                f"page is too deep: page × per_page may not exceed {MAX_RESULT_WINDOW}; "
                "narrow the search instead"
            )
        if errors:
            raise QueryError("; ".join(errors))
        object.__setattr__(self, "per_page", min(self.per_page, MAX_PER_PAGE))

    def filters(self) -> dict[str, tuple[str, ...]]:
        """Return the facet filters by facet name (``year``, ``source``, ``operation``)."""
        return {"year": self.years, "source": self.sources, "operation": self.operations}


@dataclass(frozen=True)
class Hit:
    """One matching document as a result list shows it.

    ``title_html`` and ``snippet`` are escaped HTML whose only tags are ``<mark>``;
    ``score`` is the BM25F score (comparable within one query only), ``None`` when sorted
    by date; ``rank`` is the 1-based place in the whole result list.
    """

    id: str
    path: str
    title: str
    title_html: Markup
    date: str | None
    year: int | None
    source: str
    origin: str
    url: str
    operations: list[str]
    snippet: Markup
    score: float | None
    rank: int

    def to_dict(self) -> dict:
        """Return the hit in the JSON API's shape."""
        return {
            "id": self.id,
            "path": self.path,
            "title": self.title,
            "date": self.date,
            "year": self.year,
            "source": self.source,
            "origin": self.origin,
            "url": self.url,
            "operations": self.operations,
            "snippet": str(self.snippet),
            "score": round(self.score, 4) if self.score is not None else None,
        }


@dataclass(frozen=True)
class FacetValue:
    """One bucket of a facet: its value, how many matching documents it holds, and whether
    it is among the active filters. ``missing`` marks the bucket of documents without the
    field (value ``未注明日期`` or ``无来源``, :data:`searchapp.facets.MISSING_VALUES`)."""

    value: str
    count: int
    selected: bool
    missing: bool = False


@dataclass
class SearchResults:
    """The answer to a :class:`SearchRequest`.

    :param parsed: the parsed query as Whoosh prints it, to show people how it was read;
        empty for an empty query, which lists every document (``explain``: "everything").
    :param total: number of matching documents (all pages, filters applied).
    :param hits: this page's hits.
    :param facets: facet name → values with counts, for the query with the *other* facets'
        filters applied (so choosing a year still shows the other years to add).
    :param needles: the strings highlighted in titles, snippets and document pages.
    :param took_ms: wall time of the search, milliseconds.
    :param expansions: texts the lexicon added to the search ("also searched"), in query
        order; empty when ``expand`` is off.
    :param suggestions: query strings to try instead, for a search that found little
        (fewer than :data:`SUGGEST_BELOW` hits): close operation names and index terms.
    :param corrected: when the query as typed found nothing because a term occurs nowhere,
        the corrected query whose hits these are; ``None`` otherwise.
    :param explain: a readable account of the parsed query when the request asked for it.
    """

    request: SearchRequest
    parsed: str
    total: int
    hits: list[Hit]
    facets: dict[str, list[FacetValue]]
    needles: list[str] = field(default_factory=list)
    took_ms: float = 0.0
    expansions: list[str] = field(default_factory=list)
    suggestions: list[str] = field(default_factory=list)
    corrected: str | None = None
    explain: str | None = None

    @property
    def page_count(self) -> int:
        """Number of pages the results fill (at least 1)."""
        return max(1, -(-self.total // self.request.per_page))

    def to_dict(self) -> dict:
        """Return the results in the JSON API's shape (``/api/search``, ``search --json``)."""
        return {
            "query": self.request.q,
            "parsed": self.parsed,
            "filters": {name: list(values) for name, values in self.request.filters().items()},
            "sort": self.request.sort,
            "total": self.total,
            "page": self.request.page,
            "per_page": self.request.per_page,
            "took_ms": round(self.took_ms, 1),
            "hits": [hit.to_dict() for hit in self.hits],
            "facets": {
                name: [
                    {"value": v.value, "count": v.count, "selected": v.selected, "missing": v.missing}
                    for v in values
                ]
                for name, values in self.facets.items()
            },
            "title_only": self.request.title_only,
            "expand": self.request.expand,
            "expansions": self.expansions,
            "suggestions": self.suggestions,
            "corrected": self.corrected,
            **({"explain": self.explain} if self.request.explain else {}),
        }


# --- parsing ------------------------------------------------------------------------------


class NgramPhrasePlugin(PhrasePlugin):
    """``"quoted text"`` matches the characters contiguously (n-gram phrase) in our Chinese
    text fields, whatever jieba made of them; other fields keep Whoosh's word phrases."""

    class PhraseNode(PhrasePlugin.PhraseNode):
        def query(self, parser):
            fieldname = self.fieldname or parser.fieldname
            field_type = parser.schema[fieldname] if fieldname in parser.schema else None
            if isinstance(field_type, ChineseText):
                return attach(field_type.phrase_query(self.text, self.boost), self)
            return super().query(parser)

    class PhraseTagger(PhrasePlugin.PhraseTagger):
        def create(self, parser, match):
            slop = int(match.group("slop")) if match.group("slop") else 1
            return NgramPhrasePlugin.PhraseNode(match.group("text"), match.start("text"), slop)


class DateRangeNode(syntax.SyntaxNode):
    """A ``date:`` clause, already turned into a range of ISO day strings."""

    def __init__(self, start: str | None, end: str | None, startexcl: bool, endexcl: bool):
        self.start, self.end = start, end
        self.startexcl, self.endexcl = startexcl, endexcl

    def r(self):
        return f"date {self.start}..{self.end}"

    def query(self, parser):
        return attach(
            query.TermRange("date", self.start, self.end, self.startexcl, self.endexcl), self
        )


class DatePlugin(TaggingPlugin):
    """``date:2022``, ``date:2021-01..2021-06``, ``date:>=2024-03-01``, ``date:..2021``.

    A date is a year, a month (``2021-1`` or ``2021-01``) or a day; a range includes both
    ends whole (``..2021-06`` runs to 30 June), and ``>``, ``>=``, ``<``, ``<=`` compare with
    the whole period. Matches the stored ISO ``date``; undated documents never match.
    """

    priority = -1  # before the field-name tagger reads "date:" as a field
    expr = r"(?<![^\s(])date:(?P<value>[^\s()]*)"

    def create(self, parser, match):
        return DateRangeNode(*date_range(match.group("value")))


_DATE = r"\d{4}(?:-\d{1,2}(?:-\d{1,2})?)?"
_DATE_VALUE = re.compile(
    rf"(?P<op>>=|<=|>|<)(?P<bound>{_DATE})|(?P<start>{_DATE})?(?:(?P<dots>\.\.)(?P<end>{_DATE})?)?"
)


def date_range(value: str) -> tuple[str | None, str | None, bool, bool]:
    """Turn the value of a ``date:`` clause into ``(start, end, startexcl, endexcl)``.

    Bounds are prefixes of ISO days compared as strings: ``"2021-06~"`` sorts after every
    day of June 2021, so a period's end is its prefix followed by ``~``.

    >>> date_range("2021-1..2021-06")
    ('2021-01', '2021-06~', False, False)
    >>> date_range(">=2024-03-01")
    ('2024-03-01', None, False, False)

    A range written backwards is read the right way round:

    >>> date_range("2024-03-31..2024-03-01")
    ('2024-03-01', '2024-03-31~', False, False)
    >>> date_range("2024-03-05..2024-03")
    ('2024-03-05', '2024-03~', False, False)

    :raises QueryError: for anything else, with the accepted forms in the message.
    """
    match = _DATE_VALUE.fullmatch(value)
    if not value or not match or (match.group("dots") is None and not match.group("start")):
        if not (match and match.group("op")):
            raise QueryError(
                f"date:{value} is not a date; write date:2022, date:2021-01..2021-06, "
                "date:>=2024-03-01 or date:..2021"
            )
    op = match.group("op")
    if op:
        bound = _iso_prefix(match.group("bound"))
        return {
            ">=": (bound, None, False, False),
            ">": (bound + "~", None, False, False),
            "<=": (None, bound + "~", False, False),
            "<": (None, bound, False, True),
        }[op]
    start = _iso_prefix(match.group("start")) if match.group("start") else None
    if match.group("dots") is None:
        return start, start + "~", False, False
    end = _iso_prefix(match.group("end")) + "~" if match.group("end") else None
    if start is None and end is None:
        raise QueryError("date:.. needs a start or an end, e.g. date:2021..2022")
    if start is not None and end is not None and start > end:  # written backwards: swap
        start, end = end[:-1], start + "~"
    return start, end, False, False


def _iso_prefix(text: str) -> str:
    """``2021-1`` → ``2021-01``; checks that the month and day exist."""
    parts = [int(part) for part in text.split("-")]
    try:
        datetime.date(parts[0], *(parts[1:] + [1] * (3 - len(parts))))
    except ValueError:
        raise QueryError(f"{text} is not a real date") from None
    return "-".join([f"{parts[0]:04d}", *(f"{part:02d}" for part in parts[1:])])


def make_parser(schema, fieldnames: tuple[str, ...] = SEARCH_FIELDS) -> MultifieldParser:
    """Return the query parser: ``fieldnames`` (title and body) by default, all words required.

    Wildcards and ranges are off (a bare ``*`` would expand to the whole vocabulary);
    ``operation:`` is an alias of the ``operations`` field; ``-word`` excludes a word;
    ``AND``, ``OR`` and ``NOT`` work in any case; ``date:`` takes dates and ranges.
    """
    parser = MultifieldParser(list(fieldnames), schema, group=AndGroup)
    parser.remove_plugin_class(WildcardPlugin)
    parser.remove_plugin_class(RangePlugin)
    parser.remove_plugin_class(PhrasePlugin)
    parser.replace_plugin(
        OperatorsPlugin(
            And=r"(?<=\s)(?i:AND)(?=\s)",
            Or=r"(?<=\s)(?i:OR)(?=\s)",
            Not=r"(^|(?<=(\s|[()])))(?i:NOT)(?=\s)",
            AndNot=None,
            AndMaybe=None,
            Require=None,
        )
    )
    parser.add_plugin(NgramPhrasePlugin())
    parser.add_plugin(DatePlugin())
    parser.add_plugin(FieldAliasPlugin({"operations": ["operation"]}))
    parser.add_plugin(PlusMinusPlugin(minusexpr=r"(?<![^\s(])-(?=\S)"))
    return parser


#: Query-syntax characters as a Chinese keyboard types them → the half-width ones the parser
#: reads: minus, plus, brackets, straight and Chinese double quotes, bar, ideographic space.
_OPERATOR_CHARACTERS = str.maketrans(
    {"－": "-", "＋": "+", "（": "(", "）": ")", "＂": '"', "“": '"', "”": '"', "｜": "|",
     "\u3000": " "}
)
#: A word of full-width letters standing where an operator may (ＡＮＤ, ｏｒ, ＮＯＴ).
_FULL_WIDTH_WORD = re.compile(r"(?<![^\s(])[Ａ-Ｚａ-ｚ]{2,3}(?=[\s)]|$)")
#: A field name followed by a full-width colon (``source：新浪财经``).
_FULL_WIDTH_FIELD = re.compile(
    r"(?<![^\s(-])(title|body|source|origin|operations?|year|date)：", re.IGNORECASE
)


def fold_operators(q: str) -> str:
    """Return query string ``q`` with its operators written the half-width way.

    Only the query syntax is folded, so that what the parser (:func:`parse_query`), the
    adjacency bonus and the suggestions (:mod:`searchapp.suggest`) read is the same: the
    characters of :data:`_OPERATOR_CHARACTERS`, ``ＡＮＤ``/``ＯＲ``/``ＮＯＴ`` standing as words,
    and the colon after a field name. Words are left as typed; the analyzer folds their
    width itself. Each character maps to one, so offsets into the result are offsets into ``q``.

    >>> fold_operators("（断卡 ＯＲ 断流）　－赌博 “电信网络诈骗” source：新浪财经 ＧＯＩＰ")
    '(断卡 OR 断流) -赌博 "电信网络诈骗" source:新浪财经 ＧＯＩＰ'
    """
    q = q.translate(_OPERATOR_CHARACTERS)
    q = _FULL_WIDTH_WORD.sub(_operator_word, q)
    return _FULL_WIDTH_FIELD.sub(r"\1:", q)


def _operator_word(match: re.Match) -> str:
    half = unicodedata.normalize("NFKC", match.group(0))
    return half if half.lower() in _OPERATOR_WORDS else match.group(0)


#: AND / OR at the start, or AND / OR / NOT at the end of a query: nothing to join, so dropped
#: rather than searched as the English words (which would narrow the search).
_DANGLING_OPERATORS = re.compile(
    r"^\s*(?:(?:AND|OR)\s+)+(?=\S)|(?<=\S)(?:\s+(?:AND|OR|NOT))+\s*$", re.IGNORECASE
)


def parse_query(
    q: str, schema, title_only: bool = False, expand: bool = True
) -> query.Query:
    """Parse a query string into a Whoosh query.

    :param title_only: search unfielded words in titles only.
    :param expand: keep the lexicon's alternatives (:class:`ExpansionQuery` nodes).
    :returns: :class:`whoosh.query.Every` for an empty string. A plain query of several
        words (no operators, fields or quotes) also gets an optional bonus where the words
        stand together in order (:func:`adjacency_bonus`).
    Operators typed full-width (``－赌博``, ``（断卡 ＯＲ 断流）``, ``“…”``) mean what their
    half-width forms mean (:func:`fold_operators`; ``q`` is folded before anything reads it).
    An operator with nothing on one side (``断卡 OR``, ``AND 断卡``) is dropped; a lone
    operator word is searched as the word itself; a field name that is not in the schema is
    searched as text.

    :raises QueryError: when the string has nothing searchable in it (``*``, ``(``), a
        ``date:`` value is not a date, or the parser fails on it (``NOT NOT 诈骗``); the
        message says what to change.
    """
    q = _DANGLING_OPERATORS.sub(" ", fold_operators(q))
    if not q.strip():
        return query.Every()
    fieldnames = TITLE_FIELDS if title_only else SEARCH_FIELDS
    try:
        parsed = make_parser(schema, fieldnames).parse(q)
    except QueryError:
        raise
    except Exception:  # Whoosh's parser raises IndexError & co. on some operator runs
        raise QueryError(
            "could not read the query; check quotes, brackets and operators "
            "(AND, OR, NOT must stand between words)"
        ) from None
    if not expand:
        parsed = _without_expansions(parsed)
    if isinstance(parsed, type(query.NullQuery)):
        raise QueryError(
            "the query has no words to search for; type Chinese words, names or numbers "
            "(wildcards such as * are not supported)"
        )
    bonus = adjacency_bonus(q, schema, fieldnames)
    return WithAdjacencyBonus(parsed, bonus) if bonus is not None else parsed


class WithAdjacencyBonus(query.AndMaybe):
    """``a`` ranked higher where ``b`` (an :func:`adjacency_bonus`) also matches.

    Matches and scores as Whoosh's ``AndMaybe``; :func:`search` scores ``b`` only for the
    best :data:`RESCORE_WINDOW` documents of ``a`` (phrase and proximity matching costs
    seconds over every match of two frequent words).
    """


def _without_expansions(q: query.Query) -> query.Query:
    def drop(node):
        if isinstance(node, ExpansionQuery):
            return query.NullQuery
        return node.apply(drop) if not node.is_leaf() else node

    return drop(q).normalize()


#: A plain query word: no quotes, brackets, field prefix or leading + / -.
_PLAIN_WORD = re.compile(r"[^\s\"'()+\-:][^\s\"'():]*")
_OPERATOR_WORDS = {"and", "or", "not"}


def adjacency_bonus(q: str, schema, fieldnames: tuple[str, ...]) -> query.Query | None:
    """Return the optional query rewarding a plain multi-word query's words standing together.

    For ``断卡 行动``: a phrase match of 断卡行动 (contiguous, in order) on the n-gram fields,
    plus a smaller bonus where the words occur in order within :data:`PROXIMITY_SLOP`
    characters. ``None`` for one word or a query with operators, fields or quotes (whose
    author said what they want).
    """
    words = q.split()
    if len(words) < 2 or len(words) > 8:
        return None
    if any(not _PLAIN_WORD.fullmatch(w) or w.lower() in _OPERATOR_WORDS for w in words):
        return None
    bonuses = []
    for fieldname in fieldnames:
        field_type = schema[fieldname]
        together = field_type.phrase_query("".join(words), ADJACENCY_BOOST)
        parts = [field_type.phrase_query(word) for word in words]
        if together is query.NullQuery or query.NullQuery in parts:
            continue
        bonuses.append(together)
        if any(isinstance(part, HanCharacter) for part in parts):
            continue  # a prefix query has no spans to measure nearness with
        near = SpanNear2(parts, slop=PROXIMITY_SLOP, ordered=True)
        bonuses.append(query.ConstantScoreQuery(near, PROXIMITY_SCORE))
    return query.Or(bonuses) if bonuses else None


def query_needles(q: query.Query) -> list[str]:
    """Return the texts the query looks for in titles and bodies, for highlighting.

    Words and phrases under ``NOT`` (and the excluded side of ``ANDNOT``) are left out.
    """
    needles: list[str] = []

    def visit(node: query.Query) -> None:
        if isinstance(node, query.Not):
            return
        if isinstance(node, query.AndNot):
            visit(node.a)
            return
        if isinstance(node, (query.Term, HanCharacter)) and node.fieldname in _TEXT_FIELDS:
            needles.append(node.text)
        elif isinstance(node, query.Phrase) and node.fieldname in _TEXT_FIELDS:
            needles.append(_join_ngrams(node.words))
        else:
            for child in node.children():
                visit(child)

    visit(q)
    return list(dict.fromkeys(needle for needle in needles if needle))


def _join_ngrams(grams: list[str]) -> str:
    """Rebuild the text an n-gram phrase stands for: 电信 信网 网络 → 电信网络."""
    text = ""
    previous = ""
    for gram in grams:
        if len(previous) == 2 and previous[1] == gram[0] and len(gram) <= 2:
            text += gram[1:]
        else:
            text += gram
        previous = gram
    return text


#: Fields whose query terms are highlighted in titles and bodies.
_TEXT_FIELDS = {*SEARCH_FIELDS, "title_ngram", "body_ngram"}


# --- searching ----------------------------------------------------------------------------


def search(searcher: Searcher, request: SearchRequest) -> SearchResults:
    """Run ``request`` against an open searcher.

    When the search finds fewer than :data:`SUGGEST_BELOW` documents, ``suggestions`` lists
    close query strings (:func:`searchapp.suggest.suggest`); when a term of the query occurs
    nowhere and the correction finds more, the hits are the correction's and ``corrected``
    says so (not when ``expand`` is off: then exactly what was typed is searched).

    :raises QueryError: the query string cannot be parsed or has nothing to search for.
    """
    from searchapp.suggest import suggest

    started = time.perf_counter()
    results = _run(searcher, request, request.q)
    if request.q.strip() and results.total < SUGGEST_BELOW:
        fieldnames = TITLE_FIELDS if request.title_only else SEARCH_FIELDS
        corrections = suggest(searcher, request.q, fieldnames)
        results.suggestions = [c.q for c in corrections]
        if corrections and corrections[0].missing and request.expand:
            corrected = _run(searcher, request, corrections[0].q)
            if corrected.total > results.total:
                corrected.suggestions = results.suggestions[1:]
                corrected.corrected = corrections[0].q
                results = corrected
    results.took_ms = (time.perf_counter() - started) * 1000
    return results


def _run(searcher: Searcher, request: SearchRequest, q: str) -> SearchResults:
    """Search for ``q`` with the rest of ``request``: parse, filter, rank, page, highlight.

    The matching documents are found once, unscored; the facet table
    (:class:`searchapp.facets.FacetTable`) filters and counts them. Only a relevance sort
    scores, and only the documents that passed the filters; date sorts are array sorts.
    """
    parsed = parse_query(q, searcher.schema, request.title_only, request.expand)
    table = FacetTable.for_searcher(searcher)
    core, bonus = (parsed.a, parsed.b) if isinstance(parsed, WithAdjacencyBonus) else (parsed, None)
    sort = request.sort
    if sort == "relevance" and not q.strip():
        sort = "date"  # nothing to rank by: list every document newest first
    # A relevance search scores every match once (the scores' documents are the matches);
    # otherwise, or when the scorer cannot take the query, the matches are found unscored.
    scored = score_all(searcher, core) if sort == "relevance" else None
    if scored is not None:
        matched = scored[0]
    else:
        matched = _unscored_matches(searcher, table, core)
    allowed, counts = table.select(matched, request.filters())
    offset = (request.page - 1) * request.per_page
    end = offset + request.per_page
    if sort == "relevance":
        ranked = _rank(searcher, core, bonus, allowed, limit=end, scored=scored)[offset:end]
    else:
        ranked = [(int(d), None) for d in table.by_date(allowed, newest_first=sort == "date")[offset:end]]
    needles = query_needles(parsed)
    hits = [
        _hit(searcher.stored_fields(docnum), needles, rank=offset + i + 1, score=score)
        for i, (docnum, score) in enumerate(ranked)
    ]
    return SearchResults(
        request=request,
        parsed=str(parsed) if q.strip() else "",  # nothing to parse: Whoosh's Every is "None:*"
        total=len(allowed),
        hits=hits,
        facets=_facet_values(counts, request),
        needles=needles,
        expansions=query_expansions(parsed),
        explain=explain_query(parsed, request) if request.explain else None,
    )


def _rank(
    searcher: Searcher, core: query.Query, bonus: query.Query | None, allowed, limit: int,
    scored=None,
) -> list[tuple[int, float]]:
    """Return the best ``limit`` of the ``allowed`` document numbers for ``core``, as
    ``(docnum, score)`` best first (BM25F; ties by document number).

    :param scored: ``core``'s ``(docnums, scores)`` from :func:`searchapp.scoring.score_all`;
        ``None``: Whoosh scores (a query node the array scorer does not handle).

    With a ``bonus`` query, at least the best :data:`RESCORE_WINDOW` documents are scored
    for it too and re-ordered by the sum, like the ``AndMaybe`` it stands for.
    """
    if not len(allowed):
        return []  # (an empty filter set would mean "no filter" to Whoosh)
    window = max(limit, RESCORE_WINDOW) if bonus is not None else limit
    if scored is not None:
        ranked = best(*scored, allowed, window)
    else:
        results = searcher.search(core, limit=window, filter=set(allowed.tolist()), terms=False)
        ranked = [(docnum, score) for score, docnum in results.top_n]
    if bonus is not None:
        extra = score_documents(searcher, bonus, [docnum for docnum, _score in ranked])
        ranked = [(docnum, score + extra.get(docnum, 0.0)) for docnum, score in ranked]
    ranked.sort(key=lambda item: (-item[1], item[0]))
    return ranked


def score_documents(searcher: Searcher, q: query.Query, docnums: list[int]) -> dict[int, float]:
    """Return ``{docnum: score}`` of ``q`` for those of ``docnums`` it matches.

    Walks one matcher per segment forward through the document numbers (skipping between
    them), so the cost grows with ``len(docnums)``, not with everything ``q`` matches.
    """
    if isinstance(q, query.Or) and not q.minmatch and q.boost == 1.0:
        total: dict[int, float] = {}
        for child in q.children():  # an Or scores the sum of its matching children
            for docnum, score in score_documents(searcher, child, docnums).items():
                total[docnum] = total.get(docnum, 0.0) + score
        return total
    if isinstance(q, query.ConstantScoreQuery) and isinstance(q.child, SpanNear2):
        near = q.child  # the proximity bonus: Whoosh's span matcher walks every match
        if near.ordered and all(isinstance(part, (query.Term, query.Phrase)) for part in near.qs):
            found = near_docnums(searcher, near.qs, near.slop, docnums)
            return {docnum: q.score for docnum in found}
    scores: dict[int, float] = {}
    context = searcher.context()
    wanted = sorted(set(docnums))
    for subsearcher, offset in searcher.leaf_searchers():
        local = [d - offset for d in wanted if offset <= d < offset + subsearcher.doc_count_all()]
        if not local:
            continue
        matcher = q.matcher(subsearcher, context)
        for docnum in local:
            if not matcher.is_active():
                break
            if matcher.id() < docnum:
                matcher.skip_to(docnum)
                if not matcher.is_active():
                    break
            if matcher.id() == docnum:
                scores[docnum + offset] = matcher.score()
    return scores


def query_expansions(q: query.Query) -> list[str]:
    """Return the lexicon alternatives in ``q`` ("also searched"), once each, in order."""
    found: list[str] = []

    def visit(node: query.Query) -> None:
        if isinstance(node, ExpansionQuery):
            found.append(node.display)
        elif not node.is_leaf():
            for child in node.children():
                visit(child)

    visit(q)
    return list(dict.fromkeys(found))


def explain_query(q: query.Query, request: SearchRequest | None = None) -> str:
    """Describe how a parsed query is read, in the query language's own terms.

    Words are shown bare, character phrases in quotes, the field pairs title/body are
    folded into one, lexicon alternatives as ``also(…)``, bonuses as ``ranked higher
    if …``. Example for ``电诈 -赌博``::

        (电诈 OR "电诈" OR also(电信网络诈骗) …) NOT (赌博 OR "赌博")
        — words searched in title and body; …
    """
    text = _describe(q)
    fields = "title only" if request is not None and request.title_only else "title and body"
    notes = [f"words are searched in {fields}", '"…" = these characters together, in order']
    if request is not None:
        notes.append("synonyms on" if request.expand else "synonyms off")
    return f"{text}  — {'; '.join(notes)}"


def _describe(node: query.Query) -> str:
    if isinstance(node, ExpansionQuery):
        return f"also({node.display})"
    if isinstance(node, (query.Term, HanCharacter)):
        if node.fieldname in _NGRAM_FIELDS:
            return f'"{node.text}"'
        if node.fieldname in SEARCH_FIELDS:
            return node.text
        return f"{node.fieldname}:{node.text}"
    if isinstance(node, query.Phrase):
        if node.fieldname in _NGRAM_FIELDS:
            return f'"{_join_ngrams(node.words)}"'
        return '"' + " ".join(node.words) + '"'
    if isinstance(node, query.TermRange):
        return f"{node.fieldname}:{node.start or ''}..{(node.end or '').rstrip('~')}"
    if isinstance(node, query.ConstantScoreQuery):
        inner = node.child
        parts = [_describe(q) for q in getattr(inner, "qs", [])]
        return "near(" + " … ".join(dict.fromkeys(parts)) + ")"
    if isinstance(node, query.AndMaybe):
        return f"{_describe(node.a)} ranked higher if {_describe(node.b)}"
    if isinstance(node, query.AndNot):
        return f"{_describe(node.a)} NOT {_describe(node.b)}"
    if isinstance(node, query.Not):
        return f"NOT {_describe(node.query)}"
    if isinstance(node, (query.And, query.Or)):
        joint = " AND " if isinstance(node, query.And) else " OR "
        parts = list(dict.fromkeys(_describe(child) for child in node.children()))
        return parts[0] if len(parts) == 1 else "(" + joint.join(parts) + ")"
    if isinstance(node, query.Every):
        return "everything"
    return str(node)


_NGRAM_FIELDS = {"title_ngram", "body_ngram"}


def _hit(stored: dict, needles: list[str], rank: int, score: float | None) -> Hit:
    document = stored_document(stored)
    return Hit(
        id=document.id,
        path=document.path,
        title=document.title,
        title_html=highlight(document.title, needles),
        date=document.date,
        year=document.year,
        source=document.source,
        origin=document.origin,
        url=document.url,
        operations=list(document.operations),
        snippet=make_snippet(document.body, needles),
        score=score,
        rank=rank,
    )


def get_document(searcher: Searcher, doc_id: str) -> Document | None:
    """Return the document with ``id`` (body included), or ``None`` when there is none.

    Its ``copies`` are the other files holding exactly the same text (reprints), in path order.
    """
    found = list(searcher.documents(id=doc_id))
    if not found:
        return None
    stored = min(found, key=lambda fields: (fields.get("duplicate") == "1", fields["key"]))
    copies = sorted(
        (fields["path"], fields.get("source", ""), fields.get("url", ""))
        for fields in searcher.documents(content_key=stored["content_key"])
        if fields["key"] != stored["key"]
    )
    return replace(stored_document(stored), copies=tuple(Copy(*copy) for copy in copies))


def _facet_values(
    counts: dict[str, dict[str, int]], request: SearchRequest
) -> dict[str, list[FacetValue]]:
    """Order counted facet values for display: the :data:`FACET_SIZE` most frequent (years
    newest first), then any selected value not among them, with its count, then the bucket
    of documents without the field (:data:`searchapp.facets.MISSING_VALUES`)."""
    facets = {}
    for facet in FACET_FIELDS:
        facet_counts = dict(counts.get(facet, {}))
        missing_value = MISSING_VALUES.get(facet)
        missing_count = facet_counts.pop(missing_value, 0)
        selected = set(request.filters()[facet])
        ordered = sorted(facet_counts.items(), key=lambda item: (-item[1], item[0]))[:FACET_SIZE]
        if facet == "year":
            ordered.sort(key=lambda item: item[0], reverse=True)
        shown = {value for value, _count in ordered} | {missing_value}
        ordered += [(value, facet_counts.get(value, 0)) for value in sorted(selected - shown)]
        values = [FacetValue(value, count, value in selected) for value, count in ordered]
        if missing_count or missing_value in selected:
            values.append(FacetValue(missing_value, missing_count, missing_value in selected, True))
        facets[facet] = values
    return facets


# --- related documents, date histogram, counts (used by the web pages) ----------------------

#: Key terms of a document searched for to find related ones ("more like this").
MORE_LIKE_TERMS = 12
#: Characters of a body read for its key terms (the lead of a long article says what it is
#: about; analysing all of it costs ~20 ms per 1,000 characters).
MORE_LIKE_TEXT_CHARS = 5000
#: A date histogram covering at most this many months is drawn per month, otherwise per year.
MONTHLY_SPAN_MONTHS = 24


def more_like_this(searcher: Searcher, doc_id: str, limit: int = 5) -> list[Hit]:
    """Return up to ``limit`` documents most like the one with id ``doc_id``, best first.

    Whoosh's ``more_like``, step by step: the key terms of the document's ``body`` (its first
    :data:`MORE_LIKE_TEXT_CHARS` characters; Bo1 model, weighted by how much more frequent
    they are in it than in the corpus) are searched for with OR, the document left out.
    Single characters and bare numbers are not used as key terms: in Chinese they are mostly
    particles and counts (的, 名, 2024) that relate nothing.

    :returns: hits with ``rank`` 1, 2, … and the BM25F score of that OR query; their
        snippets are the lead of the body (there is no query to highlight). A title already
        listed (or the document's own) is not listed again: reprints of one article have
        other ids but the same title. Empty when the id is unknown or the document has no
        usable key terms.
    """
    docnum = searcher.document_number(id=doc_id)
    if docnum is None or limit < 1:
        return []
    stored = searcher.stored_fields(docnum)
    candidates = searcher.key_terms_from_text(
        "body", stored.get("body", "")[:MORE_LIKE_TEXT_CHARS], numterms=MORE_LIKE_TERMS * 4
    )
    terms = [(term, weight) for term, weight in candidates if _is_key_term(term)][:MORE_LIKE_TERMS]
    if not terms:
        return []
    related = query.Or([query.Term("body", term, boost=weight) for term, weight in terms])
    table = FacetTable.for_searcher(searcher)
    hidden = {docnum, *table.hidden_docnums()}  # what any search leaves out, too
    # Reprints of one article under other ids share its title: list each title once.
    seen_titles = {stored.get("title", "")}
    hits = []
    for hit in searcher.search(related, limit=limit * 3, mask=hidden, terms=False):
        if hit.get("title", "") in seen_titles:
            continue
        seen_titles.add(hit.get("title", ""))
        hits.append(_hit(hit.fields(), [], rank=len(hits) + 1, score=hit.score))
        if len(hits) == limit:
            break
    return hits


def _is_key_term(term: str) -> bool:
    return len(term) > 1 and not term.replace(".", "").isdigit()


@dataclass(frozen=True)
class DateBucket:
    """One bar of a date histogram.

    :param key: ``"2022"`` for a year, ``"2022-07"`` for a month.
    :param year: the year the bucket falls in, ``"2022"``.
    :param count: matching documents dated in it (0 for a gap between dated ones).
    """

    key: str
    year: str
    count: int


@dataclass(frozen=True)
class DateHistogram:
    """Matching documents per year or per month, oldest first, gaps included as zeros.

    :param unit: ``"year"`` or ``"month"``.
    :param buckets: consecutive years or months from the first to the last dated match.
    :param undated: matching documents without a date (in no bucket).
    """

    unit: str
    buckets: list[DateBucket]
    undated: int

    @property
    def max_count(self) -> int:
        """The tallest bar's count (0 when there are no buckets)."""
        return max((bucket.count for bucket in self.buckets), default=0)


def date_histogram(
    searcher: Searcher, request: SearchRequest, monthly_span_months: int = MONTHLY_SPAN_MONTHS
) -> DateHistogram:
    """Count the documents matching ``request`` (query and every facet filter) by date.

    Exact: read from the index's ``date`` column for each matching document. Per month when
    the first and last dated matches are at most ``monthly_span_months`` months apart
    (inclusive), else per year; 0 never draws monthly.

    :raises QueryError: the query string cannot be parsed (as :func:`search`).
    """
    table = FacetTable.for_searcher(searcher)
    allowed, _counts = table.select(_matching(searcher, table, request), request.filters())
    months, undated = table.months(allowed)
    if not months:
        return DateHistogram("year", [], undated)
    first, last = _month_number(min(months)), _month_number(max(months))
    if last - first + 1 <= monthly_span_months:
        buckets = []
        for number in range(first, last + 1):
            key = f"{number // 12:04d}-{number % 12 + 1:02d}"
            buckets.append(DateBucket(key, key[:4], months.get(key, 0)))
        return DateHistogram("month", buckets, undated)
    years: Counter[str] = Counter()
    for month, count in months.items():
        years[month[:4]] += count
    buckets = [
        DateBucket(str(year), str(year), years[str(year)])
        for year in range(int(min(years)), int(max(years)) + 1)
    ]
    return DateHistogram("year", buckets, undated)


def _month_number(month: str) -> int:
    """``"2022-07"`` → months since year 0 (2022 × 12 + 6)."""
    return int(month[:4]) * 12 + int(month[5:7]) - 1


def count_matches(searcher: Searcher, request: SearchRequest) -> int:
    """Return how many documents match ``request`` (query and facet filters), nothing else.

    :raises QueryError: the query string cannot be parsed (as :func:`search`).
    """
    table = FacetTable.for_searcher(searcher)
    allowed, _counts = table.select(_matching(searcher, table, request), request.filters())
    return len(allowed)


def _matching(searcher: Searcher, table: FacetTable, request: SearchRequest):
    """Return the document numbers matching ``request.q`` as :func:`search` parses it
    (title only, expansions), without filters or scoring."""
    parsed = parse_query(request.q, searcher.schema, request.title_only, request.expand)
    core = parsed.a if isinstance(parsed, WithAdjacencyBonus) else parsed
    return _unscored_matches(searcher, table, core)


def _unscored_matches(searcher: Searcher, table: FacetTable, core: query.Query):
    """Every searchable document for an empty query, else the array matches of ``core``."""
    return table.all_docnums() if isinstance(core, query.Every) else matching_docnums(searcher, core)
