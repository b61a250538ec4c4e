"""The 质检日志 sheet of the daily workbook (`daily_workbook`): the page the inspector on duty fills
in and sends (seed 001 SOP-8.2: 质检数据(表格形式), 班会内容情况, 质检情况及问题, 问题分析及解决方法,
班后质检会议内容, 监听中发现的问题), printed on A4 portrait, one page wide.

质检数据 and 监听中发现的问题 are filled from the day's figures; the four narrative sections are
empty cells to write in, each under the handbook's prompt. The key-figure table (指标 | 数值 |
警示级别) is the one `zhijian email` reads for the body.
"""

from __future__ import annotations

import math
from typing import Any

from zhijian.engine.analysis import warning_colour
from zhijian.engine.daily import DailyReport
from zhijian.engine.rubric import fmt_number

from .toolkit import INT, NONE_TEXT, PCT, SCORE, Sheet, Writer, display_width, merge_text

SHEET_LOG = "质检日志"
WIDTHS = [12, 9, 8, 9, 9, 9, 11, 9, 9, 9]  # A–J, Excel units: A4 portrait at 100%
LAST_COL = len(WIDTHS) - 1

# The narrative sections: (title, the handbook's prompt, rows of height 18 to write in).
NARRATIVE = [
    ("二、班会内容情况",
     "记录当天班前会的情况: 班长点评、质检点评内容及案例分析(SOP-6;进行案例分析当天,当值质检需将案例分析情况记录在"
     "《质检日志》中,SOP-7.9)", 5),
    ("三、质检情况及问题",
     "当天录音监听评分的情况及发现的主要问题;严重性质的质量问题已第一时间向班长反馈(SOP-13.6);"
     "多次(3次及以上)出现同一或同类问题的员工及处理建议(SOP-13.7)", 5),
    ("四、问题分析及解决方法", "针对质量问题、分析问题原因、制定解决方案(“三步走”,SOP-10.4)", 5),
    ("五、班后质检会议内容",
     "18:00 质检会议: 总结当天服务质量情况,确定并汇总质量问题、分析问题原因、制定解决方案,与班长确定次日班前会中"
     "质量方面的点评内容(不少于 3 条,见“班前会点评”工作表,SOP-10.5、10.6)", 5),
]


class LogWriter(Writer):
    """A printed page: boxed cells, and a few formats of its own."""

    def __init__(self, wb):
        super().__init__(wb, boxed=True)
        self.big_title = wb.add_format({"bold": True, "font_size": 18, "font_color": "#1F4E78", "align": "center"})
        self.label = wb.add_format({"bold": True, "border": 1, "border_color": "#BFBFBF", "bg_color": "#DDEBF7",
                                    "valign": "vcenter"})
        self.prompt = wb.add_format({"italic": True, "font_color": "#595959", "text_wrap": True, "valign": "top"})
        self.box = wb.add_format({"border": 1, "border_color": "#7F7F7F", "text_wrap": True, "valign": "top"})
        self.hint = wb.add_format({"font_color": "#C00000", "text_wrap": True, "valign": "top", "border": 1,
                                   "border_color": "#BFBFBF"})


def text_lines(text: str, width: float) -> int:
    """Lines a wrapped text takes in cells `width` wide (Excel units; CJK characters count two, and
    LibreOffice's CJK fallback font is a little wider still)."""
    usable = max(1.0, width * 0.9 - 1)
    return sum(max(1, math.ceil(display_width(p) / usable)) for p in str(text).split("\n"))


def write_log_sheet(w: LogWriter, rep: DailyReport) -> None:
    s = w.sheet(SHEET_LOG)
    ws = s.ws
    ws.set_portrait()
    ws.set_margins(left=0.5, right=0.5, top=0.6, bottom=0.6)
    ws.center_horizontally()
    ws.set_footer("&C质检日志  第 &P 页")
    for c, width in enumerate(WIDTHS):
        ws.set_column(c, c, width)
    merge_text(ws, 0, 0, LAST_COL, f"质检日志  {rep.label}", w.big_title)
    ws.set_row(0, 30)
    row = _header(s, rep, 2)
    row = _data(s, rep, row + 1)
    row = _inspectors(s, rep, row + 1)
    for title, prompt, lines in NARRATIVE:
        row = _narrative(s, rep, row + 1, title, prompt, lines)
    row = _found(s, rep, row + 1)
    _signatures(s, row + 1)


