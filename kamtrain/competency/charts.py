"""Charts drawn on the server: the radar (profile against the target profiles), trend sparklines and
distribution bars. Geometry is computed once (pure) and drawn as SVG for the pages or as a
ReportLab drawing for the plan PDF, so both show the same picture.

SVG uses presentation attributes only (no style attributes: the CSP allows none), a ``<title>``
and an aria-label; the table next to each chart carries the same numbers for screen readers.
"""

import math
from dataclasses import dataclass, field
from functools import lru_cache
from xml.sax.saxutils import escape, quoteattr

SCALE_MAX = 4
COLOURS = {"profile": "#0b5cad", "target": "#b42318", "current": "#5f6b7a", "grid": "#d9dee5",
           "ink": "#1f2933", "muted": "#5f6b7a", "fill": "#0b5cad"}


@dataclass(frozen=True)
class RadarGeometry:
    width: float
    height: float  # of the chart; the legend (legend_layout) goes below
    centre: tuple
    radius: float
    axes: list  # [(x, y)] outer end of each axis
    rings: list  # [[(x, y)] per ring value 1…4]
    labels: list  # [(x, y, anchor, [line, …])]
    profile: list | None  # [(x, y)] or None
    target: list | None
    current: list | None
    missing: list  # indexes of axes without a value
    # the parts that depend only on the labels and the size, drawn once per process (see _frame)
    frame: object = field(default=None, compare=False, repr=False)


LEGEND_LINE = 22
LABEL_SIZE = 15
LINE_HEIGHT = 17


def wrap_label(text, cjk_chars=5, latin_chars=13):
    """Lines for an axis label "7 问题分析与处理" / "7 Problem analysis & resolution": CJK names split
    in the middle when long, others wrapped at spaces (the number stays with the first word)."""
    text = text.strip()
    if any(ord(ch) > 0x2E80 for ch in text):
        number, _, name = text.partition(" ")
        if len(name) <= cjk_chars:
            return [text]
        half = (len(name) + 1) // 2
        return [f"{number} {name[:half]}", name[half:]]
    words = text.split()
    lines, line = [], " ".join(words[:2])
    for word in words[2:]:
        if len(line) + 1 + len(word) > latin_chars:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}"
    lines.append(line)
    return lines


def _point(centre, radius, index, count, value):
    angle = -math.pi / 2 + 2 * math.pi * index / count
    r = radius * max(0.0, min(SCALE_MAX, value or 0.0)) / SCALE_MAX
    return (round(centre[0] + r * math.cos(angle), 2), round(centre[1] + r * math.sin(angle), 2))


@dataclass(frozen=True)
class _Frame:
    """The radar's fixed parts for one set of axis labels and one size: the grid, the axes and the
    placed labels, with their SVG markup. Immutable, so one per process is kept (``_frame``); its
    lists are shared by every geometry drawn on it and must not be changed."""

    height: float
    centre: tuple
    axes: list
    rings: list
    labels: list
    grid_svg: str
    labels_svg: str


@lru_cache(maxsize=256)
def _frame(labels, width, radius):
    n = len(labels)
    height = 2 * radius + 2 * (LINE_HEIGHT * 3 + 8)
    centre = (width / 2, height / 2)
    axes = [_point(centre, radius, i, n, SCALE_MAX) for i in range(n)]
    rings = [[_point(centre, radius, i, n, ring) for i in range(n)] for ring in range(1, SCALE_MAX + 1)]
    placed = []
    for i, text in enumerate(labels):
        angle = -math.pi / 2 + 2 * math.pi * i / n
        cos, sin = math.cos(angle), math.sin(angle)
        lines = wrap_label(text)
        x = centre[0] + (radius + 10) * cos
        y = centre[1] + (radius + 10) * sin
        anchor = "middle" if abs(cos) < 0.2 else ("start" if cos > 0 else "end")
        block = LINE_HEIGHT * (len(lines) - 1)
        if abs(sin) < 0.2:
            y += 5 - block / 2  # centred on the axis
        elif sin > 0:
            y += LABEL_SIZE  # below the axis end
        else:
            y -= 4 + block  # above it
        placed.append((round(x, 2), round(y, 2), anchor, lines))
    return _Frame(height, centre, axes, rings, placed, _grid_svg(centre, rings, axes), _labels_svg(placed))


def radar_geometry(labels, values, target=None, current=None, width=500.0, radius=124.0):
    """``labels``: one short text per axis (clockwise from the top); ``values``: proficiency 1…4 or
    None per axis (None is drawn at the centre and listed in ``missing``); ``target`` and
    ``current``: the target profiles (or None)."""
    frame = _frame(tuple(labels), width, radius)
    n = len(labels)
    centre = frame.centre

    def polygon(series):
        if series is None or all(v is None for v in series):
            return None
        return [_point(centre, radius, i, n, v) for i, v in enumerate(series)]

    return RadarGeometry(width, frame.height, centre, radius, frame.axes, frame.rings, frame.labels, polygon(values),
                         polygon(target), polygon(current), [i for i, v in enumerate(values) if v is None], frame)


