"""E-mailing a report (zhijian.delivery, `zhijian email`) against real SMTP servers on loopback.

Every server is an aiosmtpd Controller on 127.0.0.1 with a handler that records what it was given
(envelope sender, envelope recipients, the raw message) and can answer MAIL, RCPT or DATA with a
chosen failure; nothing of smtplib is mocked. The report is a small workbook built here (an
overview sheet with the key-figure labels, a 明细 sheet with a phone number and an ID number in
remarks), plus one real 服务质量分析表 written by report_analysis for reading the figures back.
"""

from __future__ import annotations

import datetime as dt
import email
import hashlib
import json
import logging
import socket
import ssl
import subprocess
import warnings
import zipfile
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from email import policy
from pathlib import Path

import openpyxl
import pytest
from aiosmtpd.controller import Controller  # a test dependency: the tests fail without it
from aiosmtpd.smtp import AuthResult
from click.testing import CliRunner
from openpyxl.styles import Font, PatternFill

from zhijian.cli.email import email_command
from zhijian.delivery.config import DeliveryConfigError, DeliveryError, load_config, parse_config
from zhijian.delivery.message import build_outgoing
from zhijian.engine.masking import mask_text
from zhijian.delivery.workbook_mask import mask_workbook
from zhijian.delivery.figures import read_key_figures
from zhijian.delivery.smtp import send


EXAMPLE = Path(__file__).resolve().parents[2] / "workbook_templates" / "delivery.example.yaml"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PHONE = "138 1234 5678"
ID18 = "11010519491231002X"
FAST = (0, 0)  # retry delays for tests

TO = ["王经理 <pm@example.com>", "lead@example.com"]
CC = ["部门经理 <dm@example.com>"]
BCC = ["archive@example.com"]


# --- the report workbook ---------------------------------------------------------------------------