def _pair(s: Sheet, row: int, col: int, label: str, value: Any, span: int = 1) -> None:
    s.ws.write_string(row, col, label, s.w.label)
    text = "" if value is None else str(value)
    if span > 1:
        merge_text(s.ws, row, col + 1, col + span, text, s.w.fmt())
    else:
        s.ws.write_string(row, col + 1, text, s.w.fmt())


def _header(s: Sheet, rep: DailyReport, row: int) -> int:
    """统计周期, 评分标准, 当值质检 and whose turn is next."""
    _pair(s, row, 0, "统计周期", rep.key, 2)
    _pair(s, row, 4, "评分标准", f"{rep.rubric.name}({rep.rubric.id})", 5)
    row += 1
    _pair(s, row, 0, "当值质检", rep.on_duty or "", 2)
    nxt = rep.next_on_duty or ("" if not rep.rotation else "(当值质检不在轮值名单中)")
    _pair(s, row, 4, "下一位当值", nxt, 5)
    row += 1
    if rep.rotation:
        _pair(s, row, 0, "轮值顺序", " → ".join(rep.rotation), LAST_COL)
        row += 1
    return row


def _data(s: Sheet, rep: DailyReport, row: int) -> int:
    """一、质检数据(表格形式): the day's key figures (指标 | 数值 | 警示级别 | 说明)."""
    w, a = s.w, rep.analysis
    o = a.overall
    s.text(row, 0, "一、质检数据(表格形式)", w.section)
    row += 1
    for c, head in enumerate(["指标", "数值", "警示级别"]):
        s.ws.write_string(row, c, head, w.header)
    merge_text(s.ws, row, 3, LAST_COL, "说明", w.header)
    row += 1
    worst = "、".join(f"{i}({r:.0%})" for i, _, r, _ in rep.worst_items) or "无"
    lines: list[tuple[str, Any, str | None, str | None, str]] = [
        ("有效通数", o.n, INT, None, "计入统计的评分通数(重复已剔除,校正录音按基准计一次)"),
        ("排除行数", a.excluded_rows, INT, None, "有校验错误而未计入的行,见“排除与重复”"),
        ("平均分", o.mean_score, SCORE, None, "最终得分的平均值"),
        ("优良率", o.excellent_rate, PCT, None, f"最终得分 > {rep.rubric.analysis.excellent_above:g}"),
        ("平均不良比率", o.mean_defect_rate, PCT, o.mean_defect_level,
         f"各评分项不良比率的平均值;警示色: {warning_colour(o.mean_defect_level)}"),
        ("主要不良项", worst, None, None, "不良比率最高的评分项(至多 3 项)"),
        ("差错扣分", f"{rep.error_calls} 通,共 {fmt_number(rep.error_points)} 分", None, None,
         "单列在评分项目之外的差错扣分(SOP-14)"),
        ("致命性错误", rep.fatal_errors, INT, None, "当天致命性错误起数"),
        ("严重问题", len(rep.serious), INT, None, "严重项不良、差错扣分或致命性错误的录音,见“严重问题”"),
        ("重复问题预警", len(rep.repeated), INT, None,
         f"同一评分项不良 ≥ {rep.repeat_times} 次的坐席 × 评分项({rep.window_text}),见“重复问题预警”"),
        ("未交评分表", "、".join(rep.missing) or "无", None, None, "见“未交评分表”"),
    ]
    for label, value, nf, level, note in lines:
        s.ws.write_string(row, 0, label, w.label)
        if level:
            s.put(row, 1, value, w.fmt(nf, level=level))
            s.put(row, 2, level, w.fmt(level=level))
        else:
            s.ws.merge_range(row, 1, row, 2, "", w.fmt(nf))
            s.put(row, 1, NONE_TEXT if value is None else value, w.fmt(nf, wrap=isinstance(value, str)))
            if isinstance(value, str) and text_lines(value, WIDTHS[1] + WIDTHS[2]) > 1:
                s.ws.set_row(row, 15 * text_lines(value, WIDTHS[1] + WIDTHS[2]) + 3)
        merge_text(s.ws, row, 3, LAST_COL, note, w.fmt(wrap=True))
        row += 1
    return row


