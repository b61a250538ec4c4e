"""`zhijian email` under careless and hostile input: templates that smuggle format specs, numbers
that are not numbers, --json when the dry run fails, outputs that would replace an input, and
address headers that Python would refold. Real SMTP on loopback (aiosmtpd), as in test_mail."""

from __future__ import annotations

import email
import json
from email import policy

import pytest
from click.testing import CliRunner

from test_mail import FAST, report, serve, write_config  # noqa: F401 (fixtures)
from zhijian.cli.email import email_command
from zhijian.delivery.config import DeliveryConfigError, parse_config
from zhijian.delivery.message import write_eml
from zhijian.delivery.package import build_briefing, build_daily_package
from zhijian.engine.masking import mask_text
from zhijian.errors import OutputPathError

BASE = """smtp:
  host: 127.0.0.1
  port: 25
  security: none
  timeout: 5
sender:
  address: qa@example.com
  name: 客服中心质检组
reports:
  weekly:
    to: [王经理 <pm@example.com>]
    subject: "质检周报 {period}"
"""


def run(*args):
    return CliRunner().invoke(email_command, [str(a) for a in args])


# --- templates -------------------------------------------------------------------------------------

@pytest.mark.parametrize("template", ["{n:>999999999}", "{mean_score:x>20000000}", "{n!r}", "{n:%}", "{n!x}",
                                      "{period:{n}}"])
def test_a_format_spec_or_conversion_in_a_template_is_refused_at_its_line(template):
    """A width of a billion characters passed the check and took minutes (and a gigabyte) to
    render and fold; `!r` quoted the value; `:%` failed only at sending, in English."""
    text = BASE.replace("质检周报 {period}", template)
    with pytest.raises(DeliveryConfigError) as e:
        parse_config(text, "d.yaml")
    [line] = e.value.lines()
    assert line.startswith("发送配置文件错误 d.yaml:12: reports.weekly.subject: 占位符")
    assert "只能写成 {名称}" in line


# --- numbers ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("key, line, value", [("timeout", 5, ".nan"), ("timeout", 5, ".inf"),
                                               ("max_attachment_mb", 9, ".nan"), ("max_attachment_mb", 9, ".inf"),
                                               ("timeout", 5, "1e300")])
def test_a_number_that_is_not_finite_is_a_config_error(tmp_path, report, key, line, value):  # noqa: F811
    """.nan and .inf (and a timeout too large for a socket) were internal errors (exit 3)."""
    text = BASE.replace("timeout: 5", f"timeout: {value}") if key == "timeout" else \
        BASE.replace("reports:", f"max_attachment_mb: {value}\nreports:")
    cfg = tmp_path / "d.yaml"
    cfg.write_text(text, encoding="utf-8")
    r = run(report, "--kind", "weekly", "--config", cfg)
    assert r.exit_code == 2, r.output
    where = "smtp.timeout" if key == "timeout" else key
    assert r.output.startswith(f"发送配置文件错误 {cfg}:{line}: {where}: ")


@pytest.mark.parametrize("text", ["port: true", "port: false"])
def test_a_port_written_as_true_is_refused(text):
    with pytest.raises(DeliveryConfigError) as e:
        parse_config(BASE.replace("port: 25", text), "d.yaml")
    assert e.value.lines()[0].startswith("发送配置文件错误 d.yaml:3: smtp.port: 应为整数")


@pytest.mark.parametrize("key, line, value", [("timeout", 5, "true"), ("timeout", 5, "false"),
                                               ("max_attachment_mb", 9, "true"), ("max_attachment_mb", 9, "no")])
def test_a_number_written_as_true_is_refused_at_its_line(key, line, value):
    """`timeout: true` and `max_attachment_mb: true` were read as 1 (a YAML boolean is an int in
    Python): a one-second timeout, a 1 MB limit nobody wrote."""
    text = BASE.replace("timeout: 5", f"timeout: {value}") if key == "timeout" else \
        BASE.replace("reports:", f"max_attachment_mb: {value}\nreports:")
    with pytest.raises(DeliveryConfigError) as e:
        parse_config(text, "d.yaml")
    where = "smtp.timeout" if key == "timeout" else key
    [problem] = e.value.lines()
    assert problem.startswith(f"发送配置文件错误 d.yaml:{line}: {where}: 应为数字")


