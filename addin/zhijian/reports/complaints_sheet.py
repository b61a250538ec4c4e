"""The 投诉表扬与拨测 sheet the 质检月报 and the 季度/年度质检考核表 get when registers are given: the
months side by side, then the period's complaints and praise (by type, centre, source, agent; the
re-checks late against their time limit) and its head-office test calls (by line, by agent, the
fatal errors). Figures from `engine.complaints`; this writes them."""

from __future__ import annotations

from zhijian.engine.complaints import ComplaintsSection

from .toolkit import INT, PCT, SCORE, Writer, frame_table, sheet_title

SHEET = "投诉表扬与拨测"
WHEN = "yyyy-mm-dd hh:mm"


def write_complaints_sheet(w: Writer, section: ComplaintsSection) -> None:
    s = w.sheet(SHEET)
    sheet_title(s, f"投诉表扬与总部拨测 {section.label}",
                "成立率 = 成立 / (成立 + 不成立),待定不计;服务类/业务类按成立的投诉;复核超过时限(默认 2 小时)为超时;"
                "拨测得分率 = 得分/满分 的平均值")
    counts = {c: INT for c in ("投诉工单", "投诉成立", "服务类", "业务类", "表扬工单", "复核超时", "拨测通数",
                               "拨测致命性错误", "工单数", "成立", "不成立", "待定", "投诉", "表扬", "表扬成立",
                               "通数", "致命性错误", "有致命性错误的通数")}
    fmts = {**counts, "成立率": PCT, "拨测平均得分": SCORE, "拨测得分率": PCT, "平均得分": SCORE, "平均得分率": PCT,
            "得分": SCORE, "用时(小时)": "0.0", "时限(小时)": "0.#", "复核请求时间": WHEN, "复核回复时间": WHEN}
    row = 3
    for line in section.account_lines():  # every register row read: counted, or why not
        s.text(row, 0, line, w.note)
        row += 1
    if section.accounts:
        row += 1
    s.text(row, 0, "一、各月对比", w.section)
    row = frame_table(s, row + 1, section.months, fmts) + 1
    c = section.complaints
    if c is not None:
        row = _block(s, row, "二、投诉与表扬工单", c.summary, fmts)
        row = _block(s, row, "按中心", c.by_centre, fmts)
        row = _block(s, row, "投诉来源", c.by_source, fmts)
        r = c.rechecks
        wrong = f",时间有误 {r['时间有误']}(回复早于请求)" if r.get("时间有误") else ""
        s.text(row, 0, f"投诉查询复核: 共 {r['复核']} 次,按时 {r['按时']},超时 {r['超时']},未回复 {r['未回复']}{wrong}",
               w.section)
        row = _block(s, row + 1, "", c.late, fmts, none="没有超时或未回复的复核")
        row = _block(s, row, "按坐席", c.by_agent, fmts)
    t = section.hq_calls
    if t is not None:
        row = _block(s, row, "三、总部拨测", t.summary, fmts)
        row = _block(s, row, "按坐席", t.by_agent, fmts)
        row = _block(s, row, "致命性错误", t.fatal, fmts, none="无")
    if section.findings:
        s.text(row, 0, f"登记表中有 {len(section.findings)} 个问题(有错误的行未计入),可用 zhijian complaints check 查看",
               w.note)
    s.finish(min_width=9)


def _block(s, row: int, title: str, df, fmts, none: str = "无") -> int:
    if title:
        s.text(row, 0, title, s.w.section)
        row += 1
    if df.empty:
        s.text(row, 0, none, s.w.note)
        return row + 2
    return frame_table(s, row, df, fmts) + 1
