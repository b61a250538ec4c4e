"""`zhijian email` against SMTP servers that misbehave: one that hangs up in the middle of the
message, one that answers only temporary failures, one that refuses one recipient of several, one
that offers STARTTLS and then fails it, one that never answers, and a list of 200 recipients. Real
servers on loopback (aiosmtpd, or a bare socket where aiosmtpd cannot misbehave that way); the
password never appears in what is printed, in --json or in a log."""

from __future__ import annotations

import json
import socket
import threading
import time

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, syntax
from click.testing import CliRunner

from test_mail import (_authenticator, free_port, report, serve, server_tls, cert, write_config,  # noqa: F401
                       Recorder, TO, CC, BCC)
from zhijian.cli.email import email_command

PASSWORD = "s3cret"


def run(*args, as_json=False):
    return CliRunner().invoke(email_command, [str(a) for a in args] + (["--json"] if as_json else []))


def one_json(r) -> dict:
    data = json.loads(r.stdout)  # exactly one document
    assert isinstance(data, dict)
    return data


class _Server(Controller):
    """An aiosmtpd Controller whose sessions are `protocol` (a subclass of aiosmtpd's SMTP)."""

    def __init__(self, protocol, handler, **kwargs):
        self.protocol = protocol
        super().__init__(handler, hostname="127.0.0.1", port=free_port(), **kwargs)

    def factory(self):
        return self.protocol(self.handler, **self.SMTP_kwargs)


@pytest.fixture()
def misbehaving():
    started = []

    def start(protocol, **kwargs):
        rec = Recorder()
        c = _Server(protocol, rec, **kwargs)
        c.start()
        started.append(c)
        return rec, c.port

    yield start
    for c in started:
        c.stop()


# --- a server that hangs up in the middle of the message -----------------------------------------

class HangsUpInData(SMTP):
    """Says 354, reads the first lines of the message, then closes the connection."""

    data_sessions = 0

    async def smtp_DATA(self, arg):
        type(self).data_sessions += 1
        await self.push("354 End data with <CR><LF>.<CR><LF>")
        for _ in range(3):
            await self._reader.readline()
        self.transport.close()


def test_a_server_that_hangs_up_in_the_middle_of_the_message(tmp_path, report, misbehaving):  # noqa: F811
    HangsUpInData.data_sessions = 0
    rec, port = misbehaving(HangsUpInData)
    cfg = write_config(tmp_path, port)
    r = run(report, "--kind", "weekly", "--config", cfg, as_json=True)
    assert r.exit_code == 1, r.output
    [line] = r.stderr.strip().splitlines()
    assert line.startswith(f"邮件服务器 127.0.0.1:{port} 在接收邮件内容时断开了连接"), line
    assert one_json(r) == {"error": line, "exit_code": 1}
    assert rec.delivered == [] and HangsUpInData.data_sessions == 1  # not sent twice


# --- temporary failures ------------------------------------------------------------------------

def test_temporary_failures_are_retried_a_bounded_number_of_times(tmp_path, report, serve):  # noqa: F811
    rec, port = serve()
    rec.fail_rcpt += ["452 4.5.3 Too many recipients"] * 100
    cfg = write_config(tmp_path, port)
    started = time.monotonic()
    r = run(report, "--kind", "weekly", "--config", cfg, as_json=True)
    assert time.monotonic() - started < 10
    assert r.exit_code == 1
    data = one_json(r)
    assert data["exit_code"] == 1 and "暂时不接受收件人" in data["error"] and "已尝试 3 次,邮件未发送" in data["error"]
    assert rec.mail_calls == 3 and rec.data_calls == 0 and rec.delivered == []


def test_a_permanent_refusal_of_one_recipient_of_several(tmp_path, report, serve):  # noqa: F811
    """All recipients in one transaction: one refused (5xx), nobody gets the message; the refused
    one is named, exit 1, no retry."""
    rec, port = serve()
    rec.refuse["lead@example.com"] = "550 5.1.1 No such user"
    cfg = write_config(tmp_path, port)
    r = run(report, "--kind", "weekly", "--config", cfg, as_json=True)
    assert r.exit_code == 1
    data = one_json(r)
    assert data == {"error": f"邮件服务器 127.0.0.1:{port} 拒绝了收件人 lead@example.com(550 5.1.1 No such user);"
                             "为避免只发给一部分人,这封邮件没有发给任何收件人", "exit_code": 1}
    assert rec.mail_calls == 1 and rec.data_calls == 0 and rec.delivered == []


# --- STARTTLS offered, then failing ----------------------------------------------------------------

class RefusesStartTLS(SMTP):
    @syntax("STARTTLS", when="tls_context")
    async def smtp_STARTTLS(self, arg):
        await self.push("454 4.7.0 TLS not available due to temporary reason")


