"""The key figures of a report workbook for the e-mail body, read from its first (overview) sheet."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .config import MISSING, UnreadableReport


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
    # A ledger rubric's agents (坐席考核): a call has no score, the agents' period scores stand for it.
    ledger_agents: str | None = None
    ledger_mean_score: str | None = None
    ledger_min_score: str | None = None
    ledger_below_pass: str | None = None
    # The inputs no row could be read from (the 数据来源 sheet's 未能读取的输入), by file name.
    unreadable: tuple[str, ...] = ()

    def unreadable_line(self) -> str | None:
        if not self.unreadable:
            return None
        return (f"未能读取的输入 {len(self.unreadable)} 个(未计入统计,见附件“数据来源”): "
                + "、".join(self.unreadable))

    def lines(self) -> list[str]:
        out = []
        if self.n is not None:
            out.append(f"有效通数 {self.n} 通")
        if self.mean_score is not None:
            out.append(f"平均分 {self.mean_score}")
        if self.excellent_rate is not None:
            out.append(f"优良率 {self.excellent_rate}")
        if self.ledger_agents is not None:
            parts = [f"期间得分平均 {self.ledger_mean_score}" if self.ledger_mean_score else None,
                     f"最低 {self.ledger_min_score}" if self.ledger_min_score else None,
                     f"低于最低允许 {self.ledger_below_pass} 人" if self.ledger_below_pass else None]
            shown = ",".join(p for p in parts if p)
            out.append(f"坐席考核 {self.ledger_agents} 人" + (f": {shown}" if shown else ""))
        if self.mean_defect_rate is not None:
            level = f"(警示级别: {self.mean_defect_level})" if self.mean_defect_level else ""
            out.append(f"平均不良比率 {self.mean_defect_rate}{level}")
        if self.topics is not None:
            out.append(f"质检主题 {self.topics}")
        if self.next_topics is not None:
            out.append(f"下周建议主题 {self.next_topics}")
        if self.unreadable:
            out.append(self.unreadable_line())
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
            **{k: getattr(self, k) or MISSING for k in LEDGER_KEYS},
            "figures": "\n".join(lines) if lines else "(报表中没有找到关键指标)",
        }

    def to_dict(self) -> dict[str, Any]:
        return {"period": self.period, "start": self.start.isoformat() if self.start else None,
                "end": self.end.isoformat() if self.end else None, "n": self.n,
                "mean_score": self.mean_score, "excellent_rate": self.excellent_rate,
                "mean_defect_rate": self.mean_defect_rate, "mean_defect_level": self.mean_defect_level,
                "topics": self.topics, "next_topics": self.next_topics,
                **{k: getattr(self, k) for k in LEDGER_KEYS}, "unreadable": list(self.unreadable)}


LEDGER_KEYS = ("ledger_agents", "ledger_mean_score", "ledger_min_score", "ledger_below_pass")


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
                 "本月质检主题": "topics", "下周建议主题": "next_topics", "下周质检主题": "next_topics",
                 "考核坐席": "ledger_agents", "期间得分平均": "ledger_mean_score", "期间得分最低": "ledger_min_score",
                 "低于最低允许": "ledger_below_pass"}
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


MAX_SOURCE_ROWS = 20_000  # rows of the 数据来源 sheet read for its 未能读取的输入
_UNREADABLE = re.compile(r"未能读取的输入\(共 (\d+) 个\)")


def _unreadable(rows) -> tuple[str, ...]:
    """The file names under 未能读取的输入(共 N 个) (a header row 文件 | 工作表 | 原因, then N rows)."""
    from pathlib import PureWindowsPath

    rows = iter(rows)
    for r in rows:
        m = _UNREADABLE.fullmatch(str(r[0]).strip()) if r and r[0] is not None else None
        if m:
            n = int(m.group(1))
            next(rows, None)  # the header row
            files = [str(r[0]) for r, _ in zip(rows, range(n)) if r and r[0] is not None]
            return tuple(PureWindowsPath(f).name for f in files)
    return ()


def read_key_figures(path: Path) -> KeyFigures:
    """The key figures on the workbook's first (overview) sheet, see `_find_figures`; and the period,
    from a 统计周期 cell, the title rows, the 数据来源 sheet, the document title or the file name."""
    from openpyxl import load_workbook

    path = Path(path)
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as e:  # noqa: BLE001 - any unreadable workbook
        raise UnreadableReport(f"{path}: 无法读取这个工作簿({type(e).__name__}),请确认它是 Excel 报表") from None
    try:
        rows = [tuple(r) for r in wb.worksheets[0].iter_rows(max_row=500, max_col=16, values_only=True)]
        period_cells = [str(r[1]) for r in rows if len(r) > 1 and _label(r[0]) == "统计周期" and r[1]]
        if "数据来源" in wb.sheetnames:
            period_cells += [str(r[1]) for r in wb["数据来源"].iter_rows(max_row=50, max_col=2, values_only=True)
                             if len(r) > 1 and _label(r[0]) == "统计周期" and r[1]]
            unreadable = _unreadable(wb["数据来源"].iter_rows(max_row=MAX_SOURCE_ROWS, max_col=1, values_only=True))
        else:
            unreadable = ()
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
                      next_topics=text("next_topics"),
                      ledger_agents=_number_text(found.get("ledger_agents"), "int"),
                      ledger_mean_score=_number_text(found.get("ledger_mean_score"), "score"),
                      ledger_min_score=_number_text(found.get("ledger_min_score"), "score"),
                      ledger_below_pass=_number_text(found.get("ledger_below_pass"), "int"), unreadable=unreadable)
