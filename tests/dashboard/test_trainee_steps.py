"""The trainee's "My next steps" panel: complete sentences in both languages, every step with its
link, nothing half-translated (no English left on the Chinese page) and no words run together."""

import re

import pytest

from tests.conftest import login
from tests.factories import create_user


def _panel(app, **fields):
    client = app.test_client()
    user = create_user(**fields)
    login(client, user.username)
    html = client.get("/").get_data(as_text=True)
    found = re.search(r'<section class="card" data-panel="trainee">.*?</section>', html, re.S)
    assert found, "no trainee panel"
    return found.group(0)


def _text(html):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def _steps(panel):
    return {m[0]: _text(m[1]) for m in re.findall(r'<li data-step="(\w+)">(.*?)</li>', panel, re.S)}


@pytest.mark.parametrize("locale", ["zh", "en"])
def test_steps_with_a_track_are_complete_and_linked(app, locale):
    panel = _panel(app, locale=locale, track="sales", current_level=4, target_level=3)
    steps = _steps(panel)
    assert list(steps) == ["model", "modules", "gaps", "practice", "scenarios"]
    for link in ("my-syllabus", "my-gaps", "my-plan", "quizzes", "scenarios"):
        assert f'data-link="{link}"' in panel
    facts = dict(re.findall(r"<dt>(.*?)</dt><dd>(.*?)</dd>", panel))
    assert len(facts) == 3 and all(facts.values())
    for text in steps.values():
        sentence = text.split("。")[0] if locale == "zh" else text.split(".")[0]
        assert len(sentence) >= (12 if locale == "zh" else 30), text  # a sentence, not just a link
    if locale == "zh":
        # nothing left untranslated, and no ASCII colon glued to a Chinese label
        assert not re.search(r"[A-Za-z]{3,}", _text(panel)), _text(panel)
        assert not re.search(r"[\u4e00-\u9fff]:", panel)
        assert "您" not in _text(panel)  # one form of address on the page: 你
    else:
        # words are separated: no lower-case letter directly followed by a capital (joined-up words)
        assert not re.search(r"[a-z][A-Z]", _text(panel)), _text(panel)
        assert "Level held" in facts and "Working towards" in facts


@pytest.mark.parametrize("locale", ["zh", "en"])
def test_without_a_track_the_steps_do_not_point_at_a_missing_profile(app, locale):
    panel = _panel(app, locale=locale)
    steps = _steps(panel)
    assert list(steps) == ["model", "practice"]
    assert "data-facts" not in panel and "my-syllabus" not in panel
    if locale == "zh":
        assert not re.search(r"[A-Za-z]{3,}", _text(panel)), _text(panel)
    else:
        assert "below" not in _text(panel)
