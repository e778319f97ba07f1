"""The one error of the query language and of search parameters."""


class QueryError(ValueError):
    """The query string or a search parameter cannot be used; the message says what to fix."""
