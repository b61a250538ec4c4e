"""The delivery configuration (zhijian-delivery.yaml): SMTP server, sender, attachment limit, and per
report kind the recipients and the subject and body templates. The password is never in the file:
it comes from an environment variable or the system keyring."""

from __future__ import annotations

import os
import re
import string
import unicodedata
from email.utils import getaddresses
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from zhijian.errors import FileProblemsError, InputFileError, ZhijianError

DEFAULT_CONFIG = "zhijian-delivery.yaml"
EXAMPLE_CONFIG = "workbook_templates/delivery.example.yaml"
DEFAULT_PASSWORD_ENV = "ZHIJIAN_SMTP_PASSWORD"
PASSWORD_ENV_PREFIX = "ZHIJIAN_"  # password_env names only zhijian's own variables
KEYRING_SERVICE = "zhijian"
DEFAULT_MAX_ATTACHMENT_MB = 20.0
MAX_TIMEOUT = 3600  # seconds; a socket refuses much larger ones (OverflowError)
RETRY_DELAYS: tuple[float, ...] = (0.5, 1.0)  # 3 attempts; pass `delays=` to send() to change
XLSX_TYPE = ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet")
MISSING = "—"  # a key figure the workbook does not have

Kind = Literal["daily", "weekly", "monthly", "briefing"]
KINDS: dict[str, str] = {"daily": "质检日报", "weekly": "质检周报", "monthly": "质检月报", "briefing": "班前会点评"}
DEFAULT_PORTS = {"starttls": 587, "ssl": 465, "none": 25}

# Placeholders of the subject and body templates, with what they hold.
PLACEHOLDERS: dict[str, str] = {
    "report": "报表名称(质检日报/质检周报/质检月报/班前会点评)",
    "period": "统计周期,如 2026年第42周(10-12至10-18)",
    "start": "统计周期开始日期,如 2026-10-12",
    "end": "统计周期结束日期,如 2026-10-18",
    "n": "有效通数",
    "mean_score": "平均分,如 89.2",
    "excellent_rate": "优良率,如 45.0%",
    "mean_defect_rate": "平均不良比率,如 23.4%",
    "mean_defect_level": "平均不良比率的警示级别,如 关注",
    "topics": "质检主题,如 业务能力、灵活处理",
    "next_topics": "下周建议主题(周报)",
    "ledger_agents": "考核坐席人数(按坐席按周期扣分的评分标准)",
    "ledger_mean_score": "坐席期间得分平均,如 92.5(同上)",
    "ledger_min_score": "坐席期间得分最低(同上)",
    "ledger_below_pass": "期间得分低于最低允许的坐席人数(同上)",
    "figures": "以上关键指标,每项一行",
    "file": "附件文件名(日报: 质检日志和评分表压缩包)",
    "points": "班前会点评要点,每条一段(班前会点评邮件)",
    "sender": "发件人姓名",
}
DEFAULT_SUBJECT = "{report} {period}"
DEFAULT_BODY = """各位好:

附件是{period}的{report}({file}),主要指标如下:

{figures}

请查收。
{sender}
"""


# --- errors ---------------------------------------------------------------------------------------

class DeliveryError(ZhijianError):
    """The message could not be built or sent; nothing was sent to anybody."""

    exit_code = 1


class UnreadableReport(DeliveryError, InputFileError):
    """The report, the daily package or its zip cannot be read as one (exit 2, as any unreadable input)."""

    exit_code = 2


class DeliveryConfigError(FileProblemsError):
    """A delivery configuration file that cannot be used; every problem with its line."""

    label = "发送配置文件错误"


# --- configuration --------------------------------------------------------------------------------

def _no_flag(message: str):
    """A validator refusing a YAML boolean for a number (`true` is an int in Python: pydantic reads 1)."""

    def check(cls, v: Any) -> Any:
        if isinstance(v, bool):
            raise ValueError(message)
        return v

    return classmethod(check)


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)  # .nan/.inf: a config error


class SmtpSettings(_Model):
    host: str
    port: int | None = None  # default by security: 587 starttls, 465 ssl, 25 none
    security: Literal["starttls", "ssl", "none"] = "starttls"
    username: str | None = None  # no username: no login
    password_env: str = DEFAULT_PASSWORD_ENV
    ca_file: str | None = None  # a CA bundle or a self-signed certificate to trust (PEM)
    verify: bool = True  # false: accept any certificate (only for a test server)
    timeout: float = 30.0
    allow_plaintext_auth: bool = False  # true: log in over an unencrypted connection (security: none)

    _port_not_a_flag = field_validator("port", mode="before")(_no_flag("应为整数"))
    _timeout_not_a_flag = field_validator("timeout", mode="before")(_no_flag("应为数字"))

    @property
    def encrypted(self) -> bool:
        return self.security in ("starttls", "ssl")

    @property
    def transport(self) -> str:
        """How the message travels, in words (the dry run says it)."""
        port = self.effective_port
        if self.security == "ssl":
            return f"SSL/TLS 加密连接(端口 {port})"
        if self.security == "starttls":
            return f"STARTTLS 加密(端口 {port})" + ("" if self.verify else ",不验证服务器证书")
        login = ",登录密码以明文发送(allow_plaintext_auth: true)" if self.username else ""
        return f"不加密(明文,端口 {port}){login}"

    @property
    def effective_port(self) -> int:
        return self.port or DEFAULT_PORTS[self.security]

    @property
    def where(self) -> str:
        return f"{self.host}:{self.effective_port}"


