"""The development plan as a PDF (ReportLab): the trainee, the period and approval, the radar chart
(the same geometry as the page's SVG), the category table, each goal with its activities and due
dates, and the plan's history.

The Chinese font (Debian's fonts-wqy-zenhei, TrueType) is embedded as a subset, so the text is real
text that ``pdftotext`` extracts. The font is registered once per process through the
certification's helper (kamtrain/certification/pdf.py ``register_font``).
"""

import io
from xml.sax.saxutils import escape

from flask import current_app
from flask_babel import gettext as _
from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from kamtrain.accounts.roles import LEVEL_NAMES
from kamtrain.certification.pdf import register_font
from kamtrain.competency import charts
from kamtrain.competency.models import TrackInfo
from kamtrain.competency.profiles import profile
from kamtrain.core.db import db, utcnow
from kamtrain.development.messages import EVENT_NAMES, FIGURE_STATES, ITEM_KINDS, STATUS_NAMES
from kamtrain.development.progress import plan_state

FONT_FILE = "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"
INK, MUTED, BRAND, LINE = (colors.HexColor(c) for c in ("#1f2933", "#5f6b7a", "#0b5cad", "#d9dee5"))


def _font():
    return register_font(current_app.config.get("PLAN_PDF_FONT") or FONT_FILE, 0)


def _styles(font):
    base = ParagraphStyle("base", fontName=font, fontSize=10, leading=15, textColor=INK, wordWrap="CJK",
                          alignment=TA_LEFT)
    return {
        "base": base,
        "small": ParagraphStyle("small", parent=base, fontSize=8.5, leading=12, textColor=MUTED),
        "title": ParagraphStyle("title", parent=base, fontSize=18, leading=24, textColor=BRAND, spaceAfter=4),
        "h2": ParagraphStyle("h2", parent=base, fontSize=13, leading=18, textColor=BRAND, spaceBefore=10,
                             spaceAfter=4),
        "cell": ParagraphStyle("cell", parent=base, fontSize=9, leading=12.5),
    }


def _name(obj, field, lang):
    return getattr(obj, f"{field}_{lang}", None) or getattr(obj, f"{field}_zh", "")


def item_title(item, lang):
    if item.kind == "module" and item.module is not None:
        return _name(item.module, "title", lang)
    if item.kind == "quiz" and item.quiz is not None:
        return _name(item.quiz, "title", lang)
    if item.kind == "scenario" and item.scenario is not None:
        return _name(item.scenario, "title", lang)
    return item.text


def _gap_text(gap):
    """As on the page: "Meets" at or above the target, otherwise the shortfall (−0.7)."""
    if gap is None:
        return "—"
    return _("Meets") if gap <= 0 else f"-{gap:.1f}"  # ASCII minus: the CJK font has no U+2212


def _fmt(value):
    return "—" if value is None else f"{value:.1f}"


def _table(rows, widths, header=True):
    table = Table(rows, colWidths=widths, repeatRows=1 if header else 0)
    style = [("VALIGN", (0, 0), (-1, -1), "TOP"), ("LINEBELOW", (0, 0), (-1, -1), 0.4, LINE),
             ("TOPPADDING", (0, 0), (-1, -1), 3), ("BOTTOMPADDING", (0, 0), (-1, -1), 3)]
    if header:
        style.append(("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eef3f9")))
    table.setStyle(TableStyle(style))
    return table