# --- --json ----------------------------------------------------------------------------------------

def test_a_dry_run_over_the_limit_prints_one_json_document(tmp_path, report):  # noqa: F811
    """--dry-run --json printed the plan and then the error: two documents, no JSON reader could read."""
    cfg = write_config(tmp_path, 25, limit_mb=0.001)
    r = CliRunner().invoke(email_command, [str(report), "--kind", "weekly", "--config", str(cfg),
                                                           "--dry-run", "--json"])
    assert r.exit_code == 1
    data = json.loads(r.stdout)
    assert data["dry_run"] is True and data["sent"] is False and data["attachment"]["over_limit"] is True
    assert data["exit_code"] == 1 and "超过配置的上限 0.001 MB" in data["error"]
    assert "超过配置的上限" in r.stderr


# --- address headers Python would refold -----------------------------------------------------------

LONG_ADDRESS = "项目经理 <" + "p" * 70 + "@example.com>"
LONG_QUOTED = '"Quality Assurance Team of the Taiyuan Customer Service Centre, Night Shift, Building 3" <qa@example.com>'


@pytest.mark.parametrize("odd", [LONG_ADDRESS, LONG_QUOTED])
def test_a_long_address_or_name_keeps_every_recipient(tmp_path, report, serve, odd):  # noqa: F811
    """A line of the To header longer than 78 characters made Python refold the whole header:
    with an address of 70+ characters the commas went into encoded words (two of four recipients
    left), with a long quoted name the quotes were dropped and its commas split it into three."""
    rec, port = serve()
    to = ["班长 <team-lead@example.com>", odd, "王丽 <wl@example.com>"]
    cc = ["Li Wang <liwang@example.com>", odd, "陈静 <cj@example.com>"]
    cfg = tmp_path / "d.yaml"
    cfg.write_text(BASE.replace("port: 25", f"port: {port}")
                   .replace("to: [王经理 <pm@example.com>]", "to: " + json.dumps(to, ensure_ascii=False)
                            + "\n    bcc: " + json.dumps(cc, ensure_ascii=False)
                            + "\n    cc: " + json.dumps(cc, ensure_ascii=False)), encoding="utf-8")
    eml = tmp_path / "草稿.eml"
    assert run(report, "--kind", "weekly", "--config", cfg, "--eml", eml).exit_code == 0
    r = run(report, "--kind", "weekly", "--config", cfg)
    assert r.exit_code == 0, r.output
    [d] = rec.delivered
    draft = email.message_from_bytes(eml.read_bytes(), policy=policy.default)
    pairs = [email.utils.parseaddr(t) for t in to], [email.utils.parseaddr(t) for t in cc]
    for msg in (d.message, draft):
        assert [(a.display_name, a.addr_spec) for a in msg["To"].addresses] == pairs[0]
        assert [(a.display_name, a.addr_spec) for a in msg["Cc"].addresses] == pairs[1]
    assert [(a.display_name, a.addr_spec) for a in draft["Bcc"].addresses] == pairs[1]
    head = d.content.split(b"\r\n\r\n", 1)[0]
    assert head.isascii() and all(len(line) <= 998 for line in head.split(b"\r\n"))


def test_an_address_longer_than_smtp_allows_is_refused():
    text = BASE.replace("to: [王经理 <pm@example.com>]", "to: [" + "p" * 250 + "@example.com]")
    with pytest.raises(DeliveryConfigError) as e:
        parse_config(text, "d.yaml")
    assert "d.yaml:11: reports.weekly.to[0]: " in e.value.lines()[0] and "254" in e.value.lines()[0]


# --- --eml never replaces an input or a user's file --------------------------------------------------

DAILY = """smtp: {host: 127.0.0.1, port: 25, security: none, timeout: 5}
sender: {address: qa@example.com}
reports:
  daily:
    to: [项目经理 <pm@example.com>]
"""


@pytest.fixture(scope="module")
def package(tmp_path_factory):
    from dailykit import WED, roster, week_folder
    from zhijian.files.rubrics import load_rubric
    from zhijian.pipeline.daily import daily_package, write_daily_package

    d = tmp_path_factory.mktemp("pkg")
    pkg = daily_package(load_rubric("listening-10x4"), [str(week_folder(d / "评分表"))], date=WED,
                        roster=roster(d / "人员名单.xlsx"))
    write_daily_package(pkg, d / "日报")
    return d / "日报"


