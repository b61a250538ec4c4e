"""E-mailing a report workbook: the delivery configuration, the message, masking, sending.

The delivery configuration (`zhijian-delivery.yaml`, example in
`workbook_templates/delivery.example.yaml`) names the SMTP server, the sender, the attachment size
limit and, per report kind (daily / weekly / monthly), the recipients and the subject and body
templates. It never holds the password: that comes from an environment variable
(`smtp.password_env`, default ZHIJIAN_SMTP_PASSWORD) or the system keyring (service "zhijian",
the SMTP username), when the optional `keyring` package is installed.

The message: the body's key figures are read from the workbook's first (overview) sheet, found by
their labels in column A (有效通数, 平均分, 优良率, 平均不良比率 with its 警示级别 in column C,
质检主题); the attachment is a copy of the workbook in which mobile numbers and ID-card numbers
are masked (138****5678, 110105********002X). The copy is made by rewriting the text of the
workbook's XML parts (shared strings, inline strings, comments, text boxes), so charts, styles
and everything else stay byte for byte; the report on disk is never touched.

Sending is all or nothing: every recipient of a message (to, cc and bcc) goes into ONE SMTP
transaction, and DATA is sent only when the server accepted every recipient; otherwise the
transaction is reset and nobody gets the message. Temporary failures (4xx replies, a server that
hangs up before the message was handed over) are retried with a backoff; permanent ones (5xx) and
network errors are not. Every failure is one Chinese line naming the server or the recipient.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import smtplib
import socket
import ssl
import string
import time
import zipfile
from dataclasses import dataclass, field
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate, getaddresses, make_msgid
from pathlib import Path
from typing import Any, Callable, Literal

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from zhijian.errors import FileProblemsError, ZhijianError

DEFAULT_CONFIG = "zhijian-delivery.yaml"
EXAMPLE_CONFIG = "workbook_templates/delivery.example.yaml"
DEFAULT_PASSWORD_ENV = "ZHIJIAN_SMTP_PASSWORD"
KEYRING_SERVICE = "zhijian"
DEFAULT_MAX_ATTACHMENT_MB = 20.0
RETRY_DELAYS: tuple[float, ...] = (0.5, 1.0)  # 3 attempts; pass `delays=` to send() to change
XLSX_TYPE = ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet")
MISSING = "—"  # a key figure the workbook does not have

Kind = Literal["daily", "weekly", "monthly"]
KINDS: dict[str, str] = {"daily": "质检日报", "weekly": "质检周报", "monthly": "质检月报"}
DEFAULT_PORTS = {"starttls": 587, "ssl": 465, "none": 25}

# Placeholders of the subject and body templates, with what they hold.
PLACEHOLDERS: dict[str, str] = {
    "report": "报表名称(质检日报/质检周报/质检月报)",
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
    "figures": "以上关键指标,每项一行",
    "file": "附件文件名",
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


class DeliveryConfigError(FileProblemsError):
    """A delivery configuration file that cannot be used; every problem with its line."""

    label = "发送配置文件错误"


# --- configuration --------------------------------------------------------------------------------

class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SmtpSettings(_Model):
    host: str
    port: int | None = None  # default by security: 587 starttls, 465 ssl, 25 none
    security: Literal["starttls", "ssl", "none"] = "starttls"
    username: str | None = None  # no username: no login
    password_env: str = DEFAULT_PASSWORD_ENV
    ca_file: str | None = None  # a CA bundle or a self-signed certificate to trust (PEM)
    verify: bool = True  # false: accept any certificate (only for a test server)
    timeout: float = 30.0

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


class DeliveryConfig(_Model):
    smtp: SmtpSettings
    sender: SenderSettings
    max_attachment_mb: float = DEFAULT_MAX_ATTACHMENT_MB
    reports: ReportsSettings
    path: str = "<config>"  # set by the loader, not read from the file

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
_ADDRESS = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*")


def parse_address(text: str) -> tuple[str, str]:
    """'张三 <zhang@example.com>' or 'zhang@example.com' -> (display name, address);
    ValueError with a Chinese reason when it is not one e-mail address."""
    if not isinstance(text, str) or not text.strip():
        raise ValueError("邮件地址为空")
    pairs = getaddresses([text.strip()])
    if len(pairs) > 1:
        raise ValueError(f"“{text}”包含多个地址,请每个地址单独写一项")
    name, addr = pairs[0] if pairs else ("", "")
    if not addr or not _ADDRESS.fullmatch(addr) or text.count("<") != text.count(">"):
        raise ValueError(f"“{text}”不是有效的邮件地址(应写成 name@example.com 或 张三 <name@example.com>)")
    return name, addr


def _template_problems(text: str) -> str | None:
    try:
        fields = [f for _, f, _, _ in string.Formatter().parse(text) if f is not None]
    except ValueError:
        return "模板的花括号不配对(要写字面的花括号请写成 {{ 或 }})"
    for f in fields:
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
    if not c.smtp.host.strip():
        probs.append((("smtp", "host"), "邮件服务器地址为空"))
    if c.smtp.port is not None and not 0 < c.smtp.port < 65536:
        probs.append((("smtp", "port"), f"端口 {c.smtp.port} 不在 1–65535 之内"))
    if c.smtp.ca_file and not (base / c.smtp.ca_file).is_file():
        probs.append((("smtp", "ca_file"), f"找不到证书文件 {base / c.smtp.ca_file}"))
    if c.smtp.timeout <= 0:
        probs.append((("smtp", "timeout"), "超时秒数必须大于 0"))
    if c.max_attachment_mb <= 0:
        probs.append((("max_attachment_mb",), "附件大小上限必须大于 0"))
    if not any(getattr(c.reports, k) for k in KINDS):
        probs.append((("reports",), "reports 下至少要有 daily、weekly、monthly 中的一项"))
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
    try:
        text = p.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise DeliveryConfigError([(str(p), None, "文件不是 UTF-8 编码的文本")]) from None
    return parse_config(text, str(p))


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


def _require_password(smtp: SmtpSettings) -> str:
    pw, _ = find_password(smtp)
    if pw is None:
        raise DeliveryError(
            f"没有找到登录邮件服务器 {smtp.where} 的密码(用户名 {smtp.username}): 请设置环境变量 "
            f"{smtp.password_env},或把密码存入系统钥匙串: keyring set {KEYRING_SERVICE} {smtp.username}"
            "(需先 pip install keyring)")
    return pw


# --- key figures from the workbook ----------------------------------------------------------------

@dataclass(frozen=True)
class KeyFigures:
    """What the body says about the report, read from its overview sheet; missing ones are None."""

    period: str | None = None
    start: dt.date | None = None
    end: dt.date | None = None
    n: str | None = None
    mean_score: str | None = None
    excellent_rate: str | None = None
    mean_defect_rate: str | None = None
    mean_defect_level: str | None = None
    topics: str | None = None
    next_topics: str | None = None  # 下周建议主题 (weekly reports)

    def lines(self) -> list[str]:
        out = []
        if self.n is not None:
            out.append(f"有效通数 {self.n} 通")
        if self.mean_score is not None:
            out.append(f"平均分 {self.mean_score}")
        if self.excellent_rate is not None:
            out.append(f"优良率 {self.excellent_rate}")
        if self.mean_defect_rate is not None:
            level = f"(警示级别: {self.mean_defect_level})" if self.mean_defect_level else ""
            out.append(f"平均不良比率 {self.mean_defect_rate}{level}")
        if self.topics is not None:
            out.append(f"质检主题 {self.topics}")
        if self.next_topics is not None:
            out.append(f"下周建议主题 {self.next_topics}")
        return out

    def placeholders(self) -> dict[str, str]:
        lines = self.lines()
        return {
            "period": self.period or MISSING,
            "start": self.start.isoformat() if self.start else MISSING,
            "end": self.end.isoformat() if self.end else MISSING,
            "n": self.n or MISSING, "mean_score": self.mean_score or MISSING,
            "excellent_rate": self.excellent_rate or MISSING,
            "mean_defect_rate": self.mean_defect_rate or MISSING,
            "mean_defect_level": self.mean_defect_level or MISSING,
            "topics": self.topics or MISSING,
            "next_topics": self.next_topics or MISSING,
            "figures": "\n".join(lines) if lines else "(报表中没有找到关键指标)",
        }

    def to_dict(self) -> dict[str, Any]:
        return {"period": self.period, "start": self.start.isoformat() if self.start else None,
                "end": self.end.isoformat() if self.end else None, "n": self.n,
                "mean_score": self.mean_score, "excellent_rate": self.excellent_rate,
                "mean_defect_rate": self.mean_defect_rate, "mean_defect_level": self.mean_defect_level,
                "topics": self.topics, "next_topics": self.next_topics}


_D = r"(\d{4})-(\d{1,2})-(\d{1,2})"
_PERIOD_PATTERNS = [
    ("range", re.compile(_D + r"\s*(?:至|到|~|～|—|–)\s*" + _D)),
    ("week", re.compile(r"(\d{4})\s*年\s*第\s*(\d{1,2})\s*周(?:\s*[((][^))]*[))])?")),
    ("week", re.compile(r"(?<!\d)(\d{4})-W(\d{1,2})(?!\d)", re.I)),
    ("day", re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")),
    ("day", re.compile(r"(?<!\d)" + _D + r"(?!\d)")),
    ("month", re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月")),
    ("month", re.compile(r"(?<!\d)(\d{4})-(\d{1,2})(?![-\d])")),
]


def parse_period_text(text: str) -> tuple[str, dt.date, dt.date] | None:
    """The first period named in `text`: (the words naming it, first day, last day)."""
    for kind, pat in _PERIOD_PATTERNS:
        m = pat.search(text)
        if not m:
            continue
        g = [int(x) for x in m.groups()]
        try:
            if kind == "range":
                start, end = dt.date(*g[:3]), dt.date(*g[3:])
            elif kind == "week":
                start = dt.date.fromisocalendar(g[0], g[1], 1)
                end = start + dt.timedelta(days=6)
            elif kind == "day":
                start = end = dt.date(*g)
            else:
                start = dt.date(g[0], g[1], 1)
                end = dt.date(g[0] + (g[1] == 12), g[1] % 12 + 1, 1) - dt.timedelta(days=1)
        except ValueError:
            continue
        return m.group(0).strip(), start, end
    return None


def _label(v: Any) -> str | None:
    """A cell's text as a label: its first line, without a trailing colon or "(…)"."""
    if not isinstance(v, str) or not v.strip():
        return None
    text = v.strip().splitlines()[0].strip().rstrip(":：").strip()
    return re.sub(r"\s*[((][^))]*[))]$", "", text) or None


