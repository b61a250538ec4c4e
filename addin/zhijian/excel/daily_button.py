"""The 日报 button: the day's package of a folder of 评分表, as `zhijian daily` (`pipeline.daily`):
the 质检日志, the day's 扣分凭单 and the zip of the day's sheets, written next to that folder,
the 质检日志 opened in Excel. The day is the latest one of the sheets; the inspector list comes
from the configured 人员名单 (its 质检员 sheet or column)."""

from __future__ import annotations

from pathlib import Path

from zhijian.files import names
from .common import TITLE, ButtonResult, refuse_open_workbook, writing
from .port import WorkbookPort
from .report_buttons import Progress, appeals_of, choose_folder, output_dir, store_of, unsaved_lines
from .settings import load_settings, other_rubrics, rubric_of


def daily_on_port(port: WorkbookPort, folder: Path | None = None) -> ButtonResult:
    """日报: `daily_package` + `write_daily_package` of the folder's latest day, opened in Excel."""
    from zhijian.pipeline.daily import daily_package, write_daily_package

    settings = load_settings(port)
    rubric = rubric_of(settings)
    folder = choose_folder(port, settings, "选择各质检员评分表所在的文件夹(日报)", folder)
    progress = Progress(port, "日报")
    pkg = daily_package(rubric, [str(folder)], roster=settings.roster, lead=settings.lead,
                        rubric_source=settings.rubric, other_rubrics=other_rubrics(rubric),
                        progress=progress.file, on_files=progress.files, **appeals_of(settings),
                        **store_of(settings))
    out = output_dir(settings, folder)
    day = pkg.report.day
    refuse_open_workbook(port, [out / names.daily_log_name(day), out / names.vouchers_name(day)], "日报")
    port.status(f"{TITLE}: 正在写出质检日志……")
    written = writing(out, lambda p: write_daily_package(pkg, p))
    port.open_workbook(written["log"])
    rep, o = pkg.report, pkg.report.analysis.overall
    lines = [f"《{rubric.name}》质检日志 {rep.label}: 有效评分 {o.n} 通,严重问题 {len(rep.serious)} 通"
             f"(扣分凭单 {len(pkg.register.vouchers)} 张),重复问题预警 {len(rep.repeated)} 项。",
             f"未交评分表: {'、'.join(rep.missing) or '无'}。", *unsaved_lines(port, folder, "日报")]
    lines += [f"已写出: {p}" for p in written.values()]
    message = "\n".join(lines)
    port.status(None)
    port.alert(message)
    return ButtonResult(message, written["log"], details={"n": o.n, "written": {k: str(p) for k, p in written.items()},
                                                          "missing": rep.missing})
