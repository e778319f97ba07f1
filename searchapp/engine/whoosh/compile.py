"""Compile the query language's tree (:mod:`searchapp.query.tree`) into Whoosh queries.

A word becomes, in each text field it searches, "all of its jieba words" OR "its
characters contiguously" (× :data:`~searchapp.engine.whoosh.schema.NGRAM_FALLBACK_BOOST`)
OR each lexicon alternative (an :class:`ExpansionQuery`, × ``EXPANSION_BOOST``, divided
further by how many more words the alternative has); a phrase becomes an n-gram phrase; the
adjacency bonus becomes an optional query scored only for the best documents
(:class:`WithAdjacencyBonus`).
"""

from __future__ import annotations

from whoosh import query
from whoosh.query.spans import SpanNear2

from searchapp.analysis import query_words
from searchapp.engine.whoosh.schema import EXPANSION_BOOST
from searchapp.engine.whoosh.schema import SEARCH_FIELDS
from searchapp.engine.whoosh.schema import ExpansionQuery
from searchapp.engine.whoosh.schema import HanCharacter
from searchapp.query import tree

#: Text fields searched by the title-only switch.
TITLE_FIELDS = ("title",)
#: Weight of the bonus for query words standing together (contiguous, in the order typed),
#: and the fixed score added where they stand near each other in order.
ADJACENCY_BOOST = 1.0
PROXIMITY_SCORE = 1.0
#: Positions (characters) that may separate two query words for the proximity bonus.
PROXIMITY_SLOP = 10
#: Index field of each keyword field of the query language.
KEYWORD_INDEX_FIELDS = {"operation": "operations"}


class WithAdjacencyBonus(query.AndMaybe):
    """``a`` ranked higher where ``b`` (the adjacency bonus) also matches.

    Matches and scores as Whoosh's ``AndMaybe``; the search scores ``b`` only for the best
    documents of ``a`` (phrase and proximity matching costs seconds over every match of two
    frequent words).
    """


def compile_query(q: tree.Query, schema) -> query.Query:
    """Return the Whoosh query for a parsed query: :class:`whoosh.query.Every` for the empty
    query; a :class:`WithAdjacencyBonus` when the query has adjacent words to reward."""
    if q.is_everything:
        return query.Every()
    fields = TITLE_FIELDS if q.title_only else SEARCH_FIELDS
    core = _compile(q.root, schema, fields).normalize()
    bonus = adjacency_bonus(q.adjacent, schema, fields) if q.adjacent else None
    return WithAdjacencyBonus(core, bonus) if bonus is not None else core


def _compile(node: tree.Node, schema, fields: tuple[str, ...]) -> query.Query:
    if isinstance(node, tree.Words):
        searched = (node.field,) if node.field else fields
        return _over(schema, searched, lambda name, ftype: _word(ftype, name, node))
    if isinstance(node, tree.Phrase):
        searched = (node.field,) if node.field else fields
        return _over(schema, searched, lambda name, ftype: ftype.phrase_query(node.text))
    if isinstance(node, tree.FieldValue):
        return _field_value(schema, node)
    if isinstance(node, tree.DateRange):
        return query.TermRange("date", node.start, node.end, node.start_excluded, node.end_excluded)
    if isinstance(node, tree.All):
        return query.And([_compile(child, schema, fields) for child in node.children])
    if isinstance(node, tree.Any):
        return query.Or([_compile(child, schema, fields) for child in node.children])
    if isinstance(node, tree.Not):
        return query.Not(_compile(node.child, schema, fields))
    if isinstance(node, tree.Exclude):
        return query.AndNot(_compile(node.include, schema, fields), _compile(node.exclude, schema, fields))
    if isinstance(node, tree.Prefer):
        return query.AndMaybe(_compile(node.required, schema, fields), _compile(node.optional, schema, fields))
    if isinstance(node, tree.Everything):
        return query.Every()
    raise TypeError(f"not a query node: {node!r}")


def _over(schema, fieldnames: tuple[str, ...], make) -> query.Query:
    """One query per field, OR-ed when there are several (title and body)."""
    parts = [make(name, schema[name]) for name in fieldnames]
    return parts[0] if len(parts) == 1 else query.Or(parts)


def _word(field_type, fieldname: str, node: tree.Words) -> query.Query:
    """The literal reading of a word in one field, OR its lexicon alternatives, each
    weighed per word so that a document saying only the synonym ranks below one saying
    the word (电诈 → 电信 网络 诈骗: × 1/3 of :data:`EXPANSION_BOOST`)."""
    literal = field_type.literal_query(fieldname, node.text)
    if literal is query.NullQuery or not node.alternatives:
        return literal
    literal_words = len(query_words(node.text))
    alternatives = []
    for alternative in node.alternatives:
        parts = [field_type.literal_query(fieldname, part) for part in alternative.parts]
        alternative_words = sum(len(query_words(part)) for part in alternative.parts)
        scale = EXPANSION_BOOST * min(1.0, literal_words / max(1, alternative_words))
        alternatives.append(ExpansionQuery(query.And(parts, boost=scale), alternative.display))
    return query.Or([literal, *alternatives])


def _field_value(schema, node: tree.FieldValue) -> query.Query:
    fieldname = KEYWORD_INDEX_FIELDS.get(node.field, node.field)
    if fieldname not in schema:
        return query.NullQuery
    terms = [
        query.Term(fieldname, token)
        for token in schema[fieldname].process_text(node.value, mode="query")
    ]
    if not terms:
        return query.NullQuery
    return terms[0] if len(terms) == 1 else query.And(terms)


def adjacency_bonus(words: tuple[str, ...], schema, fieldnames: tuple[str, ...]) -> query.Query | None:
    """Return the optional query rewarding the words standing together.

    For ``断卡 行动``: a phrase match of 断卡行动 (contiguous, in order) on the n-gram fields,
    plus a smaller bonus where the words occur in order within :data:`PROXIMITY_SLOP`
    characters. ``None`` when no field can take it.
    """
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
