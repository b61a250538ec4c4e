"""The 质检 ribbon tab: one function per button.

Excel runs, for the add-in file zhijian_validate.xlam, `import zhijian_validate;
zhijian_validate.main()` (xlwings' RunPython); `main()` calls one function here (`validate`). Each
such function takes the calling workbook (`xw.Book.caller()`), wraps it in `XlwingsPort` and calls a
port-level function (`validate_on_port`, …) that does the work through the port only. Tests and
other doors call the port-level functions with `OpenpyxlPort`.

A port-level function reads what it needs in one batch, calls the same engine function as its
CLI twin (`validate.check_grids`, `template.write_template`, `consolidate.consolidate`, …), writes
back in few batched calls, shows progress on the status bar and ends with a short Chinese message
(`port.alert`). It returns a `ButtonResult` for tests.

Settings (`Settings`): the workbook's 配置 sheet, else the workbook's custom document property
zhijian_rubric_id (set by 新建评分表), else the user's file ~/.zhijian.yaml (or $ZHIJIAN_CONFIG),
else the defaults (rubric listening-10x4, monthly consolidation).

Errors: a `ZhijianError` becomes its Chinese message; anything else writes the traceback to a log
file and shows a Chinese message with the log's path; Excel never shows a Python traceback.

xlwings is imported only inside `_excel_book()`: importing this module never needs Excel.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import tempfile
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from zhijian.errors import InputFileError, ZhijianError
from zhijian.engine.findings import SEVERITY_ZH, Finding, Severity
from .port import FolderPickerUnavailable, WorkbookPort, split_cell

TITLE = "质检"
RESULT_SHEET = "校验结果"
SETTINGS_SHEET = "配置"
RUBRIC_SHEET = "评分标准说明"
OWN_SHEETS = (RESULT_SHEET, SETTINGS_SHEET, RUBRIC_SHEET, "_zhijian")
DEFAULT_RUBRIC = "listening-10x4"
FILL_ERROR = "FFC7CE"  # the colours of `zhijian validate --write` (workbooks.FILL)
FILL_WARNING = "FFEB9C"
TOTAL_HEADER = "最终得分"
FINDINGS_HEADER = ["级别", "规则", "工作表", "单元格", "说明", "原值"]
_MARK_PREFIXES = tuple(f"[{w}]" for w in SEVERITY_ZH.values())  # how our comments start


class ButtonCancelled(Exception):
    """The user cancelled (e.g. closed the folder picker): stop quietly."""


@dataclass
class ButtonResult:
    """What a button did (for tests and logs); `message` is what the user was shown."""

    message: str
    output: Path | None = None
    errors: int = 0
    warnings: int = 0
    details: dict[str, Any] = field(default_factory=dict)


# --- settings ------------------------------------------------------------------------------------

# key, label in the 配置 sheet, help text
SETTING_FIELDS: list[tuple[str, str, str]] = [
    ("rubric", "评分标准", "评分标准名称(listening-10x4、qc-v3.1、deduction-base100)或 .yaml 文件路径"),
    ("folder", "评分表文件夹", "汇总分析、周报、月报读取的各质检员评分表所在文件夹"),
    ("output", "输出文件夹", "汇总分析、周报、月报写到这里(默认: 评分表文件夹的上一级)"),
    ("period_kind", "汇总周期", "汇总分析的统计周期: 日、周 或 月(默认: 月)"),
    ("lead", "质检班长", "质检班长姓名: 校正录音以其评分为基准(默认取各评分项中位数)"),
    ("roster", "人员名单", "人员名单文件(含“工号”列);填写后,校验时检查工号"),
    ("period", "统计期", "填写后,校验时检查日期是否在统计期内,如 2026-11、2026-W47"),
    ("appeals", "申诉登记表", "申诉登记表文件;填写后,汇总分析、周报、月报按申诉结果更正评分"),
    ("mail_config", "发送配置文件", "发送邮件的配置文件(默认: 报表所在文件夹或用户主文件夹中的 zhijian-delivery.yaml)"),
]
_LABEL_TO_KEY = {label: key for key, label, _ in SETTING_FIELDS}
_PERIOD_WORDS = {"日": "day", "天": "day", "day": "day", "周": "week", "week": "week",
                 "月": "month", "month": "month"}
_PERIOD_ZH = {"day": "日", "week": "周", "month": "月"}


@dataclass
class Settings:
    rubric: str = DEFAULT_RUBRIC
    folder: Path | None = None
    output: Path | None = None
    period_kind: str = "month"
    lead: str | None = None
    roster: Path | None = None
    period: str | None = None
    appeals: Path | None = None
    mail_config: Path | None = None
    sources: dict[str, str] = field(default_factory=dict)  # key -> where the value came from

    def as_rows(self) -> list[list[Any]]:
        values = {"rubric": self.rubric, "folder": self.folder, "output": self.output,
                  "period_kind": _PERIOD_ZH.get(self.period_kind, self.period_kind), "lead": self.lead,
                  "roster": self.roster, "period": self.period, "appeals": self.appeals,
                  "mail_config": self.mail_config}
        return [["项目", "值", "说明"]] + [
            [label, "" if values[key] is None else str(values[key]), help_]
            for key, label, help_ in SETTING_FIELDS]


def user_config_path() -> Path:
    """The user's settings file: $ZHIJIAN_CONFIG, else ~/.zhijian.yaml."""
    env = os.environ.get("ZHIJIAN_CONFIG")
    return Path(env) if env else Path.home() / ".zhijian.yaml"