# Labels of the key figures on an overview sheet (the 服务质量分析表, 质检周报 and 质检月报 ones).
FIGURE_LABELS = {"有效通数": "n", "平均分": "mean_score", "优良率": "excellent_rate",
                 "平均不良比率": "mean_defect_rate", "质检主题": "topics", "本周质检主题": "topics",
                 "本月质检主题": "topics", "下周建议主题": "next_topics", "下周质检主题": "next_topics"}
_TEXT_FIGURES = {"topics", "next_topics"}
_CURRENT = ("本期", "本月", "本周", "本日", "当期", "数值", "值")


def _table_columns(cells: list[str | None]) -> tuple[int, int]:
    """(value column, level column) of a vertical table from its header row (指标 | 数值 | 警示级别,
    or 指标 | 上月 | 本月 | 变化 | 警示级别: the current period's column, not the previous one)."""
    value = next((c for c, x in enumerate(cells) if c and x and x.startswith(_CURRENT)), 1)
    level = next((c for c, x in enumerate(cells) if x == "警示级别"), 2)
    return value, level


def _find_figures(rows: list[tuple]) -> dict[str, Any]:
    """The key figures of an overview sheet's rows, in either layout: a vertical table (labels in
    column A, the value in the 数值 / 本月 column, 警示级别 beside it) or a horizontal one (a header
    row naming several figures, the values in the row below). The first occurrence counts."""
    found: dict[str, Any] = {}
    value_col, level_col = 1, 2

    def cell(row: tuple, c: int) -> Any:
        v = row[c] if c < len(row) else None
        return None if isinstance(v, str) and not v.strip() else v

    for i, row in enumerate(rows):
        cells = [_label(v) for v in row]
        if not cells:
            continue
        if cells[0] == "指标":
            value_col, level_col = _table_columns(cells)
            continue
        named = [(c, FIGURE_LABELS[x]) for c, x in enumerate(cells) if x in FIGURE_LABELS]
        if len(named) >= 2:
            below = rows[i + 1] if i + 1 < len(rows) else ()
            for c, key in named:
                found.setdefault(key, cell(below, c))
            if "警示级别" in cells:
                found.setdefault("mean_defect_level", cell(below, cells.index("警示级别")))
            continue
        key = FIGURE_LABELS.get(cells[0])
        if key is None or key in found:
            continue
        v = cell(row, value_col)
        if v is None and key in _TEXT_FIGURES:  # a merged text cell starts in column B
            v = next((x for x in (cell(row, c) for c in range(1, len(row))) if x is not None), None)
        found[key] = v
        if key == "mean_defect_rate":
            found.setdefault("mean_defect_level", cell(row, level_col))
    return found


