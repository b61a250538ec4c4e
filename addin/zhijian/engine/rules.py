"""The catalogue of finding rules: for every rule id its severity, a title, the message and what to do.

As frictionless-py describes each error type (code, title, template, description), every `Rule`
has one `RuleEntry` here, and every finding the engine makes is built from it (`Finding.of`), so
the text of a finding lives in this one place. A message says what is wrong in the user's terms
and names no door: how to fix it with a command-line option or a ribbon button is added by the
door that shows it (see `findings.with_hints`). `fix` says what to do in no door's terms.

Templates are `str.format` strings; their placeholders are the keyword arguments of
`Finding.of`, kept on the finding (`Finding.params`) for the door's hint. A rule that covers
several situations has a main template and named `variants`; a variant may have its own severity.
The README's list of rule ids is tested against this catalogue.
"""

from __future__ import annotations

import string
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Mapping


class Rule(StrEnum):
    """Stable rule ids of findings (the `rule` field of `--json`)."""

    SCORE_NOT_ALLOWED = "score.not_allowed"
    SCORE_UNREADABLE = "score.unreadable"
    SCORE_MISSING = "score.missing"
    SCORE_NA_FORBIDDEN = "score.na_forbidden"
    SCORE_NONE_APPLICABLE = "score.none_applicable"
    FIELD_MISSING = "field.missing"
    FIELD_DIGITS_LOST = "field.digits_lost"
    FIELD_TOO_LONG = "field.too_long"
    DATE_MISSING = "date.missing"
    DATE_UNREADABLE = "date.unreadable"
    DATE_OUT_OF_PERIOD = "date.out_of_period"
    AGENT_UNKNOWN = "agent.unknown"
    RECORDING_DUPLICATE = "recording.duplicate"
    RECORDING_AGENT_DIFFERS = "recording.agent_differs"
    RECORDING_CALIBRATION_ROW_INVALID = "recording.calibration_row_invalid"
    RECORDING_DATE_DIFFERS = "recording.date_differs"
    BONUS_NOT_ALLOWED = "bonus.not_allowed"
    DEDUCTION_NOT_ALLOWED = "deduction.not_allowed"
    BONUS_ITEM_EXCLUDED = "bonus.item_excluded"
    DEDUCTION_ITEM_EXCLUDED = "deduction.item_excluded"
    FLAG_UNREADABLE = "flag.unreadable"
    FATAL_INVALID = "fatal.invalid"
    ERROR_DEDUCTION_INVALID = "error_deduction.invalid"
    OFFENCE_INVALID = "offence.invalid"
    TOTAL_MISMATCH = "total.mismatch"
    SHEET_TOTAL_MISMATCH = "sheet.total_mismatch"
    FORMULA_ERROR = "formula.error"
    COLUMN_UNKNOWN_RULE = "column.unknown_rule"
    COLUMN_DUPLICATE = "column.duplicate"
    COLUMN_POINTS_DIFFER = "column.points_differ"
    SHEET_UNMAPPED = "sheet.unmapped"
    SHEET_OTHER_RUBRIC = "sheet.other_rubric"
    SHEET_HIDDEN = "sheet.hidden"
    FILE_UNREADABLE = "file.unreadable"
    APPEAL_UNKNOWN_RECORDING = "appeal.unknown_recording"
    APPEAL_LATE = "appeal.late"
    APPEAL_SCORE_NOT_ALLOWED = "appeal.score_not_allowed"
    APPEAL_NO_DECIDER = "appeal.no_decider"
    APPEAL_INVALID = "appeal.invalid"
    APPEAL_TIME_UNREADABLE = "appeal.time_unreadable"
    APPEAL_AGENT_MISMATCH = "appeal.agent_mismatch"
    APPEAL_FILED_BEFORE_CALL = "appeal.filed_before_call"
    APPEAL_DECIDED_BEFORE_FILED = "appeal.decided_before_filed"
    APPEAL_DUPLICATE = "appeal.duplicate"
    ROSTER_DUPLICATE_ID = "roster.duplicate_id"
    ROSTER_ID_MISSING = "roster.id_missing"
    CALLS_COLUMN_MISSING = "calls.column_missing"
    CALLS_FIELD_MISSING = "calls.field_missing"
    CALLS_DUPLICATE_ID = "calls.duplicate_id"
    CALLS_TIME_UNREADABLE = "calls.time_unreadable"
    CALLS_DURATION_UNREADABLE = "calls.duration_unreadable"
    CALLS_AGENT_UNKNOWN = "calls.agent_unknown"
    COMPLAINT_INVALID = "complaint.invalid"
    COMPLAINT_EXCEEDS_OFFENCES = "complaint.exceeds_offences"
    HQ_CALL_INVALID = "hq_call.invalid"
    KPI_MISSING = "kpi.missing"
    KPI_INVALID = "kpi.invalid"
    KPI_CLIPPED = "kpi.clipped"


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class RuleEntry:
    """One rule of the catalogue."""

    rule: Rule
    severity: Severity  # the default; a variant may differ (`variant_severity`)
    title: str  # a few words, for a heading or a count per rule
    template: str  # the message, with str.format placeholders
    fix: str  # what the user should do, in no door's terms
    variants: Mapping[str, str] = field(default_factory=dict)  # other situations of the same rule
    variant_severity: Mapping[str, Severity] = field(default_factory=dict)

    def message(self, variant: str | None = None, **params: Any) -> str:
        return self.text(variant).format(**params)

    def text(self, variant: str | None = None) -> str:
        return self.template if variant is None else self.variants[variant]

    def severity_of(self, variant: str | None = None) -> Severity:
        return self.variant_severity.get(variant, self.severity) if variant else self.severity

    def placeholders(self, variant: str | None = None) -> set[str]:
        return {name for _, name, _, _ in string.Formatter().parse(self.text(variant)) if name}


