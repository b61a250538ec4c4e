"""The lead's two daily e-mails (seed 001 SOP-8.4, SOP-10.5), from the package `zhijian daily` wrote:

- 质检日报 (`--kind daily`), by 10:00: the previous day's 质检日志 and the zip of its 评分表
  (质检监听评分表_YYYY-MM-DD.zip, found beside the log), to the project manager and the 班长, cc
  the department manager, bcc every inspector (the `reports.daily` recipients). Both attachments
  are masked copies: the log's text, and every workbook (or CSV) inside the zip; the files on
  disk are untouched.
- 班前会点评 (`--kind briefing`), by 19:00: the points of the log's 班前会点评 sheet, as the 18:00
  meeting left them (问题原因, 解决方案 filled in), in the body of the e-mail — plain text and a
  simple HTML table — to the 班长 (`reports.briefing`); no attachment.

The package is named by a folder holding a 质检日志_YYYY-MM-DD.xlsx (the latest day when several),
or by the log itself.
"""

from __future__ import annotations

import html
import io
import string
import zipfile
from pathlib import Path

from zhijian.engine.masking import MaskReport, mask_text
from zhijian.files import names
from zhijian.files.workbooks import check_zip_limits

from .config import DEFAULT_BODY, KINDS, MISSING, DeliveryConfig, DeliveryError, UnreadableReport
from .figures import read_key_figures
from .message import Outgoing, attach, mask_figures, new_message, plain_text, render, with_unreadable
from .workbook_mask import mask_workbook_bytes

BRIEFING_SHEET = names.BRIEFING
BRIEFING_BODY = """各位班长:

{period} 质检会议确定的次日班前会质量方面点评内容如下:

{points}

{sender}
"""
_MARK = "\x00POINTS\x00"


def find_log(path: str | Path) -> Path:
    """The 质检日志 a path names: the file itself, or the latest-dated one in a folder."""
    p = Path(path)
    if p.is_dir():
        logs = sorted((f for f in p.glob(f"{names.DAILY_LOG}_*.xlsx") if names.daily_log_date(f)),
                      key=lambda f: names.daily_log_date(f))
        if not logs:
            raise UnreadableReport(f"{p}: 文件夹中没有质检日志(质检日志_YYYY-MM-DD.xlsx),请先运行 zhijian daily")
        return logs[-1]
    if not p.is_file():
        raise UnreadableReport(f"{p}: 文件不存在")
    return p


def is_daily_log(path: str | Path) -> bool:
    """A folder with a 质检日志, or a workbook with a 班前会点评 sheet (whatever its name)."""
    p = Path(path)
    if p.is_dir():
        return any(names.daily_log_date(f) for f in p.glob(f"{names.DAILY_LOG}_*.xlsx"))
    if names.daily_log_date(p):
        return True
    if p.suffix.lower() not in (".xlsx", ".xlsm") or not p.is_file():
        return False
    try:
        from openpyxl import load_workbook

        wb = load_workbook(p, read_only=True)
    except Exception:  # noqa: BLE001 - not a workbook we can read: not a log
        return False
    try:
        return BRIEFING_SHEET in wb.sheetnames
    finally:
        wb.close()


def _day_key(log: Path) -> str:
    d = names.daily_log_date(log)
    if d is not None:
        return f"{d:%Y-%m-%d}"
    f = read_key_figures(log)
    if f.start is None:
        raise UnreadableReport(f"{log}: 无法确定质检日志的日期(文件名应为 质检日志_YYYY-MM-DD.xlsx)")
    return f"{f.start:%Y-%m-%d}"


def mask_zip_bytes(data: bytes, name: str) -> tuple[bytes, MaskReport]:
    """The zip `data` with every workbook and CSV inside masked (mobile and ID-card numbers); member
    names (UTF-8) and times kept; other members copied as they are."""
    report = MaskReport()
    try:
        zin = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise UnreadableReport(f"{name}: 不是 zip 压缩包") from None
    check_zip_limits(io.BytesIO(data), name)  # every member is read whole below
    out = io.BytesIO()
    used = {i.filename.lower() for i in zin.infolist()}
    with zin, zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            raw = zin.read(info)
            suffix = Path(info.filename).suffix.lower()
            if suffix in (".xlsx", ".xlsm"):
                raw, part = mask_workbook_bytes(raw, f"{name}/{info.filename}")
                report.mobiles += part.mobiles
                report.ids += part.ids
                report.parts += [f"{info.filename}:{p}" for p in part.parts]
            elif suffix == ".csv":
                raw = _mask_csv(raw, report, f"{name}/{info.filename}")
            elif _has_number(raw):  # nothing else can be masked: a number in it stops the mail
                raise DeliveryError(f"{name}/{mask_text(info.filename)}: 不是评分表(.xlsx、.xlsm、.csv),其中有无法遮蔽的"
                                    "手机号或身份证号,邮件未发送;请从压缩包中删去它,或确认可以发送后用 --no-mask")
            member = mask_text(info.filename, report)
            if member != info.filename:  # two names may mask alike: " (2)" as files.archive names them
                stem, suffix, k = member[: len(member) - len(Path(member).suffix)], Path(member).suffix, 1
                while member.lower() in used:
                    k += 1
                    member = f"{stem} ({k}){suffix}"
                used.add(member.lower())
            ni = zipfile.ZipInfo(member, info.date_time)
            # A masked name drops the Unicode Path field, which would still hold the number.
            extra = info.extra if member == info.filename else b""
            ni.compress_type, ni.external_attr, ni.extra = zipfile.ZIP_DEFLATED, info.external_attr, extra
            zout.writestr(ni, raw)
    return out.getvalue(), report


