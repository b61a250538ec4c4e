"""The 抽检计划 button, over the open workbook: the call system's list of the day's calls.

It reads the workbook's sheets in one batch and runs the same pipeline function as `zhijian sample`
(`pipeline.sampling.plan_from_grids`) with the roster of the settings (人员名单, whose 质检员 column
names the inspectors); the recordings already in the configured 评分表文件夹 are not drawn. The plan
workbook and each inspector's prefilled 评分表 go to a folder 抽检_YYYY-MM-DD in the output folder
(else beside this workbook), and the plan is opened.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from zhijian.errors import InputFileError
from .common import SETTINGS_SHEET, TITLE, ButtonResult, book_grids, writing
from .port import WorkbookPort
from .settings import load_settings, rubric_of


def sample_folder(base: Path, day: dt.date) -> Path:
    return base / f"抽检_{day:%Y-%m-%d}"


def sample_on_port(port: WorkbookPort, day: dt.date | None = None) -> ButtonResult:
    """抽检计划: the day's plan (default: the latest day of the open call list) and the 评分表."""
    from zhijian.pipeline.sampling import NoInspectorsError, plan_from_grids, read_roster, write_plan

    settings = load_settings(port)
    rubric = rubric_of(settings)
    if settings.roster is None:
        raise InputFileError(f"请先填写人员名单: 点“配置”,在“{SETTINGS_SHEET}”工作表中填写“人员名单”"
                             "(含工号、姓名、班组、质检员列的文件)")
    port.status(f"{TITLE}: 正在读取通话记录……")
    grids = book_grids(port, "通话记录")
    roster = read_roster(settings.roster)
    scored, notes = _scored(rubric, settings.folder)
    port.status(f"{TITLE}: 正在抽取录音……")
    try:
        result = plan_from_grids(grids, roster, day=day, scored=scored)
    except NoInspectorsError:
        raise InputFileError(f"人员名单 {settings.roster} 中没有“质检员”列: 请在名单中加一列“质检员”,"
                             "写上参加抽检的质检员") from None
    plan = result.plan
    base = settings.output or (port.path.parent if port.path else Path.home())
    out_dir = sample_folder(base, plan.date)
    port.status(f"{TITLE}: 正在写出抽检计划和评分表……")
    outputs = writing(out_dir, lambda d: write_plan(result, rubric, d))
    port.open_workbook(outputs[0])
    agents = sum(len(g.agents) for g in plan.groups)
    lines = [f"抽检计划 {plan.date:%Y-%m-%d}(随机种子 {plan.seed}): 坐席 {agents} 名,质检员 {len(plan.groups)} 名,"
             f"抽取 {len(plan.draws)} 通。"]
    lines += [f"{g.inspector}: {len(g.draws)} 通" for g in plan.groups]
    if plan.short:
        lines.append(f"抽检不足 {len(plan.short)} 人,见“抽检不足”工作表。")
    errors = result.errors
    warnings = len(result.findings) - errors
    if result.findings:
        lines.append(f"通话记录有 {errors} 个错误、{warnings} 个警告(有错误的行未参与抽取),见“说明”工作表。")
    lines += notes + result.notes + list(plan.notes)
    lines.append(f"已写出: {out_dir}")
    message = "\n".join(lines)
    port.status(None)
    port.alert(message)
    return ButtonResult(message, outputs[0], errors=errors, warnings=warnings,
                        details={"date": plan.date.isoformat(), "draws": len(plan.draws),
                                 "outputs": [str(p) for p in outputs]})


def _scored(rubric, folder: Path | None) -> tuple[set[str], list[str]]:
    """The recordings of the configured 评分表文件夹 (not drawn again), and a note when it has none."""
    from zhijian.pipeline.sampling import scored_recordings

    if folder is None or not Path(folder).is_dir():
        return set(), []
    try:
        return scored_recordings(rubric, [str(folder)]), []
    except InputFileError:
        return set(), [f"评分表文件夹 {folder} 中没有评分表,未排除已评分的录音。"]
