"""The certificate as a PDF (ReportLab): A4 landscape, Chinese and English, the holder, track and
level, dates, serial, issuer and signatory, and a QR code to the public verification page.

The Chinese font is embedded as a subset (only the glyphs used), so the text is real text
(``pdftotext`` reads it) and the page looks the same everywhere. Fonts and the template are loaded
once per process (``renderer()``), not per certificate: loading the CJK font is most of the cost of
a one-off page (see bench/certificates.py).
"""

import io
import math
import threading
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import segno
import yaml
from reportlab.lib.colors import Color, HexColor, white
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

DEFAULT_TEMPLATE = Path(__file__).with_name("certificate.yaml")
PAGE = landscape(A4)  # 841.9 × 595.3 pt


@dataclass(frozen=True)
class CertificateData:
    """Everything printed on one certificate (plain data: rendering needs no database)."""

    serial: str
    holder: str
    title_zh: str  # the syllabus's title, e.g. 大客户销售经理岗位技能认证 三级（中级）
    title_en: str
    track_zh: str
    track_en: str
    level_zh: str
    level_en: str
    issued_on: date
    expires_on: date
    verify_url: str
    status: str = "valid"  # revoked and reissued copies are marked across the page


def load_template(path=None):
    """The default template with the keys of ``path`` (a YAML file) laid over it."""
    template = yaml.safe_load(DEFAULT_TEMPLATE.read_text(encoding="utf-8"))
    if path:
        own = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
        for key, value in own.items():
            if isinstance(value, dict) and isinstance(template.get(key), dict):
                template[key] = {**template[key], **value}
            else:
                template[key] = value
        if template.get("logo") and not Path(template["logo"]).is_absolute():
            template["logo"] = str(Path(path).parent / template["logo"])
    return template


_fonts_lock = threading.Lock()
_fonts = {}


def register_font(file, index=0):
    """Register the TrueType font once per process; returns its ReportLab name."""
    key = (str(file), int(index))
    with _fonts_lock:
        if key not in _fonts:
            name = f"KamtrainCJK{len(_fonts)}"
            pdfmetrics.registerFont(TTFont(name, str(file), subfontIndex=int(index)))
            _fonts[key] = name
        return _fonts[key]


def qr_path(canvas, text, x, y, size):
    """The QR code of ``text`` drawn as one filled path, ``size`` points square, lower-left at (x, y).
    Dark modules of a row are merged into runs: fewer path operators, the same picture."""
    matrix = segno.make(text, error="m").matrix
    n = len(matrix)
    quiet = 2  # modules of white margin inside the size (the page around it is white too)
    cell = size / (n + 2 * quiet)
    path = canvas.beginPath()
    for row_index, row in enumerate(matrix):
        top = y + size - (quiet + row_index) * cell
        col = 0
        while col < n:
            if row[col] & 1:
                start = col
                while col < n and row[col] & 1:
                    col += 1
                path.rect(x + (quiet + start) * cell, top - cell, (col - start) * cell, cell)
            else:
                col += 1
    canvas.drawPath(path, stroke=0, fill=1)