def _has_number(raw: bytes) -> bool:
    """Whether a member's bytes, read as text (UTF-8, GB18030, UTF-16), hold a mobile or ID number."""
    probe = MaskReport()
    for text in (raw.decode("utf-8", "replace"), raw.decode("gb18030", "replace"), raw.decode("utf-16-le", "replace"),
                 raw[1:].decode("utf-16-le", "replace")):
        mask_text(text, probe)
    return probe.total > 0


_UTF16_BOMS = {b"\xff\xfe": "utf-16-le", b"\xfe\xff": "utf-16-be"}  # Excel's "Unicode 文本", as files.workbooks reads it


def _mask_csv(raw: bytes, report: MaskReport, where: str) -> bytes:
    """The CSV `raw` masked, in its own encoding (UTF-8, GB18030, or UTF-16 with its BOM kept)."""
    bom, codecs = b"", ("utf-8-sig", "gb18030")
    if raw[:2] in _UTF16_BOMS:
        bom, codecs = raw[:2], (_UTF16_BOMS[raw[:2]],)
    for enc in codecs:
        try:
            text = raw[len(bom):].decode(enc)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise UnreadableReport(f"{where}: 无法识别 CSV 的文字编码,无法遮蔽个人信息")
    before = report.total
    masked = mask_text(text, report)
    if report.total == before:
        return raw
    report.parts.append(where)
    return bom + masked.encode(enc)  # UTF-8 with a BOM, which Excel needs to read it as UTF-8


def build_daily_package(path: str | Path, config: DeliveryConfig, *, mask: bool = True) -> Outgoing:
    """The 质检日报 message: the 质检日志 and the day's zip beside it, as `reports.daily` says."""
    log = find_log(path)
    key = _day_key(log)
    zip_path = log.parent / names.report_name(names.SHEETS_ZIP, key, ".zip")
    if not zip_path.is_file():
        raise UnreadableReport(f"找不到当天的评分表压缩包 {zip_path}(zhijian daily 与质检日志一同写出);"
                            "邮件未发送")
    rd = config.report("daily")
    figures = read_key_figures(log)
    log_data, zip_data = log.read_bytes(), zip_path.read_bytes()
    masking = None
    log_name, zip_name = plain_text(log.name), plain_text(zip_path.name)
    if mask:
        figures = mask_figures(figures)
        log_name, zip_name = mask_text(log_name), mask_text(zip_name)
        log_data, masking = mask_workbook_bytes(log_data, str(log))
        zip_data, zmask = mask_zip_bytes(zip_data, str(zip_path))
        masking.mobiles += zmask.mobiles
        masking.ids += zmask.ids
        masking.parts += [f"{zip_path.name}/{p}" for p in zmask.parts]
    values = figures.placeholders() | {"report": KINDS["daily"], "file": f"{log_name}、{zip_name}",
                                       "points": MISSING, "sender": config.sender.name or config.sender.address}
    subject = plain_text(" ".join(render(rd.subject, values, "主题").split()))
    body = with_unreadable(render(rd.body, values, "正文"), rd.body, figures)
    if mask:
        subject, body = mask_text(subject), mask_text(body)
    msg, sender = new_message(config, rd, subject)
    msg.set_content(body, cte="base64")
    attach(msg, log_name, log_data)
    attach(msg, zip_name, zip_data)
    return Outgoing(kind="daily", message=msg, envelope_from=sender.addr_spec, to=list(rd.to), cc=list(rd.cc),
                    bcc=list(rd.bcc), subject=subject, body=body, attachment_name=log_name, attachment=log_data,
                    masking=masking, figures=figures, source=log, extra=[(zip_name, zip_data)],
                    extra_sources=[zip_path])


# --- 班前会点评 -------------------------------------------------------------------------------------

