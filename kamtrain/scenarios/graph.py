"""A scenario's graph as a server-generated SVG (pure: no Flask, no JavaScript, no CDN).

Layered layout, top to bottom: each node sits one layer below the deepest node that leads to it
(back edges of loops are drawn dashed and do not count); nodes within a layer are ordered by the
average position of their predecessors to reduce crossings. Nodes are coloured by kind, endings by
quality; the expert's responses are drawn in green; nodes with a validation problem get a red
border, a "!" and the problem text in their tooltip. Only SVG presentation attributes are used (no
style attributes), so the drawing passes the app's Content-Security-Policy when inlined.
"""

import re
from xml.sax.saxutils import escape, quoteattr

NODE_W, NODE_H = 136, 46
GAP_X, GAP_Y = 18, 58
MARGIN = 20
LEGEND_H = 34
COLOURS = {  # kind → (fill, stroke)
    "say": ("#dbeafe", "#2563eb"),
    "note": ("#f3f4f6", "#6b7280"),
    "decision": ("#fef3c7", "#b45309"),
    "free_text": ("#ede9fe", "#6d28d9"),
    "good": ("#dcfce7", "#15803d"),
    "mixed": ("#fef9c3", "#a16207"),
    "poor": ("#fee2e2", "#b91c1c"),
}
LABELS = {  # legend and tooltip words; the page passes translated ones
    "say": "say", "note": "note", "decision": "decision", "free_text": "free text", "ending": "ending",
    "good": "ending: good", "mixed": "mixed", "poor": "poor", "problem": "problem",
}
PROBLEM = "#dc2626"
BEST_EDGE, EDGE = "#15803d", "#64748b"


_NODE_IN_MESSAGE = re.compile(r"nodes\.([A-Za-z0-9_-]+)")


def problems_by_node(scenario, problems):
    """({node id: [messages]}, [problems that belong to no node]). A problem is a node's by its line in
    the file, or — for a stored version, which keeps no line numbers — by the ``nodes.<code>`` its
    message starts with."""
    found, other = {}, []
    for p in problems:
        if p.line is not None:
            node = scenario.node_at_line(p.line)
        else:
            named = _NODE_IN_MESSAGE.match(p.message)
            node = scenario.nodes.get(named.group(1)) if named else None
        if node is None:
            other.append(p)
        else:
            found.setdefault(node.code, []).append(p.message)
    return found, other


def _edges(scenario):
    """[(source, target, label, best)] for every way on whose target exists."""
    out = []
    for node in scenario.nodes.values():
        for b in node.branches:
            out.append((node.code, b.target, b.when or "", False))
        for r in node.responses:
            for b in r.branches:
                sign = "+" if r.total > 0 else ""
                out.append((node.code, b.target, f"{r.code} {sign}{r.total}", r.best))
    return [e for e in out if e[1] in scenario.nodes]


def _layers(scenario, edges):
    """Node id → layer, and the set of back edges (source, target)."""
    succ = {code: [] for code in scenario.nodes}
    for s, t, _, _ in edges:
        if t not in succ[s]:
            succ[s].append(t)
    back, state, order = set(), {}, []

    def visit(v):  # iterative DFS: finds back edges and a reverse post-order
        stack = [(v, iter(succ[v]))]
        state[v] = "open"
        while stack:
            node, children = stack[-1]
            for w in children:
                if state.get(w) == "open":
                    back.add((node, w))
                elif w not in state:
                    state[w] = "open"
                    stack.append((w, iter(succ[w])))
                    break
            else:
                state[node] = "done"
                order.append(node)
                stack.pop()

    roots = [scenario.start] if scenario.start in scenario.nodes else []
    for v in roots + list(scenario.nodes):
        if v not in state:
            visit(v)
    layer = {v: 0 for v in scenario.nodes}
    for v in reversed(order):
        for w in succ[v]:
            if (v, w) not in back:
                layer[w] = max(layer[w], layer[v] + 1)
    reachable = _reachable(scenario.start, succ) if roots else set()
    last = max(layer.values(), default=0) + 1
    for v in scenario.nodes:  # unreachable nodes get a row of their own at the bottom
        if v not in reachable:
            layer[v] = last
    return layer, back


def _reachable(start, succ):
    seen, todo = {start}, [start]
    while todo:
        for w in succ[todo.pop()]:
            if w not in seen:
                seen.add(w)
                todo.append(w)
    return seen


def _positions(scenario, edges, layer, back):
    rows = {}
    file_order = {code: i for i, code in enumerate(scenario.nodes)}
    for code in scenario.nodes:
        rows.setdefault(layer[code], []).append(code)
    preds = {code: [] for code in scenario.nodes}
    for s, t, _, _ in edges:
        if (s, t) not in back:
            preds[t].append(s)
    slot = {}
    for depth in sorted(rows):
        row = rows[depth]
        for code in row:
            known = [slot[p] for p in preds[code] if p in slot]
            slot[code] = sum(known) / len(known) if known else file_order[code]
        row.sort(key=lambda c: (slot[c], file_order[c]))
        for i, code in enumerate(row):
            slot[code] = i - (len(row) - 1) / 2
    widest = max((len(r) for r in rows.values()), default=1)
    width = 2 * MARGIN + widest * NODE_W + (widest - 1) * GAP_X
    pos = {}
    for depth, row in rows.items():
        for code in row:
            x = width / 2 + slot[code] * (NODE_W + GAP_X) - NODE_W / 2
            y = MARGIN + LEGEND_H + depth * (NODE_H + GAP_Y)
            pos[code] = (round(x, 1), round(y, 1))
    height = MARGIN * 2 + LEGEND_H + (max(rows, default=0) + 1) * (NODE_H + GAP_Y) - GAP_Y
    return pos, width, height