class SenderSettings(_Model):
    address: str
    name: str = ""


class ReportDelivery(_Model):
    to: list[str] = []
    cc: list[str] = []
    bcc: list[str] = []
    subject: str = DEFAULT_SUBJECT
    body: str = DEFAULT_BODY

    @field_validator("to", "cc", "bcc", mode="before")
    @classmethod
    def _one_address(cls, v: Any) -> Any:
        """`to: a@example.com` (one address, not a list) is a list of one; empty is none."""
        if v is None:
            return []
        return [v] if isinstance(v, str) else v


class ReportsSettings(_Model):
    daily: ReportDelivery | None = None
    weekly: ReportDelivery | None = None
    monthly: ReportDelivery | None = None
    briefing: ReportDelivery | None = None  # 班前会点评 (SOP-10.5), in the body, to the 班长


class DeliveryConfig(_Model):
    smtp: SmtpSettings
    sender: SenderSettings
    max_attachment_mb: float = DEFAULT_MAX_ATTACHMENT_MB
    reports: ReportsSettings
    path: str = "<config>"  # set by the loader, not read from the file

    _limit_not_a_flag = field_validator("max_attachment_mb", mode="before")(_no_flag("应为数字"))

    def report(self, kind: str) -> ReportDelivery:
        r = getattr(self.reports, kind, None) if kind in KINDS else None
        if r is None:
            raise DeliveryConfigError([(self.path, None, f"没有 reports.{kind}({KINDS.get(kind, kind)})"
                                                        "的收件人设置,请在配置文件中补上")])
        return r

    @property
    def max_attachment_bytes(self) -> int:
        return int(self.max_attachment_mb * 1024 * 1024)


_PASSWORD_KEYS = {"password", "passwd", "pwd", "pass", "secret", "密码"}
MAX_ADDRESS = 254  # characters of an addr-spec (RFC 5321's path of 256, less the angle brackets)
_ADDRESS = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*")


def parse_address(text: str) -> tuple[str, str]:
    """'张三 <zhang@example.com>' or 'zhang@example.com' -> (display name, address);
    ValueError with a Chinese reason when it is not one e-mail address."""
    if not isinstance(text, str) or not text.strip():
        raise ValueError("邮件地址为空")
    if has_control(text):
        shown = "".join(repr(ch)[1:-1] if has_control(ch) else ch for ch in text.strip())
        raise ValueError(f"“{shown}”含有换行或控制字符")
    pairs = getaddresses([text.strip()])
    if len(pairs) > 1:
        raise ValueError(f"“{text}”包含多个地址,请每个地址单独写一项")
    name, addr = pairs[0] if pairs else ("", "")
    if not addr or not _ADDRESS.fullmatch(addr) or text.count("<") != text.count(">"):
        hidden = list(dict.fromkeys(ch for ch in text if unicodedata.category(ch) in ("Cf", "Co", "Cn")))
        if hidden:  # pasted from a chat or a web page: the address looks right and is not
            shown = "".join(f"[U+{ord(ch):04X}]" if ch in hidden else ch for ch in text.strip())
            raise ValueError(f"“{shown}”含有看不见的字符 " + "、".join(f"U+{ord(ch):04X}" for ch in hidden)
                             + "(多见于从聊天工具或网页复制的地址),请删去后重新输入")
        raise ValueError(f"“{text}”不是有效的邮件地址(应写成 name@example.com 或 张三 <name@example.com>)")
    if len(addr) > MAX_ADDRESS:  # RFC 5321: a longer one is refused by servers (and breaks header lines)
        raise ValueError(f"“{text}”的地址超过 {MAX_ADDRESS} 个字符,不是有效的邮件地址")
    return name, addr


def has_control(text: str) -> bool:
    """Whether `text` holds a line break or another control character (a header injection)."""
    return any(ord(ch) < 32 or ord(ch) == 127 or ch in "\u2028\u2029\x85" for ch in text)


