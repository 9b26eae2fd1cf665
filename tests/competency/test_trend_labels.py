"""The gap report's trend table heads its columns with short month names ("7月", "Jul"), so all the
months and "now" fit a phone's width (a full "2026-07" each pushed the latest figures out of sight)."""

import re

from tests.competency.helpers import add_evidence, trainee


def _headings(html):
    table = re.search(r'<table class="trend-table">.*?</thead>', html, re.S).group(0)
    return [h.strip() for h in re.findall(r'<th class="num">(.*?)</th>', table, re.S)]


def test_trend_columns_are_short_month_names(login_as):
    user = trainee()
    add_evidence(user, "information", 1.0, days=40)
    client = login_as(user)
    zh = _headings(client.get("/gaps/").get_data(as_text=True))
    assert len(zh) >= 6 and zh[-1] == "当前"
    assert all(re.fullmatch(r"\d{1,2}月", h) for h in zh[:-1]), zh
    client.post("/language/en", data={"next": "/"})
    en = _headings(client.get("/gaps/").get_data(as_text=True))
    assert en[-1] == "Now" and all(re.fullmatch(r"[A-Z][a-z]{2}", h) for h in en[:-1]), en
