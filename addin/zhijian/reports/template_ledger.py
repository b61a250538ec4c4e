"""The 评分表 template of a ledger rubric (`engine.ledger`): a call has no score of its own, so its
result column is 本通扣分 — Σ of the call's occurrences' points, doubled on a complaint — the figure
汇总分析's 明细 shows for the call; the agent's score (base − the period's occurrences) is the
坐席考核 sheet's. A formula cannot see the agent's other calls, so on a rubric that escalates
(`escalation`) it prices each occurrence at its 1st-offence points and says so in its header."""

from __future__ import annotations

from zhijian.engine.columns import ColumnSpec
from zhijian.engine.ledger import CHARGE_HEADER
from zhijian.engine.rubric import Rubric, fmt_number

FIRST_POINTS_HEADER = f"{CHARGE_HEADER}(按首次分值)"


def escalates(rubric: Rubric) -> bool:
    return rubric.escalation is not None or any(o.escalation is not None for o in rubric.offences)


def charge_spec(rubric: Rubric) -> ColumnSpec:
    """The result column of a ledger rubric's template, in place of 最终得分."""
    header = FIRST_POINTS_HEADER if escalates(rubric) else CHARGE_HEADER
    return ColumnSpec("total", header, "total", (header,))


def charge_formula(rubric: Rubric, ref) -> str:
    """Σ points × (n + (multiplier − 1) × complaints) over the offences: what the engine charges the
    call (`ledger.call_charges`) when nothing escalates, "" when a 加倍 count exceeds its offence's;
    `ref`: a column key -> its cell."""
    terms, within = [], []
    for o in rubric.offences:
        n = f"MAX(0,INT(N({ref('offence:' + o.id)})))"
        if o.doubled_when:
            c = f"MAX(0,INT(N({ref('complaint:' + o.id)})))"
            m = f"MIN({n},{c})"
            extra = m if o.multiplier == 2 else f"{_num(o.multiplier - 1)}*{m}"
            terms.append(f"{_num(o.points)}*({n}+{extra})")
            within.append(f"{c}<={n}")
        else:
            terms.append(f"{_num(o.points)}*{n}")
    charge = f"ROUND({'+'.join(terms) or '0'},6)"
    # a 加倍 count above its offence's is an error (complaint.exceeds_offences): no charge, as the engine
    return f'IF(AND({",".join(within)}),{charge},"")' if within else charge


def charge_note(rubric: Rubric) -> str:
    """The 说明 sheet's words for the column."""
    text = (f"“{charge_spec(rubric).header}”列 = 本通各条款的扣分之和(每次按条款分值,引起投诉等加倍的按倍数),"
            "与汇总分析“明细”的本通扣分一致;不是得分:一通录音没有自己的得分,坐席的期间得分(基准分减本期各次扣分)"
            "见汇总分析的“坐席考核”与质检月报的质检考核统计表。")
    if escalates(rubric):
        text += ("本标准按坐席在窗口内的次数升级扣分,公式看不到坐席的其他录音,每次按第 1 次的分值计;"
                 "升级后的实际扣分见汇总分析“明细”的本通扣分。")
    return text


def _num(x: float) -> str:
    return fmt_number(round(float(x), 10))