def _read_user_config() -> dict[str, str]:
    import yaml

    path = user_config_path()
    if not path.is_file():
        return {}
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (yaml.YAMLError, UnicodeDecodeError) as e:
        raise InputFileError(f"配置文件 {path} 无法读取: {e}") from None
    if not isinstance(data, dict):
        raise InputFileError(f"配置文件 {path} 应为“项目: 值”的列表")
    return {_LABEL_TO_KEY.get(str(k), str(k)): str(v) for k, v in data.items() if v not in (None, "")}


def _read_settings_sheet(port: WorkbookPort) -> dict[str, str]:
    if SETTINGS_SHEET not in port.sheet_names():
        return {}
    rows, _, _ = port.used_range(SETTINGS_SHEET)
    out = {}
    for row in rows:
        if len(row) < 2 or row[0] is None:
            continue
        key = _LABEL_TO_KEY.get(str(row[0]).strip(), str(row[0]).strip())
        if key in {k for k, _, _ in SETTING_FIELDS} and row[1] not in (None, ""):
            out[key] = str(row[1]).strip()
    return out


def _apply(settings: Settings, values: dict[str, str], source: str, base: Path | None) -> None:
    for key, raw in values.items():
        if key in settings.sources or not raw:
            continue
        if key in ("folder", "output", "roster", "appeals", "mail_config"):
            p = Path(os.path.expandvars(os.path.expanduser(raw)))
            if not p.is_absolute() and base is not None:
                p = base / p
            setattr(settings, key, p)
        elif key == "period_kind":
            kind = _PERIOD_WORDS.get(raw.strip().lower())
            if kind is None:
                raise InputFileError(f"{source}: 汇总周期“{raw}”无法识别,应为 日、周 或 月")
            settings.period_kind = kind
        elif key == "rubric":
            p = Path(os.path.expanduser(raw))
            if p.suffix in (".yaml", ".yml") and not p.is_absolute() and base is not None:
                raw = str(base / p)
            settings.rubric = raw
        elif key in ("lead", "period"):
            setattr(settings, key, raw)
        else:
            continue
        settings.sources[key] = source


