"""Small validators for content files: each records a Problem with the file and line and returns
the value (or None), so a whole file is checked in one pass and every problem is reported."""

from kamtrain.core.sourcefiles import Located, LocatedList, Problem


class Checker:
    def __init__(self, display):
        self.display = display
        self.problems = []

    def add(self, line, message):
        self.problems.append(Problem(self.display, line, message))

    def mapping(self, value, where, line):
        if not isinstance(value, Located):
            self.add(line, f"{where}: expected a mapping")
            return None
        return value

    def items(self, value, where, line):
        if not isinstance(value, LocatedList):
            self.add(line, f"{where}: expected a list")
            return LocatedList()
        return value

    def field(self, m, key, kind=str, where="", required=True):
        """m[key] checked against ``kind`` (a type or tuple of types)."""
        label = f"{where}.{key}" if where else key
        if m is None:
            return None
        if key not in m or m[key] is None:
            if required:
                self.add(m.line, f"{label}: missing")
            return None
        value = m[key]
        if kind is str and isinstance(value, str) and not value.strip():
            self.add(m.line_of(key), f"{label}: empty")
            return None
        if kind is int and isinstance(value, bool):
            self.add(m.line_of(key), f"{label}: expected a whole number")
            return None
        if not isinstance(value, kind):
            names = {str: "text", int: "a whole number", Located: "a mapping", LocatedList: "a list"}
            expected = names.get(kind, getattr(kind, "__name__", str(kind)))
            self.add(m.line_of(key), f"{label}: expected {expected}")
            return None
        return value

    def bilingual(self, m, key, where="", required=True):
        """A {zh: …, en: …} pair; returns (zh, en)."""
        label = f"{where}.{key}" if where else key
        pair = self.field(m, key, Located, where, required)
        if pair is None:
            return None, None
        zh = self.field(pair, "zh", str, label)
        en = self.field(pair, "en", str, label)
        unknown = set(pair) - {"zh", "en"}
        if unknown:
            self.add(pair.line, f"{label}: unknown language {sorted(unknown)}")
        return zh, en

    def one_of(self, m, key, allowed, where="", required=True):
        label = f"{where}.{key}" if where else key
        value = self.field(m, key, (str, int), where, required)
        if value is not None and value not in allowed:
            self.add(m.line_of(key), f"{label}: {value!r} is not one of {', '.join(map(str, allowed))}")
            return None
        return value

    def unknown_keys(self, m, known, where=""):
        if m is None:
            return
        for key in m:
            if key not in known:
                self.add(m.line_of(key), f"{where + '.' if where else ''}{key}: unknown field")