def test_eml_naming_the_days_zip_is_refused(package, tmp_path):
    """`email 日报/ --kind daily --eml 日报/质检监听评分表_….zip` wrote the draft over the zip it
    attaches (the folder was guarded, not the files read in it); a link to it too."""
    import shutil

    folder = tmp_path / "日报"
    shutil.copytree(package, folder)
    cfg = tmp_path / "d.yaml"
    cfg.write_text(DAILY, encoding="utf-8")
    target = folder / "质检监听评分表_2026-10-14.zip"
    before = target.read_bytes()
    r = run(folder, "--kind", "daily", "--config", cfg, "--eml", target)
    assert r.exit_code == 2, r.output
    assert "应以 .eml 结尾" in r.output
    link = tmp_path / "草稿.eml"
    link.symlink_to(target)
    r = run(folder, "--kind", "daily", "--config", cfg, "--eml", link)
    assert r.exit_code == 2 and "不是 zhijian 写出的" in r.output
    with pytest.raises(OutputPathError) as e:  # the demo and the ribbon write drafts too
        write_eml(build_daily_package(folder, parse_config(DAILY, str(cfg))), link)
    assert str(e.value) == f"输出文件 {link} 就是要读取的附件 {target};zhijian 从不覆盖源文件,请换一个输出文件名"
    assert target.read_bytes() == before


def test_eml_never_replaces_a_draft_zhijian_did_not_write(tmp_path, report):  # noqa: F811
    cfg = tmp_path / "d.yaml"
    cfg.write_text(BASE, encoding="utf-8")
    mine = tmp_path / "给客户的回信.eml"
    mine.write_text("From: me@example.com\r\nSubject: 重要\r\n\r\n写了一半的信\r\n", encoding="utf-8")
    r = run(report, "--kind", "weekly", "--config", cfg, "--eml", mine)
    assert r.exit_code == 2 and r.output.startswith(f"{mine} 已存在,且不是 zhijian 写出的")
    assert "写了一半的信" in mine.read_text(encoding="utf-8")
    ours = tmp_path / "草稿.eml"  # zhijian's own draft is replaced by the next one
    assert run(report, "--kind", "weekly", "--config", cfg, "--eml", ours).exit_code == 0
    assert run(report, "--kind", "weekly", "--config", cfg, "--eml", ours).exit_code == 0


@pytest.mark.parametrize("name", ["质检月报_2026-10.xlsx", "草稿.txt", "草稿"])
def test_eml_must_be_an_eml_file(tmp_path, report, name):  # noqa: F811
    """--eml 质检月报_2026-10.xlsx (a slip of the finger) replaced that report with a draft."""
    cfg = tmp_path / "d.yaml"
    cfg.write_text(BASE, encoding="utf-8")
    r = run(report, "--kind", "weekly", "--config", cfg, "--eml", tmp_path / name)
    assert r.exit_code == 2
    assert "--eml" in r.output and "应以 .eml 结尾" in r.output
    assert not (tmp_path / name).exists()


# --- masking: every part of the attached workbook ------------------------------------------------------

MOBILE, MOBILE2, MOBILE3 = "13812345678", "13987654321", "13900001111"


