"""`zhijian addin build|install|uninstall`: the Excel add-ins of the 质检 ribbon tab."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .common import handle_errors, json_option, print_json
from .options import OutputFolder


def _settings(pairs: tuple[str, ...]) -> dict[str, str | bool]:
    out: dict[str, str | bool] = {}
    for pair in pairs:
        if "=" not in pair:
            raise click.BadParameter(f"“{pair}”应写成 键=值,例如 Interpreter_Win=C:\\Python311\\python.exe",
                                     param_hint="--set")
        key, value = pair.split("=", 1)
        low = value.strip().lower()
        out[key.strip()] = {"true": True, "false": False}.get(low, value.strip()) \
            if key.strip().upper() in ("USE UDF SERVER", "SHOW CONSOLE", "DEBUG UDFS") else value.strip()
    return out


@click.group("addin", context_settings={"help_option_names": ["-h", "--help"]})
def addin_group():
    """Excel 加载项(功能区“质检”选项卡): 生成、安装、卸载。"""


@addin_group.command("build")
@click.option("-o", "--output", "out_dir", default="dist", show_default=True, type=OutputFolder(),
              help="输出文件夹(每个按钮一个 .xlam)")
@click.option("--ribbon", type=click.Path(), help="功能区定义文件(默认: macros/ribbon.yaml)")
@click.option("--template", type=click.Path(), help="xlwings 的 quickstart_addin_ribbon.xlam(默认: 已安装的 xlwings 自带的)")
@click.option("--set", "pairs", multiple=True, metavar="键=值",
              help="写入加载项 myaddin.conf 工作表的 xlwings 设置,可多次使用,例如 --set Interpreter_Win=C:\\Python311\\python.exe")
@json_option
@handle_errors
def build(out_dir, ribbon, template, pairs, as_json):
    """生成 Excel 加载项,例如: zhijian addin build -o dist/"""
    from zhijian.excel.addin_build import build_all, load_ribbon

    written = build_all(out_dir, template=template, ribbon=ribbon, config=_settings(pairs))
    r = load_ribbon(ribbon)
    if as_json:
        print_json({"output": str(Path(out_dir)), "addins": [
            {"file": str(p), "module": b.module, "label": b.label, "group": b.group}
            for p, b in zip(written, r.buttons)]})
        return
    for p, b in zip(written, r.buttons):
        click.echo(f"{p}\t{b.label}")
    click.echo(f"已生成 {len(written)} 个加载项(功能区“{r.tab_label}”选项卡)。")


@addin_group.command("install")
@click.option("--target", type=click.Path(), help="安装到这个文件夹(默认: Excel 的启动文件夹 XLSTART)")
@click.option("--interpreter", help="加载项使用的 Python(默认: 运行本命令的 Python)")
@json_option
@handle_errors
def install(target, interpreter, as_json):
    """安装加载项到 Excel 启动文件夹(仅 Windows 与 macOS),例如: zhijian addin install

    安装前请先退出 Excel;安装后重新打开 Excel,功能区出现“质检”选项卡。"""
    from zhijian.excel.addin_build import install as run

    _require_excel_platform(target)
    written = run(target, interpreter=interpreter)
    exe = interpreter or sys.executable
    if as_json:
        print_json({"target": str(written[0].parent) if written else target, "interpreter": exe,
                    "addins": [str(p) for p in written]})
        return
    for p in written:
        click.echo(str(p))
    click.echo(f"已安装 {len(written)} 个加载项到 {written[0].parent if written else target},"
               f"使用的 Python: {exe}。请重新打开 Excel。")


def _require_excel_platform(target) -> None:
    """Without --target, installing needs Excel's startup folder: on Linux, say so and stop."""
    from zhijian.excel.addin_build import UnsupportedPlatform, startup_dir

    if target is None:
        try:
            startup_dir()
        except UnsupportedPlatform as e:
            click.echo(str(e), err=True)
            sys.exit(2)


@addin_group.command("uninstall")
@click.option("--target", type=click.Path(), help="从这个文件夹卸载(默认: Excel 的启动文件夹 XLSTART)")
@json_option
@handle_errors
def uninstall(target, as_json):
    """从 Excel 启动文件夹删除本项目的加载项(仅 Windows 与 macOS),例如: zhijian addin uninstall"""
    from zhijian.excel.addin_build import uninstall as run

    _require_excel_platform(target)
    removed = run(target)
    if as_json:
        print_json({"removed": [str(p) for p in removed]})
        return
    for p in removed:
        click.echo(f"已删除 {p}")
    click.echo(f"已卸载 {len(removed)} 个加载项。" if removed else "没有找到要卸载的加载项。")
