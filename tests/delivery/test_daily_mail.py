"""The lead's two daily e-mails (`zhijian email --kind daily | briefing`) over the package of the
hand-worked week (tests/dailykit.py), sent to a real SMTP server on loopback (aiosmtpd) and
written as drafts; attachment names read back with Python's e-mail parser (RFC 2231)."""

from __future__ import annotations

import email
import io
import socket
import zipfile
from email import policy

import openpyxl
import pytest
from aiosmtpd.controller import Controller
from click.testing import CliRunner

from dailykit import PHONE, WED, roster, week_folder
from zhijian.cli.email import email_command
from zhijian.delivery.config import DeliveryError, parse_config
from zhijian.delivery.package import build_briefing, build_daily_package
from zhijian.delivery.smtp import send
from zhijian.files.rubrics import load_rubric
from zhijian.pipeline.daily import daily_package, write_daily_package

LOG, ZIP = "质检日志_2026-10-14.xlsx", "质检监听评分表_2026-10-14.zip"


def config_text(port: int = 25) -> str:
    return f"""smtp: {{host: 127.0.0.1, port: {port}, security: none, timeout: 5}}
sender: {{address: qa@example.com, name: 客服中心质检组}}
reports:
  daily:
    to: [项目经理 <pm@example.com>, 班长 <lead@example.com>]
    cc: [部门经理 <dm@example.com>]
    bcc: [wangli@example.com, chenjing@example.com]
    subject: "质检日志 {{period}}"
  briefing:
    to: [班长 <lead@example.com>]
    subject: "明日班前会点评({{period}})"
"""


@pytest.fixture(scope="module")
def package(tmp_path_factory):
    d = tmp_path_factory.mktemp("pkg")
    folder, ros = week_folder(d / "评分表"), roster(d / "人员名单.xlsx")
    pkg = daily_package(load_rubric("listening-10x4"), [str(folder)], date=WED, roster=ros)
    out = d / "日报"
    write_daily_package(pkg, out)
    return out


class Recorder:
    def __init__(self):
        self.delivered = []

    async def handle_DATA(self, server, session, envelope):
        self.delivered.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        return "250 OK"


@pytest.fixture()
def server():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    rec = Recorder()
    c = Controller(rec, hostname="127.0.0.1", port=port)
    c.start()
    yield rec, port
    c.stop()


def attachments(msg) -> dict[str, bytes]:
    return {part.get_filename(): part.get_content() for part in msg.iter_attachments()}


def test_the_daily_package_goes_to_its_recipients_with_both_attachments(package, server):
    rec, port = server
    config = parse_config(config_text(port), "d.yaml")
    zip_before = (package / ZIP).read_bytes()
    out = build_daily_package(package, config)
    send(out, config, delays=(0, 0))
    [(sender, rcpts, raw)] = rec.delivered
    assert sorted(rcpts) == sorted(["pm@example.com", "lead@example.com", "dm@example.com", "wangli@example.com",
                                    "chenjing@example.com"])
    msg = email.message_from_bytes(raw, policy=policy.default)
    assert msg["Bcc"] is None and msg["Subject"] == "质检日志 2026-10-14" and msg["Cc"] == "部门经理 <dm@example.com>"
    assert raw.split(b"\r\n\r\n", 1)[0].isascii()
    assert b"filename*=utf-8''%E8%B4%A8%E6%A3%80%E6%97%A5%E5%BF%97_2026-10-14.xlsx" in raw  # RFC 2231
    files = attachments(msg)
    assert list(files) == [LOG, ZIP]  # the names read back by the e-mail parser
    assert [p.get_content_type() for p in msg.iter_attachments()][1] == "application/zip"
    body = msg.get_body(("plain",)).get_content()
    assert f"{LOG}、{ZIP}" in body and "有效通数 6 通" in body
    # The zip inside the mail: same Chinese names (UTF-8 flag), every sheet masked; the one on disk untouched.
    with zipfile.ZipFile(io.BytesIO(files[ZIP])) as z:
        assert [i.filename for i in z.infolist()] == ["2026-10-14_王丽.xlsx", "2026-10-14_陈静.xlsx"]
        assert all(i.flag_bits & 0x800 for i in z.infolist())
        sheet = openpyxl.load_workbook(io.BytesIO(z.read("2026-10-14_陈静.xlsx")))["评分表"]
        remarks = [str(c.value) for row in sheet.iter_rows() for c in row if c.value]
        assert "口语化;客户回电 139****5678" in remarks and not any(PHONE in r for r in remarks)
    assert (package / ZIP).read_bytes() == zip_before
    assert out.masking.mobiles >= 1 and any(ZIP in p for p in out.masking.parts)


