"""The command line: each command parses arguments, calls one library function, prints the result
(a rich table, or JSON with --json). Errors become one Chinese line and an exit code."""

from __future__ import annotations

import functools
import json
import sys
import traceback
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from zhijian import __version__
from zhijian.errors import ZhijianError

# soft_wrap: messages are never broken mid-line (a file path must stay whole); off a terminal,
# tables get room enough for Chinese columns.
_WIDTH = None if sys.stdout.isatty() else 160
console = Console(highlight=False, soft_wrap=True, width=_WIDTH)
err_console = Console(stderr=True, highlight=False, soft_wrap=True, width=_WIDTH)


def _log_path() -> Path:
    import tempfile
    return Path(tempfile.gettempdir()) / "zhijian-error.log"


def handle_errors(fn):
    """Turn what stops work into a Chinese message and an exit code; never show a traceback."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except ZhijianError as e:
            err_console.print(f"[red]{e}[/red]")
            sys.exit(e.exit_code)
        except (click.exceptions.Exit, click.ClickException, SystemExit, KeyboardInterrupt):
            raise
        except Exception:  # noqa: BLE001 - the last line of defence for users
            log = _log_path()
            log.write_text(traceback.format_exc(), encoding="utf-8")
            err_console.print(f"[red]内部错误,请把日志文件 {log} 发给开发人员[/red]")
            sys.exit(3)

    return wrapper


def appeals_options(fn):
    fn = click.option("--window-hours", default=48.0, show_default=True,
                      help="申诉时限: 成绩公布(评分日次日 10:00)后的小时数")(fn)
    return click.option("--appeals", type=click.Path(), help="申诉登记表 .xlsx: 改判的申诉替换原分数")(fn)


def _policy(window_hours: float):
    from zhijian.engine.appeals import AppealPolicy
    return AppealPolicy(window_hours=window_hours)


def json_option(fn):
    return click.option("--json", "as_json", is_flag=True, help="以 JSON 输出结果")(fn)


def print_json(data) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="zhijian")
def cli():
    """质检 zhijian: 评分表校验、计分、汇总分析。"""


# --- rubric -----------------------------------------------------------------------------------

@cli.group()
def rubric():
    """评分标准: 检查、查看。"""


@rubric.command("check")
@click.argument("file")
@json_option
@handle_errors
def rubric_check(file, as_json):
    """检查评分标准文件,例如: zhijian rubric check rubrics/listening-10x4.yaml"""
    from zhijian.errors import RubricError
    from zhijian.files.rubrics import load_rubric

    try:
        r = load_rubric(file)
    except RubricError as e:
        if as_json:
            print_json({"ok": False, "problems": [
                {"file": f, "line": line, "message": m} for f, line, m in e.problems]})
        else:
            for line in e.lines():
                err_console.print(f"[red]{line}[/red]")
        sys.exit(e.exit_code)
    if as_json:
        print_json({"ok": True, "id": r.id, "version": r.version, "items": len(r.items),
                    "offences": len(r.offences), "content_hash": r.content_hash})
    else:
        n = f"{len(r.items)} 个评分项" if r.items else f"{len(r.offences)} 条扣分条款"
        console.print(f"评分标准《{r.name}》({r.id} v{r.version}) 检查通过: {n},满分 {r.full_marks:g}")


@rubric.command("list")
@json_option
@handle_errors
def rubric_list(as_json):
    """列出内置的评分标准。"""
    from zhijian.files.rubrics import bundled_rubric_names, load_rubric

    rubrics = [load_rubric(name) for name in bundled_rubric_names()]
    if as_json:
        print_json([{"id": r.id, "name": r.name, "version": r.version, "content_hash": r.content_hash}
                    for r in rubrics])
        return
    for r in rubrics:
        click.echo(f"{r.id}\t{r.name} v{r.version}")


@rubric.command("show")
@click.argument("name")
@json_option
@handle_errors
def rubric_show(name, as_json):
    """以表格显示评分标准,例如: zhijian rubric show qc-v3.1"""
    from zhijian.files.rubrics import load_rubric
    from zhijian.engine.rubric import rubric_as_dict

    r = load_rubric(name)
    if as_json:
        print_json(rubric_as_dict(r))
        return
    console.print(f"[bold]《{r.name}》[/bold] {r.id} v{r.version}  满分 {r.full_marks:g} / "
                  f"良好 {r.marks.good:g} / 最低允许 {r.marks.pass_:g}")
    if r.categories:
        t = Table("类别", "评分项", "满分", "允许分值", "不涉及", "严重程度", "分类", title="评分项")
        for c in r.categories:
            for i, it in enumerate(c.items):
                t.add_row(f"{c.name}({c.max_points:g})" if i == 0 else "", it.name, f"{it.max:g}",
                          it.describe_allowed(), "按满分" if it.na == "full" else "不允许",
                          it.severity, it.item_class)
        console.print(t)
        console.print(f"整通得分 = {r.scale:g} × 各类别得分之和")
    if r.offences:
        t = Table("编号", "扣分条款", "每次扣分", "加倍情形", title=f"扣分条款(基准分 {r.start_score:g})")
        for o in r.offences:
            t.add_row(o.id, o.name, f"{o.points:g}", o.doubled_when or "")
        console.print(t)
    rules = Table("类型", "规则", "作用于", "分值", title="加分、减分、清零")
    for b in r.bonuses:
        rules.add_row("加分", b.name, b.item, f"+{b.points:g}")
    for d in r.deductions:
        rules.add_row("减分", d.name, d.item, f"-{d.points:g}")
    for z in r.zero_outs:
        scope = {"item": "评分项", "category": "类别", "call": "整通"}[z.scope]
        rules.add_row("清零", z.name, f"{scope} {z.target or ''}".strip(), "0")
    if r.fatal_errors.enabled:
        rules.add_row("致命性错误", "单独统计", "整通", "清零" if r.fatal_errors.zero_call else "不清零")
    if r.error_deduction.enabled:
        ed = r.error_deduction
        rules.add_row("差错扣分", "从整通得分中扣除,最终得分不低于 0", "整通", f"{ed.min:g}–{ed.max:g}")
    if rules.row_count:
        console.print(rules)
    if r.grades:
        console.print("等级: " + ",".join(f"{g.name} ≥ {g.min:g}" for g in r.grades))
    for a in r.assumptions:
        console.print(f"· {a}")


# --- sheets -----------------------------------------------------------------------------------

def _other_rubrics(current):
    from zhijian.files.rubrics import bundled_rubric_names, load_rubric
    return [load_rubric(n) for n in bundled_rubric_names() if n != current.id]


def _check(inputs, rubric_name, roster=None, period=None, require_fields=True):
    from zhijian.errors import InputFileError
    from zhijian.files.rubrics import load_rubric
    from zhijian.engine.periods import parse_period
    from zhijian.pipeline.load import check_files
    from zhijian.files.inputs import expand_inputs
    from zhijian.files.workbooks import read_roster

    r = load_rubric(rubric_name)
    files, notes = expand_inputs(list(inputs))
    for n in notes:
        err_console.print(f"[yellow]{n}[/yellow]")
    if not files:
        raise InputFileError("没有可读取的评分表文件")
    per = None
    if period:
        try:
            per = parse_period(period)
        except ValueError:
            raise InputFileError(f"无法识别的统计期“{period}”,请写成 2026-11、2026-W47 或 2026-11-02") from None
    ros = read_roster(Path(roster)) if roster else None
    return r, files, check_files(r, files, roster=ros, period=per, other_rubrics=_other_rubrics(r),
                                 require_fields=require_fields)


def _mapping_table(sheet, rubric) -> Table:
    """How the reader mapped a sheet's columns (列映射)."""
    from zhijian.engine.columns import column_specs

    meanings = {sp.key: (f"评分项 {sp.key}" if sp.kind == "item" else sp.header) for sp in column_specs(rubric)}

    where = f"{Path(sheet.file).name} / {sheet.sheet}"
    if sheet.header_row is None:
        return Table(title=f"{where}: 找不到表头")
    t = Table("列", "表头", "对应", title=f"{where}: 表头在第 {sheet.header_row} 行")
    for key, letter, header in sheet.mapping_report():
        t.add_row(letter, header, meanings.get(key, key))
    for letter, header in sorted(sheet.extra_columns.items(), key=lambda kv: (len(kv[0]), kv[0])):
        t.add_row(letter, header, "[dim]未使用(保留)[/dim]")
    return t


