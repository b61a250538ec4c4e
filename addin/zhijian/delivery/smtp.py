"""Sending, all or nothing: every recipient (to, cc and bcc) goes into ONE SMTP transaction, and DATA
is sent only when the server accepted every recipient; otherwise the transaction is reset and
nobody gets the message. Temporary failures (4xx replies, a server that hangs up before the
message was handed over) are retried with a backoff; permanent ones (5xx) and network errors are
not. Every failure is one Chinese line naming the server or the recipient."""

from __future__ import annotations

import smtplib
import socket
import ssl
import time
from dataclasses import dataclass
from typing import Any, Callable, NoReturn

from .config import RETRY_DELAYS, DeliveryConfig, DeliveryError, SmtpSettings, require_password
from .message import Outgoing, check_size, size_text


@dataclass(frozen=True)
class SendResult:
    server: str
    attempts: int
    recipients: list[str]

    def to_dict(self) -> dict[str, Any]:
        return {"server": self.server, "attempts": self.attempts, "recipients": self.recipients}


class _Temporary(Exception):
    """A failure worth another attempt (4xx, or the server hung up before DATA)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _reply(code: int, resp: bytes | str) -> str:
    text = resp.decode("utf-8", "replace") if isinstance(resp, bytes) else str(resp)
    return f"{code} {' '.join(text.split())}".strip()


def tls_context(smtp: SmtpSettings) -> ssl.SSLContext:
    ctx = ssl.create_default_context(cafile=smtp.ca_file) if smtp.ca_file else ssl.create_default_context()
    if not smtp.verify:
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
    return ctx


def _close(client: smtplib.SMTP | None, reset: bool = False) -> None:
    if client is None:
        return
    try:
        if reset:
            client.rset()
        client.quit()
    except (smtplib.SMTPException, OSError):
        pass
    finally:
        try:
            client.close()
        except OSError:
            pass


_NAMED = 5  # refused recipients named in a message; the others are counted

_STAGES = {"connect": "连接", "ehlo": "问候(EHLO)", "starttls": "加密(STARTTLS)", "login": "登录",
           "mail": "发件人(MAIL FROM)", "rcpt": "收件人(RCPT TO)", "data": "接收邮件内容", "quit": "结束会话"}


class _Session:
    """One connection, one transaction. `stage` is where the dialogue is (named in the messages);
    `reset` says that the server holds a transaction to be reset (RSET) before quitting."""

    def __init__(self, smtp: SmtpSettings):
        self.smtp = smtp
        self.where = smtp.where
        self.client: smtplib.SMTP | None = None
        self.stage = "connect"
        self.reset = False

    def fail(self, code: int, resp, what: str) -> NoReturn:
        """A refusal: temporary (4xx, worth another attempt) or permanent."""
        text = f"{what}({_reply(code, resp)})"
        if 400 <= code < 500:
            raise _Temporary(f"邮件服务器 {self.where} 暂时无法处理: {text}")
        raise DeliveryError(f"邮件服务器 {self.where} {text},邮件未发送")

    def connect(self) -> None:
        """Connect (TLS from the start for ssl), greet, and switch to TLS for starttls."""
        smtp = self.smtp
        if smtp.security == "ssl":
            client = smtplib.SMTP_SSL(smtp.host, smtp.effective_port, timeout=smtp.timeout,
                                      context=tls_context(smtp))
        else:
            client = smtplib.SMTP(smtp.host, smtp.effective_port, timeout=smtp.timeout)
        self.client = client
        self.stage = "ehlo"
        code, resp = client.ehlo()
        if code != 250:
            code, resp = client.helo()
            if code != 250:
                self.fail(code, resp, "拒绝了问候(EHLO/HELO)")
        if smtp.security == "starttls":
            if not client.has_extn("starttls"):
                raise DeliveryError(f"邮件服务器 {self.where} 不支持 STARTTLS 加密;请确认端口,或把 smtp.security "
                                    "改为 ssl(465 端口)")
            self.stage = "starttls"
            client.starttls(context=tls_context(smtp))
            self.stage = "ehlo"
            code, resp = client.ehlo()
            if code != 250:
                self.fail(code, resp, "拒绝了问候(EHLO)")

    def login(self, password: str | None) -> None:
        smtp, where = self.smtp, self.where
        self.stage = "login"
        try:
            self.client.login(smtp.username, password or "")
        except smtplib.SMTPAuthenticationError as e:
            if 400 <= e.smtp_code < 500:
                raise _Temporary(f"邮件服务器 {where} 暂时无法登录({_reply(e.smtp_code, e.smtp_error)})") from None
            raise DeliveryError(f"邮件服务器 {where} 拒绝登录(用户名 {smtp.username}): 用户名或密码不对"
                                f"({_reply(e.smtp_code, e.smtp_error)}),邮件未发送") from None
        except smtplib.SMTPNotSupportedError:
            raise DeliveryError(f"邮件服务器 {where} 不支持登录(AUTH);如该服务器无需登录,请删去配置中的 "
                                "smtp.username;如需加密后才能登录,请把 smtp.security 设为 starttls 或 ssl") from None

    def envelope(self, out: Outgoing, size: int) -> None:
        """MAIL FROM and every RCPT TO: all recipients accepted, or the transaction is reset."""
        client = self.client
        self.stage = "mail"
        limit = _size_limit(client)
        if limit and size > limit:  # the server's own limit (RFC 1870), checked before MAIL FROM
            raise DeliveryError(f"邮件服务器 {self.where} 只接受 {size_text(limit)} 以内的邮件,这封邮件(附件编码后)有 "
                                f"{size_text(size)},邮件未发送;请压缩或拆分报表,并把 max_attachment_mb 设得比服务器"
                                "的上限小三分之一(附件在邮件中按 base64 编码,约大三分之一)")
        options = [f"SIZE={size}"] if client.has_extn("size") else []
        code, resp = client.mail(out.envelope_from, options)
        if code != 250:
            self.reset = True
            if code == 530:  # RFC 4954 / 3207: log in (or STARTTLS) first; not a fault of the sender
                raise DeliveryError(f"邮件服务器 {self.where} {_demand(self.smtp, _reply(code, resp))}")
            self.fail(code, resp, f"拒绝了发件人 {out.envelope_from}")
        self.stage = "rcpt"
        refused, accepted = [], 0
        for addr in out.recipients:
            code, resp = client.rcpt(addr)
            if code not in (250, 251):
                refused.append((addr, code, resp))
            elif not refused:
                accepted += 1
        if refused:
            self.reset = True
            names = "、".join(a for a, _, _ in refused[:_NAMED])
            if len(refused) > _NAMED:
                names += f" 等 {len(refused)} 个"
            replies = ";".join(dict.fromkeys(_reply(c, r) for _, c, r in refused))
            if accepted and accepted + len(refused) == len(out.recipients) and all(c == 452 for _, c, _ in refused):
                # The first ones accepted, 452 for the rest: a limit of recipients per message
                # (RFC 5321 4.5.3.1.10), which another attempt of the same message never passes.
                raise DeliveryError(f"邮件服务器 {self.where} 一封邮件最多接受 {accepted} 个收件人,这封有 "
                                    f"{len(out.recipients)} 个({replies});为避免只发给一部分人,这封邮件没有发给"
                                    "任何收件人;请减少收件人,或改用邮件组地址")
            if all(400 <= c < 500 for _, c, _ in refused):
                raise _Temporary(f"邮件服务器 {self.where} 暂时不接受收件人 {names}({replies})")
            raise DeliveryError(f"邮件服务器 {self.where} 拒绝了收件人 {names}({replies});"
                                "为避免只发给一部分人,这封邮件没有发给任何收件人")

    def data(self, payload: bytes) -> None:
        self.stage = "data"
        try:
            code, resp = self.client.data(payload)
        except smtplib.SMTPDataError as e:  # DATA itself refused (no 354)
            self.reset = True
            self.fail(e.smtp_code, e.smtp_error, "拒绝接收邮件内容(DATA)")
        if code != 250:
            self.fail(code, resp, "拒绝了这封邮件")
        self.stage = "quit"


def _size_limit(client: smtplib.SMTP) -> int:
    """The largest message the server takes (its EHLO's SIZE), 0 when it names none."""
    value = (client.esmtp_features.get("size") or "").strip()
    return int(value) if value.isdigit() else 0


def _demand(smtp: SmtpSettings, reply: str) -> str:
    """What a 530 to MAIL FROM asks for, and the setting that gives it."""
    if "tls" in reply.lower() and smtp.security == "none":
        return (f"要求先用 STARTTLS 加密({reply}),邮件未发送;配置为不加密(security: none),"
                "请把 smtp.security 改为 starttls")
    if not smtp.username:
        return (f"要求先登录({reply}),邮件未发送;配置中没有登录用户名,请写上 smtp.username,"
                f"密码放在环境变量 {smtp.password_env} 或系统钥匙串中")
    return f"要求先登录或加密({reply}),邮件未发送"


def _transaction(out: Outgoing, payload: bytes, smtp: SmtpSettings, password: str | None) -> None:
    """One connection, one transaction; raises DeliveryError (permanent) or _Temporary."""
    session = _Session(smtp)
    try:
        session.connect()
        if smtp.username:
            session.login(password)
        session.envelope(out, len(payload))
        session.data(payload)
    except (DeliveryError, _Temporary):
        _close(session.client, session.reset)
        raise
    except OSError as e:  # the network's errors, smtplib's and ssl's (all OSErrors)
        _close(session.client)
        _failed(e, session)
    _close(session.client)


def _failed(e: OSError, session: _Session) -> NoReturn:
    """Raise the one Chinese line for a network, TLS or protocol error (while it is handled)."""
    smtp, where, stage = session.smtp, session.where, session.stage
    if isinstance(e, smtplib.SMTPConnectError):  # a greeting other than 220
        session.fail(e.smtp_code, e.smtp_error, "拒绝连接")
    if isinstance(e, smtplib.SMTPServerDisconnected):
        # smtplib reports a reply that never came (a timeout) as a disconnection too.
        timed_out = "timed out" in str(e)
        if stage == "data":
            what = f"{smtp.timeout:g} 秒内没有回应" if timed_out else "断开了连接"
            raise DeliveryError(f"邮件服务器 {where} 在接收邮件内容时{what},邮件可能没有送达;"
                                "请向收件人确认后再决定是否重发") from None
        if timed_out:
            raise DeliveryError(f"邮件服务器 {where} 在{_STAGES[stage]}时 {smtp.timeout:g} 秒内没有回应,"
                                "邮件未发送;请检查网络、防火墙或端口") from None
        raise _Temporary(f"邮件服务器 {where} 断开了连接") from None
    if isinstance(e, smtplib.SMTPResponseException):  # e.g. STARTTLS refused
        what = {"starttls": "拒绝了 STARTTLS 加密"}.get(stage, f"在{_STAGES[stage]}时出错")
        session.fail(e.smtp_code, e.smtp_error, what)
    if isinstance(e, ssl.SSLCertVerificationError):
        raise DeliveryError(f"邮件服务器 {where} 的证书无法验证({e.verify_message});如果是内部 CA 或自签名证书,"
                            "请在配置中用 smtp.ca_file 指定证书文件") from None
    if isinstance(e, ssl.SSLError):
        raise DeliveryError(f"与邮件服务器 {where} 建立加密连接失败({e.reason or e});请确认 smtp.security"
                            "(465 端口通常为 ssl,587 端口为 starttls)") from None
    if isinstance(e, socket.gaierror):
        raise DeliveryError(f"找不到邮件服务器 {smtp.host}(域名无法解析);请检查 smtp.host 和网络") from None
    if isinstance(e, ConnectionRefusedError):
        raise DeliveryError(f"无法连接邮件服务器 {where}: 连接被拒绝;请检查 smtp.host、smtp.port 和网络") from None
    if isinstance(e, TimeoutError):
        action = "连接" if stage == "connect" else "等待"
        raise DeliveryError(f"{action}邮件服务器 {where} 超时({smtp.timeout:g} 秒),邮件未发送;"
                            "请检查网络、防火墙或端口") from None
    raise DeliveryError(f"无法与邮件服务器 {where} 通信: {e.strerror or e},邮件未发送") from None


def send(out: Outgoing, config: DeliveryConfig, *, password: str | None = None,
         delays: tuple[float, ...] | list[float] | None = None,
         sleep: Callable[[float], None] = time.sleep) -> SendResult:
    """Send `out` in one SMTP transaction to every recipient, or to nobody.

    The attachment size is checked before connecting. Temporary failures are retried after each of
    `delays` (default RETRY_DELAYS: 3 attempts); permanent ones raise DeliveryError at once."""
    check_size(out, config)
    smtp = config.smtp
    if smtp.username and password is None:
        password = require_password(smtp)
    delays = tuple(RETRY_DELAYS if delays is None else delays)
    payload = out.as_bytes()
    attempts = len(delays) + 1
    for attempt in range(1, attempts + 1):
        try:
            _transaction(out, payload, smtp, password)
            return SendResult(smtp.where, attempt, out.recipients)
        except _Temporary as t:
            if attempt == attempts:
                raise DeliveryError(f"{t.message};已尝试 {attempts} 次,邮件未发送,请稍后再试") from None
            sleep(delays[attempt - 1])
    raise AssertionError("unreachable")
