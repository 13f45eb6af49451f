"""Rendered parts of pages kept per server process, for the next request that would draw the same.

A part page's questions (templates/plans/_part_body.html) are most of its work: up to a hundred inputs,
each with its label, help, limits and stored answer, drawn through the field macros; Fase II took
three quarters of its 12 ms there. What they show follows from the plan, its form, the stored answers
of the part's questions (their fingerprint, from the very rows the page shows), which of them this
person may change and sign; so a key of exactly those gives the same HTML again. A page sent back with
what was typed (refused, in conflict, a row added) is drawn afresh, never kept.

The cache is bounded (MAX_ENTRIES, least recently used out) and belongs to one process: nothing is
shared between servers or workers, and a save needs no invalidation, as a changed answer is a new key.
The print view's parts are kept the same way: they follow from the form and all stored answers.
"""
from __future__ import annotations

import collections
import threading

MAX_ENTRIES = 64  # a Fase II is about 100 kB: a few MB per process at most


class FragmentCache:
    def __init__(self, size: int = MAX_ENTRIES):
        self.size = size
        self._entries: collections.OrderedDict = collections.OrderedDict()
        self._lock = threading.Lock()

    def get(self, key):
        with self._lock:
            html = self._entries.get(key)
            if html is not None:
                self._entries.move_to_end(key)
            return html

    def put(self, key, html) -> None:
        with self._lock:
            self._entries[key] = html
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)


part_bodies = FragmentCache()
print_bodies = FragmentCache()  # the print view's parts, under the plan, its form and its stored answers