def _smtp_problems(s: SmtpSettings) -> list[tuple[tuple, str]]:
    """The password's variable and the transport of the login."""
    probs: list[tuple[tuple, str]] = []
    if not re.fullmatch(PASSWORD_ENV_PREFIX + r"[A-Z0-9_]+", s.password_env):
        probs.append((("smtp", "password_env"), f"环境变量名应以 {PASSWORD_ENV_PREFIX} 开头(大写字母、数字、下划线),"
                                                f"如 {DEFAULT_PASSWORD_ENV};不能用来读取其他程序的变量({s.password_env})"))
    if s.username and not s.encrypted and not s.allow_plaintext_auth:
        probs.append((("smtp", "security"), "security: none 不加密,登录密码会以明文发送;请改用 starttls 或 ssl,"
                                           "确需在内网明文登录时在 smtp 下写 allow_plaintext_auth: true"))
    if has_control(s.host) or (s.username and has_control(s.username)):
        probs.append((("smtp",), "服务器地址或用户名含有换行或控制字符"))
        return probs
    # A host name holds no $ or %; a user name may (qa$), unless it is a reference and nothing else.
    for key, value in (("host", s.host), ("username", s.username or "")):
        if _ENV_REFERENCE.search(value) if key == "host" else _ENV_REFERENCE.fullmatch(value.strip()):
            probs.append((("smtp", key), f"“{value}”: 配置文件不展开环境变量,请直接写上值"
                                         + ("(只有密码放在环境变量中: smtp.password_env)" if key == "username" else "")))
    host = s.host.strip()
    if not _ENV_REFERENCE.search(host):
        if "://" in host or "/" in host or any(ch.isspace() for ch in host):
            probs.append((("smtp", "host"), f"“{host}”: 只写服务器名或 IP 地址,如 smtp.example.com"
                                           "(不写 smtp://、路径或空格)"))
        elif host.count(":") == 1:
            probs.append((("smtp", "host"), f"“{host}”: 端口请写在 smtp.port,smtp.host 只写服务器名"
                                           f"(如 host: {host.split(':')[0]} 与 port: {host.split(':')[1]})"))
    return probs


_ENV_REFERENCE = re.compile(r"\$\{?[A-Za-z_]\w*\}?|%[A-Za-z_]\w*%")


def _template_problems(text: str) -> str | None:
    try:
        fields = [(f, spec, conv) for _, f, spec, conv in string.Formatter().parse(text) if f is not None]
    except ValueError:
        return "模板的花括号不配对(要写字面的花括号请写成 {{ 或 }})"
    for f, spec, conv in fields:
        if spec or conv:  # {n:>999999999} renders a gigabyte; {n!r} quotes; {n:%} fails only when sent
            shown = "{" + f + (f"!{conv}" if conv else "") + (f":{spec}" if spec else "") + "}"
            return f"占位符 {shown} 不能带格式(: 或 !),只能写成 {{名称}},如 {{{f or 'period'}}}"
        if f not in PLACEHOLDERS:
            shown = "{" + f + "}" if f else "{}"
            return f"模板中的占位符 {shown} 不存在;可用的有: " + "、".join("{" + k + "}" for k in PLACEHOLDERS)
    return None


def _semantic_problems(c: DeliveryConfig, base: Path) -> list[tuple[tuple, str]]:
    probs: list[tuple[tuple, str]] = []
    try:
        parse_address(c.sender.address)
    except ValueError as e:
        probs.append((("sender", "address"), str(e)))
    if c.sender.name and has_control(c.sender.name):
        probs.append((("sender", "name"), "发件人名称含有换行或控制字符"))
    if not c.smtp.host.strip():
        probs.append((("smtp", "host"), "邮件服务器地址为空"))
    probs += _smtp_problems(c.smtp)
    if c.smtp.port is not None and not 0 < c.smtp.port < 65536:
        probs.append((("smtp", "port"), f"端口 {c.smtp.port} 不在 1–65535 之内"))
    if c.smtp.ca_file and not (base / c.smtp.ca_file).is_file():
        probs.append((("smtp", "ca_file"), f"找不到证书文件 {base / c.smtp.ca_file}"))
    if c.smtp.timeout <= 0:
        probs.append((("smtp", "timeout"), "超时秒数必须大于 0"))
    elif c.smtp.timeout > MAX_TIMEOUT:
        probs.append((("smtp", "timeout"), f"超时秒数不能超过 {MAX_TIMEOUT}(一小时)"))
    if c.max_attachment_mb <= 0:
        probs.append((("max_attachment_mb",), "附件大小上限必须大于 0"))
    if not any(getattr(c.reports, k) for k in KINDS):
        probs.append((("reports",), "reports 下至少要有 daily、weekly、monthly、briefing 中的一项"))
    for kind in KINDS:
        r = getattr(c.reports, kind)
        if r is None:
            continue
        if not r.to:
            probs.append((("reports", kind, "to"), f"{KINDS[kind]}没有收件人(to)"))
        for lst in ("to", "cc", "bcc"):
            for i, a in enumerate(getattr(r, lst)):
                try:
                    parse_address(a)
                except ValueError as e:
                    probs.append((("reports", kind, lst, i), str(e)))
        for key in ("subject", "body"):
            if p := _template_problems(getattr(r, key)):
                probs.append((("reports", kind, key), p))
    return probs