def _findings_table(report) -> Table:
    from zhijian.engine.findings import SEVERITY_ZH
    t = Table("级别", "文件", "工作表", "单元格", "说明", title=f"校验结果: {report.errors} 个错误,{report.warnings} 个警告")
    for f in report.findings:
        colour = "red" if f.severity == "error" else "yellow"
        t.add_row(f"[{colour}]{SEVERITY_ZH[f.severity]}[/{colour}]", Path(f.file).name, f.sheet, f.cell, f.message)
    return t


@cli.command()
@click.argument("inputs", nargs=-1, required=True)
@click.option("--rubric", "rubric_name", required=True, help="评分标准名称或文件,如 listening-10x4")
@click.option("--roster", type=click.Path(), help="人员名单(含“工号”列的 .xlsx 或 .csv)")
@click.option("--period", help="统计期: 2026-11、2026-W47、2026-11-02 或 起..止")
@click.option("--write", is_flag=True, help="在源文件旁写一份标出问题单元格的副本(*.checked.xlsx)")
@click.option("--mapping", is_flag=True, help="显示每个工作表的表头行和各列对应的评分项、字段")
@json_option
@handle_errors
def validate(inputs, rubric_name, roster, period, write, mapping, as_json):
    """校验评分表,例如: zhijian validate 评分表/*.xlsx --rubric listening-10x4 --period 2026-11

    有错误时退出码为 1。"""
    from zhijian.files.copies import write_checked_copy

    r, files, checked = _check(inputs, rubric_name, roster, period)
    written = []
    if write:
        for f in files:
            if any(x.file == str(f) and x.rule != "file.unreadable" for x in checked.report.findings) or \
                    any(s.file == str(f) for s in checked.sheets):
                written.append(str(write_checked_copy(f, checked.report.findings)))
    if as_json:
        data = checked.report.to_dict()
        if write:
            data["written"] = written
        if mapping:
            data["sheets"] = [{"file": s.file, "sheet": s.sheet, "header_row": s.header_row,
                               "columns": dict(s.columns), "extra_columns": dict(s.extra_columns)}
                              for s in checked.sheets]
        print_json(data)
    else:
        if mapping:
            for sheet in checked.sheets:
                console.print(_mapping_table(sheet, r))
        if checked.report.findings:
            console.print(_findings_table(checked.report))
        console.print(f"共读取 {len(files)} 个文件、{checked.report.rows} 行评分;"
                      f"{checked.report.errors} 个错误,{checked.report.warnings} 个警告。")
        for w in written:
            console.print(f"已写出标注副本: {w}")
    sys.exit(1 if checked.report.errors else 0)


