"""The web surface: the open index, per-request searchers, blueprints, headers and errors.

Like flaskr's ``db.py``: :func:`get_searcher` opens what a request needs once and caches it on
``g``; :func:`close_searcher` is the teardown; :func:`init_app` wires it all into the app.

The opened index is kept on the app, one per index folder, and reopened when the folder's
``CURRENT`` file names a new generation, so ``searchapp index`` takes effect without a restart.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from flask import Flask
from flask import current_app
from flask import g
from flask import request
from werkzeug.exceptions import HTTPException
from werkzeug.exceptions import InternalServerError

from searchapp.indexer import IndexNotFound
from searchapp.indexer import current_generation
from searchapp.indexer import open_index
from searchapp.search import QueryError

if TYPE_CHECKING:
    from whoosh.index import Index
    from whoosh.searching import Searcher

#: Sent with every response. No inline scripts or styles anywhere, so none are allowed.
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    # Links to original articles must not tell their sites what was searched for.
    "Referrer-Policy": "no-referrer",
}


class IndexCache:
    """The open index of each index folder, keyed by the generation ``CURRENT`` names.

    Thread-safe.
    """

    def __init__(self):
        self._lock = threading.Lock()
        self._open: dict[str, tuple[str, Index]] = {}

    def get(self, index_dir: str) -> "Index":
        """Return the open index of the current generation in ``index_dir``.

        :raises IndexNotFound: no index has been built there.
        """
        generation = current_generation(index_dir)
        with self._lock:
            cached = self._open.get(index_dir)
            if cached is None or cached[0] != generation:
                cached = (generation, open_index(index_dir, generation))
                self._open[index_dir] = cached
            return cached[1]


def get_searcher() -> "Searcher":
    """Return this request's searcher over the current index, opening it on first use.

    :raises IndexNotFound: ``INDEX_DIR`` holds no index (shown as a 503).
    """
    if "searcher" not in g:
        index = current_app.extensions["searchapp.index"].get(str(current_app.config["INDEX_DIR"]))
        g.searcher = index.searcher()
    return g.searcher


def close_searcher(exception: BaseException | None = None) -> None:
    """Close the request's searcher, if it opened one (a teardown)."""
    searcher = g.pop("searcher", None)
    if searcher is not None:
        searcher.close()


def wants_json() -> bool:
    """Whether the current request is for the JSON API (errors answer in its shape)."""
    return request.path == "/api" or request.path.startswith("/api/")


def add_security_headers(response):
    """Set :data:`SECURITY_HEADERS` on ``response`` (an ``after_request`` hook)."""
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    return response


def handle_query_error(error: QueryError):
    """400: the query string or a parameter cannot be used; the message says why."""
    return _error(str(error), 400)


def handle_index_not_found(error: IndexNotFound):
    """503: there is no index yet; the message says how to build one."""
    return _error(str(error), 503)


def handle_http_error(error: HTTPException):
    """Any HTTP error (404, 405, and 500 for an unexpected exception, already logged)."""
    if isinstance(error, InternalServerError):
        message = "internal error: the server could not answer this request"
    else:
        message = error.description or error.name
    return _error(message, error.code or 500)


def _error(message: str, status: int):
    from searchapp.web import api
    from searchapp.web import pages

    if wants_json():
        return api.json_error(message, status)
    return pages.error_page(message, status)


def init_app(app: Flask) -> None:
    """Register the index cache, the teardown, the blueprints, the headers and error handlers."""
    from searchapp.web import api
    from searchapp.web import pages

    app.extensions["searchapp.index"] = IndexCache()
    app.teardown_appcontext(close_searcher)
    app.after_request(add_security_headers)
    app.register_error_handler(QueryError, handle_query_error)
    app.register_error_handler(IndexNotFound, handle_index_not_found)
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_blueprint(pages.bp)
    app.register_blueprint(api.bp)
