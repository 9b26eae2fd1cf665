"""The condition parser: small, safe, never eval."""

import pytest

from kamtrain.scenarios.conditions import ConditionError, evaluate, names, parse


@pytest.mark.parametrize("text, values, expected", [
    ("trust >= 3", {"trust": 3}, True),
    ("trust >= 3", {"trust": 2}, False),
    ("trust > 1 and room < 2", {"trust": 2, "room": 1}, True),
    ("trust > 1 and room < 2", {"trust": 2, "room": 2}, False),
    ("trust == 0 or room != 0", {"trust": 1, "room": 1}, True),
    ("not (trust < 1)", {"trust": 1}, True),
    ("not trust < 1 and room >= -1", {"trust": 0, "room": 0}, False),
    ("a < b", {"a": 1, "b": 2}, True),
    ("(a < b or a > 5) and not b == 2", {"a": 1, "b": 2}, False),
])
def test_evaluate(text, values, expected):
    assert evaluate(parse(text), values) is expected


def test_names():
    assert names(parse("trust >= 3 and (room < 1 or not mood == 2)")) == {"trust", "room", "mood"}


@pytest.mark.parametrize("text", [
    "", "trust", "trust >= ", ">= 3", "trust >>= 3", "trust >= 3 and", "(trust >= 3", "trust >= 3)",
    "__import__('os').system('x')", "trust.real >= 1", "trust >= 3; room", "trust = 3", "x" * 201,
])
def test_bad_conditions_are_refused(text):
    with pytest.raises(ConditionError):
        parse(text)
