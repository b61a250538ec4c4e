"""Building small 评分表 workbooks in tests, with openpyxl, the way teams lay them out.

A `SheetSpec` is the rows of values of one worksheet as a person would type them, starting at
(`first_row`, `first_col`), with the merged ranges and hidden columns of the layout. The same
spec is written to a file (`write_xlsx`, `write_csv`) and turned into the in-memory `Grid` the
ribbon would hand over (`grid_of`), so both doors can be compared.

Strings are always written as text cells (openpyxl would otherwise turn "#DIV/0!" into an
error cell and "=…" into a formula); `ExcelError("#DIV/0!")` writes a real error cell, the
way Excel saves the cached value of a formula that failed.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

import openpyxl

from zhijian.engine.reader import Grid

LISTENING_ITEMS = ["开场白及挂机", "服务态度", "服务用语", "语速音量", "表达能力",
                   "主动推介", "灵活处理", "双向沟通", "聆听能力", "业务能力"]

# 服务质量评分标准v3.1: item -> maximum, in rubric order (10 + 8 + 10 + 37 + 30 + 14 = 109 raw
# points; the call score is raw × 100/109).
QC_ITEMS = {
    "问候语": 2, "结束语": 2, "称呼语": 2, "响应语": 4,
    "普通话": 2, "礼貌用语恰当": 2, "致谢语": 1, "回敬语": 1, "致歉语": 2,
    "吐字清晰": 2, "语调适当起伏": 2, "声音修饰": 1, "是否拖音": 2, "语速适中": 2, "停顿适当": 1,
    "服务热情": 10, "服务耐心": 6, "服务主动性": 6, "服务责任": 15,
    "等待时长": 10, "理解能力": 10, "表达能力": 10,
    "基本要求1": 6, "基本要求2": 5, "产品版本确认": 2, "非技术解答": 1,
}
QC_BONUS_GREETING = "加分:问候语热情、亲切"
QC_DEDUCTION_IDENTITY = "减分:为客户派单、需回电、分配时未核实客户身份"
QC_ZERO_FORBIDDEN = "清零:出现服务禁语"


class ExcelError(str):
    """A cell holding an Excel error value (t="e"), e.g. the cached result of a broken formula."""


class Formula(str):
    """A cell holding a formula, e.g. Formula("=SUM(R2:R3)") (openpyxl stores no cached value)."""


@dataclass
class SheetSpec:
    name: str
    rows: list[list[Any]]
    first_row: int = 1
    first_col: int = 1
    merges: Sequence[str] = ()
    hidden_cols: Sequence[str] = ()

    def __post_init__(self):
        self.rows = [list(r) for r in self.rows]  # never share a row (e.g. a header) between specs

    def grid(self, file: str) -> Grid:
        """The Grid the ribbon would hand over for this sheet (error cells as their text, formulas
        without a cached value as empty)."""
        rows = [[str(v) if isinstance(v, ExcelError) else None if isinstance(v, Formula) else v
                 for v in row] for row in self.rows]
        return Grid(str(file), self.name, rows, self.first_row, self.first_col)


def write_xlsx(path: Path, sheets: Sequence[SheetSpec]) -> Path:
    """Write the sheets into a new workbook at `path` (.xlsx or .xlsm), in order."""
    path = Path(path)
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for spec in sheets:
        ws = wb.create_sheet(spec.name)
        for r, row in enumerate(spec.rows):
            for c, v in enumerate(row):
                if v is None:
                    continue
                cell = ws.cell(spec.first_row + r, spec.first_col + c)
                cell.value = v
                if isinstance(v, ExcelError):
                    cell.data_type = "e"
                elif isinstance(v, Formula):
                    cell.data_type = "f"
                elif isinstance(v, str):
                    cell.data_type = "s"
                elif isinstance(v, (dt.date, dt.datetime)):
                    cell.number_format = "yyyy-mm-dd"
        for rng in spec.merges:
            ws.merge_cells(rng)
        for letter in spec.hidden_cols:
            ws.column_dimensions[letter].hidden = True
    wb.save(path)
    return path


def write_csv(path: Path, rows: Sequence[Sequence[Any]], encoding: str = "utf-8-sig") -> Path:
    """Write rows as a CSV file in `encoding` ("utf-8-sig" has the BOM Excel writes; "gbk")."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    for row in rows:
        w.writerow(["" if v is None else (v.isoformat() if isinstance(v, dt.date) else v) for v in row])
    Path(path).write_bytes(buf.getvalue().encode(encoding))
    return Path(path)