def load_settings(port: WorkbookPort) -> Settings:
    """The settings for this workbook (see the module docstring for the order)."""
    s = Settings()
    base = port.path.parent if port.path else None
    _apply(s, _read_settings_sheet(port), f"“{SETTINGS_SHEET}”工作表", base)
    prop = port.document_property("zhijian_rubric_id")
    if prop:
        _apply(s, {"rubric": prop}, "文档属性 zhijian_rubric_id", base)
    config = user_config_path()
    _apply(s, _read_user_config(), str(config), config.parent)
    return s


def _rubric(settings: Settings):
    from zhijian.files.rubrics import load_rubric
    return load_rubric(settings.rubric)


def _other_rubrics(current):
    from zhijian.files.rubrics import bundled_rubric_names, load_rubric
    return [load_rubric(n) for n in bundled_rubric_names() if n != current.id]


# --- reading the open workbook ----------------------------------------------------------------------

def _grids(port: WorkbookPort):
    """Every sheet of the workbook except ours, as reader Grids (one used-range read each)."""
    from zhijian.engine.reader import Grid

    file = str(port.path) if port.path else port.name
    grids = []
    for name in port.sheet_names():
        if name in OWN_SHEETS:
            continue
        rows, r0, c0 = port.used_range(name)
        grids.append(Grid(file, name, rows, r0, c0))
    if not grids:
        raise InputFileError("这个工作簿中没有评分表工作表")
    return grids


def _check(port: WorkbookPort, settings: Settings):
    from zhijian.engine.validate import check_grids
    from zhijian.engine.periods import parse_period

    rubric = _rubric(settings)
    port.status(f"{TITLE}: 正在读取工作簿……")
    grids = _grids(port)
    roster = period = None
    if settings.roster:
        from zhijian.files.workbooks import read_roster
        roster = read_roster(settings.roster)
    if settings.period:
        try:
            period = parse_period(settings.period)
        except ValueError:
            raise InputFileError(f"无法识别的统计期“{settings.period}”,请写成 2026-11、2026-W47 或 2026-11-02") from None
    port.status(f"{TITLE}: 正在按《{rubric.name}》校验……")
    checked = check_grids(rubric, grids, roster=roster, period=period, other_rubrics=_other_rubrics(rubric))
    return rubric, checked


def _sheet_problem(checked) -> str | None:
    """The finding that explains why no sheet could be read, if none could."""
    if any(r.mapped for r in checked.sheets):
        return None
    for f in checked.report.findings:
        if f.rule in ("sheet.unmapped", "sheet.other_rubric", "file.unreadable"):
            return f"工作表“{f.sheet}”: {f.message}" if f.sheet else f.message
    return "没有找到评分表(表头中没有评分项)"


# --- 校验 ---------------------------------------------------------------------------------------

def validate_on_port(port: WorkbookPort) -> ButtonResult:
    """校验: findings as red (errors) / yellow (warnings) cells with a comment each, and a 校验结果
    sheet listing them; the marks of the previous run are cleared first."""
    settings = load_settings(port)
    rubric, checked = _check(port, settings)
    report = checked.report
    port.status(f"{TITLE}: 正在标注 {len(report.findings)} 个问题……")
    sheets = set(port.sheet_names())
    _clear_previous_marks(port, sheets)

    by_cell: dict[tuple[str, str], list[Finding]] = {}
    for f in report.findings:
        if f.cell and f.sheet in sheets and f.sheet not in OWN_SHEETS:
            by_cell.setdefault((f.sheet, f.cell), []).append(f)
    groups: dict[tuple[str, str], list[str]] = {}
    for (sheet, cell), fs in by_cell.items():
        worst = FILL_ERROR if any(f.severity == Severity.ERROR for f in fs) else FILL_WARNING
        groups.setdefault((sheet, worst), []).append(cell)
    for (sheet, colour), cells in groups.items():
        port.fill(sheet, cells, colour)
    for (sheet, cell), fs in by_cell.items():
        port.comment(sheet, cell, "\n".join(f"[{SEVERITY_ZH[f.severity]}] {f.message}" for f in fs))

    rows: list[list[Any]] = [FINDINGS_HEADER]
    colours: dict[str, list[str]] = {}
    for f in report.findings:
        rows.append([SEVERITY_ZH[f.severity], str(f.rule), f.sheet, f.cell, f.message,
                     "" if f.value is None else str(f.value)])
        colours.setdefault(FILL_ERROR if f.severity == Severity.ERROR else FILL_WARNING, []).append(f"A{len(rows)}")
    if not report.findings:
        rows.append(["", "", "", "", "未发现问题", ""])
    port.add_sheet(RESULT_SHEET, rows)
    for colour, cells in colours.items():
        port.fill(RESULT_SHEET, cells, colour)
    saved = port.save()

    if report.findings:
        message = (f"校验完成(《{rubric.name}》): {report.rows} 行评分,{report.errors} 个错误,"
                   f"{report.warnings} 个警告。\n有问题的单元格已标红(警告标黄)并加批注,"
                   f"明细见“{RESULT_SHEET}”工作表。")
    else:
        message = f"校验完成(《{rubric.name}》): {report.rows} 行评分,未发现问题。"
    port.status(None)
    port.alert(message)
    return ButtonResult(message, saved, report.errors, report.warnings,
                        {"findings": report.findings, "marked_cells": sorted(by_cell)})


