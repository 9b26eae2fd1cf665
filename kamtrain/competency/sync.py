"""Load content/competency.yaml and content/tracks.yaml: parse into plain data with every problem
located (file:line), then write in the caller's transaction, matching rows by their codes."""

from dataclasses import dataclass, field

from kamtrain.accounts.roles import LEVELS, Track
from kamtrain.competency.models import (
    Aspect,
    Category,
    Indicator,
    LevelTarget,
    ProficiencyStep,
    TrackInfo,
    TrackLevel,
)
from kamtrain.core.checks import Checker
from kamtrain.core.db import db
from kamtrain.core.sourcefiles import SourceError, load_yaml

STEPS = (1, 2, 3, 4)


@dataclass
class CategoryData:
    code: str
    number: int
    names: tuple
    descriptions: tuple
    indicators: dict = field(default_factory=dict)  # step → [(zh, en)]


@dataclass
class AspectData:
    code: str
    position: int
    names: tuple
    mottos: tuple
    categories: list = field(default_factory=list)


@dataclass
class CompetencyModel:
    scale: list  # [(value, (zh, en), (desc_zh, desc_en))]
    aspects: list

    @property
    def category_codes(self):
        return [c.code for a in self.aspects for c in a.categories]


@dataclass
class LevelData:
    level: int
    names: tuple
    descriptions: tuple
    targets: dict  # category code → proficiency


@dataclass
class TrackData:
    code: str
    names: tuple
    descriptions: tuple
    levels: list


def read_competency(path, display):
    """Parse and validate competency.yaml. Returns (CompetencyModel | None, problems)."""
    try:
        doc = load_yaml(path, display)
    except SourceError as e:
        return None, [e.problem]
    c = Checker(display)
    root = c.mapping(doc, "file", 1)
    if root is None:
        return None, c.problems
    c.unknown_keys(root, {"scale", "aspects"})

    scale = []
    for i, step in enumerate(c.items(root.get("scale"), "scale", root.line_of("scale"))):
        step = c.mapping(step, f"scale[{i}]", root.line_of("scale"))
        if step is None:
            continue
        value = c.one_of(step, "value", STEPS, f"scale[{i}]")
        zh, en = c.field(step, "zh", str, f"scale[{i}]"), c.field(step, "en", str, f"scale[{i}]")
        dzh = c.field(step, "zh_description", str, f"scale[{i}]", required=False) or ""
        den = c.field(step, "en_description", str, f"scale[{i}]", required=False) or ""
        scale.append((value, (zh, en), (dzh, den)))
    if sorted(v for v, _, _ in scale if v) != list(STEPS):
        c.add(root.line_of("scale"), "scale: needs exactly the steps 1, 2, 3, 4")

    aspects, codes, numbers = [], set(), set()
    for ai, a in enumerate(c.items(root.get("aspects"), "aspects", root.line_of("aspects"))):
        where = f"aspects[{ai}]"
        a = c.mapping(a, where, root.line_of("aspects"))
        if a is None:
            continue
        c.unknown_keys(a, {"code", "position", "zh", "en", "zh_motto", "en_motto", "categories"}, where)
        aspect = AspectData(
            code=c.field(a, "code", str, where),
            position=c.field(a, "position", int, where),
            names=(c.field(a, "zh", str, where), c.field(a, "en", str, where)),
            mottos=(c.field(a, "zh_motto", str, where, False) or "", c.field(a, "en_motto", str, where, False) or ""),
        )
        for ci, cat in enumerate(c.items(a.get("categories"), f"{where}.categories", a.line_of("categories"))):
            cw = f"{where}.categories[{ci}]"
            cat = c.mapping(cat, cw, a.line_of("categories"))
            if cat is None:
                continue
            c.unknown_keys(cat, {"code", "number", "zh", "en", "zh_description", "en_description", "indicators"}, cw)
            data = CategoryData(
                code=c.field(cat, "code", str, cw),
                number=c.field(cat, "number", int, cw),
                names=(c.field(cat, "zh", str, cw), c.field(cat, "en", str, cw)),
                descriptions=(c.field(cat, "zh_description", str, cw), c.field(cat, "en_description", str, cw)),
            )
            if data.code in codes:
                c.add(cat.line_of("code"), f"{cw}.code: {data.code!r} used twice")
            if data.number in numbers:
                c.add(cat.line_of("number"), f"{cw}.number: {data.number} used twice")
            codes.add(data.code)
            numbers.add(data.number)
            indicators = c.field(cat, "indicators", type(cat), cw)
            if indicators is not None:
                for step in STEPS:
                    items = indicators.get(step)
                    if not items:
                        c.add(indicators.line, f"{cw}.indicators: no indicators for step {step}")
                        continue
                    items = c.items(items, f"{cw}.indicators.{step}", indicators.line_of(step))
                    pairs = []
                    for ii, item in enumerate(items):
                        iw = f"{cw}.indicators.{step}[{ii}]"
                        item = c.mapping(item, iw, items.line_of(ii))
                        if item is not None:
                            pairs.append((c.field(item, "zh", str, iw), c.field(item, "en", str, iw)))
                    data.indicators[step] = pairs
                for extra in set(indicators) - set(STEPS):
                    c.add(indicators.line_of(extra), f"{cw}.indicators: {extra!r} is not a step 1–4")
            aspect.categories.append(data)
        aspects.append(aspect)
    if sorted(numbers - {None}) != list(range(1, 13)):
        c.add(root.line_of("aspects"), "aspects: the model needs categories numbered 1 to 12, each once")
    return CompetencyModel(scale=scale, aspects=aspects), c.problems