def test_the_briefing_carries_the_meetings_points_in_the_body(package, tmp_path):
    log = package / LOG
    filled = tmp_path / LOG
    wb = openpyxl.load_workbook(log)
    ws = wb["班前会点评"]
    head = [c.value for c in ws[4]]
    ws.cell(5, head.index("问题原因") + 1, "新员工不熟悉服务用语规范")
    ws.cell(5, head.index("解决方案") + 1, "班前会复习规范用语 10 条")
    wb.save(filled)
    out = build_briefing(filled, parse_config(config_text(), "d.yaml"))
    assert out.attachments == [] and out.to == ["班长 <lead@example.com>"] and out.bcc == []
    assert out.subject == "明日班前会点评(2026-10-14)"
    msg = out.draft()
    assert [p.get_content_type() for p in msg.walk()] == ["multipart/alternative", "text/plain", "text/html"]
    text = msg.get_body(("plain",)).get_content()
    assert "1. 服务用语: 不良 1/6 通,不良比率 16.7%(关注)" in text
    assert "案例: R306 孙八(A006),4分;口语化;客户回电 139****5678" in text
    assert "问题原因: 新员工不熟悉服务用语规范" in text and "解决方案: 班前会复习规范用语 10 条" in text
    assert "2. 主动推介" in text and "3. 业务能力" in text and "解决方案: (未填写)" in text
    page = msg.get_body(("html",)).get_content()
    assert "<table" in page and page.count("<tr>") == 4 and "<td" in page and "班前会复习规范用语 10 条" in page
    assert PHONE not in text and PHONE not in page


def test_the_cli_writes_both_drafts(package, tmp_path):
    cfg = tmp_path / "d.yaml"
    cfg.write_text(config_text(), encoding="utf-8")
    daily_eml, briefing_eml = tmp_path / "质检日报.eml", tmp_path / "班前会点评.eml"
    r = CliRunner().invoke(email_command, [str(package), "--kind", "daily", "--config", str(cfg), "--eml",
                                           str(daily_eml)])
    assert r.exit_code == 0, r.output
    assert f"附件: {LOG}(" in r.output and ZIP in r.output and "密送(bcc): wangli@example.com、chenjing@example.com" in r.output
    msg = email.message_from_bytes(daily_eml.read_bytes(), policy=policy.default)
    assert list(attachments(msg)) == [LOG, ZIP] and msg["Bcc"] == "wangli@example.com, chenjing@example.com"
    r = CliRunner().invoke(email_command, [str(package / LOG), "--kind", "briefing", "--config", str(cfg), "--eml",
                                           str(briefing_eml)])
    assert r.exit_code == 0, r.output
    assert "附件: 无(内容在正文中)" in r.output
    msg = email.message_from_bytes(briefing_eml.read_bytes(), policy=policy.default)
    assert list(msg.iter_attachments()) == [] and "服务用语" in msg.get_body(("plain",)).get_content()
    r = CliRunner().invoke(email_command, [str(package), "--kind", "briefing", "--config", str(cfg), "--dry-run"])
    assert r.exit_code == 0 and "1. 服务用语" in r.output


def test_what_is_missing_is_said_in_chinese(package, tmp_path):
    config = parse_config(config_text(), "d.yaml")
    with pytest.raises(DeliveryError, match="文件夹中没有质检日志"):
        build_daily_package(tmp_path, config)
    (tmp_path / LOG).write_bytes((package / LOG).read_bytes())
    with pytest.raises(DeliveryError, match="找不到当天的评分表压缩包"):
        build_daily_package(tmp_path, config)
    no_briefing = parse_config(config_text().split("  briefing:")[0], "d.yaml")
    with pytest.raises(Exception, match="briefing"):
        build_briefing(package, no_briefing)


def test_a_file_in_the_days_zip_that_cannot_be_masked_stops_the_mail(package, tmp_path, server):
    """A note the lead added to the day's zip (质检监听评分表_….zip) with a customer's number: only
    workbooks and CSVs inside are masked, and the note went to every recipient as typed."""
    import shutil

    rec, port = server
    folder = tmp_path / "日报"
    shutil.copytree(package, folder)
    with zipfile.ZipFile(folder / ZIP, "a") as z:
        z.writestr("回访记录.txt", f"客户 {PHONE} 要求回电".encode("gb18030"))
    config = parse_config(config_text(port), "d.yaml")
    with pytest.raises(DeliveryError) as e:
        send(build_daily_package(folder, config), config, delays=(0, 0))
    assert str(e.value).startswith(f"{folder / ZIP}/回访记录.txt: 不是评分表(.xlsx、.xlsm、.csv),其中有无法遮蔽的手机号或身份证号")
    assert PHONE not in str(e.value) and rec.delivered == []
    # A member without a number is sent as it is.
    with zipfile.ZipFile(package / ZIP) as src, zipfile.ZipFile(folder / ZIP, "w") as z:
        for info in src.infolist():
            z.writestr(info, src.read(info))
        z.writestr("说明.txt", "无个人信息".encode("utf-8"))
    out = build_daily_package(folder, config)
    send(out, config, delays=(0, 0))
    with zipfile.ZipFile(io.BytesIO(attachments(email.message_from_bytes(rec.delivered[0][2], policy=policy.default))[ZIP])) as z:
        assert z.read("说明.txt") == "无个人信息".encode("utf-8")