def _points(points):
    return " ".join(f"{x},{y}" for x, y in points)


LEGEND = (("profile", "profile", ""), ("target", "target", "6 4"), ("current", "current", "2 3"))


def legend_layout(geometry, legend, size=13):
    """[(key, colour, dash, x, y)] — the legend's entries placed in rows under the chart, wrapping
    when a row is full; and the height the legend needs."""
    placed, x, row = [], 10.0, 0
    for key, colour, dash in LEGEND:
        if key not in legend or (key == "current" and not geometry.current) or (
                key == "target" and not geometry.target):
            continue
        width = 34 + size * _text_units(legend[key])
        if x > 10 and x + width > geometry.width - 6:
            x, row = 10.0, row + 1
        placed.append((key, COLOURS[colour], dash, x, geometry.height + 18 + row * LEGEND_LINE))
        x += width + 14
    return placed, (row + 1) * LEGEND_LINE + 8 if placed else 0


def _grid_svg(centre, rings, axes):
    cx, cy = centre
    out = []
    for ring_index, ring in enumerate(rings, start=1):
        out.append(f'<polygon points="{_points(ring)}" fill="none" stroke="{COLOURS["grid"]}" '
                   f'stroke-width="{1.2 if ring_index == SCALE_MAX else 0.8}"/>')
        x, y = ring[0]
        out.append(f'<text x="{x + 3}" y="{y + 11}" font-size="10" fill="{COLOURS["muted"]}">{ring_index}</text>')
    for x, y in axes:
        out.append(f'<line x1="{cx}" y1="{cy}" x2="{x}" y2="{y}" stroke="{COLOURS["grid"]}" stroke-width="0.8"/>')
    return "".join(out)


def _labels_svg(labels):
    out = []
    for x, y, anchor, lines in labels:
        out.append(f'<text x="{x}" y="{y}" text-anchor="{anchor}" font-size="{LABEL_SIZE}" fill="{COLOURS["ink"]}">')
        for k, line in enumerate(lines):
            dy = "0" if k == 0 else str(LINE_HEIGHT)
            out.append(f'<tspan x="{x}" dy="{dy}">{escape(line)}</tspan>')
        out.append("</text>")
    return "".join(out)


def radar_svg(geometry, title, legend=None, ident="radar"):
    """The radar as an inline SVG string (every text escaped). ``legend``: {'profile': …, 'target': …,
    'current': …} captions."""
    g = geometry
    legend = legend or {}
    entries, legend_height = legend_layout(g, legend)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {g.width:g} {g.height + legend_height:g}" '
           f'class="radar" role="img" aria-labelledby="{ident}-title" id="{ident}">',
           f'<title id="{ident}-title">{escape(title)}</title>']
    frame = g.frame
    out.append(frame.grid_svg if frame is not None else _grid_svg(g.centre, g.rings, g.axes))
    if g.current:
        out.append(f'<polygon class="radar-current" points="{_points(g.current)}" fill="none" '
                   f'stroke="{COLOURS["current"]}" stroke-width="1.5" stroke-dasharray="2 3"/>')
    if g.target:
        out.append(f'<polygon class="radar-target" points="{_points(g.target)}" fill="none" '
                   f'stroke="{COLOURS["target"]}" stroke-width="2" stroke-dasharray="6 4"/>')
    if g.profile:
        out.append(f'<polygon class="radar-profile" points="{_points(g.profile)}" fill="{COLOURS["fill"]}" '
                   f'fill-opacity="0.22" stroke="{COLOURS["profile"]}" stroke-width="2.5"/>')
        for i, (x, y) in enumerate(g.profile):
            hollow = i in g.missing
            out.append(f'<circle cx="{x}" cy="{y}" r="3.4" fill="{"#fff" if hollow else COLOURS["profile"]}" '
                       f'stroke="{COLOURS["profile"]}" stroke-width="1.2"/>')
    out.append(frame.labels_svg if frame is not None else _labels_svg(g.labels))
    for key, colour, dash, x, y in entries:
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        out.append(f'<line x1="{x}" y1="{y - 5}" x2="{x + 24}" y2="{y - 5}" stroke="{colour}" stroke-width="2.5"'
                   f'{dash_attr}/>')
        out.append(f'<text x="{x + 29}" y="{y}" font-size="13" fill="{COLOURS["ink"]}">{escape(legend[key])}</text>')
    out.append("</svg>")
    return "".join(out)


def _text_units(text):
    """Rough width of ``text`` in font-size units (CJK characters are square, Latin ones about half)."""
    return sum(1.0 if ord(ch) > 0x2E80 else 0.55 for ch in text)