def _inspectors(s: Sheet, rep: DailyReport, row: int) -> int:
    """The 质检数据 per inspector, and the whole day."""
    w, o = s.w, rep.analysis.overall
    s.text(row, 0, f"各质检员评分情况(定额每人每天 {rep.quota_per_day} 条,SOP-13.2)", w.section)
    row += 1
    head = ["质检员", "评分通数", "定额", "完成率", "平均分", "优良率", "平均不良比率", "警示级别", "差错扣分通数",
            "排除行数"]
    for c, h in enumerate(head):
        s.ws.write_string(row, c, h, w.header)
    s.ws.set_row(row, 30)
    row += 1
    for rec in rep.inspectors.to_dict("records"):
        s.put(row, 0, rec["质检员"], w.fmt())
        s.put(row, 1, rec["评分通数"], w.fmt(INT))
        s.put(row, 2, rec["定额"], w.fmt(INT))
        s.put(row, 3, rec["完成率"], w.fmt(PCT, fill="#FFF2CC" if rec["完成率"] < 1 else None))
        s.put(row, 4, rec["平均分"], w.fmt(SCORE))
        s.put(row, 5, rec["优良率"], w.fmt(PCT))
        lv = rec["警示级别"] or None
        s.put(row, 6, rec["平均不良比率"], w.fmt(PCT, level=lv))
        s.put(row, 7, rec["警示级别"], w.fmt(level=lv))
        s.put(row, 8, rec["差错扣分通数"], w.fmt(INT))
        s.put(row, 9, rec["排除行数"], w.fmt(INT))
        row += 1
    bold = dict(bold=True, fill="#DDEBF7")
    s.put(row, 0, "全天(有效)", w.fmt(**bold))
    s.put(row, 1, o.n, w.fmt(INT, **bold))
    s.ws.write_blank(row, 2, None, w.fmt(**bold))
    s.ws.write_blank(row, 3, None, w.fmt(**bold))
    s.put(row, 4, o.mean_score, w.fmt(SCORE, **bold))
    s.put(row, 5, o.excellent_rate, w.fmt(PCT, **bold))
    s.put(row, 6, o.mean_defect_rate, w.fmt(PCT, level=o.mean_defect_level, bold=True))
    s.put(row, 7, o.mean_defect_level, w.fmt(level=o.mean_defect_level, bold=True))
    s.put(row, 8, rep.error_calls, w.fmt(INT, **bold))
    s.put(row, 9, rep.analysis.excluded_rows, w.fmt(INT, **bold))
    row += 1
    s.text(row, 0, "质检员各行为其本人的评分(含校正录音);全天一行为有效通数(校正录音按基准计一次)", w.note)
    return row + 1


def _narrative(s: Sheet, rep: DailyReport, row: int, title: str, prompt: str, lines: int) -> int:
    """A section to write in: its title, the prompt, what the day's lists suggest, an empty box."""
    w, ws = s.w, s.ws
    s.text(row, 0, title, w.section)
    row += 1
    merge_text(ws, row, 0, LAST_COL, prompt, w.prompt)
    ws.set_row(row, 15 * text_lines(prompt, sum(WIDTHS)) + 3)
    row += 1
    hint = _hint(rep, title)
    if hint:
        merge_text(ws, row, 0, LAST_COL, hint, w.hint)
        ws.set_row(row, 15 * text_lines(hint, sum(WIDTHS)) + 4)
        row += 1
    ws.merge_range(row, 0, row + lines - 1, LAST_COL, "", w.box)
    for r in range(row, row + lines):
        ws.set_row(r, 18)
    return row + lines


