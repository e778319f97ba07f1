"""The Whoosh schema: which fields a document has in the index and how each is searched.

Text fields come in pairs: ``title``/``body`` hold jieba words (ranking, word queries) and
``title_ngram``/``body_ngram`` hold character n-grams (exact phrases, recall fallback). A query
word typed by a user is parsed by :class:`ChineseText` into "all of its words" OR "its
characters contiguously", the second ranked lower, so plain Chinese without spaces finds what
it says even where jieba cut the document differently.

The schema is pickled into the index: renaming a class here means rebuilding ``index/``.
"""

from __future__ import annotations

import re

from whoosh import fields
from whoosh import query
from whoosh.query.wrappers import WrappingQuery

from searchapp.document import Document

from searchapp.analysis import HAN
from searchapp.analysis import TRANSPARENT
from searchapp.analysis import normalize
from searchapp.analysis import query_ngrams
from searchapp.analysis import query_words
from searchapp.engine.whoosh.tokenizers import chinese_analyzer
from searchapp.engine.whoosh.tokenizers import ngram_analyzer
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


_HAN_CHARACTER = re.compile(f"[{HAN}]")


class HanCharacter(query.Prefix):
    """One Han character anywhere in an n-gram field: the terms that start with it (the
    bigrams it begins, and the character alone). Its ``text`` is the character."""

    def __str__(self):
        return f'{self.fieldname}:"{self.text}"'

    __unicode__ = __str__


class ChineseText(fields.TEXT):
    """A jieba-analysed text field that parses its own query words.

    :param ngram_field: the sibling field holding this text's character n-grams.
    """

    def __init__(self, ngram_field: str, field_boost: float = 1.0):
        super().__init__(
            analyzer=chinese_analyzer(),
            # No positions: phrases and proximity are matched on the n-gram sibling, so
            # word positions would only make the index bigger and slower to write.
            phrase=False,
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
        A single Han character is a :class:`HanCharacter` query: the n-gram field holds it
        alone only where a run of Han text starts or ends, and as the first half of a bigram
        everywhere else.
        """
        grams = query_ngrams(text)
        if not grams:
            return query.NullQuery
        if len(grams) == 1 and _HAN_CHARACTER.fullmatch(grams[0]):
            return HanCharacter(self.ngram_field, grams[0], boost=boost)
        if len(grams) == 1:
            return query.Term(self.ngram_field, grams[0], boost=boost)
        return query.Phrase(self.ngram_field, grams, boost=boost)


def build_schema() -> fields.Schema:
    """Return a fresh schema for the press-release index.

    Stored fields are what hits display; ``year``, ``source`` and ``operations`` are facets
    (``operations`` holds several values per document); ``dated`` then ``date``
    (``YYYY-MM-DD``) sort results by date with undated documents last.
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
        # The indexer's bookkeeping (see searchapp.indexer): which file a document came from
        # and its content hash (for incremental runs), a unique key per file item, and the
        # key under which exact duplicates meet, with the flag hiding all but one of them.
        abspath=fields.ID(stored=True, sortable=True),
        file_hash=fields.ID(stored=True, sortable=True),
        key=fields.ID(stored=True, unique=True),
        content_key=fields.ID(stored=True),
        duplicate=fields.ID(stored=True),
    )


# --- documents in and out of the index -------------------------------------------------


def document_fields(document: Document, **bookkeeping: str) -> dict[str, str]:
    """Map a Document onto the schema's fields; empty values are left out.

    The ``body`` and ``body_ngram`` fields index :func:`indexed_body` (the body, and the
    operation names it does not say); ``body`` stores the body as written
    (``_stored_body``, Whoosh's key for a stored value that differs from the indexed one).

    :param bookkeeping: the index's own fields: ``abspath``, ``file_hash``, ``key``,
        ``content_key`` and ``duplicate``.
    """
    body = indexed_body(document)
    values = {
        "id": document.id,
        "path": document.path,
        "title": document.title,
        "title_ngram": document.title,
        "body": body,
        # Stored is the body as written: snippets and document pages show only that.
        "_stored_body": document.body if body != document.body else "",
        "body_ngram": body,
        "date": document.date or "",
        "dated": "1" if document.date else "0",
        "year": str(document.year) if document.year else "",
        "date_source": document.date_source or "",
        "source": document.source,
        "feed": document.feed,
        "origin": document.origin,
        "url": document.url,
        "operations": ",".join(document.operations),
        "format": document.format,
        "lang": document.lang,
        **bookkeeping,
    }
    return {name: value for name, value in values.items() if value}


#: Between the body and the operation names indexed after it: not a character that n-grams
#: or words span (:data:`searchapp.analysis.TRANSPARENT` would join the texts into one run).
OPERATIONS_SEPARATOR = "\n。\n"


def indexed_body(document: Document) -> str:
    """Return the text indexed for a document's body: the body, followed by the names of its
    operations that the body does not say.

    Operation names are field values people see (the operation facet, the hit's tags), often
    read from front matter or a page's metadata when the text never repeats them: indexing
    them as body text makes an ordinary query (``护航行动``, ``护航``, ``"护航行动"``) find
    such a document. A name counts as said when its characters stand together in the body,
    width, case, script and :data:`~searchapp.analysis.TRANSPARENT` characters (quotes,
    spaces) aside: “断卡”行动 says 断卡. So the index of a document that says its operations,
    and the ranking of every query over it, is what it would be without them; a document
    that does not gets its missing names counted in its body length (a word or two). The
    stored body stays as written (:func:`document_fields`), so snippets, highlights and
    document pages never show the added names.

    >>> from dataclasses import replace
    >>> from searchapp.document import Document
    >>> doc = Document(id="x", path="x.md", title="通报", date=None, year=None,
    ...     date_source=None, source="", feed="", origin="", url="",
    ...     operations=("护航行动", "断卡"), body="开展“断卡”行动。")
    >>> print(indexed_body(doc))
    开展“断卡”行动。
    。
    护航行动
    >>> indexed_body(replace(doc, operations=("断卡",)))
    '开展“断卡”行动。'
    """
    said = _compact(document.body)
    missing = [name for name in document.operations if _compact(name) not in said]
    if not missing:
        return document.body
    return OPERATIONS_SEPARATOR.join([document.body, *missing])


def _compact(text: str) -> str:
    return normalize(text).translate(_DROP_TRANSPARENT)


_DROP_TRANSPARENT = str.maketrans("", "", TRANSPARENT)


def stored_document(stored: dict) -> Document:
    """Rebuild a :class:`Document` from the fields stored in the index (no ``copies``)."""
    year = stored.get("year")
    return Document(
        id=stored["id"],
        path=stored.get("path", ""),
        title=stored.get("title", ""),
        date=stored.get("date") or None,
        year=int(year) if year else None,
        date_source=stored.get("date_source") or None,
        source=stored.get("source", ""),
        feed=stored.get("feed", ""),
        origin=stored.get("origin", ""),
        url=stored.get("url", ""),
        operations=tuple(v for v in stored.get("operations", "").split(",") if v),
        body=stored.get("body", ""),
        format=stored.get("format", ""),
        lang=stored.get("lang", ""),
    )