@cli.command()
@click.argument("inputs", nargs=-1, required=True)
@click.option("--rubric", "rubric_name", required=True, help="评分标准名称或文件,如 listening-10x4")
@click.option("--write", is_flag=True, help="在源文件旁写一份填好“最终得分”列的副本(*.scored.xlsx)")
@json_option
@handle_errors
def score(inputs, rubric_name, write, as_json):
    """按评分标准计算每通录音的最终得分,例如: zhijian score 评分表.xlsx --rubric listening-10x4"""
    from zhijian.files.copies import write_scored_copy

    r, files, checked = _check(inputs, rubric_name, require_fields=False)
    fatal = [f for f in checked.report.findings if f.rule in ("file.unreadable", "sheet.unmapped",
                                                               "sheet.other_rubric")]
    if fatal and checked.calls.empty:
        for f in fatal:
            err_console.print(f"[red]{f.file} {f.sheet} {f.cell}: {f.message}[/red]")
        sys.exit(2)
    calls = checked.calls
    written = [str(write_scored_copy(f, checked.sheets, calls)) for f in files if write]
    if as_json:
        out = [{"file": c.file, "sheet": c.sheet, "row": int(c.row), "recording_id": c.recording_id,
                "agent_id": c.agent_id, "inspector": c.inspector,
                "date": c.date.isoformat() if hasattr(c.date, "isoformat") else None,
                "final_score": float(c.final_score)} for c in calls.itertuples()]
        data = {"calls": out}
        if write:
            data["written"] = written
        print_json(data)
        return
    t = Table("文件", "行", "录音编号", "工号", "质检员", "日期", "整通得分", "差错扣分", "最终得分", "等级",
              title=f"《{r.name}》计分结果")
    for c in calls.head(50).itertuples():
        t.add_row(Path(c.file).name, str(c.row), c.recording_id, c.agent_id, c.inspector,
                  str(c.date or ""), f"{c.call_score:g}", f"{c.error_deduction:g}", f"{c.final_score:g}", c.grade)
    console.print(t)
    if len(calls) > 50:
        console.print(f"……共 {len(calls)} 通,只显示前 50 通(完整结果请用 --json 或 --write)")
    if len(calls):
        console.print(f"{len(calls)} 通录音,平均最终得分 {calls['final_score'].mean():.1f}")
    if checked.report.errors:
        console.print(f"[yellow]有 {checked.report.errors} 个校验错误,请运行 zhijian validate 查看[/yellow]")
    for w in written:
        console.print(f"已写出计分副本: {w}")


