"""Whoosh writers for an index run: one process, or one writer process per core.

Most of an index run is analysis (jieba, n-grams) and Whoosh's writing of postings, all pure
Python, so one process uses one core. :func:`open_writer` returns, for runs with many files
to read, a :class:`ParallelWriter`: the indexing process reads the files and decides what to
write (as before), and ``processes`` writer processes analyse the documents and each write
their own segment. The segments are committed together, in one new table of contents, so a
search sees all of the run or none of it, as with one writer.

Whoosh's own ``MpWriter`` loses the documents of a writer process that fails (it waits one
second for each result and commits without the missing ones) and leaves its processes
running when the indexing process is killed. :class:`ParallelWriter` fails the whole run
instead (nothing is committed, the previous index stays) and its processes die with the
process that started them.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import multiprocessing
import os
import queue
import signal

from whoosh.multiproc import MpWriter
from whoosh.multiproc import SubWriterTask
from whoosh.writing import SegmentWriter

from searchapp.analysis import get_segmenter

#: Memory each Whoosh writer may use for its buffers, megabytes.
WRITER_LIMIT_MB = int(os.environ.get("SEARCHAPP_WRITER_MB", "64"))
#: Documents handed to a writer process at a time.
BATCH_SIZE = 50
#: Fewest files to read for which writer processes are started (starting them costs about a
#: second; small updates are faster in one process). ``$SEARCHAPP_PARALLEL_MIN_FILES``.
PARALLEL_MIN_FILES = int(os.environ.get("SEARCHAPP_PARALLEL_MIN_FILES", "400"))
#: How often the indexing process checks that its writer processes are alive, seconds.
_POLL_S = 1.0


class WriterProcessFailed(Exception):
    """A writer process died; nothing of the run was committed."""


def default_processes() -> int:
    """Return how many writer processes an index run uses by default.

    ``$SEARCHAPP_INDEX_PROCESSES`` when set, otherwise the cores this process may run on
    (``os.sched_getaffinity``), at least 1.
    """
    configured = os.environ.get("SEARCHAPP_INDEX_PROCESSES")
    if configured:
        return max(1, int(configured))
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def open_writer(ix, files_to_read: int, processes: int | None = None) -> SegmentWriter:
    """Return a writer for an index run on ``ix`` that will read ``files_to_read`` files.

    :param processes: writer processes; default :func:`default_processes`. With 1, or with
        fewer than :data:`PARALLEL_MIN_FILES` files to read, the writer is Whoosh's own
        single-process ``SegmentWriter``.
    :returns: a writer with Whoosh's interface (``add_document``, ``delete_by_term``,
        ``commit``, ``cancel``); both kinds commit atomically.
    """
    processes = default_processes() if processes is None else processes
    if processes <= 1 or files_to_read < PARALLEL_MIN_FILES or not _can_fork():
        return ix.writer(limitmb=WRITER_LIMIT_MB)
    get_segmenter()  # loaded once here, shared by the forked writer processes
    return ParallelWriter(ix, processes=processes)


def _can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


class ParallelWriter(MpWriter):
    """A writer whose documents are analysed and written by ``processes`` child processes.

    Each child writes one segment; :meth:`commit` adds them to the index in one table of
    contents, beside the existing segments (Whoosh's "multisegment" mode: no merge of the new
    segments, which would cost as much as writing them). Deletions happen in this process.

    :raises WriterProcessFailed: from :meth:`commit`, when a child died or gave no segment;
        the run is cancelled and nothing is committed.
    """

    def __init__(self, ix, processes: int):
        super().__init__(
            ix,
            procs=processes,
            batchsize=BATCH_SIZE,
            multisegment=True,
            limitmb=WRITER_LIMIT_MB,
        )

    def _new_task(self):
        task = _WriterProcess(
            self.storage,
            self.indexname,
            self.jobqueue,
            self.resultqueue,
            self.subargs,
            self.multisegment,
        )
        self.tasks.append(task)
        task.start()
        return task

    def _enqueue(self):
        self._check_processes()
        super()._enqueue()

    def _check_processes(self) -> None:
        failed = [task for task in self.tasks if task.exitcode not in (None, 0)]
        if failed:
            raise WriterProcessFailed(
                f"a writer process failed (exit code {failed[0].exitcode}); nothing was "
                "committed, the previous index stays as it was"
            )

    def _commit(self, mergetype, optimize, merge):
        if self.docbuffer:
            self._enqueue()
        for _task in self.tasks:
            self.jobqueue.put(None)
        segments = self._merge_segments(mergetype, optimize, merge)
        results = []
        while len(results) < len(self.tasks):
            try:
                results.append(self.resultqueue.get(timeout=_POLL_S))
            except queue.Empty:
                self._check_processes()
                if all(task.exitcode == 0 for task in self.tasks) and self.resultqueue.empty():
                    raise WriterProcessFailed(
                        "a writer process ended without its segment; nothing was committed"
                    ) from None
        for task in self.tasks:
            task.join()
        segments += [segment for _run, _fieldnames, segment in results]
        if self._added:  # segments merged by the merge policy, or documents added here
            segments.append(self._finalize_segment())
        else:
            self._close_segment()
        self._commit_toc(segments)
        self._finish()

    def cancel(self):
        for task in self.tasks:
            if task.is_alive():
                task.terminate()
        for task in self.tasks:
            task.join()
        SegmentWriter.cancel(self)


class _WriterProcess(SubWriterTask):
    """Whoosh's writer process, which dies with the process that started it and reports a
    failure by its exit code."""

    def run(self):
        _die_with_parent()
        super().run()


def _die_with_parent() -> None:
    """Ask Linux to kill this process when its parent dies (``PR_SET_PDEATHSIG``)."""
    libc_name = ctypes.util.find_library("c")
    if not libc_name:
        return
    try:
        libc = ctypes.CDLL(libc_name, use_errno=True)
        pr_set_pdeathsig = 1
        libc.prctl(pr_set_pdeathsig, signal.SIGKILL)
    except (OSError, AttributeError):
        pass