def _short(text, limit=10):
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _node_text(node):
    if node.kind == "say":
        return "；".join(t for _, t in node.lines)
    if node.kind == "ending":
        return f"{node.outcome} · {node.summaries[0] if node.summaries else ''}"
    return node.text


def render_svg(scenario, problems=(), title=None, labels=None):
    """The SVG markup (a string) of ``scenario``'s graph with ``problems`` highlighted. ``labels``
    overrides the words of LABELS (e.g. translated)."""
    labels = {**LABELS, **(labels or {})}
    flagged, _ = problems_by_node(scenario, problems)
    edges = _edges(scenario)
    layer, back = _layers(scenario, edges)
    pos, width, height = _positions(scenario, edges, layer, back)
    legend, legend_end = _legend(labels)
    if legend_end + MARGIN > width:  # a narrow graph: widen the drawing so the whole legend shows
        shift = (legend_end + MARGIN - width) / 2
        pos = {code: (round(x + shift, 1), y) for code, (x, y) in pos.items()}
        width = legend_end + MARGIN
    label = title or scenario.titles[0] or scenario.code
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="scenario-graph" width="{width:.0f}" height="{height:.0f}"'
        f' viewBox="0 0 {width:.0f} {height:.0f}" role="img" aria-label={quoteattr(label)}>',
        f"<title>{escape(label)}</title>",
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7"'
        f' orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="{EDGE}"/></marker>'
        '<marker id="arrow-best" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7"'
        f' orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="{BEST_EDGE}"/></marker></defs>',
    ]
    out += legend
    for s, t, text, best in edges:
        out.append(_edge(pos[s], pos[t], text, best, (s, t) in back, width))
    for node in scenario.nodes.values():
        out.append(_node(node, pos[node.code], flagged.get(node.code), labels))
    out.append("</svg>")
    return "\n".join(out)


def _legend(labels):
    """The legend's SVG items and the x where it ends (names are measured roughly: a CJK character
    counts twice)."""
    items, x = [], MARGIN
    for key in ("say", "note", "decision", "free_text", "good", "mixed", "poor", "problem"):
        fill, stroke = COLOURS.get(key, ("#ffffff", PROBLEM))
        name = labels[key]
        wide = key == "problem"
        items.append(f'<rect x="{x}" y="{MARGIN - 6}" width="14" height="14" rx="3" fill="{fill}" stroke="{stroke}"'
                     f' stroke-width="{3 if wide else 1}"/><text x="{x + 19}" y="{MARGIN + 5}" font-size="11"'
                     f' fill="{PROBLEM if wide else "#334155"}">{escape(name)}</text>')
        x += 28 + 7 * sum(2 if ord(ch) > 0x2E80 else 1 for ch in name)
    return items, x


def _edge(a, b, text, best, is_back, width):
    (x1, y1), (x2, y2) = a, b
    colour = BEST_EDGE if best else EDGE
    marker = "arrow-best" if best else "arrow"
    tip = f"<title>{escape(text)}</title>" if text else ""
    if is_back:  # loops: around the right side, dashed
        sx, sy = x1 + NODE_W, y1 + NODE_H / 2
        ex, ey = x2 + NODE_W, y2 + NODE_H / 2
        bend = min(width - 4, max(sx, ex) + 40)
        d = f"M{sx},{sy} C{bend},{sy} {bend},{ey} {ex},{ey}"
        return (f'<path class="edge back" d="{d}" fill="none" stroke="{colour}" stroke-width="1.4"'
                f' stroke-dasharray="5 4" marker-end="url(#{marker})">{tip}</path>')
    sx, sy = x1 + NODE_W / 2, y1 + NODE_H
    ex, ey = x2 + NODE_W / 2, y2
    mid = (sy + ey) / 2
    d = f"M{sx},{sy} C{sx},{mid} {ex},{mid} {ex},{ey}"
    return (f'<path class="edge{" best" if best else ""}" d="{d}" fill="none" stroke="{colour}"'
            f' stroke-width="{2.2 if best else 1.3}" marker-end="url(#{marker})">{tip}</path>')


def _node(node, at, problems, labels):
    x, y = at
    key = node.quality if node.kind == "ending" else node.kind
    fill, stroke = COLOURS.get(key, COLOURS["note"])
    kind = labels[node.kind]
    tooltip = f"{node.code} ({kind}): {_node_text(node)}"
    if problems:
        tooltip += "\n" + "\n".join(f"⚠ {m}" for m in problems)
    stroke_width = 1.5
    if problems:
        stroke, stroke_width = PROBLEM, 3.5
    parts = [
        f'<g class="node kind-{node.kind}{" has-problem" if problems else ""}" id={quoteattr("node-" + node.code)}>',
        f"<title>{escape(tooltip)}</title>",
        f'<rect x="{x}" y="{y}" width="{NODE_W}" height="{NODE_H}" rx="{12 if node.kind == "ending" else 6}"'
        f' fill="{fill}" stroke="{stroke}" stroke-width="{stroke_width}"/>',
        f'<text x="{x + 8}" y="{y + 17}" font-size="12" font-weight="bold" fill="#0f172a">'
        f"{escape(_short(node.code, 17))}</text>",
        f'<text x="{x + 8}" y="{y + 35}" font-size="11" fill="#1e293b">{escape(_short(_node_text(node)))}</text>',
    ]
    if problems:
        parts.append(f'<circle cx="{x + NODE_W - 2}" cy="{y + 2}" r="9" fill="{PROBLEM}"/>'
                     f'<text x="{x + NODE_W - 2}" y="{y + 6.5}" font-size="12" font-weight="bold" fill="#ffffff"'
                     ' text-anchor="middle">!</text>')
    parts.append("</g>")
    return "".join(parts)