@cli.command()
@click.argument("inputs", nargs=-1, required=True)
@click.option("--rubric", "rubric_name", required=True, help="评分标准名称或文件,如 listening-10x4")
@click.option("--period", "period_kind", type=click.Choice(["day", "week", "month"]), default="month",
              show_default=True, help="统计周期")
@click.option("--date", "date_text", help="统计周期内的任一日期(默认: 评分表中最晚的日期)")
@click.option("--lead", help="质检班长姓名: 校正录音以其评分为基准(默认取各评分项中位数)")
@appeals_options
@click.option("-o", "--output", required=True, type=click.Path(), help="输出的服务质量分析表 .xlsx")
@json_option
@handle_errors
def consolidate(inputs, rubric_name, period_kind, date_text, lead, appeals, window_hours, output, as_json):
    """把各质检员的评分表汇总成服务质量分析表,例如:

    zhijian consolidate zhijian-demo/sheets --rubric listening-10x4 --period month -o 分析表.xlsx
    """
    import datetime as dt

    from rich.progress import Progress

    from zhijian.pipeline.jobs import consolidate as run, write_consolidation
    from zhijian.errors import InputFileError
    from zhijian.files.rubrics import load_rubric

    r = load_rubric(rubric_name)
    day = None
    if date_text:
        try:
            day = dt.date.fromisoformat(date_text)
        except ValueError:
            raise InputFileError(f"无法识别的日期“{date_text}”,请写成 2026-11-02") from None
    with Progress(console=err_console, transient=True, disable=as_json) as bar:
        task = bar.add_task("读取评分表", total=None)
        result = run(r, list(inputs), period_kind=period_kind, date=day, lead=lead,
                     other_rubrics=_other_rubrics(r), appeals=appeals, policy=_policy(window_hours),
                     rubric_source=rubric_name,
                     on_files=lambda n: bar.update(task, total=n),
                     progress=lambda p: bar.advance(task))
    for n in result.notes:
        err_console.print(f"[yellow]{n}[/yellow]")
    out = write_consolidation(result, Path(output))
    a = result.analysis
    if as_json:
        data = a.to_dict()
        data["output"] = str(out)
        print_json(data)
        return
    o = a.overall
    console.print(f"《{r.name}》服务质量分析表 {a.period_label}: 读取 {len(result.files)} 个文件")
    console.print(f"  有效评分 {o.n} 通;有错误而排除 {a.excluded_rows} 行;重复录音 {len(a.duplicates)} 行;"
                  f"校正录音 {len(a.calibration.benchmark_calls)} 条")
    if o.n:
        console.print(f"  平均分 {o.mean_score:.1f},优良率 {o.excellent_rate:.1%},轻微不良 {o.slight_defect_rate:.1%},"
                      f"一般不良 {o.general_defect_rate:.1%},80分以下 {o.below_80_rate:.1%}")
        console.print(f"  平均不良比率 {o.mean_defect_rate:.1%}({o.mean_defect_level});"
                      f"建议质检主题: {'、'.join(a.topics) or '无'}")
    if result.findings:
        console.print(f"  [yellow]{len(result.findings)} 个校验问题,详见输出的“排除与重复”工作表[/yellow]")
    _print_appeals(result.appeals)
    console.print(f"已写出: {out}")


