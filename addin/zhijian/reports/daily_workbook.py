"""The 质检日志 workbook: a `daily.DailyReport` written to .xlsx with XlsxWriter (same conventions as
the other reports: values, text as text, deterministic bytes, written atomically).

Sheets: 质检日志 (the page of SOP-8, `daily_log`), 严重问题 (for the 班长, SOP-13.6), 重复问题预警
(SOP-13.7, with the 处理建议 dropdown), 班前会点评 (SOP-10.5: the points, a case each, and the
问题原因 / 解决方案 the 18:00 meeting fills in; `zhijian email --kind briefing` sends them),
未交评分表 (SOP-10.1), 排除与重复, 申诉处理 (with a register), 数据来源.
"""

from __future__ import annotations

from pathlib import Path

from zhijian.engine.appeals import AppealPolicy
from zhijian.engine.daily import BRIEFING_COLUMNS, SUGGESTIONS, DailyReport
from zhijian.engine.penalties import Voucher

from .daily_log import SHEET_LOG, LogWriter, write_log_sheet
from .toolkit import DATE, INT, PCT, SCORE, SHEET_EXCLUDED, SHEET_SOURCES, Sheet, new_workbook, sheet_title
from .common_sheets import write_appeals_sheet, write_excluded_sheet, write_provenance, write_sources_sheet

SHEET_SERIOUS = "严重问题"
SHEET_REPEATED = "重复问题预警"
SHEET_BRIEFING = "班前会点评"
SHEET_MISSING = "未交评分表"
SHEETS = [SHEET_LOG, SHEET_SERIOUS, SHEET_REPEATED, SHEET_BRIEFING, SHEET_MISSING, SHEET_EXCLUDED, SHEET_SOURCES]

HEADER_ROW = 3
DEFAULT_FONT = {"font_name": "Arial", "font_size": 10, "font_scheme": False}
MISSING_FILL = "#F8CBAD"


def write_daily_workbook(rep: DailyReport, path: Path, *, vouchers: list[Voucher] | None = None,
                         findings: list | None = None, sources: list[str] | None = None,
                         appeals: list | None = None, provenance=None) -> Path:
    """Write the 质检日志 workbook of `rep` to `path` (atomically); returns `path`."""
    path = Path(path)
    with new_workbook(path, title=f"{rep.rubric.name} 质检日志 {rep.key}", subject="质检日志",
                      default_font=DEFAULT_FONT) as wb:
        w = LogWriter(wb)
        write_log_sheet(w, rep)
        _serious(w, rep, {v.case.recording_id: v for v in vouchers or []})
        _repeated(w, rep)
        _briefing(w, rep)
        _missing(w, rep)
        write_excluded_sheet(w, rep.analysis, findings or [])
        if appeals is not None:
            write_appeals_sheet(w, appeals, AppealPolicy.from_options(provenance.options if provenance else None))
        write_sources_sheet(w, rep.analysis, sources or [], provenance)
        if provenance is not None:
            write_provenance(wb, provenance)
    return path


def _table(w: LogWriter, rep: DailyReport, name: str, note: str, head: list[str]) -> Sheet:
    s = w.sheet(name)
    sheet_title(s, f"{name}  {rep.key}", note, height=22)
    s.headers(HEADER_ROW, 0, head)
    s.ws.set_row(HEADER_ROW, 30)
    s.ws.freeze_panes(HEADER_ROW + 1, 0)
    s.ws.repeat_rows(HEADER_ROW)
    return s


def _serious(w: LogWriter, rep: DailyReport, by_recording: dict[str, Voucher]) -> None:
    head = ["序号", "日期", "录音编号", "坐席工号", "坐席姓名", "班组", "质检员", "严重项不良", "差错扣分", "致命性错误",
            "本通扣分" if rep.rubric.ledger is not None else "最终得分", "质检员备注", "扣分凭单", "凭单状态"]
    s = _table(w, rep, SHEET_SERIOUS, "严重性质的质量问题须第一时间向班长反馈(SOP-13.6);严重项不良、差错扣分或致命性错误"
               "的录音各一行,每行一张扣分凭单(SOP-14,见扣分凭单工作簿)", head)
    r = HEADER_ROW + 1
    for k, c in enumerate(rep.serious, start=1):
        v = by_recording.get(c.recording_id)
        values = [k, c.date, c.recording_id, c.agent_id, c.agent_name, c.team, c.inspector, c.items_text or "无",
                  c.error_deduction, c.fatal_errors, c.score_cell[1], c.remark, v.number if v else "",
                  v.status if v else ""]
        formats = [INT, DATE, None, None, None, None, None, None, SCORE, INT, SCORE, None, None, None]
        for col, (value, nf) in enumerate(zip(values, formats)):
            s.put(r, col, value, w.fmt(nf, wrap=col in (7, 11)), width=col not in (7, 11))
        r += 1
    if not rep.serious:
        s.text(r, 0, "当天没有严重问题", w.note)
    s.finish(min_width=8)
    s.ws.set_column(7, 7, 26)
    s.ws.set_column(11, 11, 40)


