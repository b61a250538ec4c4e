"""The 扣分凭单 and the 服务质量扣罚登记表 (seed 001 SOP-14): a `penalties.PenaltyRegister` written
with XlsxWriter.

Sheets: 扣分凭单 (one voucher per A4 portrait page: manual page breaks between vouchers and no
fit-to-page scaling, which would override them; the print area covers every voucher; beyond
PER_SHEET vouchers, 扣分凭单(2) and so on, since a sheet holds at most 1,023 page breaks),
服务质量扣罚登记表 (one row per voucher, 状态 as a dropdown of the four statuses, the 班长's
columns empty), 申诉处理 (with a register), 数据来源.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from zhijian.engine.appeals import AppealPolicy
from zhijian.engine.penalties import STATUSES, PenaltyRegister, Voucher
from zhijian.engine.rubric import fmt_number

from .daily_log import text_lines
from .toolkit import DATE, SCORE, SHEET_SOURCES, Writer, merge_text, new_workbook, sheet_title
from .common_sheets import (write_account_rows, write_appeals_sheet, write_excluded_account, write_provenance,
                            write_sources_rows, write_unreadable)

SHEET_VOUCHERS = "扣分凭单"
SHEET_REGISTER = "服务质量扣罚登记表"
SHEETS = [SHEET_VOUCHERS, SHEET_REGISTER, SHEET_SOURCES]  # and 排除与重复 before 数据来源 for a month
DEFAULT_FONT = {"font_name": "Arial", "font_size": 10, "font_scheme": False}
WIDTHS = [17, 14, 9, 12, 9, 10]  # A–F (A: "坐席(签名确认)" on one line), Excel units: A4 portrait at 100% in Excel and LibreOffice (wider there)
LAST = len(WIDTHS) - 1
STATUS_FILL = {"待确认": "#FFF2CC", "已确认": "#E2EFDA", "申诉中": "#FCE4D6", "已撤销": "#D9D9D9"}
# Excel keeps at most 1,023 manual page breaks in a sheet: a month of vouchers may need more sheets.
PER_SHEET = 1000
APPEAL_NOTE = "坐席对扣分有异议的,可在成绩公布后 48 小时内向班长申请复议(SOP-15.1)。"


class VoucherWriter(Writer):
    def __init__(self, wb):
        super().__init__(wb, boxed=True)
        self.v_title = wb.add_format({"bold": True, "font_size": 20, "align": "center", "valign": "vcenter"})
        self.v_sub = wb.add_format({"font_size": 10, "align": "center", "font_color": "#595959"})
        self.v_label = wb.add_format({"bold": True, "border": 1, "bg_color": "#F2F2F2", "valign": "vcenter",
                                      "text_wrap": True})
        self.v_value = wb.add_format({"border": 1, "valign": "vcenter", "text_wrap": True})
        self.v_big = wb.add_format({"border": 1, "valign": "vcenter", "bold": True, "font_size": 16,
                                    "align": "center", "num_format": "0.##"})
        self.v_sign = wb.add_format({"bottom": 1, "valign": "bottom"})
        self.v_note = wb.add_format({"italic": True, "font_size": 9, "font_color": "#595959", "text_wrap": True,
                                     "valign": "top"})


def write_penalties_workbook(reg: PenaltyRegister, path: Path, *, appeals: list | None = None,
                             provenance=None, account=None, findings: list = ()) -> Path:
    """Write the vouchers and the register of `reg` to `path` (atomically); returns `path`. With
    the period's row `account` (the month's register), the register says what became of every row
    read: its 行数核对 line, an 排除与重复 sheet (each row not counted: it has no voucher) and the
    terms on 数据来源."""
    path = Path(path)
    with new_workbook(path, title=f"{reg.rubric.name} 服务质量扣罚登记表 {reg.key}", subject="服务质量扣罚登记表",
                      default_font=DEFAULT_FONT) as wb:
        w = VoucherWriter(wb)
        _vouchers(w, reg)
        _register(w, reg, account)
        if appeals is not None:
            write_appeals_sheet(w, appeals, AppealPolicy.from_options(provenance.options if provenance else None))
        if account is not None:
            write_excluded_account(w, account, list(findings))
        s = w.sheet(SHEET_SOURCES)
        r = 0
        if provenance is not None:
            r = write_sources_rows(s, provenance)
            write_provenance(wb, provenance)
        if account is not None:
            write_unreadable(s, account, write_account_rows(s, account, r + 1) + 1)
        s.finish(min_width=10)
    return path


def _vouchers(w: VoucherWriter, reg: PenaltyRegister) -> None:
    """The 扣分凭单 sheets: PER_SHEET vouchers each (扣分凭单, 扣分凭单(2), …)."""
    chunks = [reg.vouchers[i:i + PER_SHEET] for i in range(0, len(reg.vouchers), PER_SHEET)] or [[]]
    for k, chunk in enumerate(chunks, start=1):
        _voucher_sheet(w, reg, chunk, SHEET_VOUCHERS if k == 1 else f"{SHEET_VOUCHERS}({k})")


def _voucher_sheet(w: VoucherWriter, reg: PenaltyRegister, chunk: list[Voucher], name: str) -> None:
    s = w.sheet(name)
    ws = s.ws
    ws.set_portrait()
    ws.set_margins(left=0.6, right=0.6, top=0.7, bottom=0.7)
    ws.center_horizontally()
    ws.set_print_scale(100)  # no fit-to-page: it would override the page breaks
    for c, width in enumerate(WIDTHS):
        ws.set_column(c, c, width)
    row, breaks = 0, []
    for v in chunk:
        if row:
            breaks.append(row)
        row = _voucher(w, ws, row, v, reg)
    if not chunk:
        ws.write_string(0, 0, f"{reg.label} 没有严重问题,无扣分凭单", w.note)
        row = 1
    ws.set_h_pagebreaks(breaks)
    ws.print_area(0, 0, max(row - 1, 0), LAST)


def _voucher(w: VoucherWriter, ws, row: int, v: Voucher, reg: PenaltyRegister) -> int:
    """One voucher from `row`; returns the row after it (the next page's first row)."""
    c = v.case
    merge_text(ws, row, 0, LAST, "扣分凭单", w.v_title)
    ws.set_row(row, 40)
    merge_text(ws, row + 1, 0, LAST, f"服务质量扣罚(SOP-14)  评分标准: {reg.rubric.name}", w.v_sub)
    row += 3
    pairs = [[("凭单编号", v.number), ("评分日期", c.date), ("状态", v.status)],
             [("录音编号", c.recording_id), ("质检员", c.inspector), c.score_cell],
             [("坐席工号", c.agent_id), ("坐席姓名", c.agent_name), ("班组", c.team)]]
    for line in pairs:
        for k, (label, value) in enumerate(line):
            ws.write_string(row, 2 * k, label, w.v_label)
            fmt = w.fmt(DATE if label == "评分日期" else SCORE if label in ("最终得分", "本通扣分") else None,
                        fill=STATUS_FILL.get(v.status) if label == "状态" else None, wrap=True)
            if value is None or value == "":
                ws.write_blank(row, 2 * k + 1, None, fmt)
            elif label == "评分日期":
                ws.write_datetime(row, 2 * k + 1, dt.datetime.combine(value, dt.time()), fmt)
            elif isinstance(value, (int, float)):
                ws.write_number(row, 2 * k + 1, value, fmt)
            else:
                ws.write_string(row, 2 * k + 1, str(value), fmt)
        ws.set_row(row, 24)
        row += 1
    blocks = [("问题", ";".join(c.reasons())), ("评分项 / 依据", "\n".join(v.proposal.rules)),
              ("质检员备注", c.remark or "无")]
    width = sum(WIDTHS[1:])
    for label, text in blocks:
        ws.write_string(row, 0, label, w.v_label)
        merge_text(ws, row, 1, LAST, text, w.v_value)
        ws.set_row(row, max(24, 16 * text_lines(text, width) + 6))
        row += 1
    ws.write_string(row, 0, "建议扣分", w.v_label)
    ws.write_number(row, 1, v.points, w.v_big)
    ws.write_string(row, 2, "扣分依据", w.v_label)
    basis = v.proposal.basis + (f"(原建议 {fmt_number(v.original_points)} 分)" if v.original_points is not None else "")
    merge_text(ws, row, 3, LAST, basis, w.v_value)
    ws.set_row(row, 30)
    row += 1
    ws.write_string(row, 0, "确认扣分", w.v_label)
    ws.write_blank(row, 1, None, w.v_big)
    ws.write_string(row, 2, "说明", w.v_label)
    merge_text(ws, row, 3, LAST, v.note, w.v_value)
    ws.set_row(row, 30)
    row += 2
    merge_text(ws, row, 0, LAST, "签名确认", w.section)
    row += 1
    for who in ("质检班长(提交)", "班长(确认)", "坐席(签名确认)"):
        ws.write_string(row, 0, who, w.v_label)
        ws.merge_range(row, 1, row, 2, "", w.v_sign)
        ws.write_string(row, 3, "日期", w.v_label)
        ws.merge_range(row, 4, row, LAST, "", w.v_sign)
        ws.set_row(row, 36)
        row += 1
    row += 1
    merge_text(ws, row, 0, LAST, "质检班长就问题情况评判,初步确定扣罚分数并提交扣分凭单;班长确认后递交员工签名确认,"
               "并承担扣分解释工作;有异议且沟通不能形成共识的,提交仲裁组进行质检仲裁(SOP-14.2–14.4)。" + APPEAL_NOTE,
               w.v_note)
    ws.set_row(row, 48)
    return row + 1


def _register(w: VoucherWriter, reg: PenaltyRegister, account=None) -> None:
    s = w.sheet(SHEET_REGISTER)
    ws = s.ws
    counts = reg.counts()
    sheet_title(s, f"服务质量扣罚登记表  {reg.label}",
                "每张扣分凭单一行;状态: 待确认 / 已确认 / 申诉中 / 已撤销(改判撤销了差错扣分或严重问题);"
                "班长确认、坐席签名后把状态改为“已确认”并填写确认扣分(SOP-14)", height=22)
    ws.write_string(2, 0, "合计: " + ",".join(f"{k} {n} 张" for k, n in counts.items())
                    + f";建议扣分合计(不含已撤销) {fmt_number(reg.points_total())} 分", w.section)
    if account is not None:  # a row not counted has no voucher: say so, and where the rows are listed
        s.text(3, 0, "行数核对: " + account.identity_text() + "(未计入的行见“排除与重复”,没有扣分凭单)", w.note)
    # A ledger rubric's call has no score: its 本通扣分 (what the agent's ledger loses) instead.
    head = ["凭单编号", "日期", "录音编号", "坐席工号", "坐席姓名", "班组", "质检员", "问题", "扣分依据", "建议扣分",
            "本通扣分" if reg.rubric.ledger is not None else "最终得分", "状态", "说明", "确认扣分", "班长确认", "坐席签名", "确认日期"]
    hr = 4
    s.headers(hr, 0, head)
    ws.set_row(hr, 30)
    ws.freeze_panes(hr + 1, 3)
    ws.repeat_rows(hr)
    r = hr + 1
    for v in reg.vouchers:
        c = v.case
        values = [v.number, c.date, c.recording_id, c.agent_id, c.agent_name, c.team, c.inspector,
                  ";".join(c.reasons()), v.proposal.basis, v.points, c.score_cell[1], v.status, v.note]
        formats = [None, DATE, None, None, None, None, None, None, None, SCORE, SCORE, None, None]
        for col, (value, nf) in enumerate(zip(values, formats)):
            fill = STATUS_FILL.get(v.status) if col == 11 else None
            s.put(r, col, value, w.fmt(nf, fill=fill, wrap=col in (7, 12)), width=col not in (7, 12))
        for col in range(13, len(head)):
            ws.write_blank(r, col, None, w.fmt(SCORE if col == 13 else None))
        r += 1
    if reg.vouchers:
        ws.data_validation(hr + 1, 11, r - 1, 11, {"validate": "list", "source": list(STATUSES)})
        ws.autofilter(hr, 0, r - 1, len(head) - 1)
    else:
        s.text(r, 0, "本期没有扣分凭单", w.note)
    s.finish(min_width=8)
    ws.set_column(7, 7, 34)
    ws.set_column(12, 12, 30)
    ws.set_column(13, 16, 10)