def make_report(path: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "服务质量分析表"
    ws["A1"] = "《质检监听评分表》质检周报  2026年第42周(10-12至10-18)"
    ws["A1"].font = Font(bold=True, size=14)
    ws.append([])
    ws.append(["一、关键指标"])
    ws.append(["指标", "数值", "警示级别", "说明"])
    rows = [("有效通数", 120, None), ("排除行数", 2, None), ("平均分", 89.2345, None), ("优良率", 0.45, None),
            ("平均不良比率", 0.234, "关注"), ("质检主题", "业务能力、灵活处理", None)]
    for label, value, level in rows:
        ws.append([label, value, level])
    ws["B7"].number_format = "0.0"
    ws["B8"].number_format = "0.0%"
    ws["B9"].fill = PatternFill("solid", fgColor="FFFFFF")
    d = wb.create_sheet("明细")
    d.append(["录音编号", "坐席", "客户电话", "备注"])
    d.append(["R20261012001", "1001", 13987654321, f"客户来电 {PHONE},要求回电"])
    d.append(["R20261012002", "1002", None, f"核实身份证{ID18}无误;工单 202610120001 已派"])
    d.append(["R20261012003", "1003", None, "订单号 12345678901234567890,金额 13800"])
    d["D2"].font = Font(color="FF0000")
    wb.save(path)
    return path


@pytest.fixture()
def report(tmp_path) -> Path:
    return make_report(tmp_path / "质检周报.xlsx")


def sha256(p: Path) -> str:
    return hashlib.sha256(Path(p).read_bytes()).hexdigest()


# --- SMTP servers on loopback ----------------------------------------------------------------------

@dataclass
class Delivered:
    mail_from: str
    rcpt_tos: list[str]
    content: bytes

    @property
    def message(self) -> email.message.EmailMessage:
        return email.message_from_bytes(self.content, policy=policy.default)


@dataclass
class Recorder:
    """An aiosmtpd handler: records deliveries; answers with the queued failures first."""

    delivered: list[Delivered] = field(default_factory=list)
    refuse: dict[str, str] = field(default_factory=dict)  # address -> reply to its RCPT
    fail_mail: list[str] = field(default_factory=list)
    fail_rcpt: list[str] = field(default_factory=list)
    fail_data: list[str] = field(default_factory=list)
    mail_calls: int = 0
    data_calls: int = 0

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        self.mail_calls += 1
        if self.fail_mail:
            return self.fail_mail.pop(0)
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return self.refuse[address]
        if self.fail_rcpt:
            return self.fail_rcpt.pop(0)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.data_calls += 1
        if self.fail_data:
            return self.fail_data.pop(0)
        self.delivered.append(Delivered(envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _authenticator(server, session, envelope, mechanism, auth_data):
    return AuthResult(success=auth_data.login == b"qa" and auth_data.password == b"s3cret", handled=False)


@pytest.fixture()
def serve():
    """serve(**aiosmtpd SMTP options) -> (recorder, port); every server is stopped afterwards."""
    started = []
    # aiosmtpd warns (and logs) about AUTH without TLS, which the plain login tests do on purpose;
    # kept out of the CLI's output.
    log = logging.getLogger("mail.log")
    level = log.level
    log.setLevel(logging.ERROR)
    catcher = warnings.catch_warnings()
    catcher.__enter__()
    warnings.filterwarnings("ignore", message="Requiring AUTH while not requiring TLS")

    def start(**kwargs):
        rec = Recorder()
        port = free_port()
        c = Controller(rec, hostname="127.0.0.1", port=port, **kwargs)
        c.start()
        started.append(c)
        return rec, port

    yield start
    for c in started:
        c.stop()
    catcher.__exit__(None, None, None)
    log.setLevel(level)


@pytest.fixture(scope="module")
def cert(tmp_path_factory) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 / localhost: (cert.pem, key.pem)."""
    d = tmp_path_factory.mktemp("tls")
    cert_file, key_file = d / "cert.pem", d / "key.pem"
    try:
        import ipaddress

        from cryptography import x509
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import ec
        from cryptography.x509.oid import NameOID
    except ImportError:
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                        "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
                        "-keyout", str(key_file), "-out", str(cert_file)], check=True, capture_output=True)
        return cert_file, key_file
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.timezone.utc)
    c = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
         .serial_number(x509.random_serial_number())
         .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=2))
         .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost"),
                                                     x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
         .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
         .sign(key, hashes.SHA256()))
    cert_file.write_bytes(c.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_file, key_file


def server_tls(cert) -> ssl.SSLContext:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(*cert)
    return ctx


def write_config(tmp_path: Path, port: int, *, security: str = "none", username: str | None = None,
                 extra_smtp: str = "", limit_mb: float = 20, bcc=BCC) -> Path:
    lines = ["smtp:", "  host: 127.0.0.1", f"  port: {port}", f"  security: {security}", "  timeout: 5"]
    if username:
        lines.append(f"  username: {username}")
    lines += [f"  {x}" for x in extra_smtp.splitlines() if x]
    lines += ["sender:", "  address: qa@example.com", "  name: 客服中心质检组", f"max_attachment_mb: {limit_mb}",
              "reports:", "  weekly:",
              "    to: " + json.dumps(TO, ensure_ascii=False),
              "    cc: " + json.dumps(CC, ensure_ascii=False),
              "    bcc: " + json.dumps(bcc, ensure_ascii=False),
              '    subject: "质检周报 {start} 至 {end}"',
              "    body: |",
              "      各位好: 附件是{period}的{report}。",
              "      {figures}",
              "      警示级别 {mean_defect_level}"]
    p = tmp_path / "delivery.yaml"
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return p


def attachment(msg) -> tuple[str, bytes, str]:
    [part] = list(msg.iter_attachments())
    return part.get_filename(), part.get_content(), part.get_content_type()


# --- configuration ---------------------------------------------------------------------------------

def test_the_documented_example_loads():
    c = load_config(EXAMPLE)
    assert c.smtp.security == "starttls" and c.smtp.effective_port == 587
    assert c.max_attachment_mb == 20
    assert c.reports.weekly.bcc == ["qa-archive@example.com"]
    assert "{figures}" in c.reports.monthly.body  # the default body


def test_a_password_in_the_file_is_refused_with_its_line():
    text = "smtp:\n  host: h\n  username: u\n  password: hunter2\nsender:\n  address: a@example.com\n" \
           "reports:\n  daily:\n    to: [b@example.com]\n"
    with pytest.raises(DeliveryConfigError) as e:
        parse_config(text, "d.yaml")
    assert str(e.value).startswith("发送配置文件错误 d.yaml:4: smtp.password: 配置文件中不允许写密码")
    assert "ZHIJIAN_SMTP_PASSWORD" in str(e.value) and "hunter2" not in str(e.value)


def test_config_problems_each_name_file_and_line():
    text = ("smtp:\n  host: h\n  security: tls\nsender:\n  address: a@example.com\nreports:\n  weekly:\n"
            "    to: [not-an-address]\n    subject: '周报 {week}'\n  yearly:\n    to: [b@example.com]\n")
    with pytest.raises(DeliveryConfigError) as e:
        parse_config(text, "d.yaml")
    lines = e.value.lines()
    assert lines[0].startswith("发送配置文件错误 d.yaml:3: smtp.security: 取值不允许")
    assert "d.yaml:10: reports.yearly: 不认识的设置项" in lines[1]
    assert len(lines) == 2  # semantic checks run once the structure is right
    text = text.replace("tls", "ssl").replace("  yearly:\n    to: [b@example.com]\n", "")
    with pytest.raises(DeliveryConfigError) as e:
        parse_config(text, "d.yaml")
    assert e.value.lines() == [
        "发送配置文件错误 d.yaml:8: reports.weekly.to[0]: “not-an-address”不是有效的邮件地址"
        "(应写成 name@example.com 或 张三 <name@example.com>)",
        "发送配置文件错误 d.yaml:9: reports.weekly.subject: 模板中的占位符 {week} 不存在;可用的有: "
        "{report}、{period}、{start}、{end}、{n}、{mean_score}、{excellent_rate}、{mean_defect_rate}、"
        "{mean_defect_level}、{topics}、{next_topics}、{ledger_agents}、{ledger_mean_score}、{ledger_min_score}、"
        "{ledger_below_pass}、{figures}、{file}、{points}、{sender}"]


def test_no_config_points_to_the_example(report, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # a folder without zhijian-delivery.yaml
    r = CliRunner().invoke(email_command, [str(report), "--kind", "weekly", "--dry-run"])
    assert r.exit_code == 2
    assert r.output.startswith("发送配置文件错误 zhijian-delivery.yaml: 找不到发送配置文件")
    assert "delivery.example.yaml" in r.output


def test_a_kind_without_recipients(tmp_path, report):
    cfg = write_config(tmp_path, 25)
    r = CliRunner().invoke(email_command, [str(report), "--kind", "monthly", "--config", str(cfg), "--dry-run"])
    assert r.exit_code == 2
    assert r.output.strip() == f"发送配置文件错误 {cfg}: 没有 reports.monthly(质检月报)的收件人设置,请在配置文件中补上"


# --- masking ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, masked", [
    ("客户电话13812345678请回电", "客户电话138****5678请回电"),
    ("138 1234 5678", "138****5678"),
    ("138-1234-5678", "138****5678"),
    ("+86 13912345678", "+86 139****5678"),
    ("身份证11010519491231002X", "身份证110105********002X"),
    ("id 110105194912310021.", "id 110105********0021."),
    ("旧证 110105491231002", "旧证 110105*****1002"),
    ("R20261012001", "R20261012001"),  # a recording id
    ("202610120001", "202610120001"),  # 12 digits
    ("12345678901234567890", "12345678901234567890"),  # 20 digits
    ("02012345678", "02012345678"),  # a landline
    ("12812345678", "12812345678"),  # not a mobile prefix
    ("A13812345678", "A138****5678"),  # glued to a letter, as tel13812345678: masked (issue 13)
])
def test_mask_text(text, masked):
    assert mask_text(text) == masked


def test_masked_copy_keeps_everything_else_and_leaves_the_source(tmp_path, report):
    before = sha256(report)
    rep = mask_workbook(report, tmp_path / "masked.xlsx")
    assert sha256(report) == before
    assert (rep.mobiles, rep.ids) == (2, 1)
    wb = openpyxl.load_workbook(tmp_path / "masked.xlsx")
    d = wb["明细"]
    assert d["D2"].value == "客户来电 138****5678,要求回电"
    assert d["C2"].value == "139****4321"  # a number cell shaped like a mobile
    assert d["D3"].value == "核实身份证110105********002X无误;工单 202610120001 已派"
    assert d["D4"].value == "订单号 12345678901234567890,金额 13800"
    assert [d.cell(r, 1).value for r in (2, 3, 4)] == ["R20261012001", "R20261012002", "R20261012003"]
    assert d["D2"].font.color.rgb == "00FF0000"
    ov = wb["服务质量分析表"]
    assert ov["A1"].font.bold and ov["B7"].number_format == "0.0" and ov["B7"].value == 89.2345
    assert mask_workbook(tmp_path / "masked.xlsx", tmp_path / "again.xlsx").total == 0
    assert sha256(tmp_path / "again.xlsx") == sha256(tmp_path / "masked.xlsx")  # unchanged input stays as is


# --- key figures -----------------------------------------------------------------------------------

def test_key_figures_from_the_overview_sheet(report):
    f = read_key_figures(report)
    assert (f.period, f.start, f.end) == ("2026年第42周(10-12至10-18)", dt.date(2026, 10, 12), dt.date(2026, 10, 18))
    assert f.lines() == ["有效通数 120 通", "平均分 89.2", "优良率 45.0%", "平均不良比率 23.4%(警示级别: 关注)",
                         "质检主题 业务能力、灵活处理"]


def test_key_figures_in_the_weekly_layout(tmp_path):
    """质检周报: the figures as a row of tiles (headers, values below), then a day strip whose row
    labels repeat 平均分 / 平均不良比率 (not the week's figures), then 本周 / 下周 topics."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["《质检监听评分表》质检周报  2026年第42周(10-12至10-18)"])
    ws.append([])
    ws.append(["一、本周关键指标"])
    ws.append(["有效通数", "平均分", "优良率", "轻微不良", "一般不良", "80分以下", "平均不良比率", "警示级别"])
    ws.append([500, 88.492, 0.424, 0.2, 0.1, 0.05, 0.3234, "预警"])
    ws.append(["日期", "10-12 周一", "10-13 周二"])
    ws.append(["平均分", 70.0, 71.0])
    ws.append(["平均不良比率", 0.9, 0.8])
    ws.append(["本周质检主题", "主动推介、业务能力"])
    ws.append(["下周建议主题", "业务能力、主动推介"])
    wb.save(tmp_path / "w.xlsx")
    f = read_key_figures(tmp_path / "w.xlsx")
    assert f.lines() == ["有效通数 500 通", "平均分 88.5", "优良率 42.4%", "平均不良比率 32.3%(警示级别: 预警)",
                         "质检主题 主动推介、业务能力", "下周建议主题 业务能力、主动推介"]


def test_key_figures_in_the_monthly_layout(tmp_path):
    """质检月报: 指标 | 上月 | 本月 | 变化 | 警示级别; the figures are this month's, the topics a merged cell."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["《质检监听评分表》质检月报 2026年10月"])
    ws.append(["统计期 2026-10-01 至 2026-10-31,与 2026年9月 环比"])
    ws.append(["一、关键指标环比"])
    ws.append(["指标", "上月\n2026年9月", "本月\n2026年10月", "变化", "警示级别"])
    ws.append(["有效通数", 1700, 1803, 103])
    ws.append(["平均分", 86.0, 87.62, 1.62])
    ws.append(["优良率", 0.30, 0.351, 0.051])
    ws.append(["平均不良比率", 0.41, 0.348, -0.062, "预警"])
    ws.append(["质检主题", "业务能力、主动推介"])
    ws.merge_cells("B9:E9")
    wb.save(tmp_path / "m.xlsx")
    f = read_key_figures(tmp_path / "m.xlsx")
    assert (f.period, f.start, f.end) == ("2026年10月", dt.date(2026, 10, 1), dt.date(2026, 10, 31))
    assert f.lines() == ["有效通数 1803 通", "平均分 87.6", "优良率 35.1%", "平均不良比率 34.8%(警示级别: 预警)",
                         "质检主题 业务能力、主动推介"]


def test_missing_figures_are_tolerated(tmp_path):
    wb = openpyxl.Workbook()
    wb.active.append(["平均分", "—"])
    wb.active.append(["质检主题", "无"])
    wb.save(tmp_path / "analysis-2026-10.xlsx")
    f = read_key_figures(tmp_path / "analysis-2026-10.xlsx")
    assert f.lines() == ["质检主题 无"]
    assert (f.period, f.start, f.end) == ("2026-10", dt.date(2026, 10, 1), dt.date(2026, 10, 31))
    assert f.placeholders()["mean_score"] == "—"


def test_key_figures_of_a_real_analysis_workbook(tmp_path):
    from zhijian.engine.analysis import analyse
    from zhijian.engine.columns import column_specs
    from zhijian.engine.periods import period_of
    from zhijian.pipeline.demo import generate_month
    from zhijian.engine.reader import Grid
    from zhijian.reports.analysis_workbook import write_analysis_workbook
    from zhijian.files.rubrics import load_rubric
    from zhijian.engine.validate import check_grids

    rubric = load_rubric("listening-10x4")
    month, _ = generate_month(rubric, "2026-10", seed=5)
    day = month["date"].min()
    recs = month[month["date"] == day].head(40).to_dict("records")
    recs[3]["remarks"] = f"客户 {PHONE} 来电投诉"
    specs = column_specs(rubric)
    rows = [[s.header for s in specs]] + [[None if s.key == "total" else r.get(s.key) for s in specs] for r in recs]
    calls = check_grids(rubric, [Grid("/x/a.xlsx", "评分表", rows)]).valid_calls.reset_index(drop=True)
    _, label = period_of("week", day)
    a = analyse(rubric, calls, period_label=label)
    out = write_analysis_workbook(a, tmp_path / "分析表.xlsx")
    f, o = read_key_figures(out), a.overall
    assert f.period == label and f.start <= day <= f.end and (f.end - f.start).days == 6

    def shown(x, scale=1):  # as Excel shows it: 1 decimal, half away from zero
        return str((Decimal(str(round(x, 9))) * scale).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))

    assert f.n == str(o.n) and f.mean_score == shown(o.mean_score)
    assert f.excellent_rate == shown(o.excellent_rate, 100) + "%"
    assert f.mean_defect_rate == shown(o.mean_defect_rate, 100) + "%"
    # The 服务质量分析表 suggests no 质检主题 (only the 质检周报 and 质检月报 do): none in the e-mail.
    assert f.mean_defect_level == o.mean_defect_level and f.topics is None

    # Masking the real workbook (XlsxWriter: shared strings, charts): only the shared strings change.
    rep = mask_workbook(out, tmp_path / "masked.xlsx")
    assert (rep.mobiles, rep.ids, rep.parts) == (1, 0, ["xl/sharedStrings.xml"])
    with zipfile.ZipFile(out) as a_, zipfile.ZipFile(tmp_path / "masked.xlsx") as b_:
        assert a_.namelist() == b_.namelist() and any(n.startswith("xl/charts/") for n in a_.namelist())
        assert [n for n in a_.namelist() if a_.read(n) != b_.read(n)] == ["xl/sharedStrings.xml"]
    detail = [c.value for row in openpyxl.load_workbook(tmp_path / "masked.xlsx")["明细"].iter_rows() for c in row]
    assert "客户 138****5678 来电投诉" in detail and not any(PHONE in str(v) for v in detail)


# --- sending ---------------------------------------------------------------------------------------

def test_plain_delivery_headers_envelope_attachment_body(tmp_path, report, serve):
    rec, port = serve()
    config = load_config(write_config(tmp_path, port))
    before = sha256(report)
    out = build_outgoing(report, config, "weekly")
    result = send(out, config, delays=FAST)
    assert result.attempts == 1 and sha256(report) == before
    [d] = rec.delivered
    assert d.mail_from == "qa@example.com"
    assert sorted(d.rcpt_tos) == sorted(["pm@example.com", "lead@example.com", "dm@example.com",
                                         "archive@example.com"])
    msg = d.message
    assert msg["From"] == "客服中心质检组 <qa@example.com>"
    assert [a.addr_spec for a in msg["To"].addresses] == ["pm@example.com", "lead@example.com"]
    assert msg["To"].addresses[0].display_name == "王经理"
    assert msg["Cc"] == "部门经理 <dm@example.com>"
    assert msg["Bcc"] is None and b"archive@example.com" not in d.content
    assert msg["Subject"] == "质检周报 2026-10-12 至 2026-10-18"
    assert msg["Date"] and msg["Message-ID"].endswith("@example.com>")
    head = d.content.split(b"\r\n\r\n", 1)[0]
    assert head.isascii()  # Chinese display names and subject are encoded
    assert b"filename*=utf-8''%E8%B4%A8%E6%A3%80%E5%91%A8%E6%8A%A5.xlsx" in d.content
    name, data, ctype = attachment(msg)
    assert (name, ctype) == ("质检周报.xlsx", XLSX)
    mask_workbook(report, tmp_path / "masked.xlsx")
    assert data == (tmp_path / "masked.xlsx").read_bytes() != report.read_bytes()
    remarks = [c.value for c in openpyxl.load_workbook(tmp_path / "masked.xlsx")["明细"]["D"]]
    assert "客户来电 138****5678,要求回电" in remarks and f"核实身份证{ID18}" not in str(remarks)
    body = msg.get_body(("plain",)).get_content()
    assert "附件是2026年第42周(10-12至10-18)的质检周报。" in body
    for figure in ("有效通数 120 通", "平均分 89.2", "优良率 45.0%", "平均不良比率 23.4%", "质检主题 业务能力、灵活处理",
                   "警示级别 关注"):
        assert figure in body


def test_no_mask_attaches_the_source_bytes(tmp_path, report, serve):
    rec, port = serve()
    cfg = write_config(tmp_path, port)
    r = CliRunner().invoke(email_command, [str(report), "--kind", "weekly", "--config", str(cfg), "--no-mask"])
    assert r.exit_code == 0, r.output
    [d] = rec.delivered
    assert attachment(d.message)[1] == report.read_bytes()


def test_login_right_password_delivers(tmp_path, report, serve, monkeypatch):
    rec, port = serve(authenticator=_authenticator, auth_required=True, auth_require_tls=False)
    monkeypatch.setenv("ZHIJIAN_SMTP_PASSWORD", "s3cret")
    config = load_config(write_config(tmp_path, port, username="qa", extra_smtp="allow_plaintext_auth: true"))
    send(build_outgoing(report, config, "weekly"), config, delays=FAST)
    assert len(rec.delivered) == 1


def test_login_wrong_password_is_one_chinese_line_and_nothing_is_sent(tmp_path, report, serve, monkeypatch):
    rec, port = serve(authenticator=_authenticator, auth_required=True, auth_require_tls=False)
    monkeypatch.setenv("ZHIJIAN_SMTP_PASSWORD", "wrong")
    cfg = write_config(tmp_path, port, username="qa", extra_smtp="allow_plaintext_auth: true")
    r = CliRunner().invoke(email_command, [str(report), "--kind", "weekly", "--config", str(cfg)])
    assert r.exit_code == 1
    assert r.output.startswith(f"邮件服务器 127.0.0.1:{port} 拒绝登录(用户名 qa): 用户名或密码不对(535 ")
    assert len(r.output.strip().splitlines()) == 1
    assert rec.delivered == [] and rec.mail_calls == 0


def test_no_password_anywhere(tmp_path, report, serve, monkeypatch):
    rec, port = serve()
    monkeypatch.delenv("ZHIJIAN_SMTP_PASSWORD", raising=False)
    config = load_config(write_config(tmp_path, port, username="qa",
                                      extra_smtp="password_env: ZHIJIAN_TEST_NO_SUCH_VAR\nallow_plaintext_auth: true"))
    with pytest.raises(DeliveryError, match="没有找到登录邮件服务器 .* 的密码.*ZHIJIAN_TEST_NO_SUCH_VAR.*keyring set zhijian qa"):
        send(build_outgoing(report, config, "weekly"), config, delays=FAST)
    assert rec.mail_calls == 0


def test_starttls_with_a_self_signed_certificate_and_login(tmp_path, report, serve, cert, monkeypatch):
    rec, port = serve(tls_context=server_tls(cert), require_starttls=True, authenticator=_authenticator,
                      auth_required=True)
    monkeypatch.setenv("ZHIJIAN_SMTP_PASSWORD", "s3cret")
    config = load_config(write_config(tmp_path, port, security="starttls", username="qa",
                                      extra_smtp=f"ca_file: {cert[0]}"))
    send(build_outgoing(report, config, "weekly"), config, delays=FAST)
    assert len(rec.delivered) == 1
    # The same server without trusting its certificate: a clear message, nothing sent.
    untrusted = load_config(write_config(tmp_path, port, security="starttls", username="qa"))
    with pytest.raises(DeliveryError, match=f"邮件服务器 127.0.0.1:{port} 的证书无法验证.*smtp.ca_file"):
        send(build_outgoing(report, untrusted, "weekly"), untrusted, delays=FAST)
    insecure = load_config(write_config(tmp_path, port, security="starttls", username="qa", extra_smtp="verify: false"))
    send(build_outgoing(report, insecure, "weekly"), insecure, delays=FAST)
    assert len(rec.delivered) == 2


def test_implicit_tls(tmp_path, report, serve, cert):
    rec, port = serve(ssl_context=server_tls(cert))
    config = load_config(write_config(tmp_path, port, security="ssl", extra_smtp=f"ca_file: {cert[0]}"))
    send(build_outgoing(report, config, "weekly"), config, delays=FAST)
    assert len(rec.delivered) == 1


def test_one_rejected_recipient_means_nobody_gets_it(tmp_path, report, serve):
    rec, port = serve()
    rec.refuse["dm@example.com"] = "550 5.1.1 <dm@example.com>: Recipient address rejected"
    cfg = write_config(tmp_path, port)
    r = CliRunner().invoke(email_command, [str(report), "--kind", "weekly", "--config", str(cfg)])
    assert r.exit_code == 1
    assert r.output.strip() == (f"邮件服务器 127.0.0.1:{port} 拒绝了收件人 dm@example.com(550 5.1.1 <dm@example.com>: "
                                "Recipient address rejected);为避免只发给一部分人,这封邮件没有发给任何收件人")
    assert rec.delivered == [] and rec.data_calls == 0 and rec.mail_calls == 1  # no retry for a 5xx


@pytest.mark.parametrize("stage, reply", [("mail", "421 4.3.2 Service not available, try again later"),
                                          ("rcpt", "450 4.2.1 Mailbox busy"),
                                          ("data", "421 4.3.2 Service not available, try again later")])
def test_a_temporary_failure_is_retried_and_delivered_once(tmp_path, report, serve, stage, reply):
    rec, port = serve()
    getattr(rec, f"fail_{stage}").append(reply)
    config = load_config(write_config(tmp_path, port))
    slept = []
    result = send(build_outgoing(report, config, "weekly"), config, delays=(0.5, 1.0), sleep=slept.append)
    assert result.attempts == 2 and slept == [0.5]
    assert rec.mail_calls == 2 and len(rec.delivered) == 1 and len(rec.delivered[0].rcpt_tos) == 4


def test_a_busy_greeting_is_retried_then_given_up(tmp_path, report):
    """A server answering 421 as it greets (a raw socket: aiosmtpd always greets with 220)."""
    import threading

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(5)
    listener.settimeout(0.05)
    connections = []
    stop = threading.Event()

    def busy():
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except OSError:  # timeout: look at the stop flag again
                continue
            connections.append(conn)
            conn.sendall(b"421 4.3.2 Too busy\r\n")
            conn.close()

    t = threading.Thread(target=busy, daemon=True)
    t.start()
    port = listener.getsockname()[1]
    config = load_config(write_config(tmp_path, port))
    try:
        with pytest.raises(DeliveryError) as e:
            send(build_outgoing(report, config, "weekly"), config, delays=FAST)
    finally:
        stop.set()
        t.join(5)
        listener.close()
    assert str(e.value) == (f"邮件服务器 127.0.0.1:{port} 暂时无法处理: 拒绝连接(421 4.3.2 Too busy);"
                            "已尝试 3 次,邮件未发送,请稍后再试")
    assert len(connections) == 3


def test_a_temporary_failure_that_lasts_gives_up_after_three_attempts(tmp_path, report, serve):
    rec, port = serve()
    rec.fail_data += ["451 4.3.0 Local error in processing"] * 3
    config = load_config(write_config(tmp_path, port))
    with pytest.raises(DeliveryError) as e:
        send(build_outgoing(report, config, "weekly"), config, delays=FAST)
    assert str(e.value) == (f"邮件服务器 127.0.0.1:{port} 暂时无法处理: 拒绝了这封邮件(451 4.3.0 Local error in "
                            "processing);已尝试 3 次,邮件未发送,请稍后再试")
    assert rec.data_calls == 3 and rec.delivered == []


def test_a_permanent_failure_is_not_retried(tmp_path, report, serve):
    rec, port = serve()
    rec.fail_data.append("554 5.7.1 Message rejected as spam")
    config = load_config(write_config(tmp_path, port))
    with pytest.raises(DeliveryError) as e:
        send(build_outgoing(report, config, "weekly"), config, delays=FAST)
    assert str(e.value) == f"邮件服务器 127.0.0.1:{port} 拒绝了这封邮件(554 5.7.1 Message rejected as spam),邮件未发送"
    assert rec.data_calls == 1 and rec.mail_calls == 1 and rec.delivered == []


def test_an_unreachable_server(tmp_path, report):
    port = free_port()  # nothing listens there
    cfg = write_config(tmp_path, port)
    r = CliRunner().invoke(email_command, [str(report), "--kind", "weekly", "--config", str(cfg)])
    assert r.exit_code == 1
    assert r.output.strip() == (f"无法连接邮件服务器 127.0.0.1:{port}: 连接被拒绝;请检查 smtp.host、smtp.port 和网络")


def test_an_attachment_over_the_limit_fails_before_connecting(tmp_path, report):
    with socket.socket() as listener:  # a port that would accept a connection, to see that none comes
        listener.bind(("127.0.0.1", 0))
        listener.listen(5)
        port = listener.getsockname()[1]
        cfg = write_config(tmp_path, port, limit_mb=0.001)
        r = CliRunner().invoke(email_command, [str(report), "--kind", "weekly", "--config", str(cfg)])
        listener.settimeout(0.2)
        with pytest.raises(socket.timeout):
            listener.accept()
    size = report.stat().st_size  # masked copy: same order of size
    assert r.exit_code == 1
    assert r.output.startswith("附件 质检周报.xlsx 有 ") and "超过配置的上限 0.001 MB(max_attachment_mb),邮件未发送" in r.output
    assert size > 1100


# --- --dry-run and --eml ---------------------------------------------------------------------------

def test_dry_run_shows_who_gets_what_and_sends_nothing(tmp_path, report, serve):
    rec, port = serve()
    cfg = write_config(tmp_path, port)
    r = CliRunner().invoke(email_command, [str(report), "--kind", "weekly", "--config", str(cfg), "--dry-run"])
    assert r.exit_code == 0, r.output
    assert rec.mail_calls == 0 and rec.delivered == []
    for line in ("试运行,不发送: 质检周报.xlsx 作为质检周报", "主题: 质检周报 2026-10-12 至 2026-10-18",
                 "收件人(to): 王经理 <pm@example.com>、lead@example.com", "抄送(cc): 部门经理 <dm@example.com>",
                 "密送(bcc): archive@example.com", "个人信息: 已遮蔽手机号 2 处、身份证号 1 处", "平均分 89.2"):
        assert line in r.output
    size = len(build_outgoing(report, load_config(cfg), "weekly").attachment)
    assert "附件: 质检周报.xlsx(" in r.output
    r = CliRunner().invoke(email_command, [str(report), "--kind", "weekly", "--config", str(cfg), "--dry-run", "--json"])
    data = json.loads(r.output)
    assert data["sent"] is False and data["dry_run"] is True and data["bcc"] == BCC
    assert data["attachment"] == {"name": "质检周报.xlsx", "size": size, "masked": True, "limit": 20 * 1024 * 1024,
                                  "over_limit": False,
                                  "masking": {"mobiles": 2, "ids": 1, "parts": ["xl/worksheets/sheet2.xml"]}}
    assert data["figures"]["mean_score"] == "89.2" and rec.mail_calls == 0


def test_eml_draft_opens_as_a_draft_with_the_attachment(tmp_path, report, serve):
    rec, port = serve()
    cfg = write_config(tmp_path, port)
    eml = tmp_path / "草稿.eml"
    r = CliRunner().invoke(email_command, [str(report), "--kind", "weekly", "--config", str(cfg), "--eml", str(eml)])
    assert r.exit_code == 0, r.output
    assert f"已写出邮件草稿(未发送): {eml}" in r.output and rec.mail_calls == 0
    raw = eml.read_bytes()
    assert b"\r\nX-Unsent: 1\r\n" in raw
    msg = email.message_from_bytes(raw, policy=policy.default)
    assert msg["Subject"] == "质检周报 2026-10-12 至 2026-10-18" and msg["X-Unsent"] == "1"
    assert msg["Bcc"] == "archive@example.com"  # a draft has no envelope: its sender's client needs the Bcc
    name, data, ctype = attachment(msg)
    assert (name, ctype) == ("质检周报.xlsx", XLSX)
    mask_workbook(report, tmp_path / "masked.xlsx")
    assert data == (tmp_path / "masked.xlsx").read_bytes()


def test_the_cli_sends_and_says_so(tmp_path, report, serve):
    rec, port = serve()
    cfg = write_config(tmp_path, port, bcc=[])
    r = CliRunner().invoke(email_command, [str(report), "--kind", "weekly", "--config", str(cfg), "--json"])
    assert r.exit_code == 0, r.output
    data = json.loads(r.output)
    assert data["sent"] is True and data["attempts"] == 1 and data["server"] == f"127.0.0.1:{port}"
    assert sorted(rec.delivered[0].rcpt_tos) == sorted(data["recipients"])
    r = CliRunner().invoke(email_command, [str(report), "--kind", "weekly", "--config", str(cfg)])
    assert r.output.startswith(f"已发送《质检周报 2026-10-12 至 2026-10-18》给 3 个地址(经 127.0.0.1:{port})")
    assert len(rec.delivered) == 2
