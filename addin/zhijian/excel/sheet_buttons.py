"""The buttons over the open 评分表: 新建评分表, 校验 and 计算总分.

Each reads the workbook's sheets (all but the ones the buttons write) in one batch, checks them with
the same engine function as `zhijian validate` (`validate.check_grids`), and writes back in few
batched calls: fills and comments per finding (校验), the final scores (计算总分); 新建评分表 writes
the rubric's blank 评分表 (`template.write_template`) as a new file.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from zhijian.errors import InputFileError
from zhijian.engine.findings import SEVERITY_ZH, Finding, Severity, with_hints
from zhijian.engine.rules import Rule
from zhijian.files.marks import (FILL_ERROR, FILL_WARNING, MARK_FILLS, is_mark, mark_text, own, unmark,
                                 unscorable_text)
from .common import (OWN_SHEETS, RESULT_SHEET, TITLE, ButtonResult, book_grids, refuse_foreign_sheet,
                     refuse_zhijian_output, writing)
from .port import WorkbookPort, split_cell
from .settings import Settings, load_settings, other_rubrics, rubric_of

TOTAL_HEADER = "最终得分"
FINDINGS_HEADER = ["级别", "规则", "工作表", "单元格", "说明", "原值"]
# How to fix a finding with the ribbon, appended to the engine's message (the CLI has its own).
RIBBON_HINTS = {Rule.SHEET_OTHER_RUBRIC: ";请点“配置”,在“配置”工作表中把“评分标准”改为 {other_id}"}


# --- reading the open workbook ----------------------------------------------------------------------

def _check(port: WorkbookPort, settings: Settings, button: str):
    from zhijian.engine.validate import check_grids
    from zhijian.engine.periods import parse_period

    refuse_zhijian_output(port, button)
    rubric = rubric_of(settings)
    port.status(f"{TITLE}: 正在读取工作簿……")
    grids = book_grids(port)
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
    checked = check_grids(rubric, grids, roster=roster, period=period, other_rubrics=other_rubrics(rubric))
    checked.report.findings = with_hints(checked.report.findings, RIBBON_HINTS)
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
    refuse_foreign_sheet(port, RESULT_SHEET, FINDINGS_HEADER, "校验")
    rubric, checked = _check(port, settings, "校验")
    report = checked.report
    port.status(f"{TITLE}: 正在标注 {len(report.findings)} 个问题……")
    sheets = set(port.sheet_names())
    _clear_previous_marks(port, sheets)
    _clear_stale_total_marks(port, rubric, checked)

    by_cell: dict[tuple[str, str], list[Finding]] = {}
    for f in report.findings:
        if f.cell and f.sheet in sheets and f.sheet not in OWN_SHEETS:
            by_cell.setdefault((f.sheet, f.cell), []).append(f)
    marks: dict[str, dict[str, tuple[str, str]]] = {}
    for (sheet, cell), fs in by_cell.items():
        worst = FILL_ERROR if any(f.severity == Severity.ERROR for f in fs) else FILL_WARNING
        text = "\n".join(f"[{SEVERITY_ZH[f.severity]}] {f.message}" for f in fs)
        marks.setdefault(sheet, {})[cell] = (worst, text)
    for sheet, cells in marks.items():
        _mark(port, sheet, cells)

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


def _own(port: WorkbookPort, sheet: str, ref: str) -> tuple[str | None, str | None]:
    """The user's own (colour, note) of a cell, whether or not it carries one of our marks."""
    return own(port.fill_of(sheet, ref), port.comment_of(sheet, ref))


def _mark(port: WorkbookPort, sheet: str, marks: dict[str, tuple[str, str]]) -> None:
    """Fill and comment cells ({cell: (colour, our text)}): one fill call per colour; each cell's own
    colour and note (never an earlier mark of ours) are kept in its comment."""
    kept = {ref: _own(port, sheet, ref) for ref in marks}
    groups: dict[str, list[str]] = {}
    for ref, (colour, _) in marks.items():
        groups.setdefault(colour, []).append(ref)
    for colour, refs in groups.items():
        port.fill(sheet, refs, colour)
    for ref, (_, text) in marks.items():
        port.comment(sheet, ref, mark_text(text, *kept[ref]))


