"""Certification in the browser: a trainee finishes the last requirement and the certificate appears,
the PDF downloads, its QR code (decoded from the rendered page) opens the public verification page
saying valid; HR revokes it and the same page says revoked."""

import shutil
import subprocess
import threading

import pytest
from werkzeug.serving import make_server

from kamtrain.core.db import db
from tests.browser.conftest import PHONE, has_horizontal_scroll, sign_in
from tests.dbutil import demo_site

pytestmark = [pytest.mark.browser, pytest.mark.no_db,
              pytest.mark.skipif(not (shutil.which("pdftoppm") and shutil.which("zbarimg")),
                                 reason="poppler-utils and zbar-tools are needed")]

TRAINEE = "trainee01"  # sales, working towards level 4


@pytest.fixture(scope="module")
def server(database_url, tmp_path_factory):
    """A live server of our own (we prepare the trainee's record in its database first)."""
    def leave_one_module():
        from kamtrain.accounts.models import User
        from tests.certification.conftest import qualify

        trainee = db.session.scalar(db.select(User).filter_by(username=TRAINEE))
        _, left = qualify(trainee, "sales-4", leave_out_modules=1)  # exam and scenarios passed too
        return left[0].code

    app, _url = demo_site(database_url, "browser_cert", tmp_path_factory.mktemp("browser_cert"),
                          prepare=leave_one_module)
    last_module = app.prepared
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}", last_module
    httpd.shutdown()
    thread.join(5)
    with app.app_context():
        db.engine.dispose()


def test_certificate_from_last_requirement_to_revocation(server, browser, tmp_path):
    base, last_module = server
    phone = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True,
                                locale="zh-CN").new_page()
    sign_in(phone, base, TRAINEE)
    phone.goto(f"{base}/certificates/")
    assert phone.locator("article.cert-card").count() == 0
    assert phone.locator(".cert-progress .cert-checklist li.todo").count() == 1  # one module to go

    # the last requirement: the last module of the syllabus
    phone.goto(f"{base}/modules/{last_module}")
    phone.locator("form[action$='/complete'] button").click()
    phone.wait_for_load_state()

    phone.goto(f"{base}/certificates/")
    card = phone.locator("article.cert-card")
    assert card.count() == 1 and card.get_attribute("data-status") == "valid"
    serial = card.get_attribute("data-serial")
    assert phone.locator(".notice-list li[data-kind='certificate_awarded']").count() == 1
    assert not has_horizontal_scroll(phone)
    phone.screenshot(path=str(tmp_path / "mine.png"), full_page=True)

    with phone.expect_download() as download:
        card.locator("a[data-download='pdf']").click()
    pdf = tmp_path / "certificate.pdf"
    download.value.save_as(pdf)
    assert download.value.suggested_filename == f"{serial}.pdf"

    # scan the QR code of the rendered page
    subprocess.run(["pdftoppm", "-r", "150", "-png", "-singlefile", str(pdf), str(tmp_path / "page")], check=True)
    scanned = subprocess.run(["zbarimg", "--quiet", "--raw", str(tmp_path / "page.png")], capture_output=True,
                             text=True, check=True).stdout.strip()
    assert scanned.startswith(f"{base}/verify/{serial}-")

    visitor = browser.new_context(viewport=PHONE, locale="zh-CN").new_page()  # anyone, not signed in
    visitor.goto(scanned)
    result = visitor.locator(".verify-result")
    assert result.get_attribute("data-status") == "valid"
    assert "王海涛" in result.inner_text()  # trainee01's name, and nothing private
    assert "@" not in visitor.content()
    visitor.screenshot(path=str(tmp_path / "verify-valid.png"), full_page=True)

    # HR revokes it
    desk = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN").new_page()
    sign_in(desk, base, "hr")
    desk.goto(f"{base}/records/?q={serial}")
    desk.screenshot(path=str(tmp_path / "records.png"), full_page=True)
    with desk.expect_navigation():
        desk.locator(f"tr[data-serial='{serial}'] td a").first.click()
    desk.screenshot(path=str(tmp_path / "detail.png"), full_page=True)
    desk.fill("#revoke-reason", "复核发现认证考试记录有误")
    with desk.expect_navigation():
        desk.locator("#revoke").click()
    desk.screenshot(path=str(tmp_path / "revoked.png"), full_page=True)
    assert desk.locator(".cert-status").first.get_attribute("data-status") == "revoked"

    visitor.goto(scanned)
    assert visitor.locator(".verify-result").get_attribute("data-status") == "revoked"
    visitor.screenshot(path=str(tmp_path / "verify-revoked.png"), full_page=True)
    for page in (phone, visitor, desk):
        page.context.close()