def _print_appeals(outcomes) -> None:
    if outcomes is None:
        return
    counts: dict[str, int] = {}
    for o in outcomes:
        counts[o.status] = counts.get(o.status, 0) + 1
    text = ",".join(f"{k} {v}" for k, v in counts.items()) or "无"
    console.print(f"  申诉: {text}(详见“申诉处理”工作表)")


def _run_with_progress(as_json, fn, **kwargs):
    from rich.progress import Progress

    with Progress(console=err_console, transient=True, disable=as_json) as bar:
        task = bar.add_task("读取评分表", total=None)
        result = fn(on_files=lambda n: bar.update(task, total=n), progress=lambda p: bar.advance(task), **kwargs)
    for n in result.notes:
        err_console.print(f"[yellow]{n}[/yellow]")
    return result


@cli.command()
@click.argument("inputs", nargs=-1, required=True)
@click.option("--rubric", "rubric_name", required=True, help="评分标准名称或文件,如 listening-10x4")
@click.option("--week", help="ISO 周,如 2026-W42(默认: 评分表中最近的一周)")
@click.option("--lead", help="质检班长姓名: 校正录音以其评分为基准")
@click.option("--quota", default=60, show_default=True, help="每名质检员每个工作日的监听定额")
@appeals_options
@click.option("-o", "--output", required=True, type=click.Path(), help="输出的质检周报 .xlsx")
@json_option
@handle_errors
def weekly(inputs, rubric_name, week, lead, quota, appeals, window_hours, output, as_json):
    """生成质检周报(周一至周日),例如:

    zhijian weekly zhijian-demo/sheets --rubric listening-10x4 --week 2026-W42 -o 质检周报.xlsx
    """
    from zhijian.pipeline.jobs import weekly_report, write_periodic
    from zhijian.errors import InputFileError
    from zhijian.files.rubrics import load_rubric

    if week and not __import__("re").fullmatch(r"\d{4}-W\d{1,2}", week, flags=2):
        raise InputFileError(f"无法识别的周“{week}”,请写成 2026-W42")
    r = load_rubric(rubric_name)
    result = _run_with_progress(as_json, weekly_report, rubric=r, inputs=list(inputs), week=week, lead=lead,
                                quota_per_day=quota, appeals=appeals, policy=_policy(window_hours),
                                rubric_source=rubric_name, other_rubrics=_other_rubrics(r))
    out = write_periodic(result, Path(output))
    rep = result.report
    if as_json:
        print_json({**rep.to_dict(), "output": str(out)})
        return
    d = rep.to_dict()
    console.print(f"《{r.name}》质检周报 {d['label']}: 有效评分 {d['n']} 通,工作日 {d['working_days']} 天({d['calendar']})")
    if d["n"]:
        console.print(f"  平均分 {d['mean_score']:.1f},优良率 {d['excellent_rate']:.1%},"
                      f"平均不良比率 {d['mean_defect_rate']:.1%}({d['mean_defect_level']})")
    console.print(f"  本周质检主题: {'、'.join(d['topics_this_week']) or '无'};"
                  f"下周建议: {'、'.join(d['topics_next_week']) or '无'}")
    _print_appeals(result.appeals)
    console.print(f"已写出: {out}")


