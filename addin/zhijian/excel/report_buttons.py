"""The buttons over a folder of 评分表 and over a finished report: 汇总分析, 周报, 月报 and 发送邮件.

汇总分析, 周报 and 月报 read every 评分表 of a folder (picked by the user, else the configured one)
with the same pipeline functions as their CLI twins (`jobs.consolidate`, `jobs.weekly_report`,
`jobs.monthly_report`), write the report next to that folder and open it in Excel. 发送邮件 sends
the open report with `zhijian.delivery`, as `zhijian email`.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from zhijian.errors import InputFileError, ZhijianError
from zhijian.files import names
from .common import SETTINGS_SHEET, TITLE, ButtonCancelled, ButtonResult, refuse_open_workbook, writing
from .port import FolderPickerUnavailable, WorkbookPort
from .settings import Settings, load_settings, other_rubrics, rubric_of, user_config_path


# --- 汇总分析 / 周报 / 月报 --------------------------------------------------------------------------------

def choose_folder(port: WorkbookPort, settings: Settings, title: str, folder: Path | None) -> Path:
    if folder is None:
        try:
            folder = port.pick_folder(title, settings.folder)
        except FolderPickerUnavailable:
            folder = settings.folder
            if folder is None:
                raise InputFileError(f"请先设置评分表文件夹: 点“配置”,在“{SETTINGS_SHEET}”工作表中填写"
                                     f"“评分表文件夹”,或在 {user_config_path()} 中写 folder: 文件夹路径") from None
        else:
            if folder is None:
                raise ButtonCancelled()
    folder = Path(folder)
    if not folder.is_dir():
        raise InputFileError(f"评分表文件夹不存在: {folder}")
    return folder


def output_dir(settings: Settings, folder: Path) -> Path:
    """The configured output folder, else the folder above the sheets (never inside it: the next
    run would read the report as an input)."""
    out = settings.output or (folder.parent if folder.parent != folder else Path.home())
    if out.exists() and not out.is_dir():
        raise InputFileError(f"输出文件夹 {out} 是一个文件,不是文件夹: 请点“配置”,改正“输出文件夹”")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        from zhijian.files.errorlog import os_error_text
        raise InputFileError(os_error_text(e, out, "无法创建输出文件夹")) from None
    return out


def unsaved_lines(port: WorkbookPort, folder: Path, button: str) -> list[str]:
    """A report reads the folder's sheets as saved on disk: one line naming those open in Excel with
    unsaved changes (or saying so when the port cannot tell); none when there are none."""
    from zhijian.files.guard import real_path

    books = port.unsaved_workbooks()
    if books is None:
        return ["注意: 只统计磁盘上已保存的评分表,在 Excel 中打开且未保存的修改不计入。"]
    root = Path(real_path(folder))
    inside = []
    for book in (b for b in books if b.is_absolute()):
        try:
            inside.append(str(Path(real_path(book)).relative_to(root)))
        except ValueError:  # outside the folder (or an unsaved new workbook without a file)
            continue
    if not inside:
        return []
    return [f"注意: {'、'.join(inside)} 在 Excel 中有未保存的修改,本次按磁盘上已保存的版本统计;"
            f"保存后再点“{button}”可计入。"]


class Progress:
    def __init__(self, port: WorkbookPort, what: str):
        self.port, self.what, self.total, self.done = port, what, None, 0

    def files(self, n: int) -> None:
        self.total = n
        self.port.status(f"{TITLE}: {self.what}: 共 {n} 个文件")

    def file(self, path: Path) -> None:
        self.done += 1
        total = f"/{self.total}" if self.total else ""
        self.port.status(f"{TITLE}: {self.what}: 正在读取第 {self.done}{total} 个文件 {Path(path).name}")


def consolidate_on_port(port: WorkbookPort, folder: Path | None = None) -> ButtonResult:
    """汇总分析: the 服务质量分析表 (`consolidate.consolidate` + `write_consolidation`) of the folder's
    sheets, for the configured period kind (default: the month), opened in Excel."""
    from zhijian.pipeline.jobs import consolidate, write_consolidation

    settings = load_settings(port)
    rubric = rubric_of(settings)
    folder = choose_folder(port, settings, "选择各质检员评分表所在的文件夹(汇总分析)", folder)
    progress = Progress(port, "汇总分析")
    result = consolidate(rubric, [str(folder)], period_kind=settings.period_kind, lead=settings.lead,
                         other_rubrics=other_rubrics(rubric), progress=progress.file,
                         on_files=progress.files, rubric_source=settings.rubric,
                         **appeals_of(settings), **store_of(settings), **roster_of(settings))
    out = output_dir(settings, folder) / names.analysis_name(settings.period_kind, _period_date(result))
    refuse_open_workbook(port, [out], "汇总分析")
    port.status(f"{TITLE}: 正在写出服务质量分析表……")
    writing(out, lambda p: write_consolidation(result, p))
    port.open_workbook(out)
    a, o = result.analysis, result.analysis.overall
    lines = [f"《{rubric.name}》服务质量分析表 {a.period_label}: 读取 {len(result.files)} 个文件,"
             f"有效评分 {o.n} 通。", *account_lines(a.account)]
    if o.n:
        from zhijian.engine.ledger import score_line
        lines.append(f"{score_line(a)}。")
    if result.findings:
        lines.append(f"{len(result.findings)} 个校验问题,详见“排除与重复”工作表。")
    lines += unsaved_lines(port, folder, "汇总分析")
    lines.append(f"已写出: {out}")
    message = "\n".join(lines)
    port.status(None)
    port.alert(message)
    return ButtonResult(message, out, details={"n": o.n, "files": len(result.files)})


def account_lines(account) -> list[str]:
    """What became of every row read, and each input that could not be read (the console's lines)."""
    lines = [f"行数核对: {account.identity_text()}。"]
    if not account.roster_checked:
        lines.append("未设置人员名单,工号未核对(可在“配置”中填写“人员名单”)。")
    lines += [f"未能读取: {u.file}{' / ' + u.sheet if u.sheet else ''}: {u.message}" for u in account.unreadable]
    return lines


def _period_date(result) -> dt.date:
    prov = getattr(result, "provenance", None)
    text = (getattr(prov, "options", None) or {}).get("date")
    if text:
        return dt.date.fromisoformat(str(text))
    days = [d for d, _ in result.analysis.by_day]
    return max(days) if days else dt.date.today()


def appeals_of(settings: Settings) -> dict[str, Any]:
    return {"appeals": settings.appeals} if settings.appeals else {}


def store_of(settings: Settings) -> dict[str, Any]:
    """The history store the settings name (as the CLI's --store; default $ZHIJIAN_STORE)."""
    from zhijian.files.store_path import configured_store

    store = configured_store(settings.history_store)
    return {"store": store} if store is not None else {}


def roster_of(settings: Settings) -> dict[str, Any]:
    """The roster of the settings, as the report jobs take it (agent ids not on it are left out)."""
    return {"roster": settings.roster} if settings.roster else {}


def weekly_on_port(port: WorkbookPort, folder: Path | None = None) -> ButtonResult:
    """周报: the 质检周报 of the latest week of the folder's sheets (`consolidate.weekly_report` +
    `write_periodic`, as `zhijian weekly`), opened in Excel."""
    return _periodic(port, folder, "周报", "weekly")


def monthly_on_port(port: WorkbookPort, folder: Path | None = None) -> ButtonResult:
    """月报: the 质检月报 of the latest month of the folder's sheets (`consolidate.monthly_report` +
    `write_periodic`, as `zhijian monthly`), opened in Excel."""
    return _periodic(port, folder, "月报", "monthly")


def _periodic(port: WorkbookPort, folder: Path | None, what: str, kind: str) -> ButtonResult:
    settings = load_settings(port)
    rubric = rubric_of(settings)
    folder = choose_folder(port, settings, f"选择各质检员评分表所在的文件夹({what})", folder)
    progress = Progress(port, what)
    try:
        from zhijian.pipeline import jobs as engine
        build = engine.weekly_report if kind == "weekly" else engine.monthly_report
    except (ImportError, AttributeError):
        raise _missing(what, kind) from None
    result = build(rubric, [str(folder)], lead=settings.lead, rubric_source=settings.rubric,
                   other_rubrics=other_rubrics(rubric), progress=progress.file, on_files=progress.files,
                   **appeals_of(settings), **store_of(settings), **roster_of(settings))
    key = result.provenance.options["week" if kind == "weekly" else "month"]
    out = output_dir(settings, folder) / names.report_name(names.WEEKLY if kind == "weekly" else names.MONTHLY, key)
    refuse_open_workbook(port, [out], what)
    port.status(f"{TITLE}: 正在写出{what}……")
    writing(out, lambda p: _write_periodic(result, p, what))
    port.open_workbook(out)
    d = result.report.to_dict()
    lines = [f"《{rubric.name}》质检{what} {d.get('label', key)}: 读取 {len(result.files)} 个文件,"
             f"有效评分 {d.get('n', 0)} 通。", *account_lines(result.report.analysis.account)]
    if d.get("n"):
        from zhijian.engine.ledger import score_line
        lines.append(f"{score_line(result.report.analysis)}。")
    lines += unsaved_lines(port, folder, what)
    lines.append(f"已写出: {out}")
    message = "\n".join(lines)
    port.status(None)
    port.alert(message)
    return ButtonResult(message, out, details={"n": d.get("n"), "files": len(result.files), "key": key})


def _missing(what: str, module: str) -> ZhijianError:
    return ZhijianError(f"{what}功能尚未安装(缺少 zhijian.{module}),请更新 zhijian 后再试")


def _write_periodic(result, path: Path, what: str):
    try:
        from zhijian.pipeline.jobs import write_periodic
        return write_periodic(result, path)
    except ImportError as e:  # the report writer of this kind is not installed
        raise _missing(what, getattr(e, "name", None) or "report") from None


# --- 发送邮件 ------------------------------------------------------------------------------------------

MAIL_CONFIG = "zhijian-delivery.yaml"
_KIND_OF_COMMAND = {"weekly": "weekly", "monthly": "monthly"}
_KIND_OF_PERIOD = {"day": "daily", "week": "weekly", "month": "monthly"}


def send_mail_on_port(port: WorkbookPort) -> ButtonResult:
    """发送邮件: the open report (as last saved) by e-mail with `zhijian.delivery`, as `zhijian email`:
    its kind (日报/周报/月报) from the report's provenance, the recipients from the delivery
    configuration, after the user confirms who gets it."""
    if port.path is None:
        raise InputFileError("请先保存这个工作簿,再发送邮件")
    settings = load_settings(port)
    try:
        from zhijian.delivery.config import KINDS, load_config
        from zhijian.delivery.message import build_outgoing, check_size
        from zhijian.delivery.smtp import send
    except ImportError:
        raise _missing("发送邮件", "mail") from None
    kind = report_kind(port)
    config = load_config(_mail_config_path(port, settings))
    port.status(f"{TITLE}: 正在准备邮件……")
    if kind == "daily" and "班前会点评" in port.sheet_names():  # a 质检日志: the 10:00 package
        from zhijian.delivery.package import build_daily_package
        out = build_daily_package(port.path, config)
    else:
        out = build_outgoing(port.path, config, kind)
    check_size(out, config)
    lines = [f"将把 {'、'.join(n for n, _ in out.attachments)}(已保存的版本)作为{KINDS[kind]}发送:",
             f"主题: {out.subject}", f"收件人: {'、'.join(out.to) or '无'}"]
    if out.cc:
        lines.append(f"抄送: {'、'.join(out.cc)}")
    if out.bcc:
        lines.append(f"密送: {len(out.bcc)} 个地址")
    if out.masking is not None:
        lines.append(f"附件中的个人信息: {out.masking.describe()}")
    lines.append("确定发送吗?")
    if not port.confirm("\n".join(lines)):
        raise ButtonCancelled()
    port.status(f"{TITLE}: 正在发送邮件(经 {config.smtp.where})……")
    result = send(out, config)
    message = f"已发送《{out.subject}》给 {len(result.recipients)} 个地址(经 {result.server})。"
    port.status(None)
    port.alert(message)
    return ButtonResult(message, port.path, details={"kind": kind, "recipients": result.recipients})


def report_kind(port: WorkbookPort) -> str:
    """daily | weekly | monthly: from the report's provenance (command, and the period of
    汇总分析), else from the file name (质检周报_…/weekly-…, 质检月报_…/monthly-…), else daily."""
    command = port.document_property("zhijian_command") or ""
    if command == "daily":
        return "daily"
    if command in _KIND_OF_COMMAND:
        return _KIND_OF_COMMAND[command]
    if command == "consolidate" and "_zhijian" in port.sheet_names():
        try:
            from zhijian.files.provenance import Provenance
            rows, _, _ = port.used_range("_zhijian")
            prov = Provenance.from_json("".join(str(r[0]) for r in rows if r and r[0]))
            return _KIND_OF_PERIOD.get(str(prov.options.get("period")), "daily")
        except Exception:  # noqa: BLE001 - an unreadable record: fall back on the name
            pass
    name = port.name.lower()
    for prefix, kind in (("weekly", "weekly"), ("monthly", "monthly"), (names.WEEKLY, "weekly"),
                         (names.MONTHLY, "monthly")):
        if name.startswith(prefix):
            return kind
    return "daily"


def _mail_config_path(port: WorkbookPort, settings: Settings) -> Path:
    if settings.mail_config:
        return settings.mail_config
    places = [p / MAIL_CONFIG for p in (port.path.parent if port.path else None, Path.home(),
                                        user_config_path().parent) if p is not None]
    for p in places:
        if p.is_file():
            return p
    raise InputFileError("找不到发送配置文件 " + MAIL_CONFIG + ",请放在报表所在文件夹或用户主文件夹,"
                         "或点“配置”填写“发送配置文件”。找过: " + "、".join(str(p) for p in dict.fromkeys(places)))

