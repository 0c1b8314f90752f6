"""A memory of results by the page bytes they came from, bounded by those bytes.

Under `mkdocs serve` a rebuild after one page changed reads (and lints) that page again and
takes the others from here. Every saved version of a page is a new entry, so the memory is
emptied when the bytes it holds would pass its limit: a long session cannot grow it."""
from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

T = TypeVar("T")
DEFAULT_LIMIT_BYTES = 64 * 1024 * 1024


class BytesMemo(Generic[T]):
    def __init__(self, limit_bytes: int = DEFAULT_LIMIT_BYTES):
        self.limit_bytes = limit_bytes
        self.entries: dict[Hashable, T] = {}
        self.held_bytes = 0

    def get(self, key: Hashable, size: int, compute: Callable[[], T]) -> T:
        """The result for `key` (which holds the `size` bytes it came from), computed once."""
        if key not in self.entries:
            if self.held_bytes + size > self.limit_bytes:
                self.entries.clear()
                self.held_bytes = 0
            self.held_bytes += size
            self.entries[key] = compute()
        return self.entries[key]