def _clear_previous_marks(port: WorkbookPort, sheets: set[str],
                          keep: set[tuple[str, str]] = frozenset()) -> None:
    """Remove the fills and comments the previous 校验 left (the cells its 校验结果 sheet lists,
    except those in `keep`: cells with a finding still), when they are still ours (our colour; a
    comment starting with [错误]/[警告]); a cell's own colour and note, kept in our comment, come
    back."""
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
            if (str(sheet), str(cell)) not in keep:
                cells.setdefault(str(sheet), set()).add(str(cell))
    for sheet, refs in cells.items():
        _clear_own_marks(port, sheet, sorted(refs))


def _total_refs(port: WorkbookPort, rubric, read, mine) -> dict[int, str]:
    """{row: the cell 计算总分 writes that row's score (or 本通扣分) into}, for rows of `mine`."""
    if rubric.ledger is not None:
        from zhijian.engine.ledger import CHARGE_HEADER
        header = CHARGE_HEADER
    else:
        header = TOTAL_HEADER
    rows = [int(r) for r in mine["row"]]
    if read.layout == "form":
        return {r: ref for r in rows if (ref := read.total_cell(r))
                and not (header != TOTAL_HEADER and read.cell_ref(r, "total"))}
    letter = read.columns.get("total") if header == TOTAL_HEADER else _headed(port, read, header)
    return {r: f"{letter}{r}" for r in rows} if letter else {}


def _clear_stale_total_marks(port: WorkbookPort, rubric, checked) -> None:
    """The "无法计分" marks an earlier 计算总分 left on the total cells of rows that can be scored
    now (校验 after the inspector fixed the row): removed, the cell's own colour and note back."""
    calls = checked.calls
    if not len(calls) or "scorable" not in calls:
        return
    for read in checked.sheets:
        if not read.mapped or not read.n_calls:
            continue
        mine = calls[(calls["sheet"] == read.sheet) & calls["scorable"].astype(bool)]
        refs = _total_refs(port, rubric, read, mine)
        if refs:
            _clear_own_marks(port, read.sheet, [refs[r] for r in sorted(refs)])


# --- 计算总分 ----------------------------------------------------------------------------------------

def score_on_port(port: WorkbookPort) -> ButtonResult:
    """计算总分: the engine's final score of every call, as values, in the 最终得分 column (added after
    the last column when the sheet has none), one block per run of consecutive rows."""
    settings = load_settings(port)
    rubric, checked = _check(port, settings, "计算总分")
    problem = _sheet_problem(checked)
    if problem:
        raise InputFileError(problem)
    sheets = set(port.sheet_names())
    _clear_previous_marks(port, sheets, {(f.sheet, f.cell) for f in checked.report.findings if f.cell})
    calls, header = checked.calls, TOTAL_HEADER
    if rubric.ledger is not None and len(calls):  # a call has no score: its 本通扣分, in a column of its own
        from zhijian.engine.ledger import CHARGE_HEADER, charge_column

        calls, header = calls.assign(final_score=charge_column(rubric, calls)), CHARGE_HEADER
    written = unscored = 0
    columns = {}
    forms: set[str] = set()
    for read in checked.sheets:
        if not read.mapped or not read.n_calls:
            continue
        mine = calls[calls["sheet"] == read.sheet]
        if read.layout == "form":  # one call per block: each block's total cell
            w, u = _score_form_on_port(port, read, mine, checked.report.findings, header)
            written, unscored = written + w, unscored + u
            columns[read.sheet] = read.score_column
            forms.add(read.sheet)
            continue
        letter = read.columns.get("total") if header == TOTAL_HEADER else _headed(port, read, header)
        if letter is None:
            rows, _, c0 = port.used_range(read.sheet)
            width = max((len(r) for r in rows), default=0)
            from zhijian.engine.reader import col_letter
            letter = col_letter(c0 + width)
            port.write_block(read.sheet, f"{letter}{read.header_row}", [[header]])
        columns[read.sheet] = letter
        by_row = {int(r): s for r, s in zip(mine["row"], mine["final_score"])}
        _clear_own_marks(port, read.sheet, [f"{letter}{r}" for r in sorted(by_row)])
        for start, values in _runs(by_row):
            port.write_block(read.sheet, f"{letter}{start}", [[v] for v in values])
            written += sum(v is not None for v in values)
        unscored += _mark_unscorable(port, read.sheet, letter, mine, checked.report.findings)
    saved = port.save()
    where = "、".join(f"“{s}”工作表 {c} 列" + ("(每块一通录音,写在各块的合计格)" if s in forms else "")
                     for s, c in columns.items())
    message = f"已按《{rubric.name}》计算 {written} 通录音的{header},以数值写入{where}。"
    if header != TOTAL_HEADER:
        message += ("\n本通扣分 = 本通各条款计入坐席考核的扣分(升级、加倍后),不是得分;坐席的期间得分"
                    "(基准分减本期各次扣分)见汇总分析的“坐席考核”。")
    if unscored:
        message += f"\n{unscored} 行无法计分(分数无法识别、未评分或不允许),{header}留空并标红,批注说明原因。"
    # A recorded total that disagreed is now overwritten: only the other errors remain.
    errors = sum(f.severity == Severity.ERROR and f.rule != "total.mismatch" for f in checked.report.findings)
    if errors:
        message += f"\n另有 {errors} 个校验错误(这些行的得分可能不可信),请点“校验”查看。"
    port.status(None)
    port.alert(message)
    return ButtonResult(message, saved or port.path, errors, checked.report.warnings,
                        {"columns": columns, "scores": written})


