"""Reading content files so that every problem can name its file and line.

YAML is loaded with line numbers kept: mappings become ``Located`` dicts whose ``line`` is where
the mapping starts and ``line_of(key)`` where a key stands; sequences become ``LocatedList``.
"""

from dataclasses import dataclass
from pathlib import Path

import yaml


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input, at a place a person can find."""

    file: str
    line: int | None
    message: str
    column: int | None = None

    def __str__(self):
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        return f"{where}: {self.message}"


class Located(dict):
    line = None
    key_lines = None

    def line_of(self, key):
        return (self.key_lines or {}).get(key, self.line)


class LocatedList(list):
    line = None
    item_lines = None

    def line_of(self, index):
        lines = self.item_lines or []
        return lines[index] if index < len(lines) else self.line


class _Loader(yaml.SafeLoader):
    """SafeLoader that keeps line numbers (constructors registered below)."""


def _construct_mapping(loader, node):
    loader.flatten_mapping(node)
    result = Located()
    result.line = node.start_mark.line + 1
    result.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in result:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark
            )
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = key_node.start_mark.line + 1
    return result


def _construct_sequence(loader, node):
    result = LocatedList(loader.construct_object(child, deep=True) for child in node.value)
    result.line = node.start_mark.line + 1
    result.item_lines = [child.start_mark.line + 1 for child in node.value]
    return result


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


class SourceError(Exception):
    """A file could not be read or parsed at all."""

    def __init__(self, problem):
        super().__init__(str(problem))
        self.problem = problem


def read_text(path, display):
    try:
        data = Path(path).read_bytes()
    except OSError as e:
        raise SourceError(Problem(display, None, f"cannot read: {e.strerror}")) from e
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        raise SourceError(Problem(display, line, f"not UTF-8 (byte offset {e.start})")) from e
    return text.removeprefix("\ufeff")


def parse_yaml(text, display, first_line=1):
    """Parse YAML text; ``first_line`` is the file line where ``text`` starts, so that every line
    number (of values and of errors) is the line in the file."""
    text = "\n" * (first_line - 1) + text
    try:
        return yaml.load(text, Loader=_Loader)  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line = mark.line + 1 if mark else None
        raise SourceError(Problem(display, line, f"YAML: {e.problem or e.context}")) from e


def load_yaml(path, display=None):
    display = display or str(path)
    return parse_yaml(read_text(path, display), display)