def _clear_previous_marks(port: WorkbookPort, sheets: set[str]) -> None:
    """Remove the fills and comments the previous 校验 left (the cells its 校验结果 sheet lists),
    when they are still ours (our colour; a comment starting with [错误]/[警告])."""
    if RESULT_SHEET not in sheets:
        return
    rows, _, _ = port.used_range(RESULT_SHEET)
    if not rows or [str(x or "") for x in rows[0][:4]] != FINDINGS_HEADER[:4]:
        return
    cells: dict[str, set[str]] = {}
    for row in rows[1:]:
        sheet, cell = (row[2] if len(row) > 2 else None), (row[3] if len(row) > 3 else None)
        if sheet in sheets and sheet not in OWN_SHEETS and cell:
            try:
                split_cell(str(cell))
            except ValueError:
                continue
            cells.setdefault(str(sheet), set()).add(str(cell))
    for sheet, refs in cells.items():
        ours = sorted(r for r in refs if port.fill_of(sheet, r) in (FILL_ERROR, FILL_WARNING))
        if ours:
            port.fill(sheet, ours, None)
        for ref in sorted(refs):
            text = port.comment_of(sheet, ref)
            if text and text.startswith(_MARK_PREFIXES):
                port.comment(sheet, ref, None)


# --- 计算总分 ----------------------------------------------------------------------------------------

def score_on_port(port: WorkbookPort) -> ButtonResult:
    """计算总分: the engine's final score of every call, as values, in the 最终得分 column (added after
    the last column when the sheet has none), one block per run of consecutive rows."""
    settings = load_settings(port)
    rubric, checked = _check(port, settings)
    problem = _sheet_problem(checked)
    if problem:
        raise InputFileError(problem)
    calls = checked.calls
    written = 0
    columns = {}
    for read in checked.sheets:
        if not read.mapped or not read.n_calls:
            continue
        letter = read.columns.get("total")
        mine = calls[calls["sheet"] == read.sheet]
        if letter is None:
            rows, _, c0 = port.used_range(read.sheet)
            width = max((len(r) for r in rows), default=0)
            from zhijian.engine.reader import col_letter
            letter = col_letter(c0 + width)
            port.write_block(read.sheet, f"{letter}{read.header_row}", [[TOTAL_HEADER]])
        columns[read.sheet] = letter
        by_row = {int(r): s for r, s in zip(mine["row"], mine["final_score"])}
        for start, values in _runs(by_row):
            port.write_block(read.sheet, f"{letter}{start}", [[v] for v in values])
            written += len(values)
    saved = port.save()
    where = "、".join(f"“{s}”工作表 {c} 列" for s, c in columns.items())
    message = f"已按《{rubric.name}》计算 {written} 通录音的最终得分,以数值写入{where}。"
    # A recorded total that disagreed is now overwritten: only the other errors remain.
    errors = sum(f.severity == Severity.ERROR and f.rule != "total.mismatch" for f in checked.report.findings)
    if errors:
        message += f"\n另有 {errors} 个校验错误(这些行的得分可能不可信),请点“校验”查看。"
    port.status(None)
    port.alert(message)
    return ButtonResult(message, saved or port.path, errors, checked.report.warnings,
                        {"columns": columns, "scores": written})


