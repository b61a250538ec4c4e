"""`zhijian consolidate`, `zhijian weekly` and `zhijian monthly`: the period's workbooks."""

from __future__ import annotations

import click

from .common import (other_rubrics, policy, print_account, print_appeals, print_notes, run_with_progress,
                     appeals_options, console, handle_errors, json_option, nothing_to_report, print_json,
                     print_register_accounts, progress_bar, roster_option, topic_option)
from .options import Choice, Count, Day, IsoWeek, Month, OutputPath
from .outputs import named_output, output_file
from .store_option import cache_option, complaints_option, resolved_store, store_option

@click.command()
@click.argument("inputs", nargs=-1, required=True)
@click.option("--rubric", "rubric_name", required=True, help="评分标准名称或文件,如 listening-10x4")
@click.option("--period", "period_kind", type=Choice(["day", "week", "month"]), default="month",
              show_default=True, help="统计周期")
@click.option("--date", "day", type=Day(), help="统计周期内的任一日期(默认: 评分表中最近的、通数不少于最多那一期一半的统计周期)")
@click.option("--lead", help="质检班长姓名: 校正录音以其评分为基准(默认取各字段共识)")
@roster_option
@appeals_options
@click.option("-o", "--output", type=OutputPath(),
              help="输出的服务质量分析表 .xlsx,或输出文件夹(默认: 当前文件夹下的 服务质量分析表_<统计周期>.xlsx)")
@store_option
@cache_option
@json_option
@handle_errors
@nothing_to_report
def consolidate(inputs, rubric_name, period_kind, day, lead, roster, appeals, window_hours, publish_time, output,
                store, no_cache, as_json):
    """把各质检员的评分表汇总成服务质量分析表,例如:

    zhijian consolidate zhijian-demo/sheets --rubric listening-10x4 --period month

    不写 -o 时写出当前文件夹下的 服务质量分析表_2026-10.xlsx(周: _2026-W42,日: _2026-10-14)。
    """
    import datetime as dt

    from zhijian.pipeline.jobs import consolidate as run, write_consolidation
    from zhijian.files.rubrics import load_rubric

    r = load_rubric(rubric_name)
    with progress_bar(as_json) as bar:
        task = bar.add_task("读取评分表", total=None)
        result = run(r, list(inputs), period_kind=period_kind, date=day, lead=lead,
                     other_rubrics=other_rubrics(r), appeals=appeals, policy=policy(window_hours, publish_time),
                     rubric_source=rubric_name, roster=roster, store=resolved_store(store),
                     output=named_output(output), cache=not no_cache,
                     on_files=lambda n: bar.update(task, total=n),
                     progress=lambda p: bar.advance(task))
    print_notes(result.notes)
    from zhijian.files.names import analysis_name

    out = write_consolidation(result, output_file(output, analysis_name(
        period_kind, dt.date.fromisoformat(result.provenance.options["date"]))))
    a = result.analysis
    if as_json:
        data = a.to_dict()
        data["output"] = str(out)
        print_json(data)
        return
    o = a.overall
    console.print(f"《{r.name}》服务质量分析表 {a.period_label}: 读取 {len(result.files)} 个文件")
    console.print(f"  有效评分 {o.n} 通;校正录音 {len(a.calibration.benchmark_calls)} 条")
    print_account(a.account)
    if o.mean_score is None:  # a ledger rubric: the agents' period scores
        from zhijian.engine.ledger import score_line
        console.print(f"  {score_line(a)};不良比率最高的服务能力项: {'、'.join(a.topics) or '无'}")
    else:
        console.print(f"  平均分 {o.mean_score:.1f},优良率 {o.excellent_rate:.1%},轻微不良 {o.slight_defect_rate:.1%},"
                      f"一般不良 {o.general_defect_rate:.1%},"
                      f"{r.analysis.general[0]:g}分以下 {o.below_80_rate:.1%}")  # follows full marks
        console.print(f"  平均不良比率 {o.mean_defect_rate:.1%}({o.mean_defect_level});"
                      f"不良比率最高的服务能力项: {'、'.join(a.topics) or '无'}")
    if result.findings:
        console.print(f"  {len(result.findings)} 个校验问题,详见输出的“排除与重复”工作表", style="yellow")
    print_appeals(result.appeals)
    console.print(f"已写出: {out}")




@click.command()
@click.argument("inputs", nargs=-1, required=True)
@click.option("--rubric", "rubric_name", required=True, help="评分标准名称或文件,如 listening-10x4")
@click.option("--week", type=IsoWeek(), help="ISO 周,如 2026-W42(默认: 评分表中最近的、通数不少于最多那一周一半的一周)")
@click.option("--lead", help="质检班长姓名: 校正录音以其评分为基准")
@click.option("--quota", type=Count(1, 10_000), default=60, show_default=True,
              help="每名质检员每个工作日的监听定额")
@roster_option
@topic_option
@click.option("--project-start", type=Day(), help="项目开始日期,如 2026-10-08: 其所在的一周为项目首周(质检主题取业务能力)")
@appeals_options
@click.option("-o", "--output", type=OutputPath(),
              help="输出的质检周报 .xlsx,或输出文件夹(默认: 当前文件夹下的 质检周报_2026-W42.xlsx 这样的名称)")
