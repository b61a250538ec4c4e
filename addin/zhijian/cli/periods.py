"""`zhijian quarterly` and `zhijian yearly`: the 季度/年度质检考核表, from the history store or from
sheets."""

from __future__ import annotations

import click

from .common import (appeals_options, console, handle_errors, json_option, other_rubrics, policy, print_json,
                     print_account, print_note, print_register_accounts, progress_bar)
from .options import Count, OutputPath, Quarter, Year
from .outputs import named_output, output_file
from .store_option import complaints_option, resolved_store, store_option


def review_options(fn):
    fn = click.option("-o", "--output", type=OutputPath(),
                      help="输出的考核表 .xlsx,或输出文件夹(默认: 当前文件夹下的 季度质检考核表_2026-Q4.xlsx、"
                           "年度质检考核表_2026.xlsx)")(fn)
    fn = click.option("--min-calls", default=5, show_default=True, type=Count(1, 10_000),
                      help="坐席当月有效通数不少于此数时,月度评分计入考核")(fn)
    fn = click.option("--stars", default=3, show_default=True, type=Count(1, 10_000), help="服务之星候选人数")(fn)
    fn = click.option("--lead", help="质检班长姓名: 校正录音以其评分为基准")(fn)
    fn = click.option("--rubric", "rubric_name", required=True, help="评分标准名称或文件,如 listening-10x4")(fn)
    return click.argument("inputs", nargs=-1)(fn)


@click.command()
@review_options
@click.option("--quarter", type=Quarter(), help="季度,如 2026-Q4(默认: 数据中最近的、通数不少于最多那个月一半的月份所在的季度)")
@appeals_options
@complaints_option
@store_option
@json_option
@handle_errors
def quarterly(inputs, rubric_name, lead, stars, min_calls, output, quarter, appeals, window_hours, publish_time,
              complaints, store, as_json):
    """生成季度质检考核表(不给评分表时从历史库读取),例如:

    zhijian quarterly --rubric listening-10x4 --quarter 2026-Q4 --store zhijian.duckdb

    不写 -o 时写出当前文件夹下的 季度质检考核表_2026-Q4.xlsx。
    """
    _run("quarter", quarter, inputs, rubric_name, lead, stars, min_calls, output, appeals,
         (window_hours, publish_time), complaints, store, as_json)


@click.command()
@review_options
@click.option("--year", type=Year(), help="年份,如 2026(默认: 数据中最近的、通数不少于最多那个月一半的月份所在的年份)")
@appeals_options
@complaints_option
@store_option
@json_option
@handle_errors
def yearly(inputs, rubric_name, lead, stars, min_calls, output, year, appeals, window_hours, publish_time, complaints,
           store, as_json):
    """生成年度质检考核表(不给评分表时从历史库读取),例如:

    zhijian yearly --rubric listening-10x4 --year 2026 --store zhijian.duckdb

    不写 -o 时写出当前文件夹下的 年度质检考核表_2026.xlsx。
    """
    _run("year", year, inputs, rubric_name, lead, stars, min_calls, output, appeals, (window_hours, publish_time),
         complaints, store, as_json)


def _run(kind, period, inputs, rubric_name, lead, stars, min_calls, output, appeals, timing, complaints, store,
         as_json):
    """`timing`: (the appeal window in hours, the publication time), as `common.policy` takes them."""
    from zhijian.files import names
    from zhijian.files.rubrics import load_rubric
    from zhijian.pipeline.history import period_review, write_review

    r = load_rubric(rubric_name)
    with progress_bar(as_json) as bar:
        task = bar.add_task("读取评分表", total=None)
        result = period_review(r, kind, period, list(inputs) or None, store=resolved_store(store), lead=lead,
                               min_calls=min_calls, stars=stars, appeals=appeals, policy=policy(*timing),
                               rubric_source=rubric_name, other_rubrics=other_rubrics(r),
                               complaints=list(complaints) or None, output=named_output(output),
                               on_files=lambda n: bar.update(task, total=n), progress=lambda p: bar.advance(task))
    for n in result.notes:
        print_note(n)
    what = names.QUARTERLY if kind == "quarter" else names.YEARLY
    out = write_review(result, output_file(output, names.report_name(what, result.provenance.options[kind])))
    rep = result.review
    if as_json:
        print_json({**rep.to_dict(), "output": str(out)})
        return
    o = rep.overall.overall
    source = "历史库" if result.from_store else f"{len(result.files)} 个文件"
    console.print(f"《{r.name}》{rep.word}质检考核表 {rep.label}({source}): 有效评分 {o.n} 通,"
                  f"坐席 {len(rep.agents)} 人,考核月份 {'、'.join(rep.assessed) or '无'}")
    print_account(rep.overall.account, roster_option=False)  # no --roster here: never name it
    print_register_accounts(rep.extra)
    if o.n:
        from zhijian.engine.ledger import score_line
        console.print(f"  {score_line(rep.overall)}")
    console.print("  服务之星候选: " + ("、".join(f"{a}{n}" for a, n in zip(rep.stars["工号"], rep.stars["姓名"]))
                                       or "无"))
    console.print("  岗位调整候选: " + ("、".join(f"{a}{n}" for a, n in zip(rep.adjustments["工号"],
                                                                             rep.adjustments["姓名"])) or "无"))
    console.print(f"已写出: {out}")
