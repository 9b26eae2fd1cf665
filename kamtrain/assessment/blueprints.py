"""Drawing an attempt's questions from the bank by a blueprint — pure functions, no database.

A blueprint row asks for so many questions of one competency category at each difficulty
(``easy``/``medium``/``hard``, or ``any``). For every row the pool is the bank's questions of that
category and difficulty on the quiz's track; they are ranked by

1. level fit: questions tagged with the quiz's level, or one level away, come first (the bank is
   not deep enough at every level for every category, so a neighbouring level is acceptable);
2. questions this trainee has not been shown before;
3. the nearest level;
4. chance (the attempt's random generator),

and the first ones are taken. A row that cannot be filled raises ``BlueprintShortage`` naming every
short row, so a trainer sees what to add to the bank before anyone starts.
"""

from dataclasses import dataclass, field

from kamtrain.assessment.quizzes import DIFFICULTY_KEYS


@dataclass(frozen=True)
class Candidate:
    """What the draw needs to know about one bank question."""

    id: int
    category: str
    difficulty: int | None
    levels: tuple = ()
    tracks: tuple = ()


@dataclass
class Shortage:
    category: str
    difficulty: str  # easy | medium | hard | any
    needed: int
    available: int


class BlueprintShortage(Exception):
    def __init__(self, shortages):
        super().__init__("; ".join(f"{s.category}/{s.difficulty}: {s.available} of {s.needed}" for s in shortages))
        self.shortages = list(shortages)


@dataclass
class Drawn:
    """The questions drawn for one attempt, in slot order, with their blueprint cell."""

    ids: list = field(default_factory=list)
    cells: list = field(default_factory=list)  # (category, difficulty key) per slot


def level_distance(candidate: Candidate, level: int | None) -> int:
    if level is None or not candidate.levels:
        return 0
    return min(abs(level - lv) for lv in candidate.levels)


def on_track(candidate: Candidate, track: str | None) -> bool:
    return track is None or not candidate.tracks or track in candidate.tracks


def requests(blueprint):
    """(category, difficulty key, difficulty value or None, count) for every non-empty blueprint cell."""
    for row in blueprint:
        for key, value in (*DIFFICULTY_KEYS, ("any", None)):
            count = int(row.get(key) or 0)
            if count > 0:
                yield row["category"], key, value, count


def pool_for(candidates, category, difficulty, track):
    return [c for c in candidates if c.category == category and on_track(c, track)
            and (difficulty is None or c.difficulty == difficulty)]


@dataclass(frozen=True)
class Cell:
    """One blueprint cell against the bank, for the trainer's view of a quiz: how many questions the
    cell draws, how many the bank holds for it on the quiz's track, and how many of those are at the
    quiz's level (or untagged) and within one level of it (what the draw takes first)."""

    category: str
    difficulty: str  # easy | medium | hard | any
    needed: int
    available: int
    at_level: int
    near_level: int

    @property
    def short(self):
        """No attempt can start: the bank has too few questions for this cell."""
        return self.available < self.needed

    @property
    def off_level(self):
        """Attempts can start, but some of their questions in this cell come from another level."""
        return not self.short and self.at_level < self.needed


def coverage(blueprint, candidates, track=None, level=None):
    """[Cell] for every non-empty cell of the blueprint."""
    cells = []
    for category, key, value, count in requests(blueprint):
        pool = pool_for(candidates, category, value, track)
        distances = [level_distance(c, level) for c in pool]
        cells.append(Cell(category, key, count, len(pool), distances.count(0), sum(d <= 1 for d in distances)))
    return cells


def draw(blueprint, candidates, rng, *, track=None, level=None, seen=frozenset(), allow_short=False):
    """Pick the questions of one attempt. ``rng`` is a ``random.Random``; ``seen`` the ids the trainee was
    shown before. ``allow_short`` (practice) takes what there is instead of raising."""
    drawn, shortages, taken = Drawn(), [], set()
    for category, key, value, count in requests(blueprint):
        pool = [c for c in pool_for(candidates, category, value, track) if c.id not in taken]
        if len(pool) < count and not allow_short:
            shortages.append(Shortage(category, key, count, len(pool)))
            continue
        keyed = [((level_distance(c, level) > 1, c.id in seen, level_distance(c, level), rng.random()), c)
                 for c in pool]
        keyed.sort(key=lambda pair: pair[0])
        for _, c in keyed[:count]:
            drawn.ids.append(c.id)
            drawn.cells.append((category, key))
            taken.add(c.id)
    if shortages:
        raise BlueprintShortage(shortages)
    return drawn
