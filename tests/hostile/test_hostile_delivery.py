"""Issue 13, "secrets and transport": a planted ./zhijian-delivery.yaml cannot send another
program's secret (password_env must name a ZHIJIAN_ variable), a password never goes over an
unencrypted connection unless the configuration says so in words, the dry run names the transport
and the configuration file in use, and a line break in a name cannot add a header."""

from __future__ import annotations

import json

import pytest

from hostile_kit import assert_one_message, invoke, sheet

PLANTED = """\
smtp: {host: collector.example.net, port: 25, security: none, username: me, password_env: CLOUD_API_TOKEN}
sender: {address: qa@example.com}
reports:
  weekly: {to: [pm@example.com], bcc: [collector@example.net]}
"""


@pytest.fixture
def report(tmp_path):
    return sheet(tmp_path, "weekly.xlsx")


def config(tmp_path, text: str):
    p = tmp_path / "zhijian-delivery.yaml"
    p.write_text(text, encoding="utf-8")
    return p


def test_a_planted_configuration_cannot_send_another_programs_secret(tmp_path, report, monkeypatch):
    monkeypatch.chdir(tmp_path)
    config(tmp_path, PLANTED)
    r = invoke("email", report, "--kind", "weekly", "--dry-run", env={"CLOUD_API_TOKEN": "s3cret-token"})
    assert r.exit_code == 2
    assert "s3cret-token" not in r.output
    assert "smtp.password_env: 环境变量名应以 ZHIJIAN_ 开头" in r.stderr
    assert "smtp.security: security: none 不加密,登录密码会以明文发送" in r.stderr


def test_plain_login_only_when_the_configuration_says_so(tmp_path, report):
    text = PLANTED.replace("CLOUD_API_TOKEN", "ZHIJIAN_SMTP_PASSWORD")
    r = invoke("email", report, "--kind", "weekly", "--config", config(tmp_path, text), "--dry-run")
    assert r.exit_code == 2
    assert_one_message(r.stderr, "allow_plaintext_auth: true")
    allowed = text.replace("security: none,", "security: none, allow_plaintext_auth: true,")
    cfg = config(tmp_path, allowed)
    r = invoke("email", report, "--kind", "weekly", "--config", cfg, "--dry-run")
    assert r.exit_code == 0, r.output
    assert "  传输: 不加密(明文,端口 25),登录密码以明文发送(allow_plaintext_auth: true)" in r.stdout
    assert f"  配置文件: {cfg.resolve()}" in r.stdout
    assert "  密送(bcc): collector@example.net" in r.stdout


def test_the_dry_run_names_the_transport_and_the_file(tmp_path, report, monkeypatch):
    monkeypatch.chdir(tmp_path)
    config(tmp_path, "smtp: {host: smtp.example.com, username: qa@example.com}\nsender: {address: qa@example.com}\n"
                     "reports: {weekly: {to: [pm@example.com]}}\n")
    r = invoke("email", report, "--kind", "weekly", "--dry-run")
    assert "  传输: STARTTLS 加密(端口 587)" in r.stdout
    assert f"  配置文件: {(tmp_path / 'zhijian-delivery.yaml').resolve()}" in r.stdout
    data = json.loads(invoke("email", report, "--kind", "weekly", "--dry-run", "--json").stdout)
    assert data["transport"] == {"security": "starttls", "encrypted": True, "plaintext_auth": False,
                                 "description": "STARTTLS 加密(端口 587)"}
    assert data["config"] == str((tmp_path / "zhijian-delivery.yaml").resolve())


@pytest.mark.parametrize("field, value, phrase", [
    ("sender", "{address: qa@example.com, name: \"质检组\\r\\nBcc: x@evil.example\"}", "发件人名称含有换行或控制字符"),
    ("to", "[\"张三\\r\\nBcc: x@evil.example <pm@example.com>\"]", "含有换行或控制字符"),
])
def test_a_line_break_in_a_name_is_refused(tmp_path, report, field, value, phrase):
    sender = value if field == "sender" else "{address: qa@example.com}"
    to = value if field == "to" else "[pm@example.com]"
    cfg = config(tmp_path, f"smtp: {{host: smtp.example.com}}\nsender: {sender}\nreports: {{weekly: {{to: {to}}}}}\n")
    r = invoke("email", report, "--kind", "weekly", "--config", cfg, "--dry-run")
    assert r.exit_code == 2
    assert_one_message(r.stderr, phrase)


def test_a_line_break_in_the_reports_file_name_never_reaches_a_header(tmp_path):
    report = sheet(tmp_path, "周报\r\nBcc: x@evil.example.xlsx")
    cfg = config(tmp_path, "smtp: {host: smtp.example.com}\nsender: {address: qa@example.com}\n"
                           "reports: {weekly: {to: [pm@example.com], subject: '{file}'}}\n")
    eml = tmp_path / "w.eml"
    r = invoke("email", report, "--kind", "weekly", "--config", cfg, "--eml", eml)
    assert r.exit_code == 0, r.output
    head = eml.read_bytes().split(b"\r\n\r\n", 1)[0].decode("ascii")
    assert "\nBcc:" not in head and "x@evil.example" not in head.split("Subject:")[0]


def test_a_weekly_report_is_not_sent_as_the_daily_or_the_monthly(tmp_path):
    """The 质检周报 sent with --kind daily went to the daily list as 《质检日报 2026年第45周》."""
    s = sheet(tmp_path / "sheets", "day.xlsx")
    weekly = tmp_path / "质检周报.xlsx"
    assert invoke("weekly", s, "--rubric", "listening-10x4", "-o", weekly).exit_code == 0
    cfg = config(tmp_path, "smtp: {host: smtp.example.com}\nsender: {address: qa@example.com}\n"
                           "reports: {daily: {to: [a@example.com]}, weekly: {to: [b@example.com]},"
                           " monthly: {to: [c@example.com]}}\n")
    for kind, title in (("daily", "质检日报"), ("monthly", "质检月报")):
        r = invoke("email", weekly, "--kind", kind, "--config", cfg, "--dry-run")
        assert r.exit_code == 2
        assert_one_message(r.stderr, f"{weekly} 是 zhijian weekly 写出的质检周报,不能按 --kind {kind}({title})发送;"
                                     "请用 --kind weekly")
    assert invoke("email", weekly, "--kind", "weekly", "--config", cfg, "--dry-run").exit_code == 0