def _repeated(w: LogWriter, rep: DailyReport) -> None:
    head = ["序号", "坐席工号", "坐席姓名", "班组", "评分项", "不良次数", "当日次数", "录音(日期 编号 质检员 得分)",
            "处理建议", "说明"]
    s = _table(w, rep, SHEET_REPEATED,
               f"{rep.window_text}同一评分项不良 ≥ {rep.repeat_times} 次、且当天又出现的坐席;经质检组指导无明显改进的,"
               f"应及时向班长反映,并提供处理建议如离岗培训、劝退离职等,同时在《质检日志》中予以说明(SOP-13.7)", head)
    ws = s.ws
    r = HEADER_ROW + 1
    for k, p in enumerate(rep.repeated, start=1):
        for col, value in enumerate([k, p.agent_id, p.agent_name, p.team, p.item, p.count, p.today]):
            s.put(r, col, value, w.fmt(INT if col in (0, 5, 6) else None))
        calls = "\n".join(c.line() for c in p.calls)
        s.put(r, 7, calls, w.fmt(wrap=True), width=False)
        ws.write_blank(r, 8, None, w.fmt(fill="#FFF2CC"))
        ws.write_blank(r, 9, None, w.fmt())
        ws.set_row(r, 14 * len(p.calls) + 4)
        r += 1
    if rep.repeated:
        ws.data_validation(HEADER_ROW + 1, 8, r - 1, 8, {
            "validate": "list", "source": list(SUGGESTIONS), "input_title": "处理建议",
            "input_message": "现场辅导 / 离岗培训 / 劝退离职 / 其他", "error_type": "warning"})
    else:
        s.text(r, 0, "没有重复问题", w.note)
    s.finish(min_width=8)
    ws.set_column(7, 7, 46)
    ws.set_column(8, 8, 14)
    ws.set_column(9, 9, 30)


def _briefing(w: LogWriter, rep: DailyReport) -> None:
    s = _table(w, rep, SHEET_BRIEFING,
               "次日班前会质量方面的点评内容(含案例),不少于 3 条;质检会议“针对质量问题、分析问题原因、制定解决方案”后填写"
               "问题原因和解决方案,19:00 前以邮件正文发送班长(SOP-10.5;zhijian email 本文件 --kind briefing)",
               BRIEFING_COLUMNS)
    ws = s.ws
    r = HEADER_ROW + 1
    for p in rep.briefing:
        e = p.example
        values = [p.rank, p.item, p.item_class, p.defect_count, p.n, p.defect_rate, p.warning_level,
                  e.recording_id if e else "", f"{e.agent_name}({e.agent_id})" if e else "",
                  e.inspector if e else "", e.score if e else None, e.remark if e else ""]
        formats = [INT, None, None, INT, INT, PCT, None, None, None, None, None, None]
        for col, (value, nf) in enumerate(zip(values, formats)):
            level = p.warning_level if col in (5, 6) and p.warning_level != "关注" else None
            s.put(r, col, value, w.fmt(nf, level=level, wrap=col == 11), width=col != 11)
        ws.write_blank(r, 12, None, w.fmt(fill="#FFF2CC", wrap=True))
        ws.write_blank(r, 13, None, w.fmt(fill="#FFF2CC", wrap=True))
        ws.set_row(r, 45)
        r += 1
    if len(rep.briefing) < rep.briefing_wanted:
        s.text(r + 1, 0, f"当天有不良的评分项只有 {len(rep.briefing)} 项,不足 {rep.briefing_wanted} 条;"
                         "请在质检会议上补充点评内容(可加行)", w.note)
    s.finish(min_width=8)
    ws.set_column(11, 11, 36)
    ws.set_column(12, 13, 34)


def _missing(w: LogWriter, rep: DailyReport) -> None:
    s = _table(w, rep, SHEET_MISSING,
               f"质检员在 17:30 左右将各自完成的《质检监听评分表》发送质检班长(SOP-10.1);名单来自: {rep.inspectors_source}",
               ["质检员", "状态", "当日评分行数", "评分表文件"])
    r = HEADER_ROW + 1
    for sub in rep.submissions:
        missing = not sub.rows and rep.working_day
        fill = MISSING_FILL if missing else None
        s.put(r, 0, sub.inspector, w.fmt(fill=fill))
        s.put(r, 1, sub.status if rep.working_day or sub.rows else "未交(非工作日)", w.fmt(fill=fill, bold=missing))
        s.put(r, 2, sub.rows, w.fmt(INT))
        s.put(r, 3, "、".join(Path(f).name for f in sub.files), w.fmt())
        r += 1
    r += 1
    missing = rep.missing
    s.text(r, 0, f"未交: {'、'.join(missing)}(共 {len(missing)} 人)" if missing else "名单中的质检员都已交评分表",
           w.section if missing else w.note)
    s.finish(min_width=10)