@cli.command()
@click.argument("inputs", nargs=-1, required=True)
@click.option("--rubric", "rubric_name", required=True, help="评分标准名称或文件,如 listening-10x4")
@click.option("--month", help="月份,如 2026-10(默认: 评分表中最近的月份)")
@click.option("--previous", multiple=True, help="上月的评分表(文件、文件夹或通配符,可多次指定)")
@click.option("--lead", help="质检班长姓名: 校正录音以其评分为基准")
@click.option("--target", default=5, show_default=True, help="轮回抽检: 每名坐席每个工作日的抽检条数")
@appeals_options
@click.option("-o", "--output", required=True, type=click.Path(), help="输出的质检月报 .xlsx")
@json_option
@handle_errors
def monthly(inputs, rubric_name, month, previous, lead, target, appeals, window_hours, output, as_json):
    """生成质检月报,例如:

    zhijian monthly zhijian-demo/sheets --rubric listening-10x4 --month 2026-10 -o 质检月报.xlsx
    """
    from zhijian.pipeline.jobs import monthly_report, write_periodic
    from zhijian.errors import InputFileError
    from zhijian.files.rubrics import load_rubric

    if month and not __import__("re").fullmatch(r"\d{4}-\d{1,2}", month):
        raise InputFileError(f"无法识别的月份“{month}”,请写成 2026-10")
    r = load_rubric(rubric_name)
    result = _run_with_progress(as_json, monthly_report, rubric=r, inputs=list(inputs), month=month,
                                previous=list(previous) or None, lead=lead, sampling_target=target,
                                appeals=appeals, policy=_policy(window_hours), rubric_source=rubric_name,
                                other_rubrics=_other_rubrics(r))
    out = write_periodic(result, Path(output))
    d = result.report.to_dict()
    if as_json:
        print_json({**d, "output": str(out)})
        return
    console.print(f"《{r.name}》质检月报 {d['label']}: 有效评分 {d['n']} 通,工作日 {d['working_days']} 天({d['calendar']})")
    if d["n"]:
        console.print(f"  平均分 {d['mean_score']:.1f},优良率 {d['excellent_rate']:.1%},"
                      f"平均不良比率 {d['mean_defect_rate']:.1%}({d['mean_defect_level']})")
    status = {}
    for a in d["sampling"]:
        status[a["status"]] = status.get(a["status"], 0) + 1
    console.print("  轮回抽检: " + (",".join(f"{k} {v} 人" for k, v in status.items()) or "无"))
    _print_appeals(result.appeals)
    console.print(f"已写出: {out}")


@cli.group()
def appeals():
    """申诉: 登记表模板、校验。"""


@appeals.command("template")
@click.option("--rubric", "rubric_name", required=True, help="评分标准名称或文件")
@click.option("-o", "--output", required=True, type=click.Path(), help="输出的申诉登记表 .xlsx")
@handle_errors
def appeals_template(rubric_name, output):
    """生成申诉登记表,例如: zhijian appeals template --rubric listening-10x4 -o 申诉登记表.xlsx"""
    from zhijian.files.rubrics import load_rubric
    from zhijian.reports.template import write_appeals_template

    r = load_rubric(rubric_name)
    console.print(f"已生成申诉登记表: {write_appeals_template(r, Path(output))}")