def leaky_workbook(path, *, sheet_title="明细"):
    """A report with customers' mobile numbers in the places a lead's workbook puts text besides
    cells: document properties, a header, a hyperlink and its tip, a data validation prompt and
    list, a chart title, a formula's text, a formula's cached number, a number cell."""
    import io
    import zipfile

    import openpyxl
    from openpyxl.chart import BarChart, Reference
    from openpyxl.packaging.custom import StringProperty
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet_title
    ws.append(["录音编号", "备注", "得分"])
    ws.append(["R1", f"客户 {MOBILE} 要求回电", 90])
    ws["D1"] = f'="回电 "&"{MOBILE}"'
    ws["E1"] = "电话"
    ws["E1"].hyperlink = f"tel:{MOBILE}"
    ws["E1"].hyperlink.tooltip = f"拨打 {MOBILE}"
    dv = DataValidation(type="list", formula1=f'"{MOBILE},无"', prompt=f"客户 {MOBILE}", error=f"应为 {MOBILE}")
    ws.add_data_validation(dv)
    dv.add("F1")
    ws.oddHeader.center.text = f"回访 {MOBILE}"
    chart = BarChart()
    chart.title = f"客户 {MOBILE} 的得分"
    chart.add_data(Reference(ws, min_col=3, min_row=1, max_row=2), titles_from_data=True)
    ws.add_chart(chart, "H2")
    wb.properties.title = f"质检周报 {MOBILE}"
    wb.properties.description = f"客户 {MOBILE}"
    wb.properties.keywords = MOBILE
    wb.custom_doc_props.append(StringProperty(name="来源", value=f"d:/回访/{MOBILE}.xlsx"))
    buf = io.BytesIO()
    wb.save(buf)
    # What Excel writes and openpyxl does not: a formula's cached number, t="n" before s=.
    with zipfile.ZipFile(buf) as zin, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"</row></sheetData>", (
                    f'<c r="G2"><f>B9</f><v>{MOBILE2}</v></c><c r="H2" t="n" s="0"><v>{MOBILE3}</v></c>'
                    "</row></sheetData>").encode(), 1)
            zout.writestr(info, data)
    return path


def _parts(data: bytes) -> dict[str, str]:
    import io
    import zipfile

    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {n: z.read(n).decode("utf-8", "replace") for n in z.namelist()}


def test_no_part_of_the_attached_workbook_keeps_a_mobile_number(tmp_path):
    """Masked were cells, comments and text boxes only: the document properties, the header,
    the hyperlink, the validation prompt, the chart title, the formula's text and its cached
    number went out as typed."""
    import openpyxl

    book = leaky_workbook(tmp_path / "质检周报.xlsx")
    cfg = tmp_path / "d.yaml"
    cfg.write_text(BASE, encoding="utf-8")
    eml = tmp_path / "草稿.eml"
    r = run(book, "--kind", "weekly", "--config", cfg, "--eml", eml)
    assert r.exit_code == 0, r.output
    [part] = list(email.message_from_bytes(eml.read_bytes(), policy=policy.default).iter_attachments())
    data = part.get_content()
    for name, text in _parts(data).items():
        for number in (MOBILE, MOBILE2, MOBILE3):
            assert number not in text, name
        assert mask_text(text) == text, name  # no mobile or ID number left in any form
    masked = tmp_path / "masked.xlsx"
    masked.write_bytes(data)
    wb = openpyxl.load_workbook(masked)
    ws = wb.active
    assert ws["B2"].value == "客户 138****5678 要求回电" and ws["D1"].value == '="回电 "&"138****5678"'
    assert ws["G2"].value == "=B9" and ws["H2"].value == "139****1111"
    assert ws["E1"].hyperlink.target == "tel:138****5678" and ws.oddHeader.center.text == "回访 138****5678"
    assert wb.properties.title == "质检周报 138****5678"
    assert book.read_bytes() != data and MOBILE in _parts(book.read_bytes())["docProps/core.xml"]


def test_a_number_that_cannot_be_masked_stops_the_mail(tmp_path, serve):  # noqa: F811
    """A sheet named after a customer's mobile number (a name cannot hold the * of a mask): the
    mail is not sent and no draft written, rather than the number going out unmasked."""
    rec, port = serve()
    book = leaky_workbook(tmp_path / "质检周报.xlsx", sheet_title=f"回访{MOBILE}")
    cfg = tmp_path / "d.yaml"
    cfg.write_text(BASE.replace("port: 25", f"port: {port}"), encoding="utf-8")
    for extra in ([], ["--eml", tmp_path / "草稿.eml"], ["--dry-run"]):
        r = run(book, "--kind", "weekly", "--config", cfg, *extra)
        assert r.exit_code == 1, r.output
        assert r.output.strip().startswith(f"{book}: xl/workbook.xml(工作表名称、定义名称)中有无法遮蔽的手机号或身份证号")
        assert MOBILE not in r.output
    assert rec.mail_calls == 0 and not (tmp_path / "草稿.eml").exists()
    r = run(book, "--kind", "weekly", "--config", cfg, "--no-mask")
    assert r.exit_code == 0 and len(rec.delivered) == 1