def read_briefing(log: Path) -> list[dict[str, str]]:
    """The rows of the log's 班前会点评 sheet (header row: the one naming 评分项 and 解决方案), by
    header; the rows the lead added below count too; blank rows are skipped."""
    from openpyxl import load_workbook

    try:
        wb = load_workbook(log, read_only=True, data_only=True)
    except Exception as e:  # noqa: BLE001 - any unreadable workbook
        raise UnreadableReport(f"{log}: 无法读取这个工作簿({type(e).__name__})") from None
    try:
        if BRIEFING_SHEET not in wb.sheetnames:
            raise UnreadableReport(f"{log}: 没有“{BRIEFING_SHEET}”工作表,不是 zhijian daily 写出的质检日志")
        rows = [list(r) for r in wb[BRIEFING_SHEET].iter_rows(values_only=True)]
    finally:
        wb.close()
    head_at = next((i for i, r in enumerate(rows[:20]) if "评分项" in r and "解决方案" in r), None)
    if head_at is None:
        raise UnreadableReport(f"{log}: “{BRIEFING_SHEET}”工作表中找不到表头(评分项、解决方案)")
    heads = [str(h).strip() if h is not None else "" for h in rows[head_at]]
    out = []
    for r in rows[head_at + 1:]:
        rec = {h: _cell(v, percent=h == "不良比率") for h, v in zip(heads, r) if h}
        if rec.get("评分项") or rec.get("解决方案") or rec.get("问题原因"):
            out.append(rec)
    return out


def _cell(v, *, percent: bool = False) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "是" if v else "否"
    if isinstance(v, (int, float)):
        return f"{v:.1%}" if percent else f"{v:g}"
    return str(v).strip()


def points_text(points: list[dict[str, str]]) -> str:
    """The points as plain text: one paragraph each."""
    if not points:
        return "(班前会点评工作表中没有点评内容)"
    paras = []
    for k, p in enumerate(points, start=1):
        lines = [f"{p.get('序号') or k}. {p.get('评分项', '')}"
                 + (f": 不良 {p['不良数']}/{p.get('有效通数', '')} 通,不良比率 {p.get('不良比率', '')}"
                    f"({p.get('警示级别', '')})" if p.get("不良数") else "")]
        if p.get("案例录音编号"):
            lines.append(f"   案例: {p['案例录音编号']} {p.get('案例坐席', '')},{p.get('案例得分', '')}分;"
                         f"{p.get('案例备注') or '无备注'}")
        lines.append(f"   问题原因: {p.get('问题原因') or '(未填写)'}")
        lines.append(f"   解决方案: {p.get('解决方案') or '(未填写)'}")
        paras.append("\n".join(lines))
    return "\n\n".join(paras)


HTML_COLUMNS = ["序号", "评分项", "不良比率", "案例录音编号", "案例坐席", "案例备注", "问题原因", "解决方案"]


def points_html(points: list[dict[str, str]]) -> str:
    """The points as a simple HTML table (inline styles: mail programs drop style sheets)."""
    cell = 'style="border:1px solid #999;padding:4px 8px;vertical-align:top"'
    head = "".join(f'<th {cell} bgcolor="#DDEBF7">{html.escape(h)}</th>' for h in HTML_COLUMNS)
    rows = "".join("<tr>" + "".join(f"<td {cell}>{html.escape(p.get(h, '') or '')}</td>" for h in HTML_COLUMNS)
                   + "</tr>" for p in points)
    return f'<table style="border-collapse:collapse" cellspacing="0"><tr>{head}</tr>{rows}</table>'


def build_briefing(path: str | Path, config: DeliveryConfig, *, mask: bool = True) -> Outgoing:
    """The 班前会点评 message: the log's points in the body (text and HTML), as `reports.briefing` says."""
    log = find_log(path)
    rd = config.report("briefing")
    figures = read_key_figures(log)
    points = read_briefing(log)
    masking = MaskReport() if mask else None
    if masking is not None:
        points = [{k: mask_text(v, masking) for k, v in p.items()} for p in points]
        figures = mask_figures(figures)
    template = BRIEFING_BODY if rd.body == DEFAULT_BODY else rd.body
    if "points" not in (f for _, f, _, _ in string.Formatter().parse(template)):  # not a literal {{points}}
        template = template.rstrip("\n") + "\n\n{points}\n"
    values = figures.placeholders() | {"report": KINDS["briefing"], "file": log.name,
                                       "sender": config.sender.name or config.sender.address}
    subject = plain_text(" ".join(render(rd.subject, values | {"points": ""}, "主题").split()))
    body = render(template, values | {"points": points_text(points)}, "正文")
    marked = render(template, values | {"points": _MARK}, "正文")
    if masking is not None:
        subject, body, marked = mask_text(subject, masking), mask_text(body), mask_text(marked)
    table = points_html(points)  # at every {points} of the template
    page = ('<html><body><div style="font-family:sans-serif;font-size:14px">'
            + table.join(t.replace("\n", "<br>\n") for t in html.escape(marked).split(_MARK))
            + "</div></body></html>")
    msg, sender = new_message(config, rd, subject)
    msg.set_content(body, cte="base64")
    msg.add_alternative(page, subtype="html", cte="base64")
    return Outgoing(kind="briefing", message=msg, envelope_from=sender.addr_spec, to=list(rd.to), cc=list(rd.cc),
                    bcc=list(rd.bcc), subject=subject, body=body, attachment_name="", attachment=b"",
                    masking=masking, figures=figures, source=log)
