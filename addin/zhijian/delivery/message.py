"""The message: subject and body from the configuration's templates, the key figures, and the masked
attachment; as an EmailMessage to send or a draft .eml to write."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path
from typing import Any

from zhijian.engine.masking import MaskReport, mask_text
from zhijian.files.atomic import atomic_path

from .config import (KINDS, MISSING, XLSX_TYPE, DeliveryConfig, DeliveryError, UnreadableReport,
                     parse_address)
from .figures import KeyFigures, read_key_figures
from .workbook_mask import mask_workbook_bytes


def _address(text: str) -> Address:
    name, addr = parse_address(text)
    return Address(display_name=name, addr_spec=addr)


_FOLD = 78  # RFC 5322's line length (policy.SMTP's): the address headers are folded within it
# How messages and drafts are written: policy.SMTP, but a header stored as written (the address
# headers, see address_list) is never refolded by Python; the others are header objects, folded as ever.
WRITE = policy.SMTP.clone(refold_source="none")
_WORD_BYTES = 45  # UTF-8 bytes of one encoded word: =?utf-8?b?…?= of 72 characters at most


def _name_words(name: str) -> list[str]:
    """A display name as header words: plain ASCII as it is (quoted when it holds specials), split
    at its spaces (a fold there, even inside the quotes, unfolds to the same space); else RFC 2047
    encoded words of at most 75 characters, split between characters."""
    from email.utils import formataddr

    if name.isascii():
        plain = formataddr((name, "x@x"))[: -len(" <x@x>")]
        return plain.split(" ") if len(plain) > _FOLD - len("Bcc: ") - 1 else [plain]
    import base64

    words, chunk = [], ""
    for ch in name:
        if len((chunk + ch).encode("utf-8")) > _WORD_BYTES:
            words.append(chunk)
            chunk = ""
        chunk += ch
    words.append(chunk)
    return [f"=?utf-8?b?{base64.b64encode(w.encode('utf-8')).decode('ascii')}?=" for w in words]


def address_list(texts: list[str]) -> str:
    """The value of a From/To/Cc/Bcc header, folded between words. Python's own folding of an
    address list puts the comma between two addresses inside an encoded word (=?utf-8?q?=2C?=)
    when a plain name stands between Chinese ones, and a reader then sees one address fewer
    (Python 3.11); the value is stored as written (`set_raw`) and written as it is (`WRITE`: the
    policy.SMTP default would refold the whole header, the same way, as soon as one line is longer
    than 78 characters, and an address of more than 70 characters is such a line)."""
    tokens: list[str] = []
    for i, text in enumerate(texts):
        name, addr = parse_address(text)
        tokens += (_name_words(name) if name else []) + [f"<{addr}>" if name else addr]
        if i < len(texts) - 1:
            tokens[-1] += ","
    lines, line = [], ""
    for t in tokens:
        if line and len(line) + 1 + len(t) > _FOLD - len("Bcc: "):
            lines.append(line)
            line = t
        else:
            line = f"{line} {t}" if line else t
    lines.append(line)
    return "\n ".join(lines)


def size_text(n: int) -> str:
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
    extra: list[tuple[str, bytes]] = field(default_factory=list)  # more attachments (the daily package's zip)
    extra_sources: list[Path] = field(default_factory=list)  # the files `extra` was read from

    @property
    def attachments(self) -> list[tuple[str, bytes]]:
        """(name, bytes) of every attachment, the report first; none for a message in the body."""
        return ([(self.attachment_name, self.attachment)] if self.attachment_name else []) + list(self.extra)

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
        """The size of all attachments together (what the limit applies to)."""
        return sum(len(data) for _, data in self.attachments)

    def as_bytes(self) -> bytes:
        return self.message.as_bytes(policy=WRITE)

    def draft(self) -> EmailMessage:
        """The message as a draft: X-Unsent: 1 (Outlook opens it ready to send) and the Bcc
        header kept, since a draft has no envelope to carry it."""
        import copy

        d = copy.deepcopy(self.message)
        if self.bcc:
            d.set_raw("Bcc", address_list(self.bcc))
        d["X-Unsent"] = "1"
        return d

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "report": KINDS[self.kind], "from": str(self.message["From"]),
                "to": self.to, "cc": self.cc, "bcc": self.bcc, "subject": self.subject, "body": self.body,
                "attachment": {"name": self.attachment_name, "size": self.attachment_size,
                               "masked": self.masking is not None,
                               **({"masking": self.masking.to_dict()} if self.masking else {})},
                "attachments": [{"name": n, "size": len(d)} for n, d in self.attachments],
                "figures": self.figures.to_dict(), "source": str(self.source)}


def plain_text(text: str) -> str:
    """`text` for a header or a file name: control characters (CR, LF …) become "_"."""
    return "".join("_" if ord(ch) < 32 or ord(ch) == 127 or ch in "\u2028\u2029\x85" else ch for ch in text)


def mask_figures(figures: KeyFigures) -> KeyFigures:
    """The key figures with every text masked (they end up in the body and in --json)."""
    return dataclasses.replace(figures, **{k: mask_text(v) for k, v in vars(figures).items() if isinstance(v, str)},
                               unreadable=tuple(mask_text(f) for f in figures.unreadable))


def with_unreadable(body: str, template: str, figures: KeyFigures) -> str:
    """`body`, with the inputs that could not be read said at its end when the template has no
    {figures} to say them: a figure that leaves out a sheet is never sent without saying so."""
    import string

    line = figures.unreadable_line()
    if line is None or "figures" in (f for _, f, _, _ in string.Formatter().parse(template)):
        return body
    return body.rstrip("\n") + "\n\n" + line + "\n"


def render(template: str, values: dict[str, str], what: str) -> str:
    try:
        return template.format_map(values)
    except (KeyError, ValueError, IndexError, AttributeError) as e:
        raise DeliveryError(f"邮件{what}模板无法填写: {e}") from None


# The report a zhijian command wrote, as the kind it is sent as (its provenance says which).
_KIND_OF_COMMAND = {"daily": "daily", "weekly": "weekly", "monthly": "monthly"}


def check_kind(report: Path, kind: str) -> None:
    """Refuse (exit 2) a 质检日志, 质检周报 or 质检月报 sent as another kind: its title, recipients
    and template would be the other report's ("质检日报 2026年第42周" to the daily list)."""
    from zhijian.errors import InputFileError
    from zhijian.files.guard import REPORT_PROPERTY, custom_properties

    made = _KIND_OF_COMMAND.get(custom_properties(report).get(REPORT_PROPERTY, ""))
    if made and made != kind and not (made == "daily" and kind == "briefing"):
        raise InputFileError(f"{report} 是 zhijian {made} 写出的{KINDS[made]},不能按 --kind {kind}({KINDS[kind]})"
                             f"发送;请用 --kind {made}")