# --- the usual listening-10x4 sheet ---------------------------------------------------------

LISTENING_HEADER = ["日期", "质检员", "坐席工号", "坐席姓名", "录音编号",
                    *(f"{n}(5分)" for n in LISTENING_ITEMS), "致命性错误", "差错扣分", "最终得分", "备注"]


def listening_row(date, inspector, agent_id, agent_name, recording_id, scores, fatal=0,
                  error_deduction=0, total=None, remarks=None) -> list[Any]:
    """One data row in LISTENING_HEADER order (`scores`: the 10 item scores)."""
    assert len(scores) == 10
    return [date, inspector, agent_id, agent_name, recording_id, *scores, fatal, error_deduction,
            total, remarks]


def qc_header() -> list[str]:
    return ["日期", "质检员", "工号", "录音编号", *(f"{n}({m}分)" for n, m in QC_ITEMS.items()),
            QC_BONUS_GREETING, QC_DEDUCTION_IDENTITY, QC_ZERO_FORBIDDEN, "最终得分"]


def qc_row(date, inspector, agent_id, recording_id, changes=None, bonus=None, deduction=None,
           zero=None, total=None) -> list[Any]:
    """One qc-v3.1 row in qc_header() order: every item at full marks except `changes`."""
    items = dict(QC_ITEMS)
    items.update(changes or {})
    return [date, inspector, agent_id, recording_id, *items.values(), bonus, deduction, zero, total]


def set_cell(spec: SheetSpec, ref: str, value: Any) -> None:
    """Set the value at an Excel address of the sheet (the spec grows to hold it)."""
    from openpyxl.utils.cell import coordinate_from_string, column_index_from_string

    letters, row = coordinate_from_string(ref)
    r, c = row - spec.first_row, column_index_from_string(letters) - spec.first_col
    while len(spec.rows) <= r:
        spec.rows.append([])
    while len(spec.rows[r]) <= c:
        spec.rows[r].append(None)
    spec.rows[r][c] = value


def delete_column(spec: SheetSpec, letter: str) -> None:
    """Remove a whole column (the columns to its right move left)."""
    from openpyxl.utils.cell import column_index_from_string

    c = column_index_from_string(letter) - spec.first_col
    for row in spec.rows:
        if c < len(row):
            del row[c]


def col(n: int) -> str:
    """1-based column number -> letters."""
    from openpyxl.utils import get_column_letter
    return get_column_letter(n)


def sheet_with_mistakes(folder: Path, name: str = "一组-李娜.xlsx") -> Path:
    """A listening-10x4 sheet with two mistakes: title row 1, header row 2, calls in rows 3–5
    (columns as LISTENING_HEADER: F–O the items, Q 差错扣分, R 最终得分)."""
    d1, d2 = dt.date(2026, 11, 2), dt.date(2026, 11, 3)
    folder.mkdir(parents=True, exist_ok=True)
    return write_xlsx(folder / name, [SheetSpec("评分表", [
        ["质检监听评分表 2026年11月"],
        LISTENING_HEADER,
        # row 3: 2 × 50 = 100 (clean)
        listening_row(d1, "李娜", 1001, "王芳", "LY001", [5] * 10, total=100),
        # row 4: 服务态度 6 is not a 0–5 score → score.not_allowed at G4
        listening_row(d1, "李娜", 1002, "赵磊", "LY002", [5, 6, 5, 5, 5, 5, 5, 5, 5, 5], total=100),
        # row 5: 10 × 4 = 40; 2 × 40 − 2 = 78, but 88 recorded → total.mismatch at R5
        listening_row(d2, "李娜", 1003, "孙丽", "LY003", [4] * 10, error_deduction=2, total=88),
    ], merges=["A1:S1"])])


# --- a call system's list of the day's calls (抽检计划) -------------------------------------------

CALL_LIST_HEADER = ["录音编号", "坐席工号", "开始时间", "通话时长(秒)", "呼叫类型", "主叫号码"]
# 09:00–14:00 in 5 rounds of an hour; every agent has one call in each, and a second in rounds 1 and 3.
FULL_DAY_TIMES = ["09:30", "09:45", "10:30", "11:05", "11:30", "12:30", "13:30"]


def with_own_results_sheet(path: Path) -> Path:
    """`path` with a sheet of the lead's own named 校验结果 (her 复核记录), which no door may replace."""
    import openpyxl

    wb = openpyxl.load_workbook(path)
    ws = wb.create_sheet("校验结果")
    ws.append(["复核日期", "录音编号", "复核意见"])
    ws.append(["2026-11-03", "LY002", "服务态度应为 4"])
    wb.save(path)
    return path