def _number_text(v: Any, kind: str) -> str | None:
    if v is None or (isinstance(v, str) and v.strip() in ("", MISSING, "-", "—", "N/A")):
        return None
    if isinstance(v, bool):
        return None
    if isinstance(v, (int, float)):
        if kind == "int":
            return str(int(round(v)))
        if kind == "score":
            return _shown(v)
        return _shown(v * 100 if abs(v) <= 1 else v) + "%"
    return str(v).strip()


def _shown(v: float, places: int = 1) -> str:
    """`v` as Excel shows it with `places` decimals: the stored decimal rounded half away from zero
    (Python's f-string would show 0.4225 as 42.2%, Excel shows 42.3%)."""
    from decimal import ROUND_HALF_UP, Decimal

    d = Decimal(repr(float(v)))
    return str(d.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))


def read_key_figures(path: Path) -> KeyFigures:
    """The key figures on the workbook's first (overview) sheet, see `_find_figures`; and the period,
    from a 统计周期 cell, the title rows, the 数据来源 sheet, the document title or the file name."""
    from openpyxl import load_workbook

    path = Path(path)
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as e:  # noqa: BLE001 - any unreadable workbook
        raise DeliveryError(f"{path}: 无法读取这个工作簿({type(e).__name__}),请确认它是 Excel 报表") from None
    try:
        rows = [tuple(r) for r in wb.worksheets[0].iter_rows(max_row=500, max_col=16, values_only=True)]
        period_cells = [str(r[1]) for r in rows if len(r) > 1 and _label(r[0]) == "统计周期" and r[1]]
        if "数据来源" in wb.sheetnames:
            period_cells += [str(r[1]) for r in wb["数据来源"].iter_rows(max_row=50, max_col=2, values_only=True)
                             if len(r) > 1 and _label(r[0]) == "统计周期" and r[1]]
        doc_title = wb.properties.title or ""
    finally:
        wb.close()
    titles = [str(v) for r in rows[:3] for v in r if isinstance(v, str)]

    period = start = end = None
    for text in period_cells:
        if p := parse_period_text(text):
            period, start, end = text.strip(), p[1], p[2]
            break
    if period is None:
        for text in titles + [doc_title, path.stem]:
            if p := parse_period_text(text):
                period, start, end = p
                break
    if period is None:
        period = period_cells[0].strip() if period_cells else path.stem

    found = _find_figures(rows)

    def text(key: str) -> str | None:
        v = found.get(key)
        return None if v is None or str(v).strip() in ("", MISSING) else str(v).strip()

    return KeyFigures(period=period, start=start, end=end, n=_number_text(found.get("n"), "int"),
                      mean_score=_number_text(found.get("mean_score"), "score"),
                      excellent_rate=_number_text(found.get("excellent_rate"), "rate"),
                      mean_defect_rate=_number_text(found.get("mean_defect_rate"), "rate"),
                      mean_defect_level=text("mean_defect_level"), topics=text("topics"),
                      next_topics=text("next_topics"))