def build_outgoing(report: str | Path, config: DeliveryConfig, kind: str, *, mask: bool = True,
                   attachment_name: str | None = None) -> Outgoing:
    """The message for `report` (a workbook) as report `kind`, addressed per `config`."""
    from zhijian.files.workbooks import check_readable

    report = Path(report)
    check_readable(report)
    if report.suffix.lower() == ".csv":
        raise UnreadableReport(f"{report}: 只能发送 Excel 报表(.xlsx)")
    check_kind(report, kind)
    rd = config.report(kind)
    figures = read_key_figures(report)
    data = report.read_bytes()
    masking = None
    name = plain_text(attachment_name or report.name)
    if mask:  # the figures hold no personal data, but a topic or a file name might
        data, masking = mask_workbook_bytes(data, str(report))
        figures = mask_figures(figures)
        name = mask_text(name)
    values = figures.placeholders() | {"report": KINDS[kind], "file": name, "points": MISSING,
                                       "sender": config.sender.name or config.sender.address}
    subject = plain_text(" ".join(render(rd.subject, values, "主题").split()))
    body = with_unreadable(render(rd.body, values, "正文"), rd.body, figures)
    if mask:
        subject, body = mask_text(subject), mask_text(body)

    msg, sender = new_message(config, rd, subject)
    msg.set_content(body, cte="base64")
    attach(msg, name, data)
    return Outgoing(kind=kind, message=msg, envelope_from=sender.addr_spec, to=list(rd.to), cc=list(rd.cc),
                    bcc=list(rd.bcc), subject=subject, body=body, attachment_name=name, attachment=data,
                    masking=masking, figures=figures, source=report)


def new_message(config: DeliveryConfig, rd, subject: str) -> tuple[EmailMessage, Address]:
    """A message with the headers of `rd`'s recipients (no Bcc: the envelope carries it) and the
    sender; the body and attachments are the caller's."""
    from zhijian import __version__

    sender = _address(config.sender.address)
    if config.sender.name:
        sender = Address(display_name=config.sender.name, addr_spec=sender.addr_spec)
    msg = EmailMessage(policy=policy.SMTP)
    msg["From"] = sender
    msg.set_raw("To", address_list(list(rd.to)))  # see address_list: never Python's folding
    if rd.cc:
        msg.set_raw("Cc", address_list(list(rd.cc)))
    msg["Subject"] = subject
    msg["Date"] = formatdate(localtime=True)
    msg["Message-ID"] = make_msgid(domain=sender.domain or None)
    msg["X-Mailer"] = f"zhijian {__version__}"
    return msg, sender


def attach(msg: EmailMessage, name: str, data: bytes) -> None:
    """Attach `data` as `name` (an .xlsx/.xlsm workbook or a .zip); a Chinese name is encoded by
    RFC 2231 (filename*=utf-8''…), which mail programs read back as the name."""
    suffix = Path(name).suffix.lower()
    maintype, subtype = XLSX_TYPE
    if suffix == ".xlsm":
        subtype = "vnd.ms-excel.sheet.macroEnabled.12"
    elif suffix == ".zip":
        subtype = "zip"
    msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)


def check_size(out: Outgoing, config: DeliveryConfig) -> None:
    if out.attachment_size > config.max_attachment_bytes:
        raise DeliveryError(
            f"附件 {out.attachment_name} 有 {size_text(out.attachment_size)},超过配置的上限 "
            f"{config.max_attachment_mb:g} MB(max_attachment_mb),邮件未发送;请压缩或拆分报表,"
            "或调整上限(注意邮件服务器自身的限制)")


def write_eml(out: Outgoing, path: str | Path) -> Path:
    """Write the draft (RFC 5322, CRLF) to `path` atomically; Outlook and Thunderbird open it."""
    from zhijian.files.guard import guard_outputs

    path = Path(path)
    guard_outputs([path], {"报表": [out.source], "附件": out.extra_sources})
    with atomic_path(path) as tmp:
        tmp.write_bytes(out.draft().as_bytes(policy=WRITE))
    return path