def plan_pdf(plan, lang="zh"):
    """The PDF bytes of ``plan`` (labels in the current locale; ``lang`` picks the content names)."""
    font = _font()
    st = _styles(font)
    person = plan.user
    state = plan_state(plan)
    prof = profile(person, towards=plan.level)  # the plan's targets, as its goals were set
    track = db.session.get(TrackInfo, person.track) if person.track else None

    def p(text, style="base"):
        return Paragraph(escape(str(text)), st[style])

    story = [p(_("Personal development plan"), "title"),
             p(f"{person.full_name}（{person.username}）" if lang == "zh"
               else f"{person.full_name} ({person.username})", "h2")]
    facts = [
        (_("Employee no."), person.employee_no or "—"),
        (_("Team"), person.team.name if person.team else "—"),
        (_("Track"), _name(track, "name", lang) if track else "—"),
        (_("Target level"), str(LEVEL_NAMES[plan.level]) if plan.level else "—"),
        (_("Period"), f"{plan.starts_on.isoformat()} – {plan.review_on.isoformat()}"),
        (_("Status"), str(STATUS_NAMES[plan.status])),
        (_("Approved"), f"{plan.approved_at:%Y-%m-%d} · {plan.approved_by.full_name}" if plan.approved_at
         and plan.approved_by else "—"),
        (_("Progress"), f"{state.percent}%  ({state.done}/{state.total})"),
    ]
    story.append(_table([[p(k, "small"), p(v)] for k, v in facts], [32 * mm, 138 * mm], header=False))

    story.append(p(_("Competency profile"), "h2"))
    labels = [f"{r.category.number} {_name(r.category, 'name', lang)}" for r in prof.rows]
    geometry = charts.radar_geometry(labels, [r.figure.value for r in prof.rows],
                                     [r.target for r in prof.rows] if prof.target_level else None,
                                     [r.current_target for r in prof.rows] if prof.current_level else None)
    legend = {"profile": _("Proficiency now")}
    if prof.target_level:
        legend["target"] = _("Target: %(level)s", level=_name(prof.target_level, "name", lang))
    if prof.current_level:
        legend["current"] = _("Level held: %(level)s", level=_name(prof.current_level, "name", lang))
    story.append(charts.radar_drawing(geometry, font, legend, scale=0.85))
    rows = [[p(h, "small") for h in (_("Competency category"), _("Proficiency"), _("Target value"), _("Gap"),
                                      _("Evidence"))]]
    for r in prof.rows:
        rows.append([p(f"{r.category.number} {_name(r.category, 'name', lang)}", "cell"),
                     p(_fmt(r.figure.value), "cell"), p(r.target or "—", "cell"),
                     p(_gap_text(r.gap), "cell"),
                     p(FIGURE_STATES[r.figure.state], "cell")])
    story.append(_table(rows, [62 * mm, 24 * mm, 18 * mm, 18 * mm, 48 * mm]))

    story.append(p(_("Goals and activities"), "h2"))
    if not state.goals and not state.loose:
        story.append(p(_("This plan has no goals: no gaps against the target were found.")))
    for n, goal_state in enumerate(state.goals, start=1):
        goal = goal_state.goal
        head = [p(_("Goal %(n)d: %(category)s", n=n, category=_name(goal.category, "name", lang)), "h2"),
                p(goal.text),
                p(_("From %(baseline)s (when planned) to %(target)d; now %(now)s. Due %(due)s. Progress %(pct)d%%.",
                    baseline=_fmt(goal.baseline), target=goal.target, now=_fmt(goal_state.figure.value),
                    due=goal.due_on.isoformat(), pct=goal_state.percent), "small")]
        story.append(KeepTogether(head))
        story.append(_items_table(goal_state.items, st, lang))
    if state.loose:
        story.append(p(_("Other assigned work"), "h2"))
        story.append(_items_table(state.loose, st, lang))

    story.append(p(_("History"), "h2"))
    rows = [[p(h, "small") for h in (_("When"), _("What"), _("Done by"), _("Comment"))]]
    for e in plan.events:
        rows.append([p(f"{e.at:%Y-%m-%d %H:%M}", "cell"), p(EVENT_NAMES.get(e.action, e.action), "cell"),
                     p(e.actor.full_name if e.actor else "—", "cell"), p(e.comment, "cell")])
    story.append(_table(rows, [30 * mm, 50 * mm, 30 * mm, 60 * mm]))
    story.append(Spacer(1, 6 * mm))
    story.append(p(_("Printed %(date)s by kamtrain.", date=utcnow().strftime("%Y-%m-%d %H:%M UTC")), "small"))

    out = io.BytesIO()

    def footer(canvas, doc):
        canvas.saveState()
        canvas.setFont(font, 8)
        canvas.setFillColor(MUTED)
        canvas.drawString(20 * mm, 10 * mm, f"{person.full_name} · {_('Personal development plan')}")
        canvas.drawRightString(190 * mm, 10 * mm, str(doc.page))
        canvas.restoreState()

    doc = SimpleDocTemplate(out, pagesize=A4, leftMargin=20 * mm, rightMargin=20 * mm, topMargin=18 * mm,
                            bottomMargin=18 * mm, title=f"{_('Personal development plan')} · {person.full_name}",
                            author="kamtrain")
    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return out.getvalue()


def _items_table(item_states, st, lang):
    def p(text, style="cell"):
        return Paragraph(escape(str(text)), st[style])

    rows = [[p(h, "small") for h in (_("Activity"), _("Kind"), _("Due"), _("Done"))]]
    for s in item_states:
        done = ("√ " + s.when.strftime("%Y-%m-%d")) if s.done and s.when else (_("Done") if s.done else "—")
        rows.append([p(item_title(s.item, lang)), p(ITEM_KINDS[s.item.kind]),
                     p(s.item.due_on.isoformat() if s.item.due_on else "—"), p(done)])
    return _table(rows, [82 * mm, 26 * mm, 25 * mm, 37 * mm])
