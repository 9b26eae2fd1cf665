"""Conditions on a scenario's state, e.g. ``trust >= 3 and patience > 0``.

A tiny recursive-descent parser: never ``eval``. Grammar::

    expr    := and ("or" and)*
    and     := not ("and" not)*
    not     := "not" not | "(" expr ")" | compare
    compare := term ("<" | "<=" | ">" | ">=" | "==" | "!=") term
    term    := NAME | INTEGER (optionally signed)

A parsed condition is a small tuple tree evaluated against a mapping of variable values.
"""

import re

_TOKEN = re.compile(r"\s*(?:(<=|>=|==|!=|<|>|\(|\))|([A-Za-z_][A-Za-z0-9_]*)|([+-]?\d+))")
OPERATORS = {
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
    "==": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
}
KEYWORDS = {"and", "or", "not"}
MAX_LENGTH = 200


class ConditionError(ValueError):
    """The condition text cannot be parsed."""


def _tokens(text):
    pos, out = 0, []
    text = text.rstrip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None or m.end() == pos:
            raise ConditionError(f"unexpected {text[pos:].strip()[:10]!r}")
        op, name, number = m.groups()
        if op:
            out.append(("op", op))
        elif name:
            out.append(("kw", name) if name in KEYWORDS else ("name", name))
        else:
            out.append(("int", int(number)))
        pos = m.end()
    return out


class _Parser:
    def __init__(self, tokens):
        self.tokens = tokens
        self.i = 0

    def peek(self):
        return self.tokens[self.i] if self.i < len(self.tokens) else (None, None)

    def take(self):
        token = self.peek()
        self.i += 1
        return token

    def expr(self):
        node = self.conj()
        while self.peek() == ("kw", "or"):
            self.take()
            node = ("or", node, self.conj())
        return node

    def conj(self):
        node = self.neg()
        while self.peek() == ("kw", "and"):
            self.take()
            node = ("and", node, self.neg())
        return node

    def neg(self):
        if self.peek() == ("kw", "not"):
            self.take()
            return ("not", self.neg())
        if self.peek() == ("op", "("):
            self.take()
            node = self.expr()
            if self.take() != ("op", ")"):
                raise ConditionError("missing ')'")
            return node
        return self.compare()

    def term(self):
        kind, value = self.take()
        if kind == "name":
            return ("var", value)
        if kind == "int":
            return ("int", value)
        raise ConditionError("expected a variable or a number" + (f", found {value!r}" if value is not None else ""))

    def compare(self):
        left = self.term()
        kind, op = self.take()
        if kind != "op" or op not in OPERATORS:
            raise ConditionError("expected a comparison (<, <=, >, >=, ==, !=)")
        return ("cmp", op, left, self.term())


def parse(text):
    """The tree of a condition; raises ConditionError with a short reason."""
    if not isinstance(text, str) or not text.strip():
        raise ConditionError("empty condition")
    if len(text) > MAX_LENGTH:
        raise ConditionError(f"longer than {MAX_LENGTH} characters")
    parser = _Parser(_tokens(text))
    tree = parser.expr()
    if parser.i != len(parser.tokens):
        raise ConditionError(f"unexpected {parser.tokens[parser.i][1]!r}")
    return tree


def names(tree):
    """The variable names a condition reads."""
    kind = tree[0]
    if kind == "var":
        return {tree[1]}
    if kind == "int":
        return set()
    if kind == "cmp":
        return names(tree[2]) | names(tree[3])
    return set().union(*(names(t) for t in tree[1:]))


def evaluate(tree, values):
    kind = tree[0]
    if kind == "var":
        return values[tree[1]]
    if kind == "int":
        return tree[1]
    if kind == "cmp":
        return OPERATORS[tree[1]](evaluate(tree[2], values), evaluate(tree[3], values))
    if kind == "not":
        return not evaluate(tree[1], values)
    if kind == "and":
        return evaluate(tree[1], values) and evaluate(tree[2], values)
    return evaluate(tree[1], values) or evaluate(tree[2], values)