def test_an_input_that_could_not_be_read_is_said_in_the_body(tmp_path, server):
    """赵敏's sheet of the day is damaged: the log lists it (数据来源, 排除与重复) and the zip leaves
    it out, but the body said only "有效通数 6 通 …" — the project manager reading the mail could not
    tell that a sheet of the day is missing from every figure, whatever the template."""
    rec, port = server
    folder = week_folder(tmp_path / "评分表")
    (folder / "2026-10-14_赵敏.xlsx").write_bytes(b"PK\x03\x04 not a workbook")
    pkg = daily_package(load_rubric("listening-10x4"), [str(folder)], date=WED, roster=roster(tmp_path / "人员名单.xlsx"))
    write_daily_package(pkg, tmp_path / "日报")
    line = "未能读取的输入 1 个(未计入统计,见附件“数据来源”): 2026-10-14_赵敏.xlsx"
    for template in ("", "    body: '{period} 日志见附件。'\n"):
        config = parse_config(config_text(port).replace('    subject: "质检日志 {period}"\n',
                                                        '    subject: "质检日志 {period}"\n' + template), "d.yaml")
        out = build_daily_package(tmp_path / "日报", config)
        send(out, config, delays=(0, 0))
        body = email.message_from_bytes(rec.delivered[-1][2], policy=policy.default).get_body(("plain",)).get_content()
        assert line in body, body
        assert ("有效通数 6 通" in body) == (not template)
    assert out.figures.to_dict()["unreadable"] == ["2026-10-14_赵敏.xlsx"]


@pytest.mark.parametrize("bom, codec", [(b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")])
def test_a_sheet_of_the_day_saved_as_unicode_text_csv_is_masked_and_sent(tmp_path, server, bom, codec):
    """陈静's sheet as Excel's "Unicode 文本" CSV (UTF-16 with its BOM), which zhijian daily reads:
    the mail was refused (无法识别 CSV 的文字编码,无法遮蔽个人信息, exit 2), leaving --no-mask."""
    import csv

    rec, port = server
    folder = week_folder(tmp_path / "评分表")
    sheet = folder / "2026-10-14_陈静.xlsx"
    buf = io.StringIO()
    csv.writer(buf, delimiter="\t").writerows([["" if v is None else v for v in row] for row in
                                              openpyxl.load_workbook(sheet).active.iter_rows(values_only=True)])
    assert PHONE in buf.getvalue()
    sheet.unlink()
    saved = tmp_path / "2026-10-14_陈静.csv"  # named on the command line (a folder's CSVs are skipped)
    saved.write_bytes(bom + buf.getvalue().encode(codec))
    pkg = daily_package(load_rubric("listening-10x4"), [str(folder), str(saved)], date=WED,
                        roster=roster(tmp_path / "人员名单.xlsx"))
    assert pkg.report.analysis.overall.n == 6  # the CSV's three calls are counted
    write_daily_package(pkg, tmp_path / "日报")
    config = parse_config(config_text(port), "d.yaml")
    send(build_daily_package(tmp_path / "日报", config), config, delays=(0, 0))
    [(_, _, raw)] = rec.delivered
    with zipfile.ZipFile(io.BytesIO(attachments(email.message_from_bytes(raw, policy=policy.default))[ZIP])) as z:
        data = z.read("2026-10-14_陈静.csv")
    assert data.startswith(bom)
    text = data[2:].decode(codec)
    assert "139****5678" in text and PHONE not in text
    assert text == buf.getvalue().replace(PHONE, "139****5678")


def test_two_sheets_whose_names_mask_alike_stay_two_files_in_the_zip(package, tmp_path, server):
    """回访13912345678.xlsx and 回访13900005678.xlsx both mask to 回访139****5678.xlsx: the zip sent
    held two members of one name (and Python's 'Duplicate name' warning), and unzipping kept one."""
    import shutil

    rec, port = server
    folder = tmp_path / "日报"
    shutil.copytree(package, folder)
    with zipfile.ZipFile(package / ZIP) as src, zipfile.ZipFile(folder / ZIP, "w") as z:
        sheet = src.read("2026-10-14_陈静.xlsx")
        z.writestr("回访13912345678.xlsx", sheet)
        z.writestr("回访13900005678.xlsx", sheet)
    config = parse_config(config_text(port), "d.yaml")
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a duplicate member name is a warning in zipfile
        send(build_daily_package(folder, config), config, delays=(0, 0))
    [(_, _, raw)] = rec.delivered
    with zipfile.ZipFile(io.BytesIO(attachments(email.message_from_bytes(raw, policy=policy.default))[ZIP])) as z:
        assert z.namelist() == ["回访139****5678.xlsx", "回访139****5678 (2).xlsx"]
