"""The Whoosh engine: the index boundary (:mod:`searchapp.engine`) implemented with Whoosh.

Tied to **whoosh-reloaded 2.7.5** (``whoosh-reloaded==2.7.5`` in ``pyproject.toml``; the
Sygil-Dev fork of Whoosh 2.7.4, imported as ``whoosh``). Only the modules of this folder
import ``whoosh``. Several of them read Whoosh's private internals for speed; a new Whoosh
version must be checked against this list (the tests compare every result with Whoosh's
own matching and scoring):

* **posting blocks** — ``matching``: ``W3LeafMatcher``'s block of ids, weights and values
  (``_data``, ``_ids``, ``_byteids``, ``_values``, ``_read_data``, ``_read_values``,
  ``_next_block``, ``_skip_to_block``) and the expansion of multi-term queries
  (``MultiTerm._btexts``);
* **pickled positions** — ``matching``: the ``Positions`` format's value (an ``_INT_SIZE``
  count, then the pickled list of position deltas), decoded without Whoosh;
* **length columns** — ``scoring``: the segments' byte-coded field lengths
  (``LENGTHS_COLUMN``, ``_lenfield``, ``reader._perdoc._cached_reader`` and the column's
  ``_count``, ``_dbfile``, ``_basepos``, ``_default``) and BM25F's per-field B
  (``BM25F._field_B``);
* **MpWriter private methods** — ``writers``: ``_new_task``, ``_enqueue``, ``_commit``
  (with ``_merge_segments``, ``_finalize_segment``, ``_close_segment``, ``_commit_toc``,
  ``_finish``, ``_added``, ``docbuffer``, ``tasks``, ``jobqueue``, ``resultqueue``,
  ``subargs``) and ``SubWriterTask.run``;
* **``searcher._ix``** (the index a searcher reads: its folder, and a new searcher of it) —
  ``facet_columns`` (``commit_key``, which ``scoring`` uses too) and ``terms`` (the
  vocabulary of suggestions, cached per index folder and built in the background).

Whoosh pickles the schema, with its field and tokenizer classes, into every index:
:mod:`searchapp.engine.whoosh.schema` and :mod:`searchapp.engine.whoosh.tokenizers` are the
paths new indexes record. Indexes written before this folder existed name
``searchapp.schema.ChineseText`` and ``searchapp.analysis.JiebaTokenizer`` /
``NgramTokenizer``; those names still resolve (to the classes here) for unpickling.
"""