def _runs(by_row: dict[int, Any]) -> list[tuple[int, list[Any]]]:
    """{row: score} -> [(first row, [scores…])] for each run of consecutive rows (NaN -> empty)."""
    import math

    out: list[tuple[int, list[Any]]] = []
    for row in sorted(by_row):
        v = by_row[row]
        v = None if v is None or (isinstance(v, float) and math.isnan(v)) else float(v)
        if out and out[-1][0] + len(out[-1][1]) == row:
            out[-1][1].append(v)
        else:
            out.append((row, [v]))
    return out


# --- 新建评分表 --------------------------------------------------------------------------------------

def new_sheet_on_port(port: WorkbookPort, folder: Path | None = None) -> ButtonResult:
    """新建评分表: the rubric's blank 评分表 (`template.write_template`) next to this workbook (or in
    `folder`, the output folder, the home folder), then opened."""
    from zhijian.reports.template import write_template

    settings = load_settings(port)
    rubric = _rubric(settings)
    target_dir = Path(folder) if folder else (port.path.parent if port.path else
                                              settings.output or _documents())
    path = _free_name(target_dir / f"{rubric.id}-{dt.date.today():%Y%m%d}.xlsx")
    port.status(f"{TITLE}: 正在生成评分表……")
    _writing(path, lambda p: write_template(rubric, p))
    port.open_workbook(path)
    message = f"已新建《{rubric.name}》评分表:\n{path}"
    port.status(None)
    port.alert(message)
    return ButtonResult(message, path)


def _documents() -> Path:
    docs = Path.home() / "Documents"
    return docs if docs.is_dir() else Path.home()


def _free_name(path: Path) -> Path:
    """`path`, or `stem-2.xlsx`, `stem-3.xlsx`… when it exists."""
    n = 2
    out = path
    while out.exists():
        out = path.with_name(f"{path.stem}-{n}{path.suffix}")
        n += 1
    return out


def _writing(path: Path, write: Callable[[Path], Any]) -> Any:
    try:
        return write(path)
    except PermissionError:
        raise InputFileError(f"无法写入 {path}: 文件可能正在 Excel 中打开,请先关闭它再试") from None


# --- 汇总分析 / 周报 / 月报 --------------------------------------------------------------------------------

def _choose_folder(port: WorkbookPort, settings: Settings, title: str, folder: Path | None) -> Path:
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


def _output_dir(settings: Settings, folder: Path) -> Path:
    """The configured output folder, else the folder above the sheets (never inside it: the next
    run would read the report as an input)."""
    out = settings.output or (folder.parent if folder.parent != folder else Path.home())
    out.mkdir(parents=True, exist_ok=True)
    return out


