"""Serve the app with waitress, accepting request lines with raw (un-encoded) UTF-8 bytes.

A browser percent-encodes a URL's non-ASCII characters before sending it, but ``curl
'http://127.0.0.1:5000/api/search?q=断卡'`` and many scripts send the UTF-8 bytes as they
are. HTTP forbids bytes above 0x7F in a request line, and waitress answers them with its own
plain-text "400 Bad URI" (``waitress.parser.split_uri``: ``urlsplit`` of the bytes raises
``UnicodeDecodeError``) before our app sees the request, so not even an ``/api/`` client
would get our JSON error. Here the request target's bytes above 0x7F are percent-encoded
(``断`` → ``%E6%96%AD``), as a browser would have sent them, before waitress parses the
request line; the query string is then decoded by
:func:`searchapp.web.params.decode_query_string` (UTF-8, else GB18030) and the path by
werkzeug (UTF-8). Nothing else in the request line or the headers is changed, and only the
request target is touched: a request whose method or version holds such bytes is still
refused by waitress.

How: waitress has no option for this, and a WSGI middleware cannot help because the request
never reaches the application. Waitress's own extension points are used instead, no
function of it is replaced: :class:`HTTPChannel` reads requests with its class attribute
``parser_class`` (here :class:`BrowserURIParser`, a subclass overriding ``parse_header``), and
a server accepts connections with its ``channel_class`` (here :class:`BrowserURIChannel`),
set on the servers :func:`create_server` made through ``waitress.create_server`` (so every
waitress adjustment and listen address keeps working).
"""

from __future__ import annotations

import logging
import re

import waitress
from waitress.channel import HTTPChannel
from waitress.parser import HTTPRequestParser
from waitress.server import BaseWSGIServer

#: The method and the request target at the start of a request line.
_REQUEST_TARGET = re.compile(rb"([^ \r\n]+ )([^ \r\n]+)")
_NON_ASCII = re.compile(rb"[\x80-\xff]")


def encode_request_target(header: bytes) -> bytes:
    """Return an HTTP request head with the request target's non-ASCII bytes percent-encoded.

    >>> encode_request_target(b"GET /api/search?q=\\xe6\\x96\\xad HTTP/1.1\\r\\nHost: x")
    b'GET /api/search?q=%E6%96%AD HTTP/1.1\\r\\nHost: x'
    """
    match = _REQUEST_TARGET.match(header)
    if match is None or match[2].isascii():
        return header
    target = _NON_ASCII.sub(lambda byte: b"%%%02X" % byte[0][0], match[2])
    return match[1] + target + header[match.end():]


class BrowserURIParser(HTTPRequestParser):
    """Waitress's request parser, reading a request target with raw non-ASCII bytes as a
    browser would have sent it (see :func:`encode_request_target`)."""

    def parse_header(self, header_plus: bytes) -> None:
        super().parse_header(encode_request_target(header_plus))


class BrowserURIChannel(HTTPChannel):
    """Waitress's connection handler with :class:`BrowserURIParser`."""

    parser_class = BrowserURIParser


def create_server(app, **adjustments):
    """Return a waitress server for ``app`` (``waitress.create_server`` with ``adjustments``:
    ``host``, ``port``, ``threads``, ``ident`` …) whose connections use
    :class:`BrowserURIChannel`. Run it with ``.run()``."""
    socket_map: dict = {}
    server = waitress.create_server(app, map=socket_map, **adjustments)
    for dispatcher in list(socket_map.values()):  # one listening server per address
        if isinstance(dispatcher, BaseWSGIServer):
            dispatcher.channel_class = BrowserURIChannel
    return server


def serve(app, **adjustments) -> None:
    """Serve ``app`` until interrupted, as ``waitress.serve`` does (same ``adjustments``)."""
    logging.basicConfig()  # as waitress.serve: its warnings and errors are shown
    server = create_server(app, **adjustments)
    server.print_listen("Serving on http://{}:{}")
    server.run()
