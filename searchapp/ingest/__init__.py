"""Ingestion: files on disk -> :class:`~searchapp.document.Document` objects.

>>> for item in read_documents(["seeds"]):          # doctest: +SKIP
...     print(item if isinstance(item, IngestError) else item.title)

The format of each file is sniffed from its content (:func:`readers.sniff`), never from its
name; :mod:`.encoding` decodes it, one reader per format (a module each, listed in
:mod:`.readers`) extracts the fields, with the chrome tables of :mod:`.boilerplate`, the
metadata rules of :mod:`.extract` and the operation names of :mod:`.operations`.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from searchapp.document import Document
from searchapp.ingest.boilerplate import is_data_table
from searchapp.ingest.encoding import decode
from searchapp.ingest.frontmatter import split_front_matter
from searchapp.ingest.readers import MULTI_ITEM_FORMATS
from searchapp.ingest.readers import READERS
from searchapp.ingest.readers import sniff

__all__ = ["Extraction", "IngestError", "extract_file", "iter_files", "read_documents", "read_file"]

#: Skip reasons for a file or item without article text (``IngestError.reason``).
NO_TEXT_CHROME = "no article text (page chrome only)"
NO_TEXT_EMPTY = "no article text (empty body)"

#: Skip reason of a file that is a data table (a TSV manifest, a CSV export), not an article.
NOT_ARTICLE_TABLE = "not an article (a tab-separated table)"

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


@dataclass(frozen=True)
class Extraction:
    """What reading one file (or one item of a multi-item file) gave, for ``inspect``.

    :param document: the document, or ``None`` when it was skipped.
    :param error: why it was skipped, or ``None``.
    :param dropped: the lines removed as page chrome, in file order.
    :param format: the reader used (``""`` when the file could not be decoded).
    :param warnings: what was read but not used, in words (``front-matter date '2024-02-30'
        is not a real date; indexed as undated``); the document is indexed all the same.
    """

    document: Document | None
    error: IngestError | None
    dropped: tuple[str, ...] = ()
    format: str = ""
    warnings: tuple[str, ...] = ()


def extract_file(path: str | Path) -> list[Extraction]:
    """Read one file into one :class:`Extraction` per document it holds.

    :param path: a file in any supported format (sniffed from its content), in UTF-8
        (with or without BOM), GB18030 or Big5.
    :return: one extraction for a single-document file; one per item for a multi-item file
        (a daily transcript); a single extraction with ``error`` set for a file that yields
        nothing. Document ids are the first 16 hex digits of the SHA-1 of the raw bytes,
        with ``-N`` (N from 1, in file order) for the items of a multi-item file.
    """
    try:
        size = Path(path).stat().st_size
        if size > MAX_FILE_BYTES:
            limit = MAX_FILE_BYTES // 2**20
            reason = f"file too large ({size / 2**20:.1f} MiB; the limit is {limit} MiB)"
            return [Extraction(None, IngestError(path, reason))]
        data = Path(path).read_bytes()
    except OSError as error:
        return [Extraction(None, IngestError(path, f"cannot read file ({error.strerror})"))]
    if not data.strip():
        return [Extraction(None, IngestError(path, "empty file"))]
    try:
        text = decode(data)
    except ValueError as error:
        return [Extraction(None, IngestError(path, str(error)))]
    if is_data_table(text):
        return [Extraction(None, IngestError(path, NOT_ARTICLE_TABLE))]
    format_name = ""
    try:
        format_name = sniff(text)
        result = READERS[format_name](text)
    except Exception as error:  # a reader bug on odd input must not stop the whole run
        reason = f"cannot parse ({type(error).__name__}: {error})"
        return [Extraction(None, IngestError(path, reason), format=format_name)]
    file_id = hashlib.sha1(data).hexdigest()[:16]
    if format_name not in MULTI_ITEM_FORMATS:
        return [_extraction(path, file_id, format_name, result, text)]
    if not result:
        return [Extraction(None, IngestError(path, f"no items found (read as {format_name})"),
                           format=format_name)]
    return [
        _extraction(path, f"{file_id}-{number}", format_name, fields, text, item=number)
        for number, fields in enumerate(result, start=1)
    ]


def _extraction(path, doc_id: str, format_name: str, fields: dict, text: str,
                item: int | None = None) -> Extraction:
    """Turn a reader's fields into a Document, or into the reason it is skipped."""
    fields = dict(fields)
    dropped = tuple(fields.pop("dropped", ()))
    where = f"item {item}: " if item else ""
    warnings = tuple(where + warning for warning in fields.pop("warnings", ()))
    error = None
    if not fields["title"]:
        error = f"{where}no title found (read as {format_name})"
    elif not fields["body"]:
        error = where + (NO_TEXT_CHROME if dropped or _has_text_after_header(text, item)
                         else NO_TEXT_EMPTY)
    if error:
        return Extraction(None, IngestError(path, error), dropped, format_name)
    document = Document(id=doc_id, path=str(path), format=format_name, **fields)
    return Extraction(document, None, dropped, format_name, warnings)


def _has_text_after_header(text: str, item: int | None) -> bool:
    """Tell whether a file has any text besides its front matter (for the skip reason)."""
    if item is not None:
        return False
    _, body = split_front_matter(text)
    return bool(body.strip())


def read_file(path: Path) -> list[Document]:
    """Read one file into its documents.

    :param path: a file in any supported format (sniffed from its content), in UTF-8
        (with or without BOM), GB18030 or Big5.
    :return: the documents it holds (see :func:`extract_file`); items of a multi-item file
        that have no text are left out.
    :raises IngestError: for an unreadable, empty, binary, undecodable or too large
        (:data:`MAX_FILE_BYTES`) file, or one in which no title or no article text is found.
    """
    extractions = extract_file(path)
    documents = [extraction.document for extraction in extractions if extraction.document]
    if not documents:
        raise extractions[0].error
    return documents


def read_documents(paths: Iterable[str | Path]) -> Iterator[Document | IngestError]:
    """Read every file under ``paths``, reporting bad files instead of stopping.

    :param paths: files and folders, as for :func:`iter_files`.
    :return: documents in file order, one file in memory at a time; for a file, item or
        given path that yields no document, the :class:`IngestError` saying why, in its
        place (its ``reason`` is one line, e.g. :data:`NO_TEXT_CHROME`, so reasons can be
        grouped).
    """
    for given in paths:
        try:
            files = list(iter_files([given]))
        except IngestError as error:
            yield error
            continue
        for path in files:
            for extraction in extract_file(path):
                yield extraction.document or extraction.error


def _walk(folder: Path) -> Iterator[Path]:
    """Yield the files under ``folder``, skipping hidden files and not entering hidden folders."""
    for root, dirnames, filenames in os.walk(folder):
        dirnames[:] = [name for name in dirnames if not name.startswith(".")]
        for name in filenames:
            if not name.startswith("."):
                yield Path(root, name)