class CertificateRenderer:
    """A template with its font and logo loaded; ``render()`` makes one certificate's PDF bytes."""

    def __init__(self, template):
        self.template = template
        font = template["font"]
        self.font = register_font(font["file"], font.get("index", 0))
        colours = template["colours"]
        self.primary = HexColor(colours["primary"])
        self.accent = HexColor(colours["accent"])
        self.ink = HexColor(colours["ink"])
        self.muted = HexColor(colours["muted"])
        self.seal_colour = HexColor(colours["seal"])
        self.logo = ImageReader(template["logo"]) if template.get("logo") else None

    # -------------------------------------------------------------- pieces

    def _text(self, c, x, y, text, size, colour=None, align="left"):
        c.setFont(self.font, size)
        c.setFillColor(colour or self.ink)
        if align == "centre":
            c.drawCentredString(x, y, text)
        elif align == "right":
            c.drawRightString(x, y, text)
        else:
            c.drawString(x, y, text)

    def _fitted(self, c, x, y, text, size, max_width, colour=None):
        """Centred text, shrunk until it fits ``max_width``."""
        while size > 6 and pdfmetrics.stringWidth(text, self.font, size) > max_width:
            size -= 0.5
        self._text(c, x, y, text, size, colour, align="centre")

    def _frame(self, c):
        w, h = PAGE
        c.setStrokeColor(self.primary)
        c.setLineWidth(6)
        c.rect(18, 18, w - 36, h - 36, stroke=1, fill=0)
        c.setStrokeColor(self.accent)
        c.setLineWidth(0.8)
        c.rect(30, 30, w - 60, h - 60, stroke=1, fill=0)
        c.setFillColor(self.accent)
        for cx, cy in ((30, 30), (w - 30, 30), (30, h - 30), (w - 30, h - 30)):  # corner ornaments
            path = c.beginPath()
            path.moveTo(cx, cy + 9)
            path.lineTo(cx + 9, cy)
            path.lineTo(cx, cy - 9)
            path.lineTo(cx - 9, cy)
            path.close()
            c.drawPath(path, stroke=0, fill=1)

    def _emblem(self, c, x, y, size):
        """The built-in logo: a ring with a rising bar chart (growth with the customer)."""
        r = size / 2
        c.setStrokeColor(self.primary)
        c.setLineWidth(2.2)
        c.circle(x + r, y + r, r - 1.5, stroke=1, fill=0)
        c.setFillColor(self.primary)
        bar = size / 9
        for i, height in enumerate((0.28, 0.42, 0.58)):
            c.rect(x + r - 2.5 * bar + i * 1.8 * bar, y + r * 0.55, bar * 1.2, size * height, stroke=0, fill=1)
        c.setFillColor(self.accent)
        c.circle(x + r + 1.9 * bar, y + r * 0.55 + size * 0.58 + bar, bar * 0.55, stroke=0, fill=1)

    def _seal(self, c, x, y):
        seal = self.template.get("seal")
        if not seal:
            return
        c.saveState()
        c.setStrokeColor(self.seal_colour)
        c.setFillColor(self.seal_colour)
        c.setFillAlpha(0.9)
        c.setStrokeAlpha(0.9)
        c.setLineWidth(2.2)
        c.circle(x, y, 40, stroke=1, fill=0)
        c.setLineWidth(0.6)
        c.circle(x, y, 35, stroke=1, fill=0)
        star = c.beginPath()
        for i in range(10):
            radius = 11 if i % 2 == 0 else 4.5
            angle = math.pi / 2 + i * math.pi / 5
            px, py = x + radius * math.cos(angle), y + 6 + radius * math.sin(angle)
            star.moveTo(px, py) if i == 0 else star.lineTo(px, py)
        star.close()
        c.drawPath(star, stroke=0, fill=1)
        self._text(c, x, y - 16, seal.get("zh", ""), 8.5, self.seal_colour, align="centre")
        self._text(c, x, y - 25, seal.get("en", ""), 5.5, self.seal_colour, align="centre")
        c.restoreState()

    def _stamp(self, c, status):
        """Across the page for copies that no longer stand: revoked, reissued."""
        words = {"revoked": ("已撤销", "REVOKED"), "reissued": ("已换发", "REISSUED")}.get(status)
        if not words:
            return
        w, h = PAGE
        c.saveState()
        c.translate(w / 2, h / 2)
        c.rotate(24)
        faint = Color(self.seal_colour.red, self.seal_colour.green, self.seal_colour.blue, alpha=0.25)
        self._text(c, 0, 10, words[0], 96, faint, align="centre")
        self._text(c, 0, -60, words[1], 54, faint, align="centre")
        c.restoreState()

    # -------------------------------------------------------------- the page

    def render(self, data):
        buffer = io.BytesIO()
        t = self.template
        c = Canvas(buffer, pagesize=PAGE, initialFontName=self.font, initialFontSize=12, pageCompression=1)
        c.setTitle(f"{data.serial} {data.holder}")
        c.setAuthor(f"{t['issuer']['zh']} {t['issuer']['en']}")
        c.setSubject(f"{data.title_zh} / {data.title_en}")
        c.setCreator("kamtrain")
        w, h = PAGE
        self._frame(c)

        # issuer with its logo
        if self.logo is not None:
            c.drawImage(self.logo, 60, h - 110, width=54, height=54, preserveAspectRatio=True, mask="auto")
        else:
            self._emblem(c, 60, h - 110, 54)
        self._text(c, 126, h - 78, t["issuer"]["zh"], 15, self.primary)
        self._text(c, 126, h - 96, t["issuer"]["en"], 9, self.muted)

        # title, holder, what was certified
        cx = w / 2
        self._text(c, cx, h - 158, "岗位技能认证证书", 32, self.primary, align="centre")
        self._text(c, cx, h - 182, "Certificate of Professional Competence", 14, self.primary, align="centre")
        self._text(c, cx, h - 222, "兹证明  This is to certify that", 11, self.muted, align="centre")
        self._fitted(c, cx, h - 268, data.holder, 34, w - 200)
        c.setStrokeColor(self.accent)
        c.setLineWidth(0.8)
        c.line(cx - 150, h - 280, cx + 150, h - 280)
        self._fitted(c, cx, h - 310, f"已通过{data.title_zh}的全部考核，特发此证。", 14, w - 160)
        self._fitted(c, cx, h - 330, f"has met every requirement of the {data.title_en}.", 10.5, w - 160, self.muted)
        self._fitted(c, cx, h - 354, f"认证序列 Track：{data.track_zh}  {data.track_en}    "
                                     f"等级 Level：{data.level_zh}  {data.level_en}", 10, w - 160, self.ink)

        # the facts, signatory and seal, QR code
        rows = (("证书编号", "Certificate No.", data.serial),
                ("发证日期", "Date of issue", data.issued_on.isoformat()),
                ("有效期至", "Valid until", data.expires_on.isoformat()))
        y = 176
        for zh, en, value in rows:
            self._text(c, 70, y, zh, 10.5, self.muted)
            self._text(c, 70, y - 11, en, 7, self.muted)
            self._text(c, 160, y - 4, value, 12.5, self.ink)
            y -= 34

        sx = w / 2 + 40
        c.setStrokeColor(self.ink)
        c.setLineWidth(0.6)
        c.line(sx - 90, 124, sx + 90, 124)
        signatory = t["signatory"]
        self._text(c, sx, 132, f"{signatory['name']['zh']}  {signatory['name']['en']}", 11, self.ink, align="centre")
        self._text(c, sx, 108, signatory["title"]["zh"], 10, self.muted, align="centre")
        self._text(c, sx, 95, signatory["title"]["en"], 7.5, self.muted, align="centre")
        self._text(c, sx, 78, f"{t['issuer']['zh']}", 9, self.muted, align="centre")
        self._seal(c, sx + 112, 112)

        qx, qsize = w - 70 - 112, 112
        c.setFillColor(white)
        c.rect(qx, 62, qsize, qsize, stroke=0, fill=1)
        c.setFillColor(self.ink)
        qr_path(c, data.verify_url, qx, 62, qsize)
        self._text(c, qx + qsize / 2, 50, "扫码验证  Scan to verify", 8.5, self.muted, align="centre")
        self._text(c, w - 52, 38, data.verify_url, 6, self.muted, align="right")

        self._stamp(c, data.status)
        c.showPage()
        c.save()
        return buffer.getvalue()


_renderers = {}
_renderers_lock = threading.Lock()


def renderer(template_path=None):
    """The renderer of a template, made once per process (per template file and its modification time)."""
    key = (str(template_path), Path(template_path).stat().st_mtime if template_path else None)
    with _renderers_lock:
        if key not in _renderers:
            _renderers[key] = CertificateRenderer(load_template(template_path))
        return _renderers[key]
