"""The query language, engine-free: a query string → a tree of our own, explained.

:func:`parse` reads the string once per request; every engine compiles the
:class:`~searchapp.query.tree.Query` into its own queries. :func:`explain` describes a tree
for people and :func:`needles` lists the texts to highlight.
"""

from searchapp.query.errors import QueryError
from searchapp.query.explain import explain
from searchapp.query.explain import needles
from searchapp.query.parser import MAX_QUERY_CHARS
from searchapp.query.parser import fold_operators
from searchapp.query.parser import parse
from searchapp.query.tree import Query

__all__ = ["MAX_QUERY_CHARS", "Query", "QueryError", "explain", "fold_operators", "needles", "parse"]
