"""The indexer's bookkeeping read back from a committed Whoosh index.

Each document carries, besides what people search, the fields an incremental run needs
(:func:`searchapp.engine.whoosh.schema.build_schema`): ``abspath`` and ``file_hash`` (which
file it came from, and that file's content hash) and ``duplicate`` (``"1"`` on every copy of
an exact duplicate but the searchable one).
"""

from __future__ import annotations

from whoosh import query


def committed_files(searcher) -> dict[str, str]:
    """Return ``{absolute path: content hash}`` of every file the committed index holds.

    :param searcher: a searcher of the index as committed before the run.
    """
    reader = searcher.reader()
    if not reader.doc_count_all():  # an index of an empty folder has no columns at all
        return {}
    paths = reader.column_reader("abspath")
    hashes = reader.column_reader("file_hash")
    return {paths[docnum]: hashes[docnum] for docnum in reader.all_doc_ids()}


def duplicate_count(searcher) -> int:
    """Return how many live documents are flagged as copies of an exact duplicate."""
    return len(list(searcher.docs_for_query(query.Term("duplicate", "1"))))
