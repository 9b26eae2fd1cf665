"""Benchmark: 500 certificate PDFs (issue 9, CONTRACT §5).

product  — ``kamtrain.certification.queries.certificate_pdf`` for each of 500 certificates stored in
           a SQLite database: read the certificate and its track/level names, render the full
           template (frame, emblem, seal, bilingual text) with the Chinese font embedded as a subset
           and the QR code drawn as one path. The font and template caches are emptied before every
           repetition, so each repetition pays for loading them once.
baseline — a minimal ReportLab page per certificate with the same text, the same TrueType CJK font
           embedded as a subset, and a QR code from ``reportlab.graphics.barcode.qrencoder`` drawn as
           one path — made the way a one-off script makes a page: the font is loaded for the page.

The product wins by doing the font and template work once, not per certificate. Repetitions are
interleaved (product, baseline, …) and the medians compared. ratio = baseline ÷ product (higher is
better); the issue asks for at least 1.3.

    python bench/certificates.py [--quick] [--count N]
"""

import argparse
import io
import json
import os
import statistics
import sys
import tempfile
import time
import warnings
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
FONT = "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"


def make_app(tmp, count):
    os.environ.setdefault("KAMTRAIN_SECRET_KEY", "bench")
    os.environ["KAMTRAIN_INSTANCE_PATH"] = tmp
    from flask_migrate import upgrade

    from kamtrain import create_app
    from kamtrain.accounts.models import User
    from kamtrain.certification import rules
    from kamtrain.certification.models import Certificate
    from kamtrain.content.models import Syllabus
    from kamtrain.content.sync import sync_content
    from kamtrain.core.db import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/bench.sqlite", "TESTING": True,
                      "PUBLIC_URL": "https://kamtrain.example.com"})
    with app.app_context():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            upgrade()
        assert sync_content(app.config["CONTENT_DIR"]).ok
        syllabi = db.session.scalars(db.select(Syllabus).order_by(Syllabus.id)).all()
        surnames, given = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗", "海涛思琪建国晓燕文博雪梅志远丽娜明辉婷婷"
        for i in range(count):
            user = User(username=f"bench{i:04d}", full_name=surnames[i % 20] + given[(i * 2) % 20:(i * 2) % 20 + 2],
                        track="sales")
            db.session.add(user)
            db.session.flush()
            syl = syllabi[i % len(syllabi)]
            issued, expires = rules.validity(date(2026, 1, 1) + timedelta(days=i % 300), syl.validity_months)
            db.session.add(Certificate(serial=rules.format_serial(2026, i + 1), check_code=rules.new_check_code(),
                                       user_id=user.id, syllabus_id=syl.id, track=syl.track, level=syl.level,
                                       holder_name=user.full_name, title_zh=syl.title_zh, title_en=syl.title_en,
                                       issued_on=issued, expires_on=expires))
        db.session.commit()
    return app


def run_product(app):
    from kamtrain.certification import pdf
    from kamtrain.certification.models import Certificate
    from kamtrain.certification.queries import certificate_pdf
    from kamtrain.core.db import db

    pdf._renderers.clear()
    pdf._fonts.clear()  # the font is registered again (under a new name) once in this repetition
    with app.app_context():
        certificates = db.session.scalars(db.select(Certificate).order_by(Certificate.id)).all()
        start = time.perf_counter()
        sizes = [len(certificate_pdf(c)) for c in certificates]
        elapsed = time.perf_counter() - start
        data = [_plain(c) for c in certificates]
        db.session.remove()
    assert all(s > 10_000 for s in sizes)
    return elapsed, data


def _plain(cert):
    from kamtrain.certification.queries import certificate_data

    return certificate_data(cert)


def baseline_page(d, n):
    """One minimal certificate page, as a standalone script would make it."""
    from reportlab.graphics.barcode.qrencoder import QRCode, QRErrorCorrectLevel
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen.canvas import Canvas

    name = "BaselineCJK"  # loaded again for every page (the previous one is dropped from the registry)
    pdfmetrics.registerFont(TTFont(name, FONT, subfontIndex=0))
    buffer = io.BytesIO()
    c = Canvas(buffer, pagesize=landscape(A4), initialFontName=name)
    w, h = landscape(A4)
    lines = ["岗位技能认证证书", "Certificate of Professional Competence", "兹证明 This is to certify that", d.holder,
             f"已通过{d.title_zh}的全部考核，特发此证。", f"has met every requirement of the {d.title_en}.",
             f"认证序列 Track：{d.track_zh} {d.track_en}  等级 Level：{d.level_zh} {d.level_en}",
             f"证书编号 Certificate No. {d.serial}", f"发证日期 Date of issue {d.issued_on.isoformat()}",
             f"有效期至 Valid until {d.expires_on.isoformat()}", "政企客户培训认证中心", "何晓芸 He Xiaoyun",
             "扫码验证 Scan to verify", d.verify_url]
    y = h - 80
    for line in lines:
        c.setFont(name, 12)
        c.drawString(60, y, line)
        y -= 28
    qr = QRCode(None, QRErrorCorrectLevel.M)  # None: the smallest version that fits
    qr.addData(d.verify_url)
    qr.make()
    modules = qr.getModuleCount()
    cell = 110 / modules
    path = c.beginPath()
    for r in range(modules):
        for col in range(modules):
            if qr.isDark(r, col):
                path.rect(w - 170 + col * cell, 170 - (r + 1) * cell, cell, cell)
    c.drawPath(path, stroke=0, fill=1)
    c.showPage()
    c.save()
    return buffer.getvalue()


def run_baseline(data):
    start = time.perf_counter()
    sizes = [len(baseline_page(d, i)) for i, d in enumerate(data)]
    elapsed = time.perf_counter() - start
    assert all(s > 5_000 for s in sizes)
    return elapsed


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer certificates and repetitions (under a minute)")
    parser.add_argument("--count", type=int, help="certificates (default 500; --quick 30)")
    parser.add_argument("--repeat", type=int)
    args = parser.parse_args()
    count = args.count or (30 if args.quick else 500)
    repeat = args.repeat or (3 if args.quick else 3)
    with tempfile.TemporaryDirectory() as tmp:
        app = make_app(tmp, count)
        _, data = run_product(app)  # warm-up (imports, first connection)
        products, baselines = [], []
        for i in range(repeat):
            product, _ = run_product(app)
            baseline = run_baseline(data)
            products.append(product)
            baselines.append(baseline)
            print(f"rep {i + 1}: product {product:.3f} s, baseline {baseline:.3f} s for {count} PDFs", file=sys.stderr)
    product, baseline = statistics.median(products), statistics.median(baselines)
    print(json.dumps({"bench": "certificates", "ratio": round(baseline / product, 3), "goal": 1.3,
                      "product": round(product, 4), "baseline": round(baseline, 4),
                      "unit": f"seconds for {count} certificate PDFs"}))


if __name__ == "__main__":
    main()