def call_list_rows(day: dt.date, spec: dict[str, list[str]]) -> list[list[Any]]:
    """Rows of a call list: {agent: ["09:30", …]} -> one call each (录音编号 agent-HHMM, 120 s, 呼入)."""
    rows = []
    for agent, times in spec.items():
        for t in times:
            start = dt.datetime.combine(day, dt.time.fromisoformat(t))
            rows.append([f"{agent}-{t.replace(':', '')}", agent, start, 120, "呼入", "13812345678"])
    return rows


def write_call_list(path: Path, day: dt.date, spec: dict[str, list[str]], extra_rows=()) -> Path:
    """A call-list workbook: a title row, the header in row 2, the calls of `spec`, then `extra_rows`."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    rows = [[f"通话明细 {day:%Y-%m-%d}"], CALL_LIST_HEADER, *call_list_rows(day, spec), *extra_rows]
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "通话记录"
    for r, row in enumerate(rows, start=1):
        for c, v in enumerate(row, start=1):
            if v is not None:
                cell = ws.cell(r, c, v)
                if isinstance(v, dt.datetime):
                    cell.number_format = "yyyy-mm-dd hh:mm:ss"
    wb.save(path)
    return path


def write_roster(path: Path, agents: Sequence[str], inspectors: Sequence[str] = (), teams=None) -> Path:
    """A roster: 工号, 姓名, 班组 and, when given, 质检员 (one name per row, from the top)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["工号", "姓名", "班组", *(["质检员"] if inspectors else [])])
    for i, a in enumerate(agents):
        team = teams[i] if teams else "一组"
        ws.append([a, f"姓名{a}", team, *([inspectors[i]] if i < len(inspectors) else [None] if inspectors else [])])
    wb.save(path)
    return path


# --- the one-call-per-sheet form (录音质检打分明细表) -----------------------------------------------

def call_form(recording_id, agent, date, inspector, scores, *, items=LISTENING_ITEMS, maxima=5,
              error_deduction=None, total=None, remarks=None, title="录音质检打分明细表",
              fields_as="cells", agent_label="坐席") -> list[list[Any]]:
    """The rows of one call's block, in columns A–E: a title, the fields as label/value pairs
    (`fields_as="cells"`: "录音编号 | LY001 | 坐席 | 王芳"; "colon": "录音编号: LY001" in one cell),
    the item table (序号 | 评分项目 | 分值 | 得分 | 扣分原因) with one row per item, a 差错扣分 row when
    given, a 合计 row holding `total` when given, and a 质检评语 row when given."""
    maxima = maxima if isinstance(maxima, dict) else {n: maxima for n in items}
    if fields_as == "colon":
        head = [[f"录音编号: {recording_id}", None, f"{agent_label}: {agent}"],
                [f"日期: {date:%Y-%m-%d}" if isinstance(date, dt.date) else f"日期: {date}", None,
                 f"质检员: {inspector}"]]
    else:
        head = [["录音编号", recording_id, agent_label, agent], ["日期", date, "质检员", inspector]]
    rows: list[list[Any]] = [[title], *head, ["序号", "评分项目", "分值", "得分", "扣分原因"]]
    for i, (name, score) in enumerate(zip(items, scores), start=1):
        rows.append([i, name, maxima[name], score, None])
    if error_deduction is not None:
        rows.append([None, "差错扣分", None, error_deduction, None])
    if total is not None:
        rows.append(["合计", None, None, total, None])
    if remarks is not None:
        rows.append(["质检评语", remarks])
    return rows


def stacked(*blocks: list[list[Any]], gap: int = 1) -> list[list[Any]]:
    """Blocks one under the other on one sheet, `gap` blank rows between them."""
    out: list[list[Any]] = []
    for k, block in enumerate(blocks):
        if k:
            out.extend([[None]] * gap)
        out.extend(block)
    return out


def type_into_template(ws, layout, calls: Sequence[dict]) -> None:
    """Type the i-th call's cells ({key: value}, keys as `template_layout` names its columns) into
    the template's i-th data row, as an inspector would; None leaves a cell as the template has it."""
    for i, cells in enumerate(calls):
        for key, value in cells.items():
            if value is not None:
                ws.cell(row=layout.data_row(i), column=layout.column_number(key), value=value)