# --- a report that cannot be read is exit 2 -------------------------------------------------------------

CONFIG_ALL = BASE + """  daily:
    to: [项目经理 <pm@example.com>]
  briefing:
    to: [班长 <lead@example.com>]
"""


@pytest.mark.parametrize("kind", ["weekly", "daily", "briefing"])
@pytest.mark.parametrize("make, message", [
    (lambda p: p / "没有这个文件.xlsx", "文件不存在"),
    (lambda p: (p / "x.csv").write_text("a,b\n", encoding="utf-8") and p / "x.csv", "Excel"),
    (lambda p: (p / "压缩包.xlsx").write_bytes(_zip_of_text()) and p / "压缩包.xlsx", "工作簿"),
    (lambda p: (p / "空文件夹").mkdir() or p / "空文件夹", ""),
])
def test_a_report_that_cannot_be_read_is_exit_2(tmp_path, kind, make, message):
    """A missing file, a CSV, a zip that is no workbook or an empty folder was exit 1 (the code of
    findings and of a refused delivery) for some kinds, 2 for others; for --kind briefing always 1."""
    cfg = tmp_path / "d.yaml"
    cfg.write_text(CONFIG_ALL, encoding="utf-8")
    target = make(tmp_path)
    r = CliRunner().invoke(email_command, [str(target), "--kind", kind, "--config", str(cfg), "--dry-run", "--json"])
    assert r.exit_code == 2, r.output
    data = json.loads(r.stdout)
    assert data["exit_code"] == 2 and str(target) in data["error"] and message in data["error"]


def _zip_of_text() -> bytes:
    import io
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("readme.txt", "not a workbook")
    return buf.getvalue()


# --- the briefing's body template ------------------------------------------------------------------------

@pytest.mark.parametrize("body", ["要点:\n{points}\n再列一次:\n{points}\n", "模板里写了 {{points}} 字样\n"])
def test_the_briefing_points_are_in_the_body_whatever_the_template(package, body):
    """{points} twice left the marker (with NUL characters) in the HTML body; a literal {{points}}
    counted as the placeholder, and the points were in neither body."""
    config = parse_config(DAILY + "  briefing:\n    to: [班长 <lead@example.com>]\n    body: "
                          + json.dumps(body, ensure_ascii=False) + "\n", "d.yaml")
    msg = build_briefing(package, config).draft()
    text = msg.get_body(("plain",)).get_content()
    page = msg.get_body(("html",)).get_content()
    assert "1. 服务用语" in text and "<table" in page and "\x00" not in page and "POINTS" not in page
    assert page.count("<table") == text.count("1. 服务用语")


# --- masking: a number split across the formatted pieces of one cell ------------------------------------

def _joined_texts(part: str) -> list[str]:
    """The text of each shared or inline string of a part, its runs joined (phonetic runs left out)."""
    import re

    out = []
    for m in re.finditer(r"<(si|is)\b[^>]*>(.*?)</\1>", part, re.S):
        body = re.sub(r"<rPh\b.*?</rPh>", "", m.group(2), flags=re.S)
        out.append("".join(re.findall(r"<t\b[^>]*>([^<]*)</t>", body)))
    return out


def rich_text_workbook(path):
    """A cell of rich text (openpyxl writes it as an inline string) with a mobile number whose middle
    is bold, and shared strings (as Excel writes them) with numbers split across several runs."""
    import io
    import zipfile

    import openpyxl
    from openpyxl.cell.rich_text import CellRichText, TextBlock
    from openpyxl.cell.text import InlineFont

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "明细"
    ws["A1"] = CellRichText(["客户 138", TextBlock(InlineFont(b=True), "1234"), "5678 回电"])
    ws["A2"] = "SHARED-1"
    ws["A3"] = "SHARED-2"
    buf = io.BytesIO()
    wb.save(buf)
    runs = {"SHARED-1": f'<r><t xml:space="preserve">回访 139 8765</t></r><r><rPr><b/></rPr><t>4321</t></r>'
                        '<r><t>,已核实</t></r>',
            "SHARED-2": '<r><t>身份证 110105</t></r><r><rPr><i/></rPr><t>19491231</t></r><r><t>002X 无误</t></r>'
                        '<rPh sb="0" eb="1"><t>ミ</t></rPh>'}
    with zipfile.ZipFile(buf) as zin, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info).decode("utf-8")
            for key, xml in runs.items():
                data = data.replace(f"<t>{key}</t>", xml)
            zout.writestr(info, data.encode("utf-8"))
    return path