# --- masking -------------------------------------------------------------------------------------

_NOT_ALNUM_BEFORE = r"(?<![0-9A-Za-z])"
_NOT_ALNUM_AFTER = r"(?![0-9A-Za-z])"
_DATE = r"(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])"
ID18 = re.compile(_NOT_ALNUM_BEFORE + r"[1-9]\d{5}(?:18|19|20)\d{2}" + _DATE + r"\d{3}[0-9Xx]" + _NOT_ALNUM_AFTER)
ID15 = re.compile(_NOT_ALNUM_BEFORE + r"[1-9]\d{7}" + _DATE + r"\d{3}" + _NOT_ALNUM_AFTER)
MOBILE = re.compile(_NOT_ALNUM_BEFORE + r"(?P<prefix>(?:\+|00)?86[ -]?)?(?P<head>1[3-9]\d)[ -]?\d{4}[ -]?"
                    r"(?P<tail>\d{4})" + _NOT_ALNUM_AFTER)


@dataclass
class MaskReport:
    """How many mobile and ID-card numbers were masked, and in which parts of the workbook."""

    mobiles: int = 0
    ids: int = 0
    parts: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.mobiles + self.ids

    def describe(self) -> str:
        if not self.total:
            return "未发现手机号或身份证号"
        return f"已遮蔽手机号 {self.mobiles} 处、身份证号 {self.ids} 处"

    def to_dict(self) -> dict[str, Any]:
        return {"mobiles": self.mobiles, "ids": self.ids, "parts": self.parts}


