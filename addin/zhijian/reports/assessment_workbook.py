"""The 综合考核表 workbook (`zhijian assess`): each agent's component values and scores, the
weighted total, rank, grade and 绩效系数; the configuration it applied; the findings (missing KPI
values: the total is left blank, never counted as zero); 数据来源."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from zhijian.engine.composite import Assessment, score_column
from zhijian.engine.findings import SEVERITY_ZH

from .toolkit import INT, SCORE, Writer, frame_table, new_workbook, sheet_title
from .common_sheets import write_provenance, write_sources_rows

SHEET = "综合考核表"
MISSING_FILL = "#F8CBAD"


def write_assessment_workbook(a: Assessment, path: Path, *, provenance=None) -> Path:
    path = Path(path)
    with new_workbook(path, title=f"{a.config.name} {a.month}", subject="综合考核表") as wb:
        w = Writer(wb, boxed=True)
        _table(w, a)
        _config(w, a)
        _findings(w, a)
        src = w.sheet("数据来源")
        if provenance is not None:
            write_sources_rows(src, provenance)
            write_provenance(wb, provenance)
        src.finish(min_width=10)
    return path


def _table(w: Writer, a: Assessment) -> None:
    s = w.sheet(SHEET)
    c = a.config
    weights = ",".join(f"{x.name} {x.weight:g}%" for x in c.components)
    sheet_title(s, f"{c.name} {a.month}",
                f"综合得分 = Σ 权重 × 组成项得分 / 100({weights});缺少任何一项的坐席综合得分留空(红底),不按 0 分计")
    df = a.table
    scores = {score_column(x.name) for x in c.components}
    fmts = {x: SCORE for x in scores | {"综合得分"}}
    fmts.update({"排名": INT, "绩效系数": "0.00"})
    for comp in c.components:
        fmts[comp.name] = SCORE if comp.source == "quality" else "0.###"
    fills = [{col: MISSING_FILL for col in df.columns
              if (col in [x.name for x in c.components] or col in scores | {"综合得分"}) and pd.isna(r[col])}
             for r in df.to_dict("records")]
    end = frame_table(s, 3, df, fmts, fills=fills)
    if df.empty:
        s.text(4, 0, "本月没有坐席", w.note)
    else:
        s.ws.autofilter(3, 0, end - 1, len(df.columns) - 1)
    s.ws.freeze_panes(4, 3)
    s.finish(min_width=8)


def _config(w: Writer, a: Assessment) -> None:
    s = w.sheet("考核配置")
    c = a.config
    sheet_title(s, f"考核配置: {c.name} v{c.version}", c.note or "seed 002 客服中心服务质量考核制度: 多种考核方法综合评价")
    rows = pd.DataFrame([{"组成项": x.name, "来源": "质检得分(月度评分)" if x.source == "quality" else f"KPI 表“{x.header}”列",
                          "权重": x.weight, "换算为百分制": x.normalise.describe()} for x in c.components])
    end = frame_table(s, 3, rows, {"权重": "0.##"})
    if c.grades:
        bands = pd.DataFrame([{"等级": b.name, "综合得分不低于": b.min,
                               **({"绩效系数": b.coefficient} if c.has_coefficients else {})}
                              for b in sorted(c.grades, key=lambda b: -b.min)])
        frame_table(s, end + 1, bands, {"综合得分不低于": "0.##", "绩效系数": "0.00"})
    s.finish(min_width=10)


def _findings(w: Writer, a: Assessment) -> None:
    s = w.sheet("校验问题")
    sheet_title(s, f"校验问题: {len(a.findings)} 个", "缺失或无法识别的数据;对应坐席的综合得分留空")
    rows = pd.DataFrame([{"级别": SEVERITY_ZH.get(f.severity, str(f.severity)), "规则": str(f.rule),
                          "文件": Path(f.file).name if f.file else "", "工作表": f.sheet, "单元格": f.cell,
                          "说明": f.message} for f in a.findings],
                        columns=["级别", "规则", "文件", "工作表", "单元格", "说明"])
    frame_table(s, 3, rows, {})
    if rows.empty:
        s.text(4, 0, "无", w.note)
    s.finish(min_width=8)