class BreaksStartTLS(SMTP):
    """Says 220 to STARTTLS, then answers the TLS handshake with plain text and hangs up."""

    @syntax("STARTTLS", when="tls_context")
    async def smtp_STARTTLS(self, arg):
        await self.push("220 Ready to start TLS")
        await self.push("500 no TLS here after all")
        self.transport.close()


@pytest.mark.parametrize("protocol, start", [
    (RefusesStartTLS, "邮件服务器 127.0.0.1:{port} 暂时无法处理: 拒绝了 STARTTLS 加密(454 4.7.0"),
    (BreaksStartTLS, "与邮件服务器 127.0.0.1:{port} 建立加密连接失败"),
])
def test_starttls_offered_then_failing(tmp_path, report, misbehaving, cert, monkeypatch, protocol, start):  # noqa: F811
    monkeypatch.setenv("ZHIJIAN_SMTP_PASSWORD", PASSWORD)
    rec, port = misbehaving(protocol, tls_context=server_tls(cert), authenticator=_authenticator,
                            auth_require_tls=False)
    cfg = write_config(tmp_path, port, security="starttls", username="qa", extra_smtp=f"ca_file: {cert[0]}")
    r = run(report, "--kind", "weekly", "--config", cfg, as_json=True)
    assert r.exit_code == 1, r.output
    data = one_json(r)
    assert data["error"].startswith(start.format(port=port)), data["error"]
    assert rec.mail_calls == 0 and rec.delivered == []  # never fell back to plain text
    assert PASSWORD not in r.output


# --- a server that never answers -----------------------------------------------------------------