def read_tracks(path, display, category_codes):
    """Parse and validate tracks.yaml against the model's category codes."""
    try:
        doc = load_yaml(path, display)
    except SourceError as e:
        return None, [e.problem]
    c = Checker(display)
    root = c.mapping(doc, "file", 1)
    if root is None:
        return None, c.problems
    c.unknown_keys(root, {"tracks"})
    tracks = []
    for ti, t in enumerate(c.items(root.get("tracks"), "tracks", root.line_of("tracks"))):
        tw = f"tracks[{ti}]"
        t = c.mapping(t, tw, root.line_of("tracks"))
        if t is None:
            continue
        c.unknown_keys(t, {"code", "zh", "en", "zh_description", "en_description", "levels"}, tw)
        track = TrackData(
            code=c.one_of(t, "code", [tr.value for tr in Track], tw),
            names=(c.field(t, "zh", str, tw), c.field(t, "en", str, tw)),
            descriptions=(c.field(t, "zh_description", str, tw), c.field(t, "en_description", str, tw)),
            levels=[],
        )
        for li, lv in enumerate(c.items(t.get("levels"), f"{tw}.levels", t.line_of("levels"))):
            lw = f"{tw}.levels[{li}]"
            lv = c.mapping(lv, lw, t.line_of("levels"))
            if lv is None:
                continue
            c.unknown_keys(lv, {"level", "zh", "en", "zh_description", "en_description", "targets"}, lw)
            targets_map = c.field(lv, "targets", type(lv), lw)
            targets = {}
            if targets_map is not None:
                for code, value in targets_map.items():
                    if code not in category_codes:
                        c.add(targets_map.line_of(code), f"{lw}.targets: unknown category {code!r}")
                    elif value not in STEPS or isinstance(value, bool):
                        c.add(targets_map.line_of(code), f"{lw}.targets.{code}: {value!r} is not a step 1–4")
                    else:
                        targets[code] = value
                missing = [code for code in category_codes if code not in targets_map]
                if missing:
                    c.add(targets_map.line, f"{lw}.targets: missing {', '.join(missing)}")
            track.levels.append(LevelData(
                level=c.one_of(lv, "level", LEVELS, lw),
                names=(c.field(lv, "zh", str, lw), c.field(lv, "en", str, lw)),
                descriptions=(c.field(lv, "zh_description", str, lw), c.field(lv, "en_description", str, lw)),
                targets=targets,
            ))
        if sorted(lv.level for lv in track.levels if lv.level) != sorted(LEVELS):
            c.add(t.line_of("levels"), f"{tw}.levels: needs each of the levels 4, 3, 2, 1 once")
        # A higher level never asks for less than the level below it.
        by_level = {lv.level: lv for lv in track.levels if lv.level}
        for upper, lower in ((3, 4), (2, 3), (1, 2)):
            if upper in by_level and lower in by_level:
                for code, value in by_level[upper].targets.items():
                    if value < by_level[lower].targets.get(code, 0):
                        c.add(t.line_of("levels"),
                              f"{tw}: level {upper} asks less {code} than level {lower}")
        tracks.append(track)
    found = sorted(t.code for t in tracks if t.code)
    if found != sorted(tr.value for tr in Track):
        c.add(root.line_of("tracks"), "tracks: needs the tracks sales and marketing, each once")
    return tracks, c.problems


