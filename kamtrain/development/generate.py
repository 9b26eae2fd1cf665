"""Turning a gap profile into a draft development plan (pure: plain data in, plain data out).

For each of the largest gaps (at most ``MAX_GOALS``, ranked by ``proficiency.priority``): a goal
from the current proficiency to the target by the review date, and activities —

* course modules that teach the category (primary category first, the trainee's track, the level
  worked towards; modules already completed are skipped): at most two;
* the category's practice quiz;
* a scenario that assesses the category (track and level; not yet passed ones first): at most one;
* on-the-job actions: the behavioural indicators of the next step of the scale (content/
  competency.yaml), to be shown on real customer work and observed by the leader.

Due dates are spread over the plan's period (``PERIOD_DAYS``): modules first, then the quiz, the
scenario, and the actions by the goal's date.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from kamtrain.competency.proficiency import priority, shortfall

MAX_GOALS = 3
PERIOD_DAYS = 91  # a quarter: the plan is reviewed, then closed or renewed
MODULES_PER_GOAL = 2
ACTIONS_PER_GOAL = 2


@dataclass(frozen=True)
class GapInput:
    category_id: int
    code: str
    names: tuple  # (zh, en)
    value: float | None  # current proficiency (None: no evidence)
    reliable: bool
    target: int | None


@dataclass(frozen=True)
class ModuleOption:
    id: int
    code: str
    category_ids: tuple  # primary first
    tracks: tuple
    levels: tuple
    minutes: int
    completed: bool = False


@dataclass(frozen=True)
class ScenarioOption:
    id: str
    category_codes: tuple
    tracks: tuple
    levels: tuple
    passed: bool = False


@dataclass(frozen=True)
class IndicatorOption:
    category_id: int
    step: int
    texts: tuple  # (zh, en)


@dataclass
class ItemDraft:
    kind: str  # module | quiz | scenario | action
    due_on: date
    module_id: int | None = None
    scenario_id: str | None = None
    category_code: str | None = None  # quiz: the category's practice quiz
    text: str = ""


@dataclass
class GoalDraft:
    category_id: int
    code: str
    baseline: float | None
    target: int
    text: str
    due_on: date
    items: list = field(default_factory=list)


STEP_NAMES = {"zh": {1: "基础", 2: "胜任", 3: "熟练", 4: "专家"},
              "en": {1: "Foundation", 2: "Competent", 3: "Proficient", 4: "Expert"}}


def goal_text(gap, due_on, lang):
    """The goal in plain words, in the trainee's language (they may rewrite it)."""
    zh = lang != "en"
    name = gap.names[0] if zh else gap.names[1]
    step = STEP_NAMES["zh" if zh else "en"][gap.target]
    when = due_on.isoformat()
    if gap.value is None:
        if zh:
            return f"在{when}前为“{name}”积累足够的能力证据，并达到目标{gap.target}级（{step}）。"
        return f"By {when}, build up evidence in {name} and reach the target step {gap.target} ({step})."
    now = f"{gap.value:.1f}"
    if zh:
        return f"在{when}前把“{name}”从{now}提升到目标{gap.target}级（{step}）。"
    return f"By {when}, raise {name} from {now} to the target step {gap.target} ({step})."


def action_text(indicator, lang):
    zh = lang != "en"
    text = indicator.texts[0] if zh else indicator.texts[1]
    if zh:
        return f"在客户工作中做到：{text}（请班组长在拜访中观察并记录）"
    return f"On the job: {text} (ask your team leader to observe it on a customer visit)"


def choose_gaps(gaps, limit=MAX_GOALS):
    """The largest gaps first (categories at or above target are left out)."""
    below = [g for g in gaps if g.target is not None and shortfall(g.value, g.target) > 0]
    return sorted(below, key=lambda g: priority(g.value, g.target, g.reliable))[:limit]


def _module_rank(module, category_id, level):
    primary = 0 if module.category_ids and module.category_ids[0] == category_id else 1
    level_fit = 0 if level in module.levels else 1 + min((abs(lv - level) for lv in module.levels), default=4)
    return (primary, level_fit, module.minutes, module.code)


def pick_modules(gap, modules, track, level, taken, n=MODULES_PER_GOAL):
    fits = [m for m in modules if gap.category_id in m.category_ids and not m.completed and m.id not in taken
            and (not track or not m.tracks or track in m.tracks)]
    return sorted(fits, key=lambda m: _module_rank(m, gap.category_id, level or 4))[:n]


def pick_scenario(gap, scenarios, track, level, taken):
    fits = [s for s in scenarios if gap.code in s.category_codes and s.id not in taken
            and (not track or not s.tracks or track in s.tracks)]
    ranked = sorted(fits, key=lambda s: (s.passed, 0 if (level in s.levels) else 1,
                                         0 if s.category_codes and s.category_codes[0] == gap.code else 1, s.id))
    return ranked[0] if ranked else None


def next_step(gap):
    """The step whose behaviours to practise: one above the current figure, at most the target."""
    if gap.value is None:
        return min(gap.target, 2)
    return max(1, min(gap.target, int(round(gap.value, 1)) + 1))


def generate(gaps, modules, scenarios, indicators, track, level, today, lang="zh"):
    """[GoalDraft] for the largest gaps. ``indicators``: [IndicatorOption]."""
    goals = []
    taken_modules, taken_scenarios = set(), set()
    for index, gap in enumerate(choose_gaps(gaps)):
        due = today + timedelta(days=PERIOD_DAYS - 7 * (MAX_GOALS - 1 - index))
        offset = 7 * index
        goal = GoalDraft(gap.category_id, gap.code, None if gap.value is None else round(gap.value, 1), gap.target,
                         goal_text(gap, due, lang), due)
        for k, module in enumerate(pick_modules(gap, modules, track, level, taken_modules)):
            taken_modules.add(module.id)
            goal.items.append(ItemDraft("module", today + timedelta(days=14 * (k + 1) + offset), module_id=module.id))
        goal.items.append(ItemDraft("quiz", today + timedelta(days=42 + offset), category_code=gap.code))
        scenario = pick_scenario(gap, scenarios, track, level, taken_scenarios)
        if scenario is not None:
            taken_scenarios.add(scenario.id)
            goal.items.append(ItemDraft("scenario", today + timedelta(days=56 + offset), scenario_id=scenario.id))
        step = next_step(gap)
        chosen = [i for i in indicators if i.category_id == gap.category_id and i.step == step][:ACTIONS_PER_GOAL]
        for indicator in chosen:
            goal.items.append(ItemDraft("action", due, text=action_text(indicator, lang)))
        goals.append(goal)
    return goals
