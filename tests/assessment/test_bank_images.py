"""Images in the question editor: upload (checked by their bytes and size), reference from the text,
preview, serving only to those who may see the question, and export to Moodle XML."""

import base64
import io
import re
import struct
import zlib

from kamtrain.accounts.roles import Role
from kamtrain.assessment import bank, editor
from kamtrain.assessment.attempts import Attempt, AttemptSlot
from kamtrain.assessment.editor import image_kind
from kamtrain.assessment.formats import parse
from kamtrain.assessment.models import Question, QuestionFile
from kamtrain.core.db import db, utcnow
from tests.factories import create_user


def _png(width=2, height=1):
    """A real (tiny) PNG."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    raw = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


PNG = _png()


def _form(text, images=(), **extra):
    data = {"name": "图片题", "category": "top/web/images", "text": text, "text_format": "html", "competency": "",
            "difficulty": "", "levels": ["4"], "tracks": ["sales"],
            "general_feedback": "看图中的漏斗。", "default_mark": "1", "single": "1",
            "options-0-text": "漏斗", "options-0-fraction": "100", "options-1-text": "金字塔",
            "options-1-fraction": "0", "options-2-text": "圆环", "options-2-fraction": "0", "unit_penalty": "0.1",
            "images": [(io.BytesIO(blob), name) for name, blob in images]}
    data.update(extra)
    return data


def _trainer(login_as):
    login_as(create_user("trainer_img", roles=[Role.TRAINER]))


def _new(client, text, images, lang="zh"):
    return client.post(f"/bank/questions/new?type=multichoice&lang={lang}", data=_form(text, images),
                       content_type="multipart/form-data")


def test_magic_bytes_decide_what_an_upload_is():
    assert image_kind(PNG) == ("image/png", ".png")
    assert image_kind(b"\xff\xd8\xff\xe0" + b"\x00" * 20) == ("image/jpeg", ".jpg")
    assert image_kind(b"GIF89a" + b"\x00" * 20) == ("image/gif", ".gif")
    assert image_kind(b"RIFF\x10\x00\x00\x00WEBPVP8 ") == ("image/webp", ".webp")
    assert image_kind(b"<svg xmlns='http://www.w3.org/2000/svg'></svg>") is None
    assert image_kind(b"<html><script>alert(1)</script>") is None


def test_a_trainer_uploads_an_image_refers_to_it_and_sees_it_in_the_preview(client, login_as):
    _trainer(login_as)
    response = _new(client, '<p>下图是什么提问方式？</p><img src="@@PLUGINFILE@@/漏斗图.png" alt="漏斗">',
                    [("漏斗图.png", PNG)])
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    row = db.session.scalar(db.select(Question).filter_by(name="图片题"))
    version = bank.current_version(row)
    stored = db.session.get(QuestionFile, (version.id, "漏斗图.png"))
    assert stored.data == PNG and stored.media_type == "image/png"
    page = client.get(f"/bank/questions/{row.id}").get_data(as_text=True)
    src = re.search(r'<img[^>]+src="(/bank/files/[^"]+)"', page)
    assert src and "@@PLUGINFILE@@" not in page
    image = client.get(src[1])
    assert image.status_code == 200 and image.data == PNG and image.mimetype == "image/png"
    assert image.headers["X-Content-Type-Options"] == "nosniff"
    # the editor lists it, and removing it while the text still refers to it is refused
    edit = client.get(f"/bank/questions/{row.id}/edit").get_data(as_text=True)
    assert "@@PLUGINFILE@@/漏斗图.png" in edit and 'enctype="multipart/form-data"' in edit
    refused = client.post(f"/bank/questions/{row.id}/edit", content_type="multipart/form-data",
                          data=_form('<img src="@@PLUGINFILE@@/漏斗图.png">', remove_images=["漏斗图.png"]))
    assert refused.status_code == 200 and "漏斗图.png" in refused.get_data(as_text=True)
    db.session.refresh(row)
    assert row.latest_version == 1


def test_uploads_that_are_not_images_or_too_large_are_refused(client, login_as, monkeypatch):
    _trainer(login_as)
    monkeypatch.setattr(editor, "MAX_IMAGE_BYTES", 1000)  # small uploads: the test client spools big ones to disk
    fake = _new(client, '<img src="@@PLUGINFILE@@/x.png">', [("x.png", b"<svg onload='alert(1)'></svg>")], "en")
    assert fake.status_code == 200 and "x.png is not a PNG, JPEG, GIF or WebP image." in fake.get_data(as_text=True)
    big = _new(client, '<img src="@@PLUGINFILE@@/big.png">', [("big.png", PNG + b"\x00" * 1000)], "en")
    assert big.status_code == 200 and "big.png is larger than" in big.get_data(as_text=True)
    missing = _new(client, '<img src="@@PLUGINFILE@@/nowhere.png">', [], "en")
    assert "No image called nowhere.png" in missing.get_data(as_text=True)
    assert db.session.scalar(db.select(Question).filter_by(name="图片题")) is None


def test_images_are_served_only_to_those_who_saw_the_question(client, login_as):
    from tests.exams.conftest import make_exam

    _trainer(login_as)
    assert _new(client, '<img src="@@PLUGINFILE@@/chart.png">', [("chart.png", PNG)]).status_code == 302
    row = db.session.scalar(db.select(Question).filter_by(name="图片题"))
    version = bank.current_version(row)
    url = f"/bank/files/{version.id}/chart.png"
    client.post("/logout")
    seen, other = create_user("img_seen"), create_user("img_other")
    quiz = make_exam(blueprint=[])
    attempt = Attempt(quiz_id=quiz.id, user_id=seen.id, number=1, seed=1, state="in_progress",
                      started_at=utcnow())
    db.session.add(attempt)
    db.session.flush()
    db.session.add(AttemptSlot(attempt_id=attempt.id, position=1, question_id=row.id, version_id=version.id,
                               category_id=None, mark=1.0))
    db.session.commit()
    login_as(other)
    assert client.get(url).status_code == 404
    client.post("/logout")
    login_as(seen)
    assert client.get(url).status_code == 200


def test_images_go_out_in_moodle_xml_and_come_back(client, login_as):
    _trainer(login_as)
    assert _new(client, '<p>看图：</p><img src="@@PLUGINFILE@@/chart.png">', [("chart.png", PNG)]).status_code == 302
    data, exported, _skipped = bank.export_bank("moodlexml", category="top/web/images")
    text = data.decode()
    assert exported == 1 and '@@PLUGINFILE@@/chart.png' in text
    assert base64.b64encode(PNG).decode() in text and 'name="chart.png"' in text
    again = parse(data, "images.xml")
    assert not again.errors and again.questions[0].files == {"chart.png": PNG}
    # GIFT cannot carry files: the export says the image is lost
    q = bank.load_questions([db.session.scalar(db.select(Question).filter_by(name="图片题"))])[0]
    assert "files" in bank.losses(q, "gift")
