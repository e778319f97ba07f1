"""Ingestion: files on disk -> :class:`~searchapp.document.Document` objects.

>>> for item in read_documents(["seeds"]):          # doctest: +SKIP
...     print(item if isinstance(item, IngestError) else item.title)

The format of each file is sniffed from its content (:func:`readers.sniff`), never from its
name; :mod:`.encoding` decodes it, one reader per format in :mod:`.readers` extracts the
fields, with the chrome tables of :mod:`.boilerplate`, the metadata rules of :mod:`.extract`
and the operation names of :mod:`.operations`.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from collections.abc import Iterator
from pathlib import Path

from searchapp.document import Document
from searchapp.ingest.encoding import decode
from searchapp.ingest.readers import READERS
from searchapp.ingest.readers import sniff

__all__ = ["IngestError", "iter_files", "read_documents", "read_file"]

#: Files larger than this are skipped: no press release comes near it, and a multi-megabyte
#: "article" is a dump or a mistake that would stall indexing and drown every search.
MAX_FILE_BYTES = 5 * 2**20


class IngestError(Exception):
    """A file (or path) that yields no document.

    :param path: the file, as given.
    :param reason: one human-readable line, e.g. ``"empty file"``.
    """

    def __init__(self, path: str | Path, reason: str) -> None:
        super().__init__(str(path), reason)
        self.path = str(path)
        self.reason = reason

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"


def iter_files(paths: Iterable[str | Path]) -> Iterator[Path]:
    """List the files to read: each file given, and every file under each folder given.

    Folders are walked recursively; their files come sorted by path, and names starting
    with ``.`` (hidden files and folders) are skipped. Files named explicitly are yielded
    as they are.

    :param paths: files and folders, relative or absolute.
    :return: the files, each path built from the one given (``seeds/000_….txt``).
    :raises IngestError: when a path does not exist (raised on reaching it).
    """
    for given in map(Path, paths):
        if given.is_file():
            yield given
        elif given.is_dir():
            yield from sorted(_walk(given))
        else:
            raise IngestError(given, "no such file or directory")


def read_file(path: Path) -> list[Document]:
    """Read one file into its documents.

    :param path: a file in any supported format (sniffed from its content), in UTF-8
        (with or without BOM), GB18030 or Big5.
    :return: the documents it holds (one for every format so far), ``format`` naming the
        reader used and ``id`` the first 16 hex digits of the SHA-1 of the raw bytes.
    :raises IngestError: for an unreadable, empty, binary, undecodable or too large
        (:data:`MAX_FILE_BYTES`) file, or one in which no title or no body text is found.
    """
    try:
        size = Path(path).stat().st_size
        if size > MAX_FILE_BYTES:
            raise IngestError(
                path,
                f"file too large ({size / 2**20:.1f} MiB; the limit is {MAX_FILE_BYTES // 2**20} MiB)",
            )
        data = Path(path).read_bytes()
    except OSError as error:
        raise IngestError(path, f"cannot read file ({error.strerror})") from error
    if not data.strip():
        raise IngestError(path, "empty file")
    try:
        text = decode(data)
    except ValueError as error:
        raise IngestError(path, str(error)) from error
    try:
        format_name = sniff(text)
        fields = READERS[format_name](text)
    except Exception as error:  # a reader bug on odd input must not stop the whole run
        raise IngestError(path, f"cannot parse ({type(error).__name__}: {error})") from error
    for field in ("title", "body"):
        if not fields[field]:
            raise IngestError(path, f"no {field} found (read as {format_name})")
    doc_id = hashlib.sha1(data).hexdigest()[:16]
    return [Document(id=doc_id, path=str(path), format=format_name, **fields)]


def read_documents(paths: Iterable[str | Path]) -> Iterator[Document | IngestError]:
    """Read every file under ``paths``, reporting bad files instead of stopping.

    :param paths: files and folders, as for :func:`iter_files`.
    :return: documents in file order; for a file (or given path) that cannot be read, the
        :class:`IngestError` saying why, in its place.
    """
    for given in paths:
        try:
            files = list(iter_files([given]))
        except IngestError as error:
            yield error
            continue
        for path in files:
            try:
                yield from read_file(path)
            except IngestError as error:
                yield error


def _walk(folder: Path) -> Iterator[Path]:
    """Yield the files under ``folder``, skipping hidden files and not entering hidden folders."""
    for root, dirnames, filenames in os.walk(folder):
        dirnames[:] = [name for name in dirnames if not name.startswith(".")]
        for name in filenames:
            if not name.startswith("."):
                yield Path(root, name)