@store_option
@cache_option
@json_option
@handle_errors
@nothing_to_report
def weekly(inputs, rubric_name, week, lead, quota, roster, topics, project_start, appeals, window_hours,
           publish_time, output, store, no_cache, as_json):
    """生成质检周报(周一至周日),例如:

    zhijian weekly zhijian-demo/sheets --rubric listening-10x4 --week 2026-W42

    不写 -o 时写出当前文件夹下的 质检周报_2026-W42.xlsx。
    """
    from zhijian.pipeline.jobs import weekly_report, write_periodic
    from zhijian.files.names import WEEKLY, report_name
    from zhijian.files.rubrics import load_rubric

    r = load_rubric(rubric_name)
    result = run_with_progress(as_json, weekly_report, rubric=r, inputs=list(inputs), week=week, lead=lead,
                               quota_per_day=quota, appeals=appeals, policy=policy(window_hours, publish_time),
                               rubric_source=rubric_name, other_rubrics=other_rubrics(r), roster=roster,
                               project_start=project_start, topics=list(topics) or None,
                               store=resolved_store(store), output=named_output(output), cache=not no_cache)
    out = write_periodic(result, output_file(output, report_name(WEEKLY, result.provenance.options["week"])))
    rep = result.report
    if as_json:
        print_json({**rep.to_dict(), "output": str(out)})
        return
    d = rep.to_dict()
    console.print(f"《{r.name}》质检周报 {d['label']}: 有效评分 {d['n']} 通,工作日 {d['working_days']} 天({d['calendar']})")
    print_account(rep.analysis.account)
    from zhijian.engine.ledger import score_line
    console.print(f"  {score_line(rep.analysis)}")
    console.print(f"  本周质检主题: {'、'.join(d['topics_this_week']) or '无'}({d['topics_basis']});"
                  f"下周建议: {'、'.join(d['topics_next_week']) or '无'}")
    print_appeals(result.appeals)
    console.print(f"已写出: {out}")


@click.command()
@click.argument("inputs", nargs=-1, required=True)
@click.option("--rubric", "rubric_name", required=True, help="评分标准名称或文件,如 listening-10x4")
@click.option("--month", type=Month(), help="月份,如 2026-10(默认: 评分表中最近的、通数不少于最多那个月一半的月份)")
@click.option("--previous", multiple=True,
              help="上月的评分表(文件、文件夹或通配符,可多次指定);不给且本次评分表中没有上月时,取历史库中的上月")
@click.option("--lead", help="质检班长姓名: 校正录音以其评分为基准")
@click.option("--target", type=Count(1, 10_000), default=5, show_default=True,
              help="轮回抽检: 每名坐席每个工作日的抽检条数")
@click.option("--plans", type=click.Path(), help="抽检计划所在的文件夹: 核对计划外的评分和计划内未评的录音")
@roster_option
@topic_option
@appeals_options
@complaints_option
@click.option("-o", "--output", type=OutputPath(),
              help="输出的质检月报 .xlsx,或输出文件夹(默认: 当前文件夹下的 质检月报_2026-10.xlsx 这样的名称)")
@store_option
@cache_option
@json_option
@handle_errors
@nothing_to_report
def monthly(inputs, rubric_name, month, previous, lead, target, plans, roster, topics, appeals, window_hours,
            publish_time, complaints, output, store, no_cache, as_json):
    """生成质检月报,例如:

    zhijian monthly zhijian-demo/sheets --rubric listening-10x4 --month 2026-10

    不写 -o 时写出当前文件夹下的 质检月报_2026-10.xlsx。
    """
    from zhijian.pipeline.jobs import monthly_report, write_periodic
    from zhijian.files.names import MONTHLY, report_name
    from zhijian.files.rubrics import load_rubric

    r = load_rubric(rubric_name)
    result = run_with_progress(as_json, monthly_report, rubric=r, inputs=list(inputs), month=month,
                               previous=list(previous) or None, lead=lead, sampling_target=target,
                               appeals=appeals, policy=policy(window_hours, publish_time), rubric_source=rubric_name,
                               other_rubrics=other_rubrics(r), plans=plans, roster=roster,
                               topics=list(topics) or None, store=resolved_store(store),
                               complaints=list(complaints) or None, output=named_output(output),
                               cache=not no_cache)
    out = write_periodic(result, output_file(output, report_name(MONTHLY, result.provenance.options["month"])))
    d = result.report.to_dict()
    if as_json:
        print_json({**d, "output": str(out)})
        return
    console.print(f"《{r.name}》质检月报 {d['label']}: 有效评分 {d['n']} 通,工作日 {d['working_days']} 天({d['calendar']})")
    print_account(result.report.analysis.account)
    print_register_accounts(result.report.extra)
    from zhijian.engine.ledger import score_line
    console.print(f"  {score_line(result.report.analysis)}")
    status = {}
    for a in d["sampling"]:
        status[a["status"]] = status.get(a["status"], 0) + 1
    console.print("  轮回抽检: " + (",".join(f"{k} {v} 人" for k, v in status.items()) or "无"))
    if "plan_check" in d:
        pc = d["plan_check"]
        console.print(f"  抽检计划核对({len(pc['days'])} 天): " + (";".join(
            f"{i['inspector']} 计划 {i['planned']} 通,按计划评分 {i['scored_as_planned']},计划未评 {i['never_scored']},"
            f"计划外 {i['unplanned']}" for i in pc["inspectors"]) or "无"))
    if d["unknown_agents"]:
        console.print("  名单外工号(未计入考核与排名): "
                      + "、".join(f"{u['agent_id']}({u['calls']} 通)" for u in d["unknown_agents"]))
    print_appeals(result.appeals)
    console.print(f"已写出: {out}")
