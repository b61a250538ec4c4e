"""`zhijian daily` (the day's package: 质检日志, 扣分凭单, the zip of the day's 评分表) and `zhijian
penalties` (the month's 服务质量扣罚登记表 with a 扣分凭单 per serious call)."""

from __future__ import annotations

from pathlib import Path

import click

from .common import (appeals_options, console, print_account, handle_errors, json_option, nothing_to_report,
                     other_rubrics, policy, print_appeals, print_json, roster_option, run_with_progress)
from .options import Count, Day, Month, OutputFolder, OutputPath, RepeatWindow
from .outputs import name_list, output_file
from .store_option import resolved_store, store_option


@click.command()
@click.argument("inputs", nargs=-1, required=True)
@click.option("--rubric", "rubric_name", required=True, help="评分标准名称或文件,如 listening-10x4")
@click.option("--date", "day", type=Day(), help="哪一天(默认: 评分表中最近的、通数不少于最多那一天一半的一天)")
@click.option("--roster", type=click.Path(), help="人员名单 .xlsx: 其中的质检员名单(“质检员”工作表或“质检员”列)"
                                                  "用于列出未交评分表的质检员")
@click.option("--inspectors", help="质检员名单,逗号分隔,如 王丽,陈静,刘洋(优先于 --roster)")
@click.option("--on-duty", help="当值质检(撰写质检日志的质检员)")
@click.option("--rotation", help="当值轮值顺序,逗号分隔(默认: 质检员名单的顺序);写出下一位当值")
@click.option("--repeat-times", default=3, show_default=True, type=Count(2, 99),
              help="重复问题预警: 同一评分项不良的次数")
@click.option("--repeat-window", default="week", show_default=True, type=RepeatWindow(),
              help="重复问题的统计窗口: week(本周截至当天)或天数,如 7")
@click.option("--points", default=3, show_default=True, type=Count(1, 20), help="班前会点评条数")
@click.option("--quota", default=60, show_default=True, type=Count(1, 10_000), help="每名质检员每天的监听定额")
@click.option("--lead", help="质检班长姓名: 校正录音以其评分为基准")
@appeals_options
@store_option
@click.option("-o", "--output", "out_dir", default=".", show_default=True, type=OutputFolder(),
              help="输出文件夹")
@json_option
@handle_errors
@nothing_to_report
def daily(inputs, rubric_name, day, roster, inspectors, on_duty, rotation, repeat_times, repeat_window,
          points, quota, lead, appeals, window_hours, publish_time, store, out_dir, as_json):
    """生成一天的质检日志与 10:00 发送包,例如:

    zhijian daily zhijian-demo/sheets --rubric listening-10x4 --date 2026-10-14 --roster zhijian-demo/roster.xlsx

    在输出文件夹中写出: 质检日志_2026-10-14.xlsx(质检数据、严重问题、重复问题预警、班前会点评、
    未交评分表)、扣分凭单_2026-10-14.xlsx(每个严重问题一张凭单及登记表)、
    质检监听评分表_2026-10-14.zip(当天的评分表)。发送: zhijian email 文件夹 --kind daily。
    """
    from zhijian.files.rubrics import load_rubric
    from zhijian.pipeline.daily import daily_package, write_daily_package

    r = load_rubric(rubric_name)
    result = run_with_progress(as_json, daily_package, rubric=r, inputs=list(inputs), date=day,
                               roster=roster, inspectors=name_list(inspectors), on_duty=on_duty,
                               rotation=name_list(rotation), repeat_times=repeat_times,
                               repeat_window=repeat_window, quota_per_day=quota,
                               points=points, lead=lead, appeals=appeals, policy=policy(window_hours, publish_time),
                               rubric_source=rubric_name, other_rubrics=other_rubrics(r),
                               store=resolved_store(store))
    written = write_daily_package(result, Path(out_dir))
    if as_json:
        print_json(result.to_dict())
        return
    rep = result.report
    o = rep.analysis.overall
    console.print(f"《{r.name}》质检日志 {rep.label}: 有效评分 {o.n} 通,因错误排除 {rep.analysis.excluded_rows} 行")
    print_account(rep.analysis.account)
    if o.n:
        from zhijian.engine.ledger import score_line
        console.print(f"  {score_line(rep.analysis)}")
    counts = ",".join(f"{k} {n}" for k, n in result.register.counts().items() if n)
    vouchers = f"(扣分凭单 {len(result.register.vouchers)} 张: {counts})" if rep.serious else ""
    console.print(f"  严重问题 {len(rep.serious)} 通{vouchers}")
    console.print(f"  重复问题预警 {len(rep.repeated)} 项({rep.window_text},≥ {rep.repeat_times} 次)")
    console.print("  班前会点评: " + ("、".join(f"{p.item}({p.defect_rate:.0%})" for p in rep.briefing) or "无"))
    console.print(f"  未交评分表: {'、'.join(rep.missing) or '无'}(名单: {rep.inspectors_source})")
    if "zip" not in written:
        console.print("  当天没有评分表,未写出压缩包", style="yellow")
    print_appeals(result.appeals)
    for path in written.values():
        console.print(f"已写出: {path}")


@click.command()
@click.argument("inputs", nargs=-1, required=True)
@click.option("--rubric", "rubric_name", required=True, help="评分标准名称或文件,如 listening-10x4")
@click.option("--month", type=Month(), help="月份,如 2026-10(默认: 评分表中最近的、通数不少于最多那个月一半的月份)")
@click.option("--lead", help="质检班长姓名: 校正录音以其评分为基准")
@roster_option
@appeals_options
@click.option("-o", "--output", type=OutputPath(),
              help="输出的扣罚登记表 .xlsx,或输出文件夹(默认: 当前文件夹下的 扣罚登记表_2026-10.xlsx 这样的名称)")
@json_option
@handle_errors
@nothing_to_report
def penalties(inputs, rubric_name, month, lead, roster, appeals, window_hours, publish_time, output, as_json):
    """生成一个月的服务质量扣罚登记表和扣分凭单(每个严重问题一张,A4 一页),例如:

    zhijian penalties zhijian-demo/sheets --rubric listening-10x4 --month 2026-10 --appeals zhijian-demo/appeals.xlsx

    严重问题: 严重项不良、差错扣分或致命性错误。状态: 待确认 / 已确认 / 申诉中 / 已撤销
    (--appeals: 申诉待处理为申诉中,改判撤销了差错扣分为已撤销)。
    """
    from zhijian.files.names import REGISTER, report_name
    from zhijian.files.rubrics import load_rubric
    from zhijian.pipeline.daily import penalties_register, write_penalties

    r = load_rubric(rubric_name)
    result = run_with_progress(as_json, penalties_register, rubric=r, inputs=list(inputs), month=month, lead=lead,
                               appeals=appeals, policy=policy(window_hours, publish_time), rubric_source=rubric_name,
                               other_rubrics=other_rubrics(r), roster=roster)
    reg = result.register
    out = write_penalties(result, output_file(output, report_name(REGISTER, reg.key)))
    if as_json:
        print_json({**reg.to_dict(), "accounting": result.account.to_dict(), "output": str(out)})
        return
    counts = reg.counts()
    console.print(f"《{r.name}》服务质量扣罚登记表 {reg.label}: 扣分凭单 {len(reg.vouchers)} 张("
                  + ",".join(f"{k} {n}" for k, n in counts.items()) + f");建议扣分合计(不含已撤销) {reg.points_total():g} 分")
    print_account(result.account)
    print_appeals(result.appeals)
    console.print(f"已写出: {out}")
