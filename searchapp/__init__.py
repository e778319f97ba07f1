"""searchapp: a search engine over Chinese policing press releases (jieba + Whoosh + Flask).

:func:`create_app` builds the web application; ``searchapp`` (see :mod:`searchapp.cli`) is
the command line. Importing the package does nothing else (and loads no Flask), so the CLI and
the indexer stay quick to start and tests can build as many apps as they like.
"""

from __future__ import annotations

import os
from pathlib import Path

#: Where the templates are: inside the package in an installed wheel (pyproject.toml's
#: force-include copies them there), at the top of the repository in a checkout.
_PACKAGED_TEMPLATES = Path(__file__).parent / "templates"
_CHECKOUT_TEMPLATES = Path(__file__).parent.parent / "templates"


def templates_folder() -> Path:
    """Return the folder holding ``base.html`` & co. (packaged copy first, then checkout)."""
    return _PACKAGED_TEMPLATES if _PACKAGED_TEMPLATES.is_dir() else _CHECKOUT_TEMPLATES


def create_app(test_config: dict | None = None):
    """Create the Flask application.

    Config keys and their defaults:

    ``INDEX_DIR``
        the index folder, as built by ``searchapp index``; default ``$SEARCHAPP_INDEX`` or
        ``index`` (relative to the working directory). Rebuilding it takes effect on the
        next request, no restart needed.
    ``PAGE_SIZE``
        hits per page when the URL gives no ``per_page``; default 10.
    ``FACET_SIZE``
        most values shown per facet in the page's sidebar (selected ones are always shown);
        default :data:`searchapp.search.FACET_SIZE` (30), which also bounds what the core
        returns.

    :param test_config: a mapping used instead of the instance folder's ``config.py``.
    :returns: the :class:`flask.Flask` app, with jieba's dictionary already loaded.
    """
    from flask import Flask

    from searchapp import web
    from searchapp.analysis import get_segmenter
    from searchapp.search import DEFAULT_PER_PAGE
    from searchapp.search import FACET_SIZE

    app = Flask(
        __name__,
        instance_relative_config=True,
        template_folder=str(templates_folder()),
        static_folder="static",
    )
    app.config.from_mapping(
        INDEX_DIR=os.environ.get("SEARCHAPP_INDEX") or "index",
        PAGE_SIZE=DEFAULT_PER_PAGE,
        FACET_SIZE=FACET_SIZE,
    )
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
    else:
        app.config.from_mapping(test_config)
    # Readable 中文 and our own key order in JSON (Flask escapes non-ASCII and sorts keys),
    # labelled UTF-8 for clients that do not assume it.
    app.json.ensure_ascii = False
    app.json.sort_keys = False
    app.json.mimetype = "application/json; charset=utf-8"
    get_segmenter()  # load jieba's dictionary now, not during the first request
    web.init_app(app)
    return app