def mask_text(text: str, report: MaskReport | None = None) -> str:
    """Mask mobile numbers (138****5678) and ID-card numbers (first 6, *, last 4) in `text`."""
    rep = report if report is not None else MaskReport()

    def ident(m: re.Match) -> str:
        rep.ids += 1
        s = m.group(0)
        return s[:6] + "*" * (len(s) - 10) + s[-4:]

    def mobile(m: re.Match) -> str:
        rep.mobiles += 1
        return (m.group("prefix") or "") + m.group("head") + "****" + m.group("tail")

    text = ID18.sub(ident, text)
    text = ID15.sub(ident, text)
    return MOBILE.sub(mobile, text)


# Text runs (<t>, <a:t>, <x:t>) in shared strings, inline strings, comments and text boxes.
_TEXT_RUN = re.compile(r"(<(?P<tag>(?:\w+:)?t)(?:\s[^>]*)?>)([^<]*)(</(?P=tag)>)")
# A number cell (no t= or t="n") holding an 11-digit mobile or a 15-digit old ID number.
_NUMBER_CELL = re.compile(r'<c(?P<attrs>(?:\s+(?!t=)[\w:]+="[^"]*")*)(?:\s+t="n")?\s*>\s*<v>(?P<v>\d{11}|\d{15})'
                          r'(?:\.0*)?</v>\s*</c>')
# The cached text of a formula cell (t="str").
_FORMULA_TEXT = re.compile(r'(<c\b[^>]*\bt="str"[^>]*>\s*(?:<f\b[^>]*/>|<f\b[^>]*>[^<]*</f>)?\s*<v>)([^<]*)(</v>)')


def _text_part(name: str) -> bool:
    n = name.lower()
    return n.endswith(".xml") and (
        n.startswith("xl/sharedstrings") or n.startswith("xl/worksheets/") or n.startswith("xl/comments")
        or n.startswith("xl/threadedcomments/") or n.startswith("xl/drawings/"))


def _mask_xml(xml: str, report: MaskReport, is_sheet: bool) -> str:
    xml = _TEXT_RUN.sub(lambda m: m.group(1) + mask_text(m.group(3), report) + m.group(4), xml)
    if is_sheet:
        xml = _FORMULA_TEXT.sub(lambda m: m.group(1) + mask_text(m.group(2), report) + m.group(3), xml)

        def number(m: re.Match) -> str:
            masked = mask_text(m.group("v"), report)
            if masked == m.group("v"):
                return m.group(0)
            return f'<c{m.group("attrs")} t="inlineStr"><is><t>{masked}</t></is></c>'

        xml = _NUMBER_CELL.sub(number, xml)
    return xml


def mask_workbook_bytes(data: bytes, name: str = "workbook") -> tuple[bytes, MaskReport]:
    """The workbook `data` with mobile and ID-card numbers masked in every text (and every number
    cell shaped like one); all other parts are copied unchanged. Unchanged input comes back as is."""
    report = MaskReport()
    try:
        zin = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise DeliveryError(f"{name}: 不是 Excel 工作簿(.xlsx),无法遮蔽个人信息") from None
    changed: dict[str, bytes] = {}
    with zin:
        for info in zin.infolist():
            if not _text_part(info.filename):
                continue
            raw = zin.read(info)
            try:
                xml = raw.decode("utf-8")
            except UnicodeDecodeError:
                raise DeliveryError(f"{name}: 工作簿的 {info.filename} 不是 UTF-8 编码,无法遮蔽个人信息;"
                                    "请在 Excel 中另存为 .xlsx 后再试,或确认无个人信息后用 --no-mask") from None
            before = report.total
            new = _mask_xml(xml, report, info.filename.lower().startswith("xl/worksheets/"))
            if report.total != before:
                changed[info.filename] = new.encode("utf-8")
                report.parts.append(info.filename)
        if not changed:
            return data, report
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as zout:
            for info in zin.infolist():
                ni = zipfile.ZipInfo(info.filename, info.date_time)
                ni.compress_type = info.compress_type
                ni.external_attr = info.external_attr
                ni.create_system = info.create_system
                zout.writestr(ni, changed.get(info.filename) or zin.read(info))
    return out.getvalue(), report