def test_a_number_split_across_formatted_runs_of_a_cell_is_masked(tmp_path, serve):  # noqa: F811
    """A mobile number with its middle four digits in bold (a rich-text cell: three <r> runs) went
    out as typed, and the final check, which read each run alone, did not see it either."""
    import openpyxl

    rec, port = serve()
    book = rich_text_workbook(tmp_path / "质检周报.xlsx")
    assert any("13812345678" in t for t in _joined_texts(_parts(book.read_bytes())["xl/worksheets/sheet1.xml"]))
    cfg = tmp_path / "d.yaml"
    cfg.write_text(BASE.replace("port: 25", f"port: {port}"), encoding="utf-8")
    r = run(book, "--kind", "weekly", "--config", cfg)
    assert r.exit_code == 0, r.output
    [d] = rec.delivered
    [part] = list(d.message.iter_attachments())
    data = part.get_content()
    for name, text in _parts(data).items():
        for joined in _joined_texts(text):
            assert mask_text(joined) == joined, (name, joined)
    masked = tmp_path / "masked.xlsx"
    masked.write_bytes(data)
    ws = openpyxl.load_workbook(masked, rich_text=True)["明细"]
    assert str(ws["A1"].value) == "客户 138****5678 回电"
    assert str(ws["A2"].value) == "回访 139****4321,已核实"
    assert str(ws["A3"].value) == "身份证 110105********002X 无误"
    assert any(getattr(b, "font", None) is not None and b.font.b for b in ws["A1"].value)  # the bold run stays


def test_the_final_check_reads_a_string_across_its_runs():
    """The check that stops a mail with a number left unmasked looked at each run alone."""
    import io
    import zipfile

    from zhijian.delivery.config import DeliveryError
    from zhijian.delivery.workbook_mask import _left_unmasked

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("xl/pivotCache/pivotCacheRecords1.xml", "<x/>")
        z.writestr("xl/sharedStrings.xml", '<sst><si><r><t>客户 1381234</t></r><r><rPr><b/></rPr><t>5678</t></r></si></sst>')
    with zipfile.ZipFile(buf) as z, pytest.raises(DeliveryError) as e:
        _left_unmasked(z, {}, "周报.xlsx")
    assert str(e.value).startswith("周报.xlsx: xl/sharedStrings.xml中有无法遮蔽的手机号或身份证号")


# --- masking: numbers as other programs store them ----------------------------------------------------

def exported_workbook(path):
    """A 评分表 as a system export (Apache POI, EasyExcel: a number cell is Java's Double.toString,
    1.3812345678E10) and as Excel keeps an 18-digit ID typed into a General cell (15 significant
    digits, 1.10105194912310E+17: the birth date still readable), with text whose digits are XML
    character references (&#49;, full-width &#65297;…), which every XML reader reads as the digits."""
    import io
    import zipfile

    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "评分表"
    ws.append(["录音编号", "客户电话", "身份证", "备注", "备注2"])
    ws.append(["R1", 1, 2, "NOTE-1", "NOTE-2"])
    buf = io.BytesIO()
    wb.save(buf)
    full_width = "".join(f"&#{0xFF10 + int(d)};" for d in MOBILE3)
    with zipfile.ZipFile(buf) as zin, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info).decode("utf-8")
            data = (data.replace('t="n"><v>1</v>', 't="n"><v>1.3812345678E10</v>')
                    .replace('t="n"><v>2</v>', 't="n"><v>1.10105194912310E+17</v>')
                    .replace("<t>NOTE-1</t>", f"<t>客户 &#49;{MOBILE2[1:]} 回电</t>")
                    .replace("<t>NOTE-2</t>", f"<t>客户 {full_width}</t>"))
            zout.writestr(info, data.encode("utf-8"))
    return path