class _Progress:
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
    rubric = _rubric(settings)
    folder = _choose_folder(port, settings, "选择各质检员评分表所在的文件夹(汇总分析)", folder)
    progress = _Progress(port, "汇总分析")
    result = consolidate(rubric, [str(folder)], period_kind=settings.period_kind, lead=settings.lead,
                         other_rubrics=_other_rubrics(rubric), progress=progress.file,
                         on_files=progress.files, rubric_source=settings.rubric,
                         **_appeals(settings))
    day = _period_date(result)
    key = {"day": f"{day:%Y-%m-%d}", "week": "%d-W%02d" % day.isocalendar()[:2],
           "month": f"{day:%Y-%m}"}[settings.period_kind]
    out = _output_dir(settings, folder) / f"analysis-{key}.xlsx"
    port.status(f"{TITLE}: 正在写出服务质量分析表……")
    _writing(out, lambda p: write_consolidation(result, p))
    port.open_workbook(out)
    a, o = result.analysis, result.analysis.overall
    lines = [f"《{rubric.name}》服务质量分析表 {a.period_label}: 读取 {len(result.files)} 个文件,"
             f"有效评分 {o.n} 通,因错误排除 {a.excluded_rows} 行。"]
    if o.n:
        lines.append(f"平均分 {o.mean_score:.1f},优良率 {o.excellent_rate:.1%},"
                     f"平均不良比率 {o.mean_defect_rate:.1%}({o.mean_defect_level})。")
    if result.findings:
        lines.append(f"{len(result.findings)} 个校验问题,详见“排除与重复”工作表。")
    lines.append(f"已写出: {out}")
    message = "\n".join(lines)
    port.status(None)
    port.alert(message)
    return ButtonResult(message, out, details={"n": o.n, "files": len(result.files)})


def _period_date(result) -> dt.date:
    prov = getattr(result, "provenance", None)
    text = (getattr(prov, "options", None) or {}).get("date")
    if text:
        return dt.date.fromisoformat(str(text))
    days = [d for d, _ in result.analysis.by_day]
    return max(days) if days else dt.date.today()