def mask_workbook(source: Path, target: Path) -> MaskReport:
    """Write a masked copy of `source` to `target` (atomically); `source` is only read."""
    from zhijian.files.workbooks import atomic_path

    data, report = mask_workbook_bytes(Path(source).read_bytes(), str(source))
    with atomic_path(Path(target)) as tmp:
        tmp.write_bytes(data)
    return report


# --- the message ---------------------------------------------------------------------------------

def _address(text: str) -> Address:
    name, addr = parse_address(text)
    return Address(display_name=name, addr_spec=addr)


def _size_text(n: int) -> str:
    if n < 1024:
        return f"{n} 字节"
    if n < 1024 * 1024:
        return f"{n / 1024:.1f} KB"
    return f"{n / 1024 / 1024:.1f} MB"


@dataclass
class Outgoing:
    """One message ready to go: headers (no Bcc), body, attachment, and the envelope."""

    kind: str
    message: EmailMessage
    envelope_from: str
    to: list[str]
    cc: list[str]
    bcc: list[str]
    subject: str
    body: str
    attachment_name: str
    attachment: bytes
    masking: MaskReport | None  # None: --no-mask
    figures: KeyFigures
    source: Path

    @property
    def recipients(self) -> list[str]:
        """Every envelope recipient (to, cc and bcc), each address once."""
        seen, out = set(), []
        for text in self.to + self.cc + self.bcc:
            addr = parse_address(text)[1]
            if addr.lower() not in seen:
                seen.add(addr.lower())
                out.append(addr)
        return out

    @property
    def attachment_size(self) -> int:
        return len(self.attachment)

    def as_bytes(self) -> bytes:
        return self.message.as_bytes(policy=policy.SMTP)

    def draft(self) -> EmailMessage:
        """The message as a draft: X-Unsent: 1 (Outlook opens it ready to send) and the Bcc
        header kept, since a draft has no envelope to carry it."""
        import copy

        d = copy.deepcopy(self.message)
        if self.bcc:
            d["Bcc"] = [_address(a) for a in self.bcc]
        d["X-Unsent"] = "1"
        return d

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "report": KINDS[self.kind], "from": str(self.message["From"]),
                "to": self.to, "cc": self.cc, "bcc": self.bcc, "subject": self.subject, "body": self.body,
                "attachment": {"name": self.attachment_name, "size": self.attachment_size,
                               "masked": self.masking is not None,
                               **({"masking": self.masking.to_dict()} if self.masking else {})},
                "figures": self.figures.to_dict(), "source": str(self.source)}


def render(template: str, values: dict[str, str], what: str) -> str:
    try:
        return template.format_map(values)
    except (KeyError, ValueError, IndexError, AttributeError) as e:
        raise DeliveryError(f"邮件{what}模板无法填写: {e}") from None


def build_outgoing(report: str | Path, config: DeliveryConfig, kind: str, *, mask: bool = True,
                   attachment_name: str | None = None) -> Outgoing:
    """The message for `report` (a workbook) as report `kind`, addressed per `config`."""
    from zhijian import __version__
    from zhijian.files.workbooks import check_readable

    report = Path(report)
    check_readable(report)
    if report.suffix.lower() == ".csv":
        raise DeliveryError(f"{report}: 只能发送 Excel 报表(.xlsx)")
    rd = config.report(kind)
    figures = read_key_figures(report)
    data = report.read_bytes()
    masking = None
    if mask:
        data, masking = mask_workbook_bytes(data, str(report))
    name = attachment_name or report.name
    values = figures.placeholders() | {"report": KINDS[kind], "file": name,
                                       "sender": config.sender.name or config.sender.address}
    subject = " ".join(render(rd.subject, values, "主题").split())
    body = render(rd.body, values, "正文")
    if mask:  # the figures hold no personal data, but a template or a topic might
        subject, body = mask_text(subject), mask_text(body)

    sender = _address(config.sender.address)
    if config.sender.name:
        sender = Address(display_name=config.sender.name, addr_spec=sender.addr_spec)
    msg = EmailMessage(policy=policy.SMTP)
    msg["From"] = sender
    msg["To"] = [_address(a) for a in rd.to]
    if rd.cc:
        msg["Cc"] = [_address(a) for a in rd.cc]
    msg["Subject"] = subject
    msg["Date"] = formatdate(localtime=True)
    msg["Message-ID"] = make_msgid(domain=sender.domain or None)
    msg["X-Mailer"] = f"zhijian {__version__}"
    msg.set_content(body, cte="base64")
    maintype, subtype = XLSX_TYPE
    if report.suffix.lower() == ".xlsm":
        subtype = "vnd.ms-excel.sheet.macroEnabled.12"
    msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    return Outgoing(kind=kind, message=msg, envelope_from=sender.addr_spec, to=list(rd.to), cc=list(rd.cc),
                    bcc=list(rd.bcc), subject=subject, body=body, attachment_name=name, attachment=data,
                    masking=masking, figures=figures, source=report)