def _password_keys(data: Any, path: tuple = ()) -> list[tuple]:
    found = []
    if isinstance(data, dict):
        for k, v in list(data.items()):
            if str(k).strip().lower() in _PASSWORD_KEYS:
                found.append(path + (k,))
                del data[k]
            else:
                found += _password_keys(v, path + (k,))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            found += _password_keys(v, path + (i,))
    return found


def parse_config(text: str, file: str = "<config>") -> DeliveryConfig:
    """Parse and check a delivery configuration; raise DeliveryConfigError with every problem."""
    from zhijian.files.yamldoc import line_for as _line_for, loc_text as _loc_text, read_mapping, validation_problems

    data, lines = read_mapping(text, file, DeliveryConfigError)
    problems = []
    env = (data.get("smtp") or {}).get("password_env", DEFAULT_PASSWORD_ENV) \
        if isinstance(data.get("smtp"), dict) else DEFAULT_PASSWORD_ENV
    for loc in _password_keys(data):
        problems.append((file, _line_for(lines, loc),
                         f"{_loc_text(loc)}: 配置文件中不允许写密码;请把密码放在环境变量 {env} 中,"
                         f"或存入系统钥匙串(keyring,服务名 {KEYRING_SERVICE},用户名为 smtp.username)"))
    if "path" in data:  # set by the loader, never read from the file
        problems.append((file, _line_for(lines, ("path",)), "path: 不认识的设置项"))
        del data["path"]
    try:
        config = DeliveryConfig.model_validate(data)
    except ValidationError as e:
        raise DeliveryConfigError(problems + validation_problems(e, lines, file, unknown="不认识的设置项")) from None
    base = Path(file).parent if file != "<config>" else Path.cwd()
    problems += [(file, _line_for(lines, p), f"{_loc_text(p)}: {m}" if p else m)
                 for p, m in _semantic_problems(config, base)]
    if problems:
        raise DeliveryConfigError(problems)
    smtp = config.smtp
    if smtp.ca_file:
        smtp = smtp.model_copy(update={"ca_file": str((base / smtp.ca_file).resolve())})
    return config.model_copy(update={"path": file, "smtp": smtp})


def example_config_path() -> Path:
    """Where the documented example configuration is (in a source checkout)."""
    import zhijian

    here = Path(zhijian.__file__).resolve().parents[2] / EXAMPLE_CONFIG
    return here if here.exists() else Path(EXAMPLE_CONFIG)


def load_config(path: str | Path | None = None) -> DeliveryConfig:
    """Load `path`, or ./zhijian-delivery.yaml when no path is given."""
    p = Path(path) if path else Path(DEFAULT_CONFIG)
    if not p.is_file():
        hint = f"请参照 {example_config_path()} 写一份" + ("" if path else f",保存为当前文件夹下的 {DEFAULT_CONFIG},"
                                                           "或用 --config 指定配置文件")
        raise DeliveryConfigError([(str(p), None, f"找不到发送配置文件;{hint}")])
    from zhijian.files.yamldoc import check_file_size, read_text

    check_file_size(p, DeliveryConfigError)
    return parse_config(read_text(p, DeliveryConfigError, encoding="utf-8-sig"), str(p))


def find_password(smtp: SmtpSettings) -> tuple[str | None, str]:
    """(password, where it came from): the environment variable, else the system keyring."""
    pw = os.environ.get(smtp.password_env)
    if pw:
        return pw, f"环境变量 {smtp.password_env}"
    if smtp.username:
        try:
            import keyring  # optional dependency
        except ImportError:
            keyring = None
        if keyring is not None:
            try:
                pw = keyring.get_password(KEYRING_SERVICE, smtp.username)
            except Exception:  # noqa: BLE001 - no usable keyring backend on this machine
                pw = None
            if pw:
                return pw, f"系统钥匙串({KEYRING_SERVICE} / {smtp.username})"
    return None, "未找到"


def require_password(smtp: SmtpSettings) -> str:
    pw, _ = find_password(smtp)
    if pw is None:
        raise DeliveryError(
            f"没有找到登录邮件服务器 {smtp.where} 的密码(用户名 {smtp.username}): 请设置环境变量 "
            f"{smtp.password_env},或把密码存入系统钥匙串: keyring set {KEYRING_SERVICE} {smtp.username}"
            "(需先 pip install keyring)")
    return pw
