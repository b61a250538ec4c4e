"""`zhijian rubric check|list|show`: the rubric files."""

from __future__ import annotations

import sys

import click
from rich.table import Table

from .common import console, handle_errors, json_option, print_error, print_json, styled

@click.group()
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
                print_error(line)
        sys.exit(e.exit_code)
    from zhijian.engine.columns import alias_warnings
    from zhijian.engine.rubric import band_edge_conflicts

    warnings = band_edge_conflicts(r) + alias_warnings(r)
    if as_json:
        print_json({"ok": True, "id": r.id, "version": r.version, "items": len(r.items),
                    "offences": len(r.offences), "content_hash": r.content_hash, "warnings": warnings,
                    "ledger": r.ledger is not None})
    else:
        n = f"{len(r.items)} 个评分项" if r.items else f"{len(r.offences)} 条扣分条款"
        console.print(f"评分标准《{r.name}》({r.id} v{r.version}) 检查通过: {n},满分 {r.full_marks:g}")
        if r.ledger is not None:
            from zhijian.engine.ledger import describe_ledger

            console.print(describe_ledger(r))
        for w in band_edge_conflicts(r):  # the file works; its grade and analysis edges disagree at one score
            console.print(f"提醒: {w}(可用 grades 的 above 或 analysis.excellent_from 调整)", style="yellow")
        for w in alias_warnings(r):  # the file works; some header words it lists can never match
            console.print(f"提醒: {w}", style="yellow")


@rubric.command("list")
@json_option
@handle_errors
def rubric_list(as_json):
    """列出内置的评分标准,例如: zhijian rubric list"""
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
    from zhijian.engine.scale import LIFT_WORDS
    from zhijian.engine.rubric_rules import na_short, scoring_in_words

    r = load_rubric(name)
    if as_json:
        print_json(rubric_as_dict(r))
        return
    console.print(styled(f"《{r.name}》", "bold") + f" {r.id} v{r.version}  满分 {r.full_marks:g} / "
                  f"良好 {r.marks.good:g} / 最低允许 {r.marks.pass_:g}")
    if r.categories:
        t = Table("类别", "评分项", "满分", "允许分值", "不涉及", "严重程度", "分类", title="评分项")
        for c in r.categories:
            for i, it in enumerate(c.items):
                head = f"{c.name}({c.max_points:g}" + (f",权重 {c.weight:g})" if c.weight is not None else ")")
                t.add_row(head if i == 0 else "", it.name, f"{it.max:g}",
                          it.describe_allowed(), na_short(it),
                          it.severity, it.item_class)
        console.print(t)
        for line in scoring_in_words(r):
            console.print(line)
    if r.offences:
        from zhijian.engine.ledger import describe_ledger
        from zhijian.engine.ledger_model import escalation_of

        t = Table("编号", "扣分条款", "每次扣分", "加倍情形", title=f"扣分条款(基准分 {r.start_score:g})")
        for o in r.offences:
            esc = escalation_of(r, o)
            pts = f"{o.points:g}" if esc is None else \
                f"{esc.window_days} 天内第 1…{len(esc.points)} 次 {'/'.join(f'{p:g}' for p in esc.points)},之后每次 {esc.points[-1]:g}"
            t.add_row(o.id, o.name, pts, o.doubled_when or "")
        console.print(t)
        if r.ledger is not None:
            console.print(describe_ledger(r))
    rules = Table("类型", "规则", "作用于", "分值", "加分可否超出满分", title="加分、减分、清零")
    for b in r.bonuses:
        rules.add_row("加分", b.name, b.item, f"+{b.points:g}", LIFT_WORDS[b.lift])
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
        console.print("等级: " + r.describe_grades())
    for a in r.assumptions:
        console.print(f"· {a}")