def radar_drawing(geometry, font_name, legend=None, scale=1.0):
    """The same radar as a ReportLab Drawing (for the plan PDF)."""
    from reportlab.graphics.shapes import Circle, Drawing, Line, Polygon, String
    from reportlab.lib.colors import Color, HexColor, white

    g = geometry
    legend = legend or {}
    entries, legend_height = legend_layout(g, legend)
    height = g.height + legend_height
    drawing = Drawing(g.width * scale, height * scale)

    def at(x, y):  # SVG y grows downwards, ReportLab's upwards
        return x * scale, (height - y) * scale

    def flat(points):
        out = []
        for x, y in points:
            out += list(at(x, y))
        return out

    for ring in g.rings:
        drawing.add(Polygon(flat(ring), fillColor=None, strokeColor=HexColor(COLOURS["grid"]), strokeWidth=0.8))
    for x, y in g.axes:
        drawing.add(Line(*at(*g.centre), *at(x, y), strokeColor=HexColor(COLOURS["grid"]), strokeWidth=0.6))
    if g.current:
        drawing.add(Polygon(flat(g.current), fillColor=None, strokeColor=HexColor(COLOURS["current"]),
                            strokeWidth=1.2, strokeDashArray=[2, 3]))
    if g.target:
        drawing.add(Polygon(flat(g.target), fillColor=None, strokeColor=HexColor(COLOURS["target"]),
                            strokeWidth=1.6, strokeDashArray=[6, 4]))
    if g.profile:
        base = HexColor(COLOURS["fill"])
        fill = Color(base.red, base.green, base.blue, alpha=0.22)
        drawing.add(Polygon(flat(g.profile), fillColor=fill, strokeColor=HexColor(COLOURS["profile"]),
                            strokeWidth=2))
        for i, (x, y) in enumerate(g.profile):
            drawing.add(Circle(*at(x, y), 2.8 * scale, fillColor=white if i in g.missing
                               else HexColor(COLOURS["profile"]), strokeColor=HexColor(COLOURS["profile"]),
                               strokeWidth=1))
    for x, y, anchor, lines in g.labels:
        for k, line in enumerate(lines):
            drawing.add(String(*at(x, y + k * LINE_HEIGHT), line, fontName=font_name, fontSize=LABEL_SIZE * scale,
                               textAnchor=anchor, fillColor=HexColor(COLOURS["ink"])))
    for key, colour, dash, x, y in entries:
        drawing.add(Line(*at(x, y - 5), *at(x + 24, y - 5), strokeColor=HexColor(colour), strokeWidth=2,
                         strokeDashArray=[int(d) for d in dash.split()] if dash else None))
        drawing.add(String(*at(x + 29, y), legend[key], fontName=font_name, fontSize=13 * scale,
                           fillColor=HexColor(COLOURS["ink"])))
    return drawing


def sparkline_svg(values, title, width=96, height=24):
    """A small line of proficiency values (1…4; None leaves a gap) over time. A pure function of its
    arguments, so the last few thousand drawings are kept per process."""
    return _sparkline(tuple(values), title, width, height)


@lru_cache(maxsize=4096)
def _sparkline(values, title, width, height):
    n = len(values)
    if n == 0 or all(v is None for v in values):
        return ""
    step = (width - 6) / max(1, n - 1)

    def y(v):
        return round(height - 3 - (height - 6) * (v - 1) / 3, 2)

    segments, current = [], []
    for i, v in enumerate(values):
        if v is None:
            if current:
                segments.append(current)
            current = []
        else:
            current.append((round(3 + i * step, 2), y(v)))
    if current:
        segments.append(current)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" '
             f'height="{height}" class="spark" role="img" aria-label={quoteattr(title)}>',
             f'<line x1="0" y1="{y(1)}" x2="{width}" y2="{y(1)}" stroke="{COLOURS["grid"]}" stroke-width="0.6"/>']
    for seg in segments:
        if len(seg) > 1:
            parts.append(f'<polyline points="{_points(seg)}" fill="none" stroke="{COLOURS["profile"]}" '
                         'stroke-width="1.6"/>')
    lx, ly = segments[-1][-1]
    parts.append(f'<circle cx="{lx}" cy="{ly}" r="2.2" fill="{COLOURS["profile"]}"/>')
    parts.append("</svg>")
    return "".join(parts)


BUCKET_COLOURS = ("#b42318", "#e8a33d", "#6aa5e3", "#0b5cad", "#d9dee5")  # steps 1–4, then no evidence


def distribution_svg(counts, title, width=160, height=14):
    """A stacked bar of trainees per step 1–4 and without evidence (``counts``: five numbers)."""
    total = sum(counts)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" '
             f'height="{height}" class="dist" role="img" aria-label={quoteattr(title)}>']
    if total:
        x = 0.0
        for count, colour in zip(counts, BUCKET_COLOURS, strict=True):
            w = width * count / total
            if w > 0:
                parts.append(f'<rect x="{round(x, 2)}" y="0" width="{round(w, 2)}" height="{height}" '
                             f'fill="{colour}"/>')
            x += w
    parts.append("</svg>")
    return "".join(parts)
