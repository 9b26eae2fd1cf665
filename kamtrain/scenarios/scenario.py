"""A role-play scenario as plain data (parsed from content/scenarios/<id>.yaml by files.py).

No database and no Flask: the engine, the checks and the graph drawing all work on these objects.
"""

from dataclasses import dataclass, field

KINDS = ("say", "note", "decision", "free_text", "ending")
INTERACTIVE = ("decision", "free_text", "ending")  # where a play stops and waits (or ends)
OUTCOMES = ("deal_won", "customer_kept", "agreement", "delivered", "escalated", "stalled", "lost")
QUALITIES = ("good", "mixed", "poor")
PARTS = ("decision_maker", "influencer", "user", "gatekeeper", "supporter", "colleague")
DEFAULT_SCALE = (-2, 3)


@dataclass
class Variable:
    name: str
    initial: int
    low: int
    high: int
    labels: tuple = ("", "")  # (zh, en)
    line: int | None = None

    def clamp(self, value):
        return max(self.low, min(self.high, value))


@dataclass
class Person:
    code: str
    name: str
    role: str
    part: str | None
    mood: str
    cares: str
    relations: str = ""
    line: int | None = None


@dataclass
class Branch:
    """One way on: to ``target`` when ``condition`` holds (None = always / else)."""

    target: str
    when: str | None = None
    condition: tuple | None = None  # parsed tree
    line: int | None = None


@dataclass
class Response:
    code: str
    text: str
    branches: list
    scores: dict
    effects: dict = field(default_factory=dict)
    when: str | None = None  # offered only when this holds
    condition: tuple | None = None
    feedback: str = ""
    best: bool = False
    line: int | None = None

    @property
    def total(self):
        return sum(self.scores.values())


@dataclass
class Criterion:
    text: str
    points: int
    line: int | None = None


@dataclass
class Node:
    code: str
    kind: str
    line: int | None = None
    lines: list = field(default_factory=list)  # say: [(speaker, text)]
    text: str = ""  # note text, decision or free_text prompt
    responses: list = field(default_factory=list)  # decision
    branches: list = field(default_factory=list)  # say, note, free_text
    category: str | None = None  # free_text: the competency category its rubric assesses
    rubric: list = field(default_factory=list)  # free_text: [Criterion]
    hints: list = field(default_factory=list)  # free_text: self-check hints shown after submission
    outcome: str | None = None  # ending
    quality: str | None = None  # ending
    summaries: tuple = ("", "")  # ending (zh, en)
    end_line: int | None = None  # last line of the node in its file (for locating problems)

    @property
    def targets(self):
        """Every node this one can lead to, whatever the state."""
        found = [b.target for b in self.branches]
        for r in self.responses:
            found += [b.target for b in r.branches]
        return list(dict.fromkeys(found))

    def response(self, code):
        return next((r for r in self.responses if r.code == code), None)

    @property
    def max_points(self):
        return sum(c.points for c in self.rubric)


@dataclass
class Scenario:
    code: str
    display: str
    titles: tuple = ("", "")
    summaries: tuple = ("", "")
    tracks: list = field(default_factory=list)
    levels: list = field(default_factory=list)
    categories: list = field(default_factory=list)
    minutes: int | None = None
    modules: list = field(default_factory=list)
    module_lines: dict = field(default_factory=dict)
    sources: list = field(default_factory=list)
    organisation: str = ""
    about: str = ""
    people: dict = field(default_factory=dict)  # code → Person
    variables: dict = field(default_factory=dict)  # name → Variable
    scale: tuple = DEFAULT_SCALE
    start: str | None = None
    start_line: int | None = None
    nodes: dict = field(default_factory=dict)  # code → Node, in file order
    content_hash: str = ""

    @property
    def decisions(self):
        return [n for n in self.nodes.values() if n.kind == "decision"]

    @property
    def endings(self):
        return [n for n in self.nodes.values() if n.kind == "ending"]

    def initial_values(self):
        return {name: v.initial for name, v in self.variables.items()}

    def node_at_line(self, line):
        """The node whose text covers ``line`` (None when the line is outside the nodes)."""
        for node in self.nodes.values():
            if node.line is not None and node.end_line is not None and node.line <= line <= node.end_line:
                return node
        return None
