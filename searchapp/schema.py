"""Where indexes written before :mod:`searchapp.engine.whoosh` existed find their field class.

Whoosh pickles the schema into every index. Indexes built before the Whoosh code moved to
:mod:`searchapp.engine.whoosh` (issue 12) name the class of their ``title`` and ``body``
fields ``searchapp.schema.ChineseText``; unpickling them looks it up here and gets
:class:`searchapp.engine.whoosh.schema.ChineseText`. New indexes, and an old one after its next
commit, name the new path. Only for unpickling: code imports the engine's module.
"""

from __future__ import annotations

import importlib

#: Names old indexes may hold, and the module each lives in now.
_MOVED = {"ChineseText": "searchapp.engine.whoosh.schema"}


def __getattr__(name: str):
    if name in _MOVED:
        return getattr(importlib.import_module(_MOVED[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