def _hint(rep: DailyReport, title: str) -> str:
    """The lists of the day the section should speak of (SOP-13.6, 13.7), or ''."""
    if title.startswith("三"):
        lines = [f"系统提示: 当天严重问题 {len(rep.serious)} 通(见“严重问题”工作表)"]
        if rep.repeated:
            shown = ";".join(f"{p.agent_name}({p.agent_id}) {p.item} {p.count} 次" for p in rep.repeated[:6])
            more = f" 等 {len(rep.repeated)} 项" if len(rep.repeated) > 6 else ""
            lines.append(f"重复问题预警({rep.window_text},≥ {rep.repeat_times} 次): {shown}{more}"
                         "(见“重复问题预警”工作表,请填写处理建议)")
        return "\n".join(lines)
    if title.startswith("五") and rep.briefing:
        return "系统提示: 次日班前会建议点评项: " + "、".join(f"{p.item}({p.defect_rate:.0%})" for p in rep.briefing)
    return ""


def _found(s: Sheet, rep: DailyReport, row: int) -> int:
    """六、监听中发现的问题: the day's lowest calls with their remarks, and room for more."""
    w, ws = s.w, s.ws
    s.text(row, 0, "六、监听中发现的问题", w.section)
    row += 1
    ledger = rep.rubric.ledger is not None  # a call has no score: the calls that cost most, by 本通扣分
    merge_text(ws, row, 0, LAST_COL, f"已预填当天{'本通扣分最多' if ledger else '得分最低'}的 {len(rep.lowest)} 通录音及质检员备注(客户电话、证件号已隐去);"
               "可补充其他问题", w.prompt)
    row += 1
    merge_text(ws, row, 0, 1, "录音编号", w.header)
    merge_text(ws, row, 2, 3, "坐席", w.header)
    ws.write_string(row, 4, "质检员", w.header)
    ws.write_string(row, 5, "本通扣分" if ledger else "最终得分", w.header)
    merge_text(ws, row, 6, LAST_COL, "问题(质检员备注)", w.header)
    row += 1
    for call in rep.lowest + [None, None]:
        if call is None:
            ws.merge_range(row, 0, row, 1, "", w.fmt())
            ws.merge_range(row, 2, row, 3, "", w.fmt())
            ws.write_blank(row, 4, None, w.fmt())
            ws.write_blank(row, 5, None, w.fmt())
            ws.merge_range(row, 6, row, LAST_COL, "", w.box)
        else:
            merge_text(ws, row, 0, 1, call["recording_id"], w.fmt())
            merge_text(ws, row, 2, 3, f"{call['agent_name']}({call['agent_id']})", w.fmt())
            ws.write_string(row, 4, call["inspector"], w.fmt())
            ws.write_number(row, 5, call["charge"] if ledger else call["final_score"], w.fmt(SCORE))
            merge_text(ws, row, 6, LAST_COL, call["remark"], w.fmt(wrap=True))
        ws.set_row(row, 30)
        row += 1
    return row


def _signatures(s: Sheet, row: int) -> None:
    w, ws = s.w, s.ws
    row += 1
    merge_text(ws, row, 0, 1, "当值质检(签名)", w.label)
    ws.merge_range(row, 2, row, 4, "", w.fmt())
    merge_text(ws, row, 5, 6, "质检班长(审阅)", w.label)
    ws.merge_range(row, 7, row, LAST_COL, "", w.fmt())
    ws.set_row(row, 24)
    note = ("当值质检当天完成《质检日志》并以电子邮件发送质检班长;质检班长次日 10:00 前连同《质检监听评分表》(压缩打包)"
            "发送项目经理、班长,抄送部门经理,密送各质检(SOP-8.3、8.4)")
    merge_text(ws, row + 1, 0, LAST_COL, note, w.prompt)
    ws.set_row(row + 1, 15 * text_lines(note, sum(WIDTHS)) + 3)