def test_a_number_stored_in_exponent_form_or_as_character_references_is_masked(tmp_path, serve):  # noqa: F811
    """All four went out as stored: the masking read only plain digits in the XML, and so did the
    final check; Excel shows the customer's 13812345678, 13987654321 and １３９００００１１１１ and the
    ID's birth date (110105194912310000)."""
    import io

    import openpyxl

    rec, port = serve()
    book = exported_workbook(tmp_path / "质检周报.xlsx")
    ws = openpyxl.load_workbook(book).active
    assert [ws["B2"].value, ws["C2"].value] == [13812345678, 110105194912310000]
    assert ws["D2"].value == f"客户 {MOBILE2} 回电"
    cfg = tmp_path / "d.yaml"
    cfg.write_text(BASE.replace("port: 25", f"port: {port}"), encoding="utf-8")
    r = run(book, "--kind", "weekly", "--config", cfg)
    assert r.exit_code == 0, r.output
    [part] = list(rec.delivered[0].message.iter_attachments())
    ws = openpyxl.load_workbook(io.BytesIO(part.get_content())).active
    assert [ws["B2"].value, ws["C2"].value] == ["138****5678", "110105********0000"]
    assert ws["D2"].value == "客户 139****4321 回电"
    assert ws["E2"].value == "客户 １３９****１１１１"
    assert [ws["A1"].value, ws["A2"].value] == ["录音编号", "R1"]


def _with_parts(path, parts: dict[str, bytes]):
    import zipfile

    import openpyxl

    wb = openpyxl.Workbook()
    wb.active.title = "明细"
    wb.active["A1"] = "备注"
    wb.save(path)
    with zipfile.ZipFile(path, "a") as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return path


def _embedded_workbook() -> bytes:
    import io

    import openpyxl

    wb = openpyxl.Workbook()
    wb.active["A1"] = f"客户 {MOBILE} 要求回电"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


@pytest.mark.parametrize("part, data", [
    ("xl/embeddings/Microsoft_Excel_Worksheet1.xlsx", _embedded_workbook()),  # an inserted workbook object
    ("xl/embeddings/oleObject1.bin", b"\xd0\xcf\x11\xe0" + f"客户 {MOBILE}".encode("utf-16-le")),  # OLE, UTF-16
    ("xl/vbaProject.bin", b"\xd0\xcf\x11\xe0Attribute " + MOBILE.encode("ascii")),  # a macro's text
])
def test_a_number_inside_an_embedded_object_stops_the_mail(tmp_path, serve, part, data):  # noqa: F811
    """A workbook (or a Word document) inserted as an object, an OLE object, a macro project: the
    final check read only the XML parts, so the customer's number inside them went out as typed."""
    rec, port = serve()
    book = _with_parts(tmp_path / "质检周报.xlsx", {part: data})
    cfg = tmp_path / "d.yaml"
    cfg.write_text(BASE.replace("port: 25", f"port: {port}"), encoding="utf-8")
    r = run(book, "--kind", "weekly", "--config", cfg)
    assert r.exit_code == 1, r.output
    assert r.output.strip().startswith(f"{book}: {part}") and "无法遮蔽的手机号或身份证号,邮件未发送" in r.output
    assert rec.mail_calls == 0 and MOBILE not in r.output
    assert run(book, "--kind", "weekly", "--config", cfg, "--no-mask").exit_code == 0


def test_pictures_and_a_clean_embedded_object_do_not_stop_the_mail(tmp_path, serve):  # noqa: F811
    import io

    import openpyxl

    rec, port = serve()
    wb = openpyxl.Workbook()
    wb.active["A1"] = "无个人信息"
    clean = io.BytesIO()
    wb.save(clean)
    book = _with_parts(tmp_path / "质检周报.xlsx", {"xl/embeddings/Microsoft_Excel_Worksheet1.xlsx": clean.getvalue(),
                                                   "xl/media/image1.png": b"\x89PNG\r\n" + MOBILE.encode()})
    cfg = tmp_path / "d.yaml"
    cfg.write_text(BASE.replace("port: 25", f"port: {port}"), encoding="utf-8")
    r = run(book, "--kind", "weekly", "--config", cfg)
    assert r.exit_code == 0, r.output
    assert len(rec.delivered) == 1