def apply_competency(model):
    """Upsert the scale, aspects, categories and indicators. Returns {kind: count}."""
    for value, (zh, en), (dzh, den) in model.scale:
        step = db.session.get(ProficiencyStep, value) or ProficiencyStep(value=value)
        step.name_zh, step.name_en, step.description_zh, step.description_en = zh, en, dzh, den
        db.session.add(step)
    aspects = {a.code: a for a in db.session.scalars(db.select(Aspect))}
    categories = {c.code: c for c in db.session.scalars(db.select(Category))}
    # Park category numbers out of the way so renumbering never trips the unique constraint.
    for cat in categories.values():
        cat.number = -cat.id
    db.session.flush()
    n_indicators = 0
    for a in model.aspects:
        aspect = aspects.get(a.code) or Aspect(code=a.code)
        aspect.position = a.position
        aspect.name_zh, aspect.name_en = a.names
        aspect.motto_zh, aspect.motto_en = a.mottos
        db.session.add(aspect)
        for cd in a.categories:
            cat = categories.get(cd.code) or Category(code=cd.code)
            cat.aspect = aspect
            cat.number = cd.number
            cat.name_zh, cat.name_en = cd.names
            cat.description_zh, cat.description_en = cd.descriptions
            db.session.add(cat)
            db.session.flush()
            existing = {(i.step, i.position): i for i in db.session.scalars(
                db.select(Indicator).filter_by(category_id=cat.id))}
            for step, pairs in cd.indicators.items():
                for position, (zh, en) in enumerate(pairs, start=1):
                    ind = existing.pop((step, position), None) or Indicator(
                        category_id=cat.id, step=step, position=position)
                    ind.text_zh, ind.text_en, ind.retired = zh, en, False
                    db.session.add(ind)
                    n_indicators += 1
            for ind in existing.values():
                ind.retired = True
    db.session.flush()
    return {"categories": len(model.category_codes), "indicators": n_indicators}


def apply_tracks(tracks):
    categories = {c.code: c for c in db.session.scalars(db.select(Category))}
    levels = 0
    for t in tracks:
        info = db.session.get(TrackInfo, t.code) or TrackInfo(code=t.code)
        info.name_zh, info.name_en = t.names
        info.description_zh, info.description_en = t.descriptions
        db.session.add(info)
        db.session.flush()
        for lv in t.levels:
            row = db.session.scalar(db.select(TrackLevel).filter_by(track=t.code, level=lv.level))
            row = row or TrackLevel(track=t.code, level=lv.level)
            row.name_zh, row.name_en = lv.names
            row.description_zh, row.description_en = lv.descriptions
            current = {target.category.code: target for target in row.targets}
            for code, value in lv.targets.items():
                target = current.get(code)
                if target is None:
                    row.targets.append(LevelTarget(category=categories[code], proficiency=value))
                else:
                    target.proficiency = value
            db.session.add(row)
            levels += 1
    db.session.flush()
    return {"track_levels": levels}