@pytest.fixture()
def silent():
    """A socket that accepts connections and never says a word."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(5)
    held = []
    stop = threading.Event()

    def hold():
        listener.settimeout(0.05)
        while not stop.is_set():
            try:
                held.append(listener.accept()[0])
            except OSError:
                continue

    t = threading.Thread(target=hold, daemon=True)
    t.start()
    yield listener.getsockname()[1], held
    stop.set()
    t.join(5)
    for c in held:
        c.close()
    listener.close()


def test_a_server_that_never_answers_is_stopped_by_the_timeout(tmp_path, report, silent):  # noqa: F811
    port, held = silent
    cfg = write_config(tmp_path, port)
    cfg.write_text(cfg.read_text(encoding="utf-8").replace("timeout: 5", "timeout: 0.5"), encoding="utf-8")
    started = time.monotonic()
    r = run(report, "--kind", "weekly", "--config", cfg, as_json=True)
    assert time.monotonic() - started < 5
    assert r.exit_code == 1, r.output
    data = one_json(r)
    assert data["exit_code"] == 1
    assert f"127.0.0.1:{port}" in data["error"] and "0.5 秒" in data["error"] and "没有回应" in data["error"], data
    assert len(held) == 1  # a timeout is not retried


class NeverAnswersData(SMTP):
    async def smtp_DATA(self, arg):
        await self.push("354 End data with <CR><LF>.<CR><LF>")
        while await self._reader.readline() not in (b".\r\n", b""):
            pass
        await __import__("asyncio").sleep(30)


def test_a_server_that_never_confirms_the_message(tmp_path, report, misbehaving):  # noqa: F811
    rec, port = misbehaving(NeverAnswersData)
    cfg = write_config(tmp_path, port)
    cfg.write_text(cfg.read_text(encoding="utf-8").replace("timeout: 5", "timeout: 0.5"), encoding="utf-8")
    r = run(report, "--kind", "weekly", "--config", cfg)
    assert r.exit_code == 1
    assert r.output.strip() == (f"邮件服务器 127.0.0.1:{port} 在接收邮件内容时0.5 秒内没有回应,邮件可能没有送达;"
                                "请向收件人确认后再决定是否重发")


# --- 200 recipients ------------------------------------------------------------------------------

def test_two_hundred_recipients_in_one_transaction(tmp_path, report, serve):  # noqa: F811
    rec, port = serve()
    many = [f"坐席{i:03d} <agent{i:03d}@example.com>" for i in range(200)]
    cfg = write_config(tmp_path, port, bcc=many)
    r = run(report, "--kind", "weekly", "--config", cfg, as_json=True)
    assert r.exit_code == 0, r.output
    assert one_json(r)["sent"] is True
    [d] = rec.delivered
    assert len(d.rcpt_tos) == 2 + 1 + 200 and sorted(d.rcpt_tos)[:2] == ["agent000@example.com", "agent001@example.com"]
    assert "agent" not in d.content.split(b"\r\n\r\n", 1)[0].decode()  # bcc stays out of the headers


# --- the password is never shown ---------------------------------------------------------------------

def test_the_password_is_in_no_output_json_or_log(tmp_path, report, serve, monkeypatch):  # noqa: F811
    monkeypatch.setenv("ZHIJIAN_SMTP_PASSWORD", "Wr0ng-" + PASSWORD)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    rec, port = serve(authenticator=_authenticator, auth_required=True, auth_require_tls=False)
    cfg = write_config(tmp_path, port, username="qa", extra_smtp="allow_plaintext_auth: true")
    outputs = []
    for extra in ([], ["--json"], ["--dry-run"], ["--dry-run", "--json"], ["--eml", tmp_path / "草稿.eml"]):
        r = run(report, "--kind", "weekly", "--config", cfg, *extra)
        outputs.append(r.output + r.stderr)
    assert "拒绝登录" in outputs[0] and rec.delivered == []
    written = [p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()]
    for text in outputs:
        assert PASSWORD not in text
    for data in written:
        assert PASSWORD.encode() not in data


class AtMost100(Recorder):
    """A server taking at most 100 recipients per message (RFC 5321's minimum): 452 for the rest."""

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if len(envelope.rcpt_tos) >= 100:
            return "452 4.5.3 Too many recipients"
        envelope.rcpt_tos.append(address)
        return "250 OK"


def test_a_server_taking_fewer_recipients_than_the_list(tmp_path, report):  # noqa: F811
    """200 recipients to a server taking 100: the message listed 103 addresses and 103 identical
    replies (5,305 characters), was tried three times though it can never succeed, and said
    请稍后再试."""
    rec = AtMost100()
    port = free_port()
    c = Controller(rec, hostname="127.0.0.1", port=port)
    c.start()
    try:
        many = [f"agent{i:03d}@example.com" for i in range(200)]
        r = run(report, "--kind", "weekly", "--config", write_config(tmp_path, port, bcc=many), as_json=True)
    finally:
        c.stop()
    assert r.exit_code == 1
    assert one_json(r)["error"] == (
        f"邮件服务器 127.0.0.1:{port} 一封邮件最多接受 100 个收件人,这封有 203 个(452 4.5.3 Too many recipients);"
        "为避免只发给一部分人,这封邮件没有发给任何收件人;请减少收件人,或改用邮件组地址")
    assert rec.mail_calls == 1 and rec.delivered == []


def test_many_refused_recipients_are_named_in_a_short_line(tmp_path, report, serve):  # noqa: F811
    rec, port = serve()
    many = [f"agent{i:03d}@example.com" for i in range(200)]
    for a in many:
        rec.refuse[a] = "550 5.1.1 No such user"
    r = run(report, "--kind", "weekly", "--config", write_config(tmp_path, port, bcc=many))
    assert r.exit_code == 1
    assert r.output.strip() == (
        f"邮件服务器 127.0.0.1:{port} 拒绝了收件人 agent000@example.com、agent001@example.com、agent002@example.com、"
        "agent003@example.com、agent004@example.com 等 200 个(550 5.1.1 No such user);"
        "为避免只发给一部分人,这封邮件没有发给任何收件人")


# --- what the server demands before MAIL FROM --------------------------------------------------------

def test_a_message_larger_than_the_server_takes_is_refused_before_mail_from(tmp_path, report, serve):  # noqa: F811
    """A server announcing SIZE 2000 (aiosmtpd's data_size_limit) and a 6 KB report: the lead read
    "拒绝了发件人 qa@example.com(552 …)" and looked for a fault in the sender; the size limit is the
    server's, and the message grows by a third in transit (base64), which max_attachment_mb does not see."""
    rec, port = serve(data_size_limit=2000)
    r = run(report, "--kind", "weekly", "--config", write_config(tmp_path, port), as_json=True)
    assert r.exit_code == 1
    error = one_json(r)["error"]
    assert error.startswith(f"邮件服务器 127.0.0.1:{port} 只接受 2.0 KB 以内的邮件,这封邮件(附件编码后)有 "), error
    assert "邮件未发送" in error and "发件人" not in error
    assert rec.mail_calls == 0 and rec.delivered == []


@pytest.mark.parametrize("demand, hint", [
    (dict(authenticator=_authenticator, auth_required=True, auth_require_tls=False), "smtp.username"),
    ("starttls", "smtp.security"),
])
def test_a_server_demanding_a_login_or_starttls_that_is_not_configured(tmp_path, report, serve, cert, demand, hint):  # noqa: F811
    """No smtp.username for a server that requires AUTH, or security: none for one that requires
    STARTTLS: both answer MAIL FROM with 530, which the lead read as "拒绝了发件人 qa@example.com"."""
    kwargs = dict(tls_context=server_tls(cert), require_starttls=True) if demand == "starttls" else demand
    rec, port = serve(**kwargs)
    r = run(report, "--kind", "weekly", "--config", write_config(tmp_path, port), as_json=True)
    assert r.exit_code == 1
    error = one_json(r)["error"]
    assert error.startswith(f"邮件服务器 127.0.0.1:{port} 要求"), error
    assert hint in error and "530" in error and "邮件未发送" in error and "拒绝了发件人" not in error
    assert rec.mail_calls == 0 and rec.delivered == []