@appeals.command("check")
@click.argument("register", type=click.Path())
@click.argument("inputs", nargs=-1, required=True)
@click.option("--rubric", "rubric_name", required=True, help="评分标准名称或文件")
@click.option("--window-hours", default=48.0, show_default=True, help="申诉时限(小时)")
@json_option
@handle_errors
def appeals_check(register, inputs, rubric_name, window_hours, as_json):
    """校验申诉登记表并显示每条申诉的处理结果,例如:

    zhijian appeals check 申诉登记表.xlsx 评分表/ --rubric listening-10x4
    """
    from zhijian.pipeline.load import load_calls
    from zhijian.files.rubrics import load_rubric

    r = load_rubric(rubric_name)
    loaded = load_calls(r, list(inputs), appeals=register, policy=_policy(window_hours))
    mine = [f for f in loaded.findings if f.file == str(register)]
    if as_json:
        print_json({"appeals": [o.to_dict() for o in loaded.appeals],
                    "findings": [f.to_dict() for f in mine]})
    else:
        t = Table("行", "录音编号", "工号", "结果", "原得分", "新得分", "说明", title="申诉处理")
        for o in loaded.appeals:
            t.add_row(str(o.appeal.row), o.appeal.recording_id, o.appeal.agent_id, o.status,
                      "" if o.old_final is None else f"{o.old_final:g}",
                      "" if o.new_final is None else f"{o.new_final:g}", o.note)
        console.print(t)
        if mine:
            from zhijian.engine.findings import ValidationReport
            console.print(_findings_table(ValidationReport(mine)))
    sys.exit(1 if any(f.severity == "error" for f in mine) else 0)


@cli.command()
@click.argument("output", type=click.Path())
@click.argument("inputs", nargs=-1, required=True)
@json_option
@handle_errors
def audit(output, inputs, as_json):
    """复核报表: 按报表记录的评分标准和参数重新计算,检查每个数字是否一致,例如:

    zhijian audit 分析表.xlsx 评分表/

    一致时退出码为 0,不一致为 1。"""
    from zhijian.pipeline.audit import audit as run

    result = run(Path(output), list(inputs))
    if as_json:
        print_json(result.to_dict())
    else:
        for line in result.lines():
            console.print(line)
    sys.exit(0 if result.identical else 1)


@cli.command()
@click.argument("rubric_name")
@click.option("-o", "--output", required=True, type=click.Path(), help="输出的 .xlsx 文件")
@click.option("--rows", default=300, show_default=True, help="预置公式的行数")
@json_option
@handle_errors
def template(rubric_name, output, rows, as_json):
    """按评分标准生成空白评分表,例如: zhijian template listening-10x4 -o 评分表.xlsx"""
    from zhijian.files.rubrics import load_rubric
    from zhijian.reports.template import write_template

    r = load_rubric(rubric_name)
    path = write_template(r, Path(output), rows=rows)
    if as_json:
        print_json({"rubric": r.id, "version": r.version, "output": str(path), "rows": rows})
    else:
        console.print(f"已生成《{r.name}》评分表: {path}")


@cli.command()
@click.option("--out", "out_dir", default="zhijian-demo", show_default=True, type=click.Path())
@click.option("--month", default="2026-10", show_default=True, help="模拟数据的月份")
@click.option("--seed", default=20261022, show_default=True, help="随机种子(同一种子结果相同)")
@json_option
@handle_errors
def demo(out_dir, month, seed, as_json):
    """生成一个月的模拟评分表(3 名质检员、20 名坐席),并完成校验与计分。"""
    from zhijian.pipeline.demo import run_demo

    from rich.progress import Progress

    with Progress(console=err_console, transient=True, disable=as_json) as bar:
        task = bar.add_task("汇总分析: 读取评分表", total=None)
        summary = run_demo(Path(out_dir), month=month, seed=seed, progress=lambda p: bar.advance(task))
    if as_json:
        print_json(summary.to_dict())
        return
    for line in summary.lines():
        console.print(line)


from .email import email_command  # noqa: E402 - registered after the core commands

cli.add_command(email_command, "email")
from .addin import addin_group  # noqa: E402

cli.add_command(addin_group, "addin")


def main():
    cli(prog_name="zhijian")


if __name__ == "__main__":
    main()
