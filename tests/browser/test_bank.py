"""A trainer uploads a GIFT file with two errors, sees both at their lines, fixes the file, imports
it and previews one of its questions — in a real browser."""

import pytest

from tests.browser.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.no_db]

FIXED = """$CATEGORY: $course$/top/browser-test

// [id:BT-001] [tag:level-4] [tag:difficulty-1] [tag:track-sales]
::BT-001 谈判原则::下列哪一项是谈判的基本原则？{
=把人和问题分开#对，对事不对人，才能在立场不同时仍保持关系。
~一开始就亮出底价#过早暴露底线会失去回旋余地。
~只谈价格不谈服务#价格之外的服务和保障同样是谈判筹码。
}

// [id:BT-002] [tag:level-4] [tag:difficulty-2] [tag:track-sales]
::BT-002 预测::按 15.3% 的平均增长率外推，10380 的下一年预测值是多少？{#11968.14:0.01}
"""

# two mistakes: the first question's closing brace is missing, the second has a tolerance that is no number
BROKEN = FIXED.replace("同样是谈判筹码。\n}", "同样是谈判筹码。\n").replace("{#11968.14:0.01}", "{#11968.14:abc}")


def _line(text, needle):
    return next(n for n, line in enumerate(text.splitlines(), 1) if needle in line)


def test_trainer_fixes_a_broken_gift_file_and_imports_it(live_server, desktop, tmp_path):
    page = desktop
    broken = tmp_path / "bank.gift"
    broken.write_text(BROKEN, encoding="utf-8")
    sign_in(page, live_server, "trainer")
    page.goto(f"{live_server}/bank/import")
    page.set_input_files("input[type=file]", str(broken))
    page.click("main button[type=submit]")
    page.wait_for_selector(".findings.errors")
    errors = page.locator(".finding.error")
    assert errors.count() == 2
    lines = sorted(int(errors.nth(i).get_attribute("data-line")) for i in range(2))
    assert lines == sorted([_line(BROKEN, "::BT-001"), _line(BROKEN, "::BT-002")])
    assert page.locator("pre.excerpt .hit").first.is_visible()
    assert page.locator("text=导入 2").count() == 0  # no import button while there are errors

    fixed = tmp_path / "bank-fixed.gift"
    fixed.write_text(FIXED, encoding="utf-8")
    page.set_input_files("input[type=file]", str(fixed))
    page.click("form#import-form button[type=submit]")
    page.wait_for_selector(".import-summary form button")
    assert page.locator(".finding.error").count() == 0
    page.click(".import-summary form button")
    page.wait_for_selector(".flash.success")
    page.click("text=BT-001 谈判原则")
    page.wait_for_selector("fieldset.question")
    page.check("fieldset.question label.option:has-text('把人和问题分开') input")
    page.click("button:has-text('检查')")
    page.wait_for_selector(".review")
    assert "对事不对人" in page.locator(".review, .option-feedback").all_inner_texts().__str__()
    assert page.locator(".feedback.ok").count() >= 1
