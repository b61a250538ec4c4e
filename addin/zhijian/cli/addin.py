"""`zhijian addin build|install|uninstall`: the Excel add-ins of the 质检 ribbon tab.

Registered in cli.py with `cli.add_command(addin_group, "addin")`. The shared error handling of
cli.py is looked up when a command runs (not at import), so cli.py may import this module anywhere.
"""

from __future__ import annotations

import functools
import sys
from pathlib import Path

import click


def _handled(fn):
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        from .main import handle_errors
        return handle_errors(fn)(*args, **kwargs)
    return wrapper


def _echo_json(data) -> None:
    import json
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


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
@click.option("-o", "--output", "out_dir", default="dist", show_default=True, type=click.Path(),
              help="输出文件夹(每个按钮一个 .xlam)")
@click.option("--ribbon", type=click.Path(), help="功能区定义文件(默认: macros/ribbon.yaml)")
@click.option("--template", type=click.Path(), help="xlwings 的 quickstart_addin_ribbon.xlam(默认: 已安装的 xlwings 自带的)")
@click.option("--set", "pairs", multiple=True, metavar="键=值",
              help="写入加载项 myaddin.conf 工作表的 xlwings 设置,可多次使用,例如 --set Interpreter_Win=C:\\Python311\\python.exe")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出结果")
@_handled
def build(out_dir, ribbon, template, pairs, as_json):
    """生成 Excel 加载项,例如: zhijian addin build -o dist/"""
    from zhijian.excel.addin_build import build_all, load_ribbon

    written = build_all(out_dir, template=template, ribbon=ribbon, config=_settings(pairs))
    r = load_ribbon(ribbon)
    if as_json:
        _echo_json({"output": str(Path(out_dir)), "addins": [
            {"file": str(p), "module": b.module, "label": b.label, "group": b.group}
            for p, b in zip(written, r.buttons)]})
        return
    for p, b in zip(written, r.buttons):
        click.echo(f"{p}\t{b.label}")
    click.echo(f"已生成 {len(written)} 个加载项(功能区“{r.tab_label}”选项卡)。")


@addin_group.command("install")
@click.option("--target", type=click.Path(), help="安装到这个文件夹(默认: Excel 的启动文件夹 XLSTART)")
@click.option("--interpreter", help="加载项使用的 Python(默认: 运行本命令的 Python)")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出结果")
@_handled
def install(target, interpreter, as_json):
    """安装加载项到 Excel 启动文件夹(仅 Windows 与 macOS),例如: zhijian addin install

    安装前请先退出 Excel;安装后重新打开 Excel,功能区出现“质检”选项卡。"""
    from zhijian.excel.addin_build import install as run

    _require_excel_platform(target)
    written = run(target, interpreter=interpreter)
    exe = interpreter or sys.executable
    if as_json:
        _echo_json({"target": str(written[0].parent) if written else target, "interpreter": exe,
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
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出结果")
@_handled
def uninstall(target, as_json):
    """从 Excel 启动文件夹删除本项目的加载项(仅 Windows 与 macOS),例如: zhijian addin uninstall"""
    from zhijian.excel.addin_build import uninstall as run

    _require_excel_platform(target)
    removed = run(target)
    if as_json:
        _echo_json({"removed": [str(p) for p in removed]})
        return
    for p in removed:
        click.echo(f"已删除 {p}")
    click.echo(f"已卸载 {len(removed)} 个加载项。" if removed else "没有找到要卸载的加载项。")