def _appeals(settings: Settings) -> dict[str, Any]:
    return {"appeals": settings.appeals} if settings.appeals else {}


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
    rubric = _rubric(settings)
    folder = _choose_folder(port, settings, f"选择各质检员评分表所在的文件夹({what})", folder)
    progress = _Progress(port, what)
    try:
        from zhijian.pipeline import jobs as engine
        build = engine.weekly_report if kind == "weekly" else engine.monthly_report
    except (ImportError, AttributeError):
        raise _missing(what, kind) from None
    result = build(rubric, [str(folder)], lead=settings.lead, rubric_source=settings.rubric,
                   other_rubrics=_other_rubrics(rubric), progress=progress.file, on_files=progress.files,
                   **_appeals(settings))
    key = result.provenance.options["week" if kind == "weekly" else "month"]
    out = _output_dir(settings, folder) / f"{kind}-{key}.xlsx"
    port.status(f"{TITLE}: 正在写出{what}……")
    _writing(out, lambda p: _write_periodic(result, p, what))
    port.open_workbook(out)
    d = result.report.to_dict()
    lines = [f"《{rubric.name}》质检{what} {d.get('label', key)}: 读取 {len(result.files)} 个文件,"
             f"有效评分 {d.get('n', 0)} 通。"]
    if d.get("n"):
        lines.append(f"平均分 {d['mean_score']:.1f},优良率 {d['excellent_rate']:.1%},"
                     f"平均不良比率 {d['mean_defect_rate']:.1%}({d['mean_defect_level']})。")
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
    out = build_outgoing(port.path, config, kind)
    check_size(out, config)
    lines = [f"将把 {out.attachment_name}(已保存的版本)作为{KINDS[kind]}发送:",
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
    汇总分析), else from the file name (weekly-…, monthly-…), else daily."""
    command = port.document_property("zhijian_command") or ""
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
    for prefix, kind in (("weekly", "weekly"), ("monthly", "monthly")):
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


# --- 评分标准 / 配置 ----------------------------------------------------------------------------------

def rubric_on_port(port: WorkbookPort) -> ButtonResult:
    """评分标准: the rubric this workbook uses, as a readable 评分标准说明 sheet."""
    settings = load_settings(port)
    rubric = _rubric(settings)
    rows = rubric_rows(rubric, settings)
    port.add_sheet(RUBRIC_SHEET, rows)
    port.save()
    source = settings.sources.get("rubric", "默认")
    message = (f"本工作簿使用评分标准《{rubric.name}》({rubric.id} v{rubric.version},来自{source})。\n"
               f"评分项与规则见“{RUBRIC_SHEET}”工作表;要换用其他评分标准,请点“配置”。")
    port.status(None)
    port.alert(message)
    return ButtonResult(message, port.path)


def rubric_rows(rubric, settings: Settings | None = None) -> list[list[Any]]:
    """The rubric as table rows (the same content as `zhijian rubric show`)."""
    from zhijian.files.rubrics import bundled_rubric_names

    rows: list[list[Any]] = [["评分标准", rubric.name, "", "", "", "", ""],
                             ["编号 / 版本", f"{rubric.id} v{rubric.version}", "", "", "", "", ""],
                             ["满分 / 良好 / 最低允许", f"{rubric.full_marks:g} / {rubric.marks.good:g} / "
                              f"{rubric.marks.pass_:g}", "", "", "", "", ""], []]
    if rubric.categories:
        rows.append(["类别", "评分项", "满分", "允许分值", "不涉及", "严重程度", "分类"])
        for c in rubric.categories:
            for i, it in enumerate(c.items):
                rows.append([f"{c.name}({c.max_points:g})" if i == 0 else "", it.name, it.max,
                             it.describe_allowed(), "按满分" if it.na == "full" else "不允许",
                             it.severity, it.item_class])
        rows.append([f"整通得分 = {rubric.scale:g} × 各类别得分之和"])
        rows.append([])
    if rubric.offences:
        rows.append(["编号", "扣分条款", "每次扣分", "加倍情形"])
        for o in rubric.offences:
            rows.append([o.id, o.name, o.points, o.doubled_when or ""])
        rows.append([])
    rules = []
    for b in rubric.bonuses:
        rules.append(["加分", b.name, b.item, f"+{b.points:g}"])
    for d in rubric.deductions:
        rules.append(["减分", d.name, d.item, f"-{d.points:g}"])
    for z in rubric.zero_outs:
        scope = {"item": "评分项", "category": "类别", "call": "整通"}[z.scope]
        rules.append(["清零", z.name, f"{scope} {z.target or ''}".strip(), "0"])
    if rubric.fatal_errors.enabled:
        rules.append(["致命性错误", "单独统计", "整通", "清零" if rubric.fatal_errors.zero_call else "不清零"])
    if rubric.error_deduction.enabled:
        ed = rubric.error_deduction
        rules.append(["差错扣分", "从整通得分中扣除,最终得分不低于 0", "整通", f"{ed.min:g}–{ed.max:g}"])
    if rules:
        rows.append(["类型", "规则", "作用于", "分值"])
        rows.extend(rules)
        rows.append([])
    if rubric.grades:
        rows.append(["等级", ",".join(f"{g.name} ≥ {g.min:g}" for g in rubric.grades)])
    for a in rubric.assumptions:
        rows.append(["说明", a])
    rows.append([])
    rows.append(["内置评分标准", "、".join(bundled_rubric_names())])
    return rows


def settings_on_port(port: WorkbookPort) -> ButtonResult:
    """配置: without a 配置 sheet, add one filled with the settings in effect; with one, check it and
    save it as this computer's defaults (~/.zhijian.yaml)."""
    if SETTINGS_SHEET not in port.sheet_names():
        settings = load_settings(port)
        port.add_sheet(SETTINGS_SHEET, settings.as_rows())
        port.save()
        message = (f"已生成“{SETTINGS_SHEET}”工作表,其中是现在生效的配置。\n"
                   f"请修改“值”一列,然后再点一次“配置”,保存为本机默认配置。")
        port.status(None)
        port.alert(message)
        return ButtonResult(message, port.path)
    values = _read_settings_sheet(port)
    settings = Settings()
    _apply(settings, values, f"“{SETTINGS_SHEET}”工作表", port.path.parent if port.path else None)
    problems = []
    try:
        _rubric(settings)
    except ZhijianError as e:
        problems.append(str(e))
    for key, label in (("folder", "评分表文件夹"), ("roster", "人员名单"), ("appeals", "申诉登记表"),
                       ("mail_config", "发送配置文件")):
        p = getattr(settings, key)
        if p is not None and not p.exists():
            problems.append(f"{label}不存在: {p}")
    if problems:
        raise InputFileError("配置有误,未保存:\n" + "\n".join(problems))
    path = save_user_config(settings)
    message = f"已保存为本机默认配置: {path}\n(工作簿中的“{SETTINGS_SHEET}”工作表仍优先于默认配置)"
    port.status(None)
    port.alert(message)
    return ButtonResult(message, path)