_E, _W = Severity.ERROR, Severity.WARNING
_HEADERS_FIX = "把表头改成评分标准中的名称或别名"

_ENTRIES = [
    # --- one cell of a 评分表 ---
    RuleEntry(Rule.SCORE_NOT_ALLOWED, _E, "分值不允许",
              "“{item}”得分 {score} 不在允许的分值内(允许: {allowed})",
              "改成评分标准允许的分值"),
    RuleEntry(Rule.SCORE_UNREADABLE, _E, "分数无法识别",
              "“{item}”的分数“{text}”无法识别",
              "填写数字分数;此项不涉及时写“不涉及”"),
    RuleEntry(Rule.SCORE_MISSING, _E, "没有评分",
              "“{item}”没有评分(不涉及请写“不涉及”)",
              "填写分数;此项不涉及时写“不涉及”"),
    RuleEntry(Rule.SCORE_NONE_APPLICABLE, _E, "没有适用的评分项",
              "每个评分项都是不涉及(按评分标准不计入),这通录音没有可评的项,不能评分",
              "核对是否填错;确实无可评项时这通不计入统计"),
    RuleEntry(Rule.SCORE_NA_FORBIDDEN, _E, "不允许不涉及",
              "“{item}”不允许标为不涉及",
              "此项每通都要评分,填写分数"),
    RuleEntry(Rule.FIELD_MISSING, _E, "必填字段为空",
              "必填字段“{field}”为空",
              "补填这一格"),
    RuleEntry(Rule.FIELD_DIGITS_LOST, _E, "编号的后几位已丢失",
              "{field}“{text}”是一个 {digits} 位的数字,Excel 只保留 15 位有效数字,后几位已经变成 0,"
              "无法确定是哪一条{field};这一行不计入统计",
              "把这一列设为“文本”格式(或在编号前加英文单引号 ')后重新填写编号"),
    RuleEntry(Rule.FIELD_TOO_LONG, _W, "文字超过单元格上限",
              "“{header}”有 {length} 个字,超过 Excel 单元格的上限 {limit} 字:写出的报表和副本中只保留前 {limit} 字",
              "把过长的文字分到几行或另存到文档中"),
    RuleEntry(Rule.DATE_MISSING, _E, "日期为空",
              "日期为空: 这一行不属于任何统计期,不计入统计",
              "补填日期,写成 2026-11-02 的形式"),
    RuleEntry(Rule.DATE_UNREADABLE, _E, "日期无法识别",
              "无法识别的日期“{text}”,请写成 2026-11-02;这一行不属于任何统计期,不计入统计",
              "把日期写成 2026-11-02 的形式",
              {"out_of_range": "日期“{text}”不在 {first}–{last} 年之内,应是输入错误;这一行不属于任何统计期,不计入统计"}),
    RuleEntry(Rule.BONUS_NOT_ALLOWED, _E, "加分次数不允许",
              "“{header}”应为次数(0–{max_times}),而不是“{text}”",
              "填写加分的次数,不超过每通允许的次数;没有加分时留空",
              {"too_many": "加分“{name}”每通最多 {max_times} 次,这里填了 {times} 次"}),
    RuleEntry(Rule.DEDUCTION_NOT_ALLOWED, _E, "减分次数不允许",
              "“{header}”应为次数(0–{max_times}),而不是“{text}”",
              "填写减分的次数,不超过每通允许的次数;没有减分时留空",
              {"too_many": "减分“{name}”每通最多 {max_times} 次,这里填了 {times} 次"}),
    RuleEntry(Rule.BONUS_ITEM_EXCLUDED, _W, "加分所在评分项不涉及",
              "加分“{name}”加在“{item}”上,但“{item}”填了不涉及,不计入总分: 这次加分未计入",
              "核对“{item}”: 若该项适用,填写它的分数;若确不涉及,删去这次加分"),
    RuleEntry(Rule.DEDUCTION_ITEM_EXCLUDED, _W, "减分所在评分项不涉及",
              "减分“{name}”从“{item}”扣除,但“{item}”填了不涉及,不计入总分: 这次减分未计入",
              "核对“{item}”: 若该项适用,填写它的分数(减分从中扣除);若确不涉及,删去这次减分"),
    RuleEntry(Rule.FLAG_UNREADABLE, _E, "应填“是”或留空",
              "“{header}”应填“是”或留空,而不是“{text}”",
              "规则适用时填“是”,否则留空"),
    RuleEntry(Rule.FATAL_INVALID, _E, "致命性错误起数无效",
              "致命性错误应为起数(0、1、2…),而不是“{text}”",
              "填写致命性错误的起数(0、1、2…)",
              {"too_many": "致命性错误 {text} 起超过每通 {limit} 起,应是输入错误;这一行不计入统计"}),
    RuleEntry(Rule.ERROR_DEDUCTION_INVALID, _E, "差错扣分超出范围",
              "差错扣分应在 {min}–{max} 之间,而不是“{text}”",
              "填写评分标准允许范围内的差错扣分"),
    RuleEntry(Rule.OFFENCE_INVALID, _E, "扣分次数无效",
              "“{header}”应为次数(0、1、2…),而不是“{text}”",
              "填写发生的次数(0、1、2…)",
              {"too_many": "“{header}”{text} 次超过每通 {limit} 次,应是输入错误;这一行不计入统计"}),
    RuleEntry(Rule.COMPLAINT_EXCEEDS_OFFENCES, _E, "加倍次数多于发生次数",
              "“{header}”为 {doubled},多于“{offence}”的发生次数 {count}",
              "加倍的次数不能多于发生的次数: 改正发生次数或加倍次数"),
    RuleEntry(Rule.FORMULA_ERROR, _E, "公式错误",
              "“{header}”单元格是公式错误 {error}",
              "修正这一格的公式,或直接填写数值",
              {"no_value": "“{header}”单元格是公式,但文件中没有它的计算结果(文件不是由 Excel 保存的);"
                           "请在 Excel 中打开、保存后再试,或直接填写数值"}),
    # --- across the rows of a sheet ---
    RuleEntry(Rule.DATE_OUT_OF_PERIOD, _E, "日期不在统计期内",
              "日期 {date:%Y-%m-%d} 不在统计期 {period} 内",
              "核对日期,或把这一行放到它所属统计期的评分表中"),
    RuleEntry(Rule.AGENT_UNKNOWN, _E, "工号不在人员名单中",
              "工号“{agent_id}”不在人员名单中",
              "核对工号,或把此人加入人员名单"),
    RuleEntry(Rule.RECORDING_DUPLICATE, _E, "录音重复评分",
              "录音“{recording_id}”在本文件中重复评分(首次在 {first}),重复的这一行不计入统计",
              "删除重复的一行,或核对录音编号",
              {"corrected": "录音“{recording_id}”在本文件中重复评分: 这一行有错误,不计入统计,"
                            "计入统计的是 {first} 这一行",
               "counted": "录音“{recording_id}”在本文件中重复评分(计入统计的是 {first}),重复的这一行不计入统计"},
              {"corrected": _W}),
    RuleEntry(Rule.RECORDING_AGENT_DIFFERS, _E, "同一录音的坐席工号不同",
              "录音“{recording_id}”在各质检员的评分表中坐席工号不同: 这里是“{agent_id}”,{others};"
              "无法确定是哪位坐席的录音,此录音的各行都不计入统计",
              "核对这通录音的坐席,更正填错的坐席工号后重新汇总",
              {"same_inspector": "录音“{recording_id}”由同一质检员评分了不止一次,坐席工号不同: 这里是“{agent_id}”,"
                                 "{others};无法确定是哪位坐席的录音,此录音的各行都不计入统计"}),
    RuleEntry(Rule.RECORDING_CALIBRATION_ROW_INVALID, _W, "校正录音的这一份评分有错误",
              "录音“{recording_id}”也由其他质检员评分({others}): 这一行有错误,不计入统计,也不参与质检校正;"
              "此录音按其他质检员的有效评分计入",
              "更正这一行的错误后重新汇总,它才参与质检校正"),
    RuleEntry(Rule.RECORDING_DATE_DIFFERS, _W, "校正录音的各次评分日期不同",
              "录音“{recording_id}”由多名质检员评分,日期不同: 这里是 {date},{others};"
              "此录音只计一次,按最早的日期 {first} 计入(质检校正也在该日所在的统计期)",
              "核对各质检员填的日期;若有填错,更正后重新汇总"),
    RuleEntry(Rule.TOTAL_MISMATCH, _W, "总分不符",
              "表中总分 {recorded} 与按评分标准计算的 {computed} 不符,统计按 {computed} 计",
              "核对各项分数和总分公式;统计以按评分标准计算的总分为准(评分项是记录,总分由它们算出)"),
    # --- a whole sheet or file ---
    RuleEntry(Rule.SHEET_TOTAL_MISMATCH, _E, "本表的合计与评分标准不符",
              "本表的合计与评分标准不符: 有合计的 {recorded_rows} 行中有 {bad_rows} 行与按《{rubric}》计算的"
              "不同(例如 {examples});本表各行暂不计入统计",
              "换用与本表相符的评分标准,或更正本表的合计公式,然后重新汇总"),
    RuleEntry(Rule.SHEET_HIDDEN, _W, "隐藏的工作表",
              "工作表“{name}”是隐藏的,其中 {calls} 行照常读取并计入统计",
              "若是草稿或旧表,请删除它或移出此工作簿后重新汇总;若应计入,取消隐藏即可",
              {"rows": "工作表“{name}”中有 {calls} 行评分被隐藏(第 {rows} 行;隐藏或筛选掉的),照常读取并计入统计"}),
    RuleEntry(Rule.COLUMN_UNKNOWN_RULE, _E, "评分标准中没有的规则列",
              "列“{header}”: 评分标准《{rubric}》中没有这个{kind}项,该列不计分",
              "把表头改成评分标准中的规则名称,或删除这一列"),
    RuleEntry(Rule.COLUMN_POINTS_DIFFER, _E, "表头分值与评分标准不同",
              "表头“{header}”写的是 {points} 分,评分标准《{rubric}》中“{item}”满 {max} 分:"
              "这张表可能是另一版评分表,分数按 {max} 分制读取",
              "核对评分标准是否选对、是否为最新版本,或把表头改成评分标准的分值"),
    RuleEntry(Rule.COLUMN_DUPLICATE, _E, "同一评分项有两列",
              "列“{header}”({letter} 列)与 {first} 列“{first_header}”都是{what}: 按 {first} 列计分,这一列不计分",
              "删除重复的一列,或把它改成别的表头"),
    RuleEntry(Rule.SHEET_UNMAPPED, _E, "无法读取此表",
              "在前 {scan_rows} 行找不到《{rubric}》的评分项表头,无法读取此表",
              _HEADERS_FIX + ",或换用与此表相符的评分标准",
              {"items_missing": "找不到评分项列: {items}。请" + _HEADERS_FIX,
               "fields_missing": "找不到必填列: {fields}。请" + _HEADERS_FIX,
               "columns_missing": "找不到评分项列: {items};找不到必填列: {fields}。请" + _HEADERS_FIX,
               "form_items_missing": "此表是每通录音一张的打分明细表(评分项在 {column} 列),{where}找不到评分项: "
                                     "{items}。请" + _HEADERS_FIX,
               "form_item_repeated": "此表是每通录音一张的打分明细表(评分项在 {column} 列),评分项“{item}”"
                                     "在第 {first} 行和第 {again} 行各写了一次,第二次被当作下一通录音的开始;"
                                     "请删去重复的一行(每通录音另起一张表,或在下一通前写录音编号)",
               "form_no_scores": "此表是每通录音一张的打分明细表(评分项在 {column} 列),{where}找不到得分列: "
                                 "请在评分项上方一行的得分列写“得分”",
               "form_fields_missing": "此表是每通录音一张的打分明细表(评分项在 {column} 列),{where}找不到表头字段: "
                                      "{fields}(写成“录音编号”一格、其值在右边一格,或“录音编号: LY001”)",
               "no_items": "第 {row_number} 行像是评分表的表头(有日期、坐席和录音编号),但没有《{rubric}》的任何评分项:"
                           "此表多半是另一种评分表,未读取。请换用与此表相符的评分标准",
               "register": "找不到申诉登记表的表头(至少需要“录音编号”列)",
               "complaints_register": "找不到投诉表扬登记表的表头(至少需要“工单编号”和“类型”列)",
               "hq_register": "找不到总部拨测登记表的表头(至少需要“得分”列)",
               "no_register": "没有找到投诉表扬登记表或总部拨测登记表(表头需要“工单编号”“类型”或“得分”列)",
               "kpi_sheet": "找不到 KPI 表的表头(至少需要“工号”列)"}),
    RuleEntry(Rule.SHEET_OTHER_RUBRIC, _E, "属于另一个评分标准",
              "此表看起来是《{other_name}》({other_id})的评分表,不是《{rubric_name}》({rubric_id})",
              "改用此表所属的评分标准校验此表"),
    RuleEntry(Rule.FILE_UNREADABLE, _E, "文件无法读取",
              "{error}",
              "按提示处理文件(如把 .xls 另存为 .xlsx、关闭占用文件的程序)后重试"),
    # --- the 申诉登记表 ---
    RuleEntry(Rule.APPEAL_UNKNOWN_RECORDING, _E, "申诉的录音不在评分表中",
              "申诉的录音“{recording_id}”不在任何评分表中",
              "核对录音编号,或把这条录音所在的评分表一起读入",
              {"unread": "申诉的录音“{recording_id}”不在能读取的评分表中;{unread}无法读取,录音可能在其中,"
                         "无法核对"}),
    RuleEntry(Rule.APPEAL_LATE, _W, "申诉逾期",
              "申诉时间 {filed_at:%Y-%m-%d %H:%M} 晚于截止时间 {deadline:%Y-%m-%d %H:%M}"
              "(成绩公布后 {hours} 小时),不予受理",
              "核对申诉时间;逾期的申诉不予受理"),
    RuleEntry(Rule.APPEAL_SCORE_NOT_ALLOWED, _E, "更正分数不允许",
              "更正的“{item}”得分“{text}”不在允许的分值内(允许: {allowed})",
              "改成评分标准允许的分值",
              {"error_deduction": "更正的差错扣分“{text}”不在 {min}–{max} 之内"}),
    RuleEntry(Rule.APPEAL_NO_DECIDER, _E, "没有复核人或仲裁人",
              "有{step}结果但没有{step}人",
              "填写作出决定的人"),
    RuleEntry(Rule.APPEAL_INVALID, _E, "申诉登记有误",
              "“{field}”应为 {choices},而不是“{text}”",
              "按说明更正登记表的这一格",
              {"no_recording": "申诉没有录音编号",
               "filed_at": "申诉时间为空(请写成 2026-10-13 15:30)",
               "arbitration_unasked": "只有复核结果为“提交仲裁”的申诉才有仲裁结果",
               "decided_at": "已有决定但决定时间为空(请写成 2026-10-13 15:30)",
               "no_correction": "改判的申诉没有填写任何更正分数"},
              {"arbitration_unasked": _W}),
    RuleEntry(Rule.APPEAL_TIME_UNREADABLE, _E, "时间无法准确识别",
              "“{field}”的“{text}”无法准确识别为日期和时间(请写成 2026-10-13 15:30),此申诉不予处理",
              "把时间写成 2026-10-13 15:30 的形式(24 小时制)",
              {"date_only": "“{field}”只有日期“{text}”,没有时间(请写成 2026-10-13 15:30),此申诉不予处理"}),
    RuleEntry(Rule.APPEAL_AGENT_MISMATCH, _E, "申诉人不是录音的坐席",
              "申诉的坐席工号“{agent_id}”与录音“{recording_id}”的坐席工号“{call_agent}”不符,此申诉不予处理",
              "核对录音编号和坐席工号"),
    RuleEntry(Rule.APPEAL_FILED_BEFORE_CALL, _W, "申诉早于录音",
              "申诉时间 {filed_at:%Y-%m-%d %H:%M} 早于录音日期 {call_date:%Y-%m-%d}",
              "核对申诉时间和录音编号"),
    RuleEntry(Rule.APPEAL_DECIDED_BEFORE_FILED, _W, "决定早于申诉",
              "决定时间 {decided_at:%Y-%m-%d %H:%M} 早于申诉时间 {filed_at:%Y-%m-%d %H:%M}",
              "核对决定时间和申诉时间"),
    RuleEntry(Rule.APPEAL_DUPLICATE, _W, "重复申诉",
              "录音“{recording_id}”已在登记表第 {first} 行申诉过,这一行是重复的申诉",
              "删除重复的一行,或核对录音编号"),
    # --- the 人员名单 (roster) ---
    RuleEntry(Rule.ROSTER_DUPLICATE_ID, _W, "人员名单工号重复",
              "工号“{agent_id}”在人员名单中重复(首次在 {first}),姓名和班组相同,按一人计",
              "删除重复的一行;不是同一人时更正其中一人的工号",
              {"conflict": "工号“{agent_id}”在人员名单中出现两次且不是同一人: {first} 为 {first_who},这一行为 {who},"
                           "无法确定此工号是谁"},
              {"conflict": _E}),
    RuleEntry(Rule.ROSTER_ID_MISSING, _E, "人员名单工号为空",
              "这一行有{who}但工号为空: 此人不在名单中,其录音都按名单外工号不计入统计",
              "补填工号;此人已离职或不是坐席时删除这一行"),
    # --- the call list of a day (抽检计划) ---
    RuleEntry(Rule.CALLS_COLUMN_MISSING, _E, "通话记录缺少列",
              "找不到{fields}列,无法读取此表的通话记录(表头在第 {header_row} 行)",
              "把表头改成“录音编号”“坐席工号”“开始时间”等名称,或从通话系统重新导出",
              {"no_header": "在前 {scan_rows} 行找不到通话记录的表头(至少需要{fields}列)"}),
    RuleEntry(Rule.CALLS_FIELD_MISSING, _E, "通话记录字段为空",
              "“{field}”为空,这通录音不参与抽取",
              "补填这一格,或从通话系统重新导出"),
    RuleEntry(Rule.CALLS_DUPLICATE_ID, _E, "录音编号重复",
              "录音编号“{recording_id}”重复(首次在 {first}),重复的这一行不参与抽取",
              "核对通话系统的导出,删除重复的行"),
    RuleEntry(Rule.CALLS_TIME_UNREADABLE, _E, "开始时间无法识别",
              "无法识别的开始时间“{text}”,这通录音不参与抽取",
              "把开始时间写成 2026-10-12 09:15:30 或 09:15:30 的形式",
              {"date_only": "开始时间“{text}”只有日期没有时刻,这通录音不参与抽取",
               "no_date": "开始时间“{text}”只有时刻,表中又没有日期,这通录音不参与抽取"}),
    RuleEntry(Rule.CALLS_DURATION_UNREADABLE, _W, "通话时长无法识别",
              "无法识别的通话时长“{text}”,按足够长的录音处理",
              "把时长写成秒数(如 95)或 00:01:35 的形式"),
    RuleEntry(Rule.CALLS_AGENT_UNKNOWN, _W, "坐席不在人员名单中",
              "坐席工号“{agent_id}”不在人员名单中,其 {calls} 通录音不参与抽取",
              "核对工号,或把此人加入人员名单"),
    # --- the 投诉表扬登记表 and the 总部拨测登记表 ---
    RuleEntry(Rule.COMPLAINT_INVALID, _E, "投诉表扬登记有误",
              "“{field}”应为 {choices},而不是“{text}”",
              "按说明更正登记表的这一格;类型不对或日期无法识别的工单不计入",
              {"doubtful": "“{field}”应为 {choices} 或留空,而不是“{text}”,按留空计",
               "no_date": "日期为空或无法识别“{text}”(请写成 2026-10-13),此工单不计入",
               "duplicate": "工单“{ticket}”重复登记,只计第一次",
               "time": "时间“{text}”无法识别(请写成 2026-10-13 15:30),按留空计",
               "answer_before_ask": "复核回复时间早于复核请求时间"},
              {"doubtful": _W, "time": _W, "answer_before_ask": _W}),
    RuleEntry(Rule.HQ_CALL_INVALID, _E, "总部拨测登记有误",
              "得分“{text}”应为 0–{max} 的数,此通不计入",
              "按说明更正登记表的这一格",
              {"no_date": "日期为空或无法识别“{text}”,此通不计入",
               "fatal": "致命性错误“{text}”应为起数(0、1、2…)或留空,此通不计入",
               "duplicate": "拨测“{call_id}”重复登记,只计第一次"}),
    # --- the KPI sheet of a composite assessment ---
    RuleEntry(Rule.KPI_MISSING, _E, "考核数据缺失",
              "坐席 {agent_id} 的“{column}”为空: 综合得分留空(缺失不按 0 分计)",
              "补齐缺失的数据后重新生成综合考核表",
              {"column": "KPI 表没有“{column}”列: 每名坐席的“{name}”都缺失",
               "agent": "坐席 {agent_id} {name} 不在 KPI 表中: 其 KPI 各项缺失,综合得分留空",
               "quality": "坐席 {agent_id} {name} 本月没有质检评分: “{component}”缺失,综合得分留空",
               "agent_id": "此行有 KPI 数据但没有工号: 此行不计(请填写工号)"}),
    RuleEntry(Rule.KPI_INVALID, _E, "考核数据无效",
              "坐席 {agent_id} 的“{column}”“{text}”不是数",
              "更正这一格(数字,或 95% 这样的百分数)",
              {"range": "坐席 {agent_id} 的“{column}” {number} 不在换算表或 0–100 的范围内",
               "duplicate": "工号“{agent_id}”在本月重复出现,只取第一行",
               "duplicate_sheet": "工号“{agent_id}”本月的行在工作表“{first}”中已有,此行不计(只取“{first}”的一行)",
               "month": "坐席 {agent_id} 的月份“{text}”无法识别(请写成 {month}): 此行不计",
               "share": "坐席 {agent_id} 的“{column}” {number} 不是 0–1 之间的比例(此项按比例换算: {line}):"
                        "若是百分之 {number},请写 {share} 或 {number}%;此项不计,综合得分留空",
               "percent_score": "坐席 {agent_id} 的“{column}”写成了百分数“{text}”,而此项已是百分制分数(0–100):"
                                "请写成分数(如 {points});此项不计,综合得分留空"}),
    RuleEntry(Rule.KPI_CLIPPED, _W, "考核数据超出换算范围",
              "坐席 {agent_id} 的“{column}” {number} 超出换算范围({line}),按 {score} 分计",
              "核对这一格;确实好于目标(或差于下限)时无需更改"),
]

CATALOGUE: dict[Rule, RuleEntry] = {e.rule: e for e in _ENTRIES}