def _headed(port: WorkbookPort, read, header: str) -> str | None:
    """The letter of the sheet's column headed `header` on its header row (None: none)."""
    from zhijian.engine.reader import col_letter

    rows, r0, c0 = port.used_range(read.sheet)
    at = (read.header_row or 1) - r0
    line = rows[at] if 0 <= at < len(rows) else []
    return next((col_letter(c0 + k) for k, v in enumerate(line) if isinstance(v, str) and v.strip() == header), None)


def _score_form_on_port(port: WorkbookPort, read, mine, findings, header: str = TOTAL_HEADER) -> tuple[int, int]:
    """A form's final scores, each in its block's total cell (or, for a block without one, under
    its items beside a 最终得分 label); (written, unscorable). A ledger rubric's 本通扣分 (`header`)
    never goes into a block's own total cell."""
    from zhijian.engine.grid import split_address

    written = unscored = 0
    for row, score, ok in zip(mine["row"], mine["final_score"], mine["scorable"]):
        ref = read.total_cell(int(row))
        if not ref or (header != TOTAL_HEADER and read.cell_ref(int(row), "total")):
            continue
        _clear_own_marks(port, read.sheet, [ref])
        if not read.cell_ref(int(row), "total"):
            port.write_block(read.sheet, f"{read.name_column}{split_address(ref)[1]}", [[header]])
        if ok:
            port.write_block(read.sheet, ref, [[float(score)]])
            written += 1
            continue
        port.write_block(read.sheet, ref, [[None]])
        _mark(port, read.sheet, {ref: (FILL_ERROR, _unscorable_text(findings, read.sheet, int(row)))})
        unscored += 1
    return written, unscored


def _clear_own_marks(port: WorkbookPort, sheet: str, refs: list[str]) -> None:
    """Remove the marks an earlier 计算总分 or 校验 left on the total cells about to be rewritten
    (a comment starting with [错误]/[警告], and with it our fill): they spoke of the number being
    replaced. A fill or comment of the user's own is left alone (or given back: `files.marks.unmark`)."""
    restore: dict[str | None, list[str]] = {}
    for ref in refs:
        text = port.comment_of(sheet, ref) or ""
        if not is_mark(text):
            continue
        fill, note = unmark(text)
        port.comment(sheet, ref, note)
        if port.fill_of(sheet, ref) in MARK_FILLS:
            restore.setdefault(fill, []).append(ref)
    for colour, group in restore.items():
        port.fill(sheet, group, colour)


def _mark_unscorable(port: WorkbookPort, sheet: str, letter: str, mine, findings) -> int:
    """Fill the 最终得分 cell of each row that cannot be scored red, with why as its comment."""
    bad = [int(r) for r, ok in zip(mine["row"], mine["scorable"]) if not ok] if "scorable" in mine else []
    if not bad:
        return 0
    _mark(port, sheet, {f"{letter}{r}": (FILL_ERROR, _unscorable_text(findings, sheet, r)) for r in bad})
    return len(bad)


def _unscorable_text(findings, sheet: str, row: int) -> str:
    return unscorable_text([f.message for f in findings
                            if f.sheet == sheet and f.row == row and f.severity == Severity.ERROR])


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
    rubric = rubric_of(settings)
    target_dir = Path(folder) if folder else (port.path.parent if port.path else
                                              settings.output or _documents())
    path = _free_name(target_dir / f"{rubric.id}-{dt.date.today():%Y%m%d}.xlsx")
    port.status(f"{TITLE}: 正在生成评分表……")
    writing(path, lambda p: write_template(rubric, p))
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

