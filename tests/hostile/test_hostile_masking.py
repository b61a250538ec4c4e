"""Issue 13, "masking that holds": one function masks mobile and ID-card numbers however they are
typed (the formats the issue found unmasked, and the usual ones), leaves order numbers, dates,
times and amounts alone (a table of positive and negative examples), and is applied to everything
e-mailed: the attached copy, the subject, the body, the attachment's file name and `--json`."""

from __future__ import annotations

import email
import json
from email import policy

import openpyxl
import pytest

from hostile_kit import invoke, sha256, texts
from zhijian.engine.masking import MaskReport, mask_text

MASKED = [
    # the unmasked forms
    ("tel13812345678", "tel138****5678"),
    ("No13812345678", "No138****5678"),
    ("ID110105199001011234", "ID110105********1234"),
    ("13812345678abc", "138****5678abc"),
    ("138.1234.5678", "138****5678"),
    ("138/1234/5678", "138****5678"),
    ("(138)1234-5678", "138****5678"),
    ("138  1234  5678", "138****5678"),
    ("110105 19900101 1234", "110105 ******** 1234"),
    ("110105-19900101-1234", "110105-********-1234"),
    ("110105 1990 0101 123X", "110105 **** **** 123X"),
    ("１３８１２３４５６７８", "１３８****５６７８"),
    ("１３８－１２３４－５６７８", "１３８****５６７８"),
    ("１１０１０５１９９００１０１１２３Ｘ", "１１０１０５********１２３Ｘ"),
    ("周报_13812345678.xlsx", "周报_138****5678.xlsx"),
    # the usual forms
    ("客户电话13812345678请回电", "客户电话138****5678请回电"),
    ("13812345678", "138****5678"),
    ("138 1234 5678", "138****5678"),
    ("138-1234-5678", "138****5678"),
    ("+86 138 1234 5678", "+86 138****5678"),
    ("+8613812345678", "+86138****5678"),
    ("0086-138-1234-5678", "0086-138****5678"),
    ("(+86)13912345678", "(+86)139****5678"),
    ("8613812345678", "86138****5678"),
    ("13812345678,13912345678", "138****5678,139****5678"),
    ("电话:19912345678。", "电话:199****5678。"),
    ("身份证11010519491231002X", "身份证110105********002X"),
    ("id 110105194912310021.", "id 110105********0021."),
    ("旧证 110105491231002", "旧证 110105*****1002"),
]

KEPT = [
    "订单号 2026101512345678",  # 16 digits
    "订单 DD202610151381234",
    "SO-20261015-0001",
    "2026-10-15",
    "20261015",
    "2026/10/15 13:45",
    "2026-10-15 13:45:00",
    "13:45-14:30",
    "金额 13812345678.00",  # an amount with cents
    "¥1,381,234.56",
    "金额 13812345.67",
    "12345678901",  # not a mobile prefix
    "12812345678",
    "02012345678",  # a landline
    "10086",
    "1381234567",  # 10 digits
    "138123456789",  # 12 digits
    "R20261012001",  # a recording id
    "202610120001",
    "12345678901234567890",
    "110105199013011234",  # month 13: not an ID
    "110105199001321234",  # day 32
    "5 5 5 5 4 5 5 5 5 3 5 5 5 5 5 5 5 5",  # scores typed in a row
]


def test_the_table_has_at_least_40_examples():
    assert len(MASKED) + len(KEPT) >= 40


@pytest.mark.parametrize("text, masked", MASKED)
def test_numbers_are_masked(text, masked):
    rep = MaskReport()
    assert mask_text(text, rep) == masked
    assert rep.total == (2 if "," in text else 1)


@pytest.mark.parametrize("text", KEPT)
def test_other_numbers_are_left_alone(text):
    rep = MaskReport()
    assert mask_text(text, rep) == text and rep.total == 0


# --- everything e-mailed ---------------------------------------------------------------------

PHONE_FORMS = ["tel13812345678", "138.1234.5678", "(138)1234-5678", "１３８１２３４５６７８",
               "110105 19900101 1234", "ID110105199001011234"]


@pytest.fixture
def report(tmp_path):
    """A report whose overview names a phone in its topic and an ID in its period, with remarks
    holding the issue's forms, saved under a file name holding a mobile number."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "周报概览"
    ws.append(["指标", "数值"])
    ws.append(["统计周期", "2026年第42周 回访 110105199001011234"])
    ws.append(["有效通数", 12])
    ws.append(["质检主题", "回访 138 1234 5678"])
    notes = wb.create_sheet("明细")
    for text in PHONE_FORMS:
        notes.append(["备注", text])
    notes.append(["号码", 13812345678])  # a number cell shaped like a mobile
    path = tmp_path / "周报_13812345678.xlsx"
    wb.save(path)
    config = tmp_path / "d.yaml"
    config.write_text("smtp: {host: smtp.example.com}\nsender: {address: qa@example.com}\n"
                      "reports: {weekly: {to: [pm@example.com], subject: '{report} {file} {topics}',"
                      " body: '{period} {figures} {file}'}}\n", encoding="utf-8")
    return path, config


def no_number_left(text: str) -> None:
    for raw in ("13812345678", "1234 5678", "1234-5678", "１２３４５６７８", "19900101"):
        assert raw not in text, (raw, text)


def test_attachment_subject_body_and_name_are_masked(report, tmp_path):
    path, config = report
    before = sha256(path)
    eml = tmp_path / "w.eml"
    r = invoke("email", path, "--kind", "weekly", "--config", config, "--eml", eml)
    assert r.exit_code == 0, r.output
    msg = email.message_from_bytes(eml.read_bytes(), policy=policy.default)
    [part] = list(msg.iter_attachments())
    assert part.get_filename() == "周报_138****5678.xlsx"
    no_number_left(str(msg["Subject"]))
    no_number_left(msg.get_body().get_content())
    copy = tmp_path / "attached.xlsx"
    copy.write_bytes(part.get_content())
    no_number_left(texts(copy))
    assert openpyxl.load_workbook(copy)["明细"]["B7"].value == "138****5678"
    no_number_left(r.stdout)
    assert sha256(path) == before  # the report on disk is untouched


def test_json_is_masked(report):
    path, config = report
    r = invoke("email", path, "--kind", "weekly", "--config", config, "--dry-run", "--json")
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    shown = json.dumps({k: v for k, v in data.items() if k not in ("source", "config")}, ensure_ascii=False)
    no_number_left(shown)
    assert data["attachment"]["name"] == "周报_138****5678.xlsx"
    assert data["figures"]["topics"] == "回访 138****5678"
    assert data["attachment"]["masking"]["mobiles"] >= 5 and data["attachment"]["masking"]["ids"] >= 2
