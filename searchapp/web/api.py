"""The JSON API: blueprint ``api``.

``GET /api/search`` answers with exactly :meth:`SearchResults.to_dict` (the same data the
search page renders); ``GET /api/documents/<id>`` with :meth:`Document.to_dict`, body included.
Every error under ``/api/`` is ``{"ok": false, "error": "<message>", "status": <code>}`` with
the HTTP status to match (see :func:`json_error`; the handlers live in :mod:`searchapp.web`).
"""

from __future__ import annotations

from flask import Blueprint
from flask import abort
from flask import current_app
from flask import jsonify
from flask import request

from searchapp.search import get_document
from searchapp.search import search
from searchapp.web import get_searcher
from searchapp.web.params import request_from_args

bp = Blueprint("api", __name__, url_prefix="/api")


@bp.get("/search")
def search_json():
    """Search; the URL grammar is :mod:`searchapp.web.params`'s.

    :raise 400: malformed query or parameter. :raise 503: no index.
    """
    search_request = request_from_args(request.args, per_page=current_app.config["PAGE_SIZE"])
    return jsonify(search(get_searcher(), search_request).to_dict())


@bp.get("/documents/<doc_id>")
def document_json(doc_id: str):
    """Return one document with its body.

    :raise 404: no document has this id. :raise 503: no index.
    """
    document = get_document(get_searcher(), doc_id)
    if document is None:
        abort(404, description=f"no document with id {doc_id!r}")
    return jsonify(document.to_dict())


def json_error(message: str, status: int):
    """Return the API's error response: ``{"ok": false, "error": message, "status": status}``."""
    response = jsonify({"ok": False, "error": message, "status": status})
    response.status_code = status
    return response
