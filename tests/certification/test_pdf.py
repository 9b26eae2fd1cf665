"""The certificate PDF: A4 landscape, real (extractable) bilingual text in an embedded subset font,
and a QR code that decodes to the verification URL. Checked with poppler's tools and zbar."""

import json
import re
import shutil
import subprocess

import pytest

from kamtrain.certification.pdf import load_template
from tests.certification.conftest import make_certificate
from tests.factories import create_user

pytestmark = pytest.mark.skipif(not (shutil.which("pdftotext") and shutil.which("zbarimg")),
                                reason="poppler-utils and zbar-tools are needed (scripts/setup.sh --dev)")


@pytest.fixture
def certificate(app):
    user = create_user(full_name="欧阳晓雯", track="sales")
    return make_certificate(user, "sales-3")


def run(*args):
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout


def test_cert_pdf_writes_a_real_certificate(app, certificate, tmp_path):
    out = tmp_path / "c.pdf"
    result = app.test_cli_runner().invoke(args=["cert", "pdf", certificate.serial, "-o", str(out)])
    assert result.exit_code == 0, result.output
    info = run("pdfinfo", str(out))
    assert re.search(r"^Pages:\s+1$", info, re.M) and "841.89 x 595.276 pts (A4)" in info  # A4 landscape
    text = run("pdftotext", "-layout", str(out), "-")
    for expected in ("岗位技能认证证书", "Certificate of Professional Competence", "欧阳晓雯", certificate.serial,
                     "大客户销售经理", "Key-account sales manager", "三级", "Level 3",
                     certificate.issued_on.isoformat(), certificate.expires_on.isoformat(),
                     load_template()["issuer"]["zh"], load_template()["signatory"]["name"]["zh"]):
        assert expected in text, expected
    fonts = run("pdffonts", str(out)).splitlines()[2:]
    assert fonts, "no fonts"
    for line in fonts:  # every font embedded, as a subset (name AAAAAA+…, emb yes, sub yes)
        name, *_, emb, sub, uni, _obj, _gen = line.split()
        assert "+" in name and (emb, sub, uni) == ("yes", "yes", "yes"), line
    run("pdftoppm", "-r", "150", "-png", "-singlefile", str(out), str(tmp_path / "page"))
    decoded = run("zbarimg", "--quiet", "--raw", str(tmp_path / "page.png")).strip()
    assert decoded == f"http://127.0.0.1:5000/verify/{certificate.serial}-{certificate.check_code}"


def test_cert_pdf_unknown_serial_exits_1(app, tmp_path):
    out = tmp_path / "x.pdf"
    result = app.test_cli_runner().invoke(args=["cert", "pdf", "KT-2026-999999", "-o", str(out)])
    assert result.exit_code == 1 and not out.exists()


def test_cert_list_json_has_the_contract_keys(app, certificate):
    user = create_user(track="sales")
    revoked = make_certificate(user, "sales-4", status="revoked")
    expired = make_certificate(user, "sales-4", status="expired")
    result = app.test_cli_runner().invoke(args=["cert", "list", "--json"])
    assert result.exit_code == 0
    rows = {r["serial"]: r for r in json.loads(result.output)}
    for cert, status in ((certificate, "valid"), (revoked, "revoked"), (expired, "expired")):
        row = rows[cert.serial]
        assert set(row) == {"serial", "holder", "track", "level", "status", "issued", "expires", "verify_url"}
        assert row["status"] == status and row["verify_url"].endswith(f"/verify/{cert.code}")
    assert rows[certificate.serial]["holder"] == "欧阳晓雯" and rows[certificate.serial]["level"] == 3
    plain = app.test_cli_runner().invoke(args=["cert", "list"])
    assert certificate.serial in plain.output


def test_the_template_is_configurable(app, certificate, tmp_path):
    from kamtrain.certification.pdf import CertificateRenderer
    from kamtrain.certification.queries import certificate_data

    own = tmp_path / "mine.yaml"
    own.write_text("issuer: {zh: 测试认证学院, en: Test Academy}\ncolours: {primary: '#aa0000'}\n", encoding="utf-8")
    template = load_template(own)
    assert template["colours"]["primary"] == "#aa0000" and template["colours"]["accent"]  # others kept
    pdf = tmp_path / "own.pdf"
    pdf.write_bytes(CertificateRenderer(template).render(certificate_data(certificate)))
    assert "测试认证学院" in run("pdftotext", str(pdf), "-")
