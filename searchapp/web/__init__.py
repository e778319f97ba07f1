"""The web surface: the open index, per-request searchers, blueprints, headers and errors.

Like flaskr's ``db.py``: :func:`get_searcher` gives a request its searcher and caches it on
``g``; :func:`close_searcher` is the teardown; :func:`init_app` wires it all into the app.

Searchers stay open between requests (:class:`SearcherPool`) and follow the index: a run of
``searchapp index`` takes effect on the next request, without a restart.
"""

from __future__ import annotations

import threading
import weakref
from typing import TYPE_CHECKING

from flask import Flask
from flask import Request as FlaskRequest
from flask import current_app
from flask import g
from flask import request
from werkzeug.exceptions import HTTPException
from werkzeug.exceptions import InternalServerError
from werkzeug.utils import cached_property

from searchapp.engine.whoosh.generations import IndexNotFound
from searchapp.engine.whoosh.generations import current_generation
from searchapp.engine.whoosh.generations import open_index
from searchapp.search import QueryError
from searchapp.web.params import QueryArgs
from searchapp.web.params import decode_query_string

if TYPE_CHECKING:
    from searchapp.engine.whoosh.generations import Searcher

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


class Request(FlaskRequest):
    """The app's request: ``args`` is read by :func:`searchapp.web.params.decode_query_string`
    (UTF-8, else GB18030; control characters as spaces; undecodable values listed, not
    guessed), so the views, the templates' search box and the JSON API all see the same
    clean parameters."""

    @cached_property
    def args(self) -> QueryArgs:
        return decode_query_string(self.query_string)


class SearcherPool:
    """Open searchers kept between requests: one per worker thread and index folder.

    Opening a Whoosh searcher reads the term dictionary (hundreds of milliseconds on a few
    thousand documents), so it is done once per thread and index commit, not per request.
    Each request checks that its thread's searcher still shows the latest commit (a
    file-name look-up); after an index run has committed, or a rebuild made a new generation
    current, a new searcher is opened. (Whoosh's ``Searcher.refresh()`` is not used: in
    Whoosh-Reloaded 2.7.5 the refreshed reader keeps the old segments alongside the new
    ones, so deleted and replaced documents would still be found.) Whoosh searchers are not
    shared between threads.
    """

    def __init__(self):
        self._local = threading.local()
        self._opened: list = []  # every searcher this pool opened, for close()
        self._opened_lock = threading.Lock()
        # Searchers hold open files: close them when the pool (the app) goes away.
        weakref.finalize(self, _close_all, self._opened)

    def get(self, index_dir: str) -> "Searcher":
        """Return this thread's up-to-date searcher over the current index of ``index_dir``.

        :raises IndexNotFound: no index has been built there.
        """
        generation = current_generation(index_dir)
        searchers = self._local.__dict__.setdefault("searchers", {})
        cached = searchers.get(index_dir)
        if cached is not None and cached[0] == generation and cached[1].up_to_date():
            return cached[1]
        searcher = open_index(index_dir, generation).searcher()
        with self._opened_lock:
            if cached is not None:
                cached[1].close()
                self._opened.remove(cached[1])
            self._opened.append(searcher)
        searchers[index_dir] = (generation, searcher)
        return searcher

    def close(self) -> None:
        """Close every searcher the pool opened (the app is shutting down)."""
        with self._opened_lock:
            _close_all(self._opened)


def _close_all(searchers: list) -> None:
    while searchers:
        searchers.pop().close()


def get_searcher() -> "Searcher":
    """Return the searcher for this request (kept open for the worker thread).

    :raises IndexNotFound: ``INDEX_DIR`` holds no index (shown as a 503).
    """
    if "searcher" not in g:
        pool = current_app.extensions["searchapp.searchers"]
        g.searcher = pool.get(str(current_app.config["INDEX_DIR"]))
    return g.searcher


def close_searcher(exception: BaseException | None = None) -> None:
    """Forget the request's searcher (a teardown); it stays open for the thread's next request."""
    g.pop("searcher", None)


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

    app.request_class = Request
    app.extensions["searchapp.searchers"] = SearcherPool()
    app.teardown_appcontext(close_searcher)
    app.after_request(add_security_headers)
    app.register_error_handler(QueryError, handle_query_error)
    app.register_error_handler(IndexNotFound, handle_index_not_found)
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_blueprint(pages.bp)
    app.register_blueprint(api.bp)
