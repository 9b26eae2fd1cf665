"""QTI 3.0 export: an IMS content package with imsmanifest.xml and one item per exportable question."""

import io
import xml.etree.ElementTree as ET
import zipfile

import pytest

from kamtrain.assessment.formats import export
from kamtrain.assessment.questions import Answer, MatchPair, Question

pytestmark = pytest.mark.no_db


@pytest.fixture(autouse=True)
def _transaction():
    """Pure functions: no application, no database (overrides the suite's per-test transaction)."""
    yield

Q = "{http://www.imsglobal.org/xsd/imsqtiasi_v3p0}"
CP = "{http://www.imsglobal.org/xsd/qti/qtiv3p0/imscp_v1p1}"

PNG = b"\x89PNG\r\n\x1a\nfake"


def questions():
    return [
        Question("multichoice", "单选", "<p>客户信息收集的第一步？<img src=\"@@PLUGINFILE@@/pic.png\"></p>",
                 answers=[Answer("整理基础信息", 1, "对"), Answer("直接报价", 0, "不对")], files={"pic.png": PNG}),
        Question("multichoice", "Multi", "Pick the primes", single=False, default_mark=2,
                 answers=[Answer("2", 0.5), Answer("3", 0.5), Answer("4", -1)]),
        Question("truefalse", "TF", "The sky is green.", answers=[Answer("true", 0), Answer("false", 1, "Right")]),
        Question("shortanswer", "SA", "Name a bird", general_feedback="Owls count.",
                 answers=[Answer("Owl", 1, "Yes"), Answer("Ow*", 0.5), Answer("*", 0, "No")]),
        Question("numerical", "Num", "10380 × 1.153 = ?", text_format="plain",
                 answers=[Answer("11968.14", 1, "Right", tolerance=0.01), Answer("*", 0, "Again")]),
        Question("matching", "Match", "Match", pairs=[MatchPair("a", "1"), MatchPair("b", "2")]),
        Question("essay", "Essay", "Write"),
    ]


def package():
    data = export(questions(), "qti3")
    return zipfile.ZipFile(io.BytesIO(data))


def test_manifest_lists_every_item_and_its_files():
    z = package()
    manifest = ET.fromstring(z.read("imsmanifest.xml"))
    assert manifest.tag == CP + "manifest"
    resources = manifest.findall(f"{CP}resources/{CP}resource")
    assert len(resources) == 5  # matching and essay are skipped
    for r in resources:
        assert r.get("type") == "imsqti_item_xmlv3p0"
        for f in r.findall(f"{CP}file"):
            assert f.get("href") in z.namelist()
    assert "items/media/item-00001/pic.png" in z.namelist()


def items():
    z = package()
    return [ET.fromstring(z.read(n)) for n in sorted(z.namelist()) if n.startswith("items/item-")]


def test_items_are_well_formed_and_consistent():
    for item in items():
        assert item.tag == Q + "qti-assessment-item"
        assert item.get("adaptive") == "false" and item.get("time-dependent") == "false"
        declared = {d.get("identifier") for d in item.findall(f"{Q}qti-response-declaration")}
        used = {i.get("response-identifier") for i in item.iter() if i.get("response-identifier")}
        assert used and used <= declared
        assert item.find(f"{Q}qti-outcome-declaration[@identifier='SCORE']") is not None
        assert item.find(f"{Q}qti-response-processing") is not None


def test_single_choice_item():
    item = items()[0]
    assert item.get("title") == "单选" and item.get("{http://www.w3.org/XML/1998/namespace}lang") == "zh-CN"
    decl = item.find(f"{Q}qti-response-declaration")
    assert (decl.get("cardinality"), decl.get("base-type")) == ("single", "identifier")
    assert [v.text for v in decl.findall(f"{Q}qti-correct-response/{Q}qti-value")] == ["choice1"]
    interaction = item.find(f".//{Q}qti-choice-interaction")
    assert interaction.get("max-choices") == "1"
    assert [c.get("identifier") for c in interaction.findall(f"{Q}qti-simple-choice")] == ["choice1", "choice2"]
    img = item.find(f".//{Q}img")
    assert img.get("src") == "media/item-00001/pic.png"
    feedback = item.findall(f"{Q}qti-modal-feedback")
    assert [f.get("identifier") for f in feedback] == ["choice1", "choice2"]


def test_multiple_choice_mapping_keeps_moodle_weights_and_floor():
    item = items()[1]
    decl = item.find(f"{Q}qti-response-declaration")
    assert decl.get("cardinality") == "multiple"
    mapping = decl.find(f"{Q}qti-mapping")
    assert (mapping.get("lower-bound"), mapping.get("upper-bound")) == ("0", "2")
    assert {e.get("map-key"): e.get("mapped-value") for e in mapping} == {"choice1": "1", "choice2": "1",
                                                                         "choice3": "-2"}
    assert item.find(f".//{Q}qti-choice-interaction").get("max-choices") == "0"


def test_truefalse_item_is_a_choice():
    item = items()[2]
    choices = [c.get("identifier") for c in item.iter(f"{Q}qti-simple-choice")]
    assert choices == ["choice1", "choice2"]
    assert [v.text for v in item.iter(f"{Q}qti-value")][0] == "choice2"


def test_shortanswer_item_is_text_entry_with_moodle_order():
    item = items()[3]
    assert item.find(f".//{Q}qti-text-entry-interaction") is not None
    decl = item.find(f"{Q}qti-response-declaration")
    assert decl.get("base-type") == "string"
    assert [v.text for v in decl.iter(f"{Q}qti-value")] == ["Owl"]
    condition = item.find(f"{Q}qti-response-processing/{Q}qti-response-condition")
    branches = [b.tag.replace(Q, "") for b in condition]
    assert branches == ["qti-response-if", "qti-response-else-if", "qti-response-else-if", "qti-response-else"]
    assert condition[0].find(f"{Q}qti-string-match").get("case-sensitive") == "false"
    assert condition[1].find(f"{Q}qti-pattern-match").get("pattern") == "[oO][wW].*"
    assert item.find(f"{Q}qti-modal-feedback[@identifier='general']") is not None


def test_numerical_item_uses_absolute_tolerance():
    item = items()[4]
    assert item.find(f"{Q}qti-response-declaration").get("base-type") == "float"
    equal = item.find(f".//{Q}qti-equal")
    assert (equal.get("tolerance-mode"), equal.get("tolerance")) == ("absolute", "0.01 0.01")


def test_sloppy_html_becomes_well_formed():
    q = Question("multichoice", "x",
                 "<p>One<br>two <b>bold<p>unclosed <script>alert(1)</script><unknown>kept</unknown>",
                 answers=[Answer("a & b < c", 1), Answer("<i>d", 0)])
    z = zipfile.ZipFile(io.BytesIO(export([q], "qti3")))
    item = ET.fromstring(z.read("items/item-00001.xml"))  # parses: well-formed
    body = ET.tostring(item.find(f"{Q}qti-item-body"), encoding="unicode")
    assert "alert" not in body and "kept" in body and "unknown" not in body
