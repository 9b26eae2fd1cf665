"""A small per-process cache for things computed from database rows and kept under a key built from
those rows: the database stays the one source (every request reads the key afresh, so several app
servers agree), and a change anywhere is a new key, never a stale entry."""

from threading import Lock


class KeptPerProcess:
    """Bounded: when full, the oldest quarter of the entries is dropped."""

    def __init__(self, size):
        self.size = size
        self.entries = {}
        self.lock = Lock()

    def get(self, key):
        return self.entries.get(key)

    def put(self, key, value):
        with self.lock:
            if len(self.entries) >= self.size:
                for old in list(self.entries)[: self.size // 4]:
                    self.entries.pop(old, None)
            self.entries[key] = value