def save_user_config(settings: Settings) -> Path:
    """Write the settings given in the 配置 sheet into the user's file (other keys are kept)."""
    import yaml

    from zhijian.files.atomic import atomic_path

    path = user_config_path()
    data: dict[str, Any] = {}
    if path.is_file():
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        if not isinstance(data, dict):
            data = {}
    for key in settings.sources:
        v = getattr(settings, key)
        data[key] = str(v)
    with atomic_path(path) as tmp:
        tmp.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


# --- running a button ---------------------------------------------------------------------------------

def log_path() -> Path:
    return Path(tempfile.gettempdir()) / "zhijian-ribbon-error.log"


def _write_log(title: str) -> Path:
    log = log_path()
    try:
        log.write_text(f"{dt.datetime.now():%Y-%m-%d %H:%M:%S} {title}\n{traceback.format_exc()}",
                       encoding="utf-8")
    except OSError:
        pass
    return log


def run_on_port(port: WorkbookPort, title: str, work: Callable[..., ButtonResult], *args,
                **kwargs) -> ButtonResult | None:
    """Run a port-level button function: a stop (ZhijianError) becomes its Chinese message; any
    other exception a Chinese message with the log file's path; never a traceback."""
    try:
        return work(port, *args, **kwargs)
    except ButtonCancelled:
        return None
    except ZhijianError as e:
        port.alert(f"{title}: {e}")
    except Exception:  # noqa: BLE001 - the last line of defence for users
        log = _write_log(title)
        port.alert(f"{title}: 出错了,操作没有完成。\n请把日志文件发给开发人员:\n{log}")
    finally:
        try:
            port.status(None)
        except Exception:  # noqa: BLE001
            pass
    return None


def _excel_book():
    import xlwings as xw  # the one place the project imports xlwings

    return xw.Book.caller()


def _excel_button(title: str, work: Callable[..., ButtonResult]) -> None:
    """What Excel calls: the calling workbook as a port, the work, and no traceback ever (when even
    Excel cannot be told, one Chinese line on stderr, which xlwings shows in a message box)."""
    import warnings

    from .xlwings_port import XlwingsPort

    warnings.simplefilter("ignore")  # on macOS, xlwings shows anything on stderr as an error
    try:
        port = XlwingsPort(_excel_book())
        with port.session():
            run_on_port(port, title, work)
    except Exception:  # noqa: BLE001
        log = _write_log(title)
        sys.stderr.write(f"{TITLE} {title}: 无法操作 Excel,详细信息见日志文件 {log}\n")
        sys.exit(1)


# The buttons (each add-in's module calls one of these; see macros/ribbon.yaml).

def new_sheet() -> None:
    """新建评分表"""
    _excel_button("新建评分表", new_sheet_on_port)


def validate() -> None:
    """校验"""
    _excel_button("校验", validate_on_port)


def score() -> None:
    """计算总分"""
    _excel_button("计算总分", score_on_port)


def consolidate() -> None:
    """汇总分析"""
    _excel_button("汇总分析", consolidate_on_port)


def weekly() -> None:
    """周报"""
    _excel_button("周报", weekly_on_port)


def monthly() -> None:
    """月报"""
    _excel_button("月报", monthly_on_port)


def send_mail() -> None:
    """发送邮件"""
    _excel_button("发送邮件", send_mail_on_port)


def rubric() -> None:
    """评分标准"""
    _excel_button("评分标准", rubric_on_port)


def settings() -> None:
    """配置"""
    _excel_button("配置", settings_on_port)