def check_size(out: Outgoing, config: DeliveryConfig) -> None:
    if out.attachment_size > config.max_attachment_bytes:
        raise DeliveryError(
            f"附件 {out.attachment_name} 有 {_size_text(out.attachment_size)},超过配置的上限 "
            f"{config.max_attachment_mb:g} MB(max_attachment_mb),邮件未发送;请压缩或拆分报表,"
            "或调整上限(注意邮件服务器自身的限制)")


def write_eml(out: Outgoing, path: str | Path) -> Path:
    """Write the draft (RFC 5322, CRLF) to `path` atomically; Outlook and Thunderbird open it."""
    from zhijian.files.workbooks import atomic_path

    path = Path(path)
    with atomic_path(path) as tmp:
        tmp.write_bytes(out.draft().as_bytes(policy=policy.SMTP))
    return path


# --- sending -------------------------------------------------------------------------------------

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


_STAGES = {"connect": "连接", "ehlo": "问候(EHLO)", "starttls": "加密(STARTTLS)", "login": "登录",
           "mail": "发件人(MAIL FROM)", "rcpt": "收件人(RCPT TO)", "data": "接收邮件内容", "quit": "结束会话"}


def _transaction(out: Outgoing, payload: bytes, smtp: SmtpSettings, password: str | None) -> None:
    """One connection, one transaction; raises DeliveryError (permanent) or _Temporary."""
    where = smtp.where
    client: smtplib.SMTP | None = None
    stage = "connect"
    reset = False

    def fail(code: int, resp, what: str) -> None:
        text = f"{what}({_reply(code, resp)})"
        if 400 <= code < 500:
            raise _Temporary(f"邮件服务器 {where} 暂时无法处理: {text}")
        raise DeliveryError(f"邮件服务器 {where} {text},邮件未发送")

    try:
        if smtp.security == "ssl":
            client = smtplib.SMTP_SSL(smtp.host, smtp.effective_port, timeout=smtp.timeout,
                                      context=tls_context(smtp))
        else:
            client = smtplib.SMTP(smtp.host, smtp.effective_port, timeout=smtp.timeout)
        stage = "ehlo"
        code, resp = client.ehlo()
        if code != 250:
            code, resp = client.helo()
            if code != 250:
                fail(code, resp, "拒绝了问候(EHLO/HELO)")
        if smtp.security == "starttls":
            if not client.has_extn("starttls"):
                raise DeliveryError(f"邮件服务器 {where} 不支持 STARTTLS 加密;请确认端口,或把 smtp.security "
                                    "改为 ssl(465 端口)")
            stage = "starttls"
            client.starttls(context=tls_context(smtp))
            stage = "ehlo"
            code, resp = client.ehlo()
            if code != 250:
                fail(code, resp, "拒绝了问候(EHLO)")
        if smtp.username:
            stage = "login"
            try:
                client.login(smtp.username, password or "")
            except smtplib.SMTPAuthenticationError as e:
                if 400 <= e.smtp_code < 500:
                    raise _Temporary(f"邮件服务器 {where} 暂时无法登录({_reply(e.smtp_code, e.smtp_error)})") from None
                raise DeliveryError(f"邮件服务器 {where} 拒绝登录(用户名 {smtp.username}): 用户名或密码不对"
                                    f"({_reply(e.smtp_code, e.smtp_error)}),邮件未发送") from None
            except smtplib.SMTPNotSupportedError:
                raise DeliveryError(f"邮件服务器 {where} 不支持登录(AUTH);如该服务器无需登录,请删去配置中的 "
                                    "smtp.username;如需加密后才能登录,请把 smtp.security 设为 starttls 或 ssl") from None
        stage = "mail"
        options = [f"SIZE={len(payload)}"] if client.has_extn("size") else []
        code, resp = client.mail(out.envelope_from, options)
        if code != 250:
            reset = True
            fail(code, resp, f"拒绝了发件人 {out.envelope_from}")
        stage = "rcpt"
        refused = []
        for addr in out.recipients:
            code, resp = client.rcpt(addr)
            if code not in (250, 251):
                refused.append((addr, code, resp))
        if refused:
            reset = True
            names = "、".join(a for a, _, _ in refused)
            replies = ";".join(_reply(c, r) for _, c, r in refused)
            if all(400 <= c < 500 for _, c, _ in refused):
                raise _Temporary(f"邮件服务器 {where} 暂时不接受收件人 {names}({replies})")
            raise DeliveryError(f"邮件服务器 {where} 拒绝了收件人 {names}({replies});"
                                "为避免只发给一部分人,这封邮件没有发给任何收件人")
        stage = "data"
        try:
            code, resp = client.data(payload)
        except smtplib.SMTPDataError as e:  # DATA itself refused (no 354)
            reset = True
            fail(e.smtp_code, e.smtp_error, "拒绝接收邮件内容(DATA)")
        if code != 250:
            fail(code, resp, "拒绝了这封邮件")
        stage = "quit"
    except (DeliveryError, _Temporary):
        _close(client, reset)
        raise
    except smtplib.SMTPConnectError as e:  # a greeting other than 220
        _close(client)
        fail(e.smtp_code, e.smtp_error, "拒绝连接")
    except smtplib.SMTPServerDisconnected as e:
        _close(client)
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
    except smtplib.SMTPResponseException as e:  # e.g. STARTTLS refused
        _close(client)
        what = {"starttls": "拒绝了 STARTTLS 加密"}.get(stage, f"在{_STAGES[stage]}时出错")
        fail(e.smtp_code, e.smtp_error, what)
    except ssl.SSLCertVerificationError as e:
        _close(client)
        raise DeliveryError(f"邮件服务器 {where} 的证书无法验证({e.verify_message});如果是内部 CA 或自签名证书,"
                            "请在配置中用 smtp.ca_file 指定证书文件") from None
    except ssl.SSLError as e:
        _close(client)
        raise DeliveryError(f"与邮件服务器 {where} 建立加密连接失败({e.reason or e});请确认 smtp.security"
                            "(465 端口通常为 ssl,587 端口为 starttls)") from None
    except socket.gaierror:
        _close(client)
        raise DeliveryError(f"找不到邮件服务器 {smtp.host}(域名无法解析);请检查 smtp.host 和网络") from None
    except ConnectionRefusedError:
        _close(client)
        raise DeliveryError(f"无法连接邮件服务器 {where}: 连接被拒绝;请检查 smtp.host、smtp.port 和网络") from None
    except TimeoutError:
        _close(client)
        action = "连接" if stage == "connect" else "等待"
        raise DeliveryError(f"{action}邮件服务器 {where} 超时({smtp.timeout:g} 秒),邮件未发送;"
                            "请检查网络、防火墙或端口") from None
    except OSError as e:
        _close(client)
        raise DeliveryError(f"无法与邮件服务器 {where} 通信: {e.strerror or e},邮件未发送") from None
    except smtplib.SMTPException as e:  # e.g. no authentication method in common
        _close(client)
        raise DeliveryError(f"邮件服务器 {where}: {e},邮件未发送") from None
    _close(client)


def send(out: Outgoing, config: DeliveryConfig, *, password: str | None = None,
         delays: tuple[float, ...] | list[float] | None = None,
         sleep: Callable[[float], None] = time.sleep) -> SendResult:
    """Send `out` in one SMTP transaction to every recipient, or to nobody.

    The attachment size is checked before connecting. Temporary failures are retried after each of
    `delays` (default RETRY_DELAYS: 3 attempts); permanent ones raise DeliveryError at once."""
    check_size(out, config)
    smtp = config.smtp
    if smtp.username and password is None:
        password = _require_password(smtp)
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
