"""The Whoosh schema: which fields a document has in the index and how each is searched.

Text fields come in pairs: ``title``/``body`` hold jieba words (ranking, word queries) and
``title_ngram``/``body_ngram`` hold character n-grams (exact phrases, recall fallback). A query
word typed by a user is parsed by :class:`ChineseText` into "all of its words" OR "its
characters contiguously", the second ranked lower, so plain Chinese without spaces finds what
it says even where jieba cut the document differently.

The schema is pickled into the index: renaming a class here means rebuilding ``index/``.
"""

from __future__ import annotations

from whoosh import fields
from whoosh import query
from whoosh.query.wrappers import WrappingQuery

from searchapp.analysis import chinese_analyzer
from searchapp.analysis import ngram_analyzer
from searchapp.analysis import query_ngrams
from searchapp.analysis import query_words
from searchapp.lexicon import expansions

#: Text fields searched when a query names no field, with their BM25F boosts.
FIELD_BOOSTS = {"title": 3.0, "body": 1.0}
SEARCH_FIELDS = tuple(FIELD_BOOSTS)
#: Facet name (as in URLs, filters and the JSON ``facets`` object) -> index field.
FACET_FIELDS = {"year": "year", "source": "source", "operation": "operations"}
#: Weight of a contiguous-characters match relative to a match of jieba words.
NGRAM_FALLBACK_BOOST = 0.5
#: Weight of a lexicon expansion (电诈 → 电信网络诈骗) relative to the literal term, so that
#: documents saying what was typed rank above documents saying only a synonym.
EXPANSION_BOOST = 0.5


class ExpansionQuery(WrappingQuery):
    """A lexicon alternative of a query term, kept recognisable in the parsed query.

    Matches and scores exactly as its child. :mod:`searchapp.search` collects the
    ``display`` texts for "also searched" and drops these nodes when expansion is off.

    :param child: the query for the alternative (already boosted down).
    :param display: the alternative as shown to people, e.g. ``电信网络诈骗``.
    """

    def __init__(self, child: query.Query, display: str):
        super().__init__(child)
        self.display = display

    def _rewrap(self, child):
        return self.__class__(child, self.display)

    @property
    def boost(self) -> float:
        return self.child.boost

    def normalize(self):
        child = self.child.normalize()
        return query.NullQuery if child is query.NullQuery else self._rewrap(child)

    def __eq__(self, other):
        return (
            self.__class__ is other.__class__
            and self.child == other.child
            and self.display == other.display
        )

    def __hash__(self):
        return hash((self.__class__.__name__, self.child, self.display))

    def __str__(self):
        return f"SYNONYM({self.child})"

    __unicode__ = __str__


class ChineseText(fields.TEXT):
    """A jieba-analysed text field that parses its own query words.

    :param ngram_field: the sibling field holding this text's character n-grams.
    """

    def __init__(self, ngram_field: str, field_boost: float = 1.0):
        super().__init__(
            analyzer=chinese_analyzer(),
            phrase=True,
            stored=True,
            field_boost=field_boost,
        )
        self.ngram_field = ngram_field

    def self_parsing(self) -> bool:
        return True

    def parse_query(self, fieldname: str, qstring: str, boost: float = 1.0) -> query.Query:
        """Return the query for one whitespace-free query word on this field.

        All jieba words of ``qstring`` are required in this field; OR its characters occur
        contiguously (n-gram phrase, boost × :data:`NGRAM_FALLBACK_BOOST`), which also
        rewards adjacency and order; OR, for each lexicon alternative of the word
        (:func:`searchapp.lexicon.expansions`), an :class:`ExpansionQuery` at boost ×
        :data:`EXPANSION_BOOST`, divided further by how many more words the alternative
        has than the word (电诈 → 电信 网络 诈骗: × 1/3). Text with no searchable
        characters (punctuation only) gives :class:`whoosh.query.NullQuery`.
        """
        literal = self.literal_query(fieldname, qstring, boost)
        if literal is query.NullQuery:
            return literal
        literal_words = len(query_words(qstring))
        alternatives = []
        for expanded in expansions(qstring):
            parts = [self.literal_query(fieldname, part) for part in expanded.parts]
            # An alternative of more words sums more term scores: weigh it per word, so
            # that a document saying only the synonym ranks below one saying the term.
            alternative_words = sum(len(query_words(part)) for part in expanded.parts)
            scale = EXPANSION_BOOST * min(1.0, literal_words / max(1, alternative_words))
            alternatives.append(
                ExpansionQuery(query.And(parts, boost=boost * scale), expanded.display)
            )
        return query.Or([literal, *alternatives]) if alternatives else literal

    def literal_query(self, fieldname: str, text: str, boost: float = 1.0) -> query.Query:
        """Return "all jieba words of ``text``" OR "its characters contiguously" (× 0.5)."""
        words = query_words(text)
        if not words:
            return query.NullQuery
        word_query = (
            query.Term(fieldname, words[0], boost=boost)
            if len(words) == 1
            else query.And([query.Term(fieldname, word) for word in words], boost=boost)
        )
        return query.Or([word_query, self.phrase_query(text, boost * NGRAM_FALLBACK_BOOST)])

    def phrase_query(self, text: str, boost: float = 1.0) -> query.Query:
        """Return a query matching ``text`` as contiguous characters (an exact phrase).

        Quotes, spaces and punctuation inside ``text`` are ignored; case and width are folded.
        """
        grams = query_ngrams(text)
        if not grams:
            return query.NullQuery
        if len(grams) == 1:
            return query.Term(self.ngram_field, grams[0], boost=boost)
        return query.Phrase(self.ngram_field, grams, boost=boost)


def build_schema() -> fields.Schema:
    """Return a fresh schema for the press-release index.

    Stored fields are what hits display; ``year``, ``source`` and ``operations`` are facets
    (``operations`` holds several values per document); ``date`` (``YYYY-MM-DD``) and
    ``date_sort`` sort results by date with undated documents last.
    """
    return fields.Schema(
        id=fields.ID(stored=True, unique=True),
        path=fields.ID(stored=True),
        title=ChineseText("title_ngram", field_boost=FIELD_BOOSTS["title"]),
        body=ChineseText("body_ngram", field_boost=FIELD_BOOSTS["body"]),
        title_ngram=fields.TEXT(
            analyzer=ngram_analyzer(), phrase=True, field_boost=FIELD_BOOSTS["title"]
        ),
        body_ngram=fields.TEXT(analyzer=ngram_analyzer(), phrase=True),
        date=fields.ID(stored=True, sortable=True),
        # "1" for dated documents, "0" for undated: the first sort key, so undated go last.
        dated=fields.ID(sortable=True),
        year=fields.ID(stored=True, sortable=True),
        date_source=fields.STORED(),
        source=fields.ID(stored=True, sortable=True),
        feed=fields.STORED(),
        origin=fields.ID(stored=True),
        url=fields.STORED(),
        operations=fields.KEYWORD(stored=True, commas=True, scorable=False),
        format=fields.STORED(),
        lang=fields.ID(stored=True),
        # Other files with the same text: a list of (path, source, url) tuples.
        copies=fields.STORED(),
    )
