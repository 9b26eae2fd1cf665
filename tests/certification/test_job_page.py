"""A background job's page and JSON show its summary as labelled, translated figures, never as the
raw keys the job wrote (``rows``, ``pdfs``, ``checked``, ``sent``)."""

import re
import uuid

import pytest

from kamtrain.accounts.roles import Role
from kamtrain.certification.models import BackgroundJob
from kamtrain.core.db import db
from tests.factories import create_user


def _job(user, kind, summary):
    job = BackgroundJob(id=uuid.uuid4().hex, kind=kind, state="done", done=3, total=3, summary=summary,
                        created_by_id=user.id)
    db.session.add(job)
    db.session.flush()
    return job


@pytest.mark.parametrize(("kind", "summary", "labels"), [
    ("records_export", {"rows": 1234}, {"Rows exported": "1,234"}),
    ("certificate_pdfs", {"pdfs": 7}, {"Certificates in the archive": "7"}),
    ("reminders", {"checked": 12, "sent": 3}, {"Certificates checked": "12", "Reminders sent": "3"}),
])
def test_summary_is_labelled_in_english(client, login_as, kind, summary, labels):
    hr = create_user(roles=[Role.HR], locale="en")
    job = _job(hr, kind, summary)
    login_as(hr)
    html = client.get(f"/jobs/{job.id}").get_data(as_text=True)
    box = re.search(r'<dl id="job-summary".*?</dl>', html, re.S).group(0)
    pairs = dict(re.findall(r"<dt>(.*?)</dt><dd>(.*?)</dd>", box))
    assert pairs == labels
    for key in summary:
        assert f"{key}:" not in html and f">{key}<" not in box
    status = client.get(f"/jobs/{job.id}.json").get_json()
    assert {i["label"]: i["value"] for i in status["summary_items"]} == labels
    assert status["summary"] == summary  # the raw figures stay in the JSON for scripts


def test_summary_in_chinese_shows_no_raw_key(client, login_as):
    hr = create_user(roles=[Role.HR], locale="zh")
    job = _job(hr, "reminders", {"checked": 12, "sent": 3})
    login_as(hr)
    html = client.get(f"/jobs/{job.id}").get_data(as_text=True)
    box = re.search(r'<dl id="job-summary".*?</dl>', html, re.S).group(0)
    labels = re.findall(r"<dt>(.*?)</dt>", box)
    assert len(labels) == 2 and "checked" not in labels and "sent" not in labels
    assert re.findall(r"<dd>(.*?)</dd>", box) == ["12", "3"]


def test_an_unknown_key_reads_as_words_and_an_empty_summary_is_hidden(client, login_as):
    hr = create_user(roles=[Role.HR], locale="en")
    login_as(hr)
    html = client.get(f"/jobs/{_job(hr, 'reminders', {'mail_errors': 2}).id}").get_data(as_text=True)
    assert "<dt>Mail errors</dt><dd>2</dd>" in html
    html = client.get(f"/jobs/{_job(hr, 'reminders', {}).id}").get_data(as_text=True)
    assert '<dl id="job-summary" class="facts" hidden>' in html