THREADED = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<ThreadedComments xmlns="http://schemas.microsoft.com/office/spreadsheetml/2018/threadedcomments">'
            '<threadedComment ref="A1" dT="2026-10-14T09:00:00.00" personId="{00000000-0000-0000-0000-000000000001}" '
            'id="{00000000-0000-0000-0000-000000000002}"><text>客户 {n} 回电</text></threadedComment>'
            '<threadedComment ref="A1" dT="2026-10-14T09:05:00.00" personId="{00000000-0000-0000-0000-000000000001}" '
            'id="{00000000-0000-0000-0000-000000000003}" parentId="{00000000-0000-0000-0000-000000000002}">'
            '<text>已回电,无人接听</text></threadedComment></ThreadedComments>')


def test_a_number_in_a_threaded_comment_is_masked(tmp_path, serve):  # noqa: F811
    """Excel 365 writes every comment as a threaded comment (<text>, not <t>): a customer's number
    in one stopped the mail, and the lead's only way on was --no-mask, which sent every number."""
    import io
    import zipfile

    rec, port = serve()
    book = _with_parts(tmp_path / "质检周报.xlsx",
                       {"xl/threadedComments/threadedComment1.xml": THREADED.replace("{n}", MOBILE).encode("utf-8")})
    cfg = tmp_path / "d.yaml"
    cfg.write_text(BASE.replace("port: 25", f"port: {port}"), encoding="utf-8")
    r = run(book, "--kind", "weekly", "--config", cfg)
    assert r.exit_code == 0, r.output
    [part] = list(rec.delivered[0].message.iter_attachments())
    with zipfile.ZipFile(io.BytesIO(part.get_content())) as z:
        sent = z.read("xl/threadedComments/threadedComment1.xml").decode("utf-8")
    assert sent == THREADED.replace("{n}", "138****5678")


@pytest.mark.parametrize("pasted, code", [("wl@example.com\u200b", "U+200B"), ("\ufeffwl@example.com", "U+FEFF"),
                                          ("王丽 <wl@exa\u2060mple.com>", "U+2060")])
def test_an_address_with_an_invisible_character_says_which(pasted, code):
    """An address pasted from a chat or a web page with a zero-width space: refused as
    “wl@example.com”不是有效的邮件地址, which the lead, looking at a valid-looking address, could not act on."""
    text = BASE.replace("to: [王经理 <pm@example.com>]", "to: [" + json.dumps(pasted) + "]")
    with pytest.raises(DeliveryConfigError) as e:
        parse_config(text, "d.yaml")
    [line] = e.value.lines()
    assert line.startswith("发送配置文件错误 d.yaml:11: reports.weekly.to[0]: ") and f"看不见的字符 {code}" in line
    assert "\u200b" not in line and "\ufeff" not in line and "\u2060" not in line


@pytest.mark.parametrize("key, value, says", [
    ("host", "${SMTP_HOST}", "不展开环境变量"), ("host", "%SMTP_HOST%", "不展开环境变量"),
    ("username", "${SMTP_USER}", "不展开环境变量"), ("host", "smtp://mail.example.com", "smtp.example.com"),
    ("host", "mail.example.com:587", "smtp.port"), ("host", "mail example.com", "smtp.example.com"),
])
def test_a_host_or_username_that_cannot_be_meant_literally_is_refused_at_its_line(key, value, says):
    """`host: ${SMTP_HOST}` was looked up as a host name when sending (域名无法解析) and
    `username: ${SMTP_USER}` sent as the user name (用户名或密码不对); a URL or host:port likewise."""
    text = BASE.replace("port: 25", "port: 25\n  username: qa\n  allow_plaintext_auth: true")
    text = text.replace("host: 127.0.0.1", f"host: '{value}'") if key == "host" else \
        text.replace("username: qa", f"username: '{value}'")
    with pytest.raises(DeliveryConfigError) as e:
        parse_config(text, "d.yaml")
    [line] = e.value.lines()
    assert line.startswith(f"发送配置文件错误 d.yaml:{2 if key == 'host' else 4}: smtp.{key}: ") and says in line, line


def test_ordinary_hosts_pass():
    for host in ("127.0.0.1", "smtp.example.com", "::1", "mail-01.corp.example.cn"):
        assert parse_config(BASE.replace("host: 127.0.0.1", f"host: '{host}'"), "d.yaml").smtp.host == host
