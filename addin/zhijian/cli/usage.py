"""Click's own usage errors in Chinese: a missing option or argument, an unknown option or
command, an extra argument, a value of the wrong type. One line on stderr naming the option and
how to see the usage, exit code 2 — never click's English usage text. The words click writes
into every --help page ("Usage:", "Options", "[required]", …) are Chinese too (`HELP_WORDS`)."""

from __future__ import annotations

import gettext
import re
import sys

import click
import click.core
import click.decorators
import click.formatting

from .options import OptionError

# Click marks its own words for gettext (`from gettext import gettext as _` in each module) but
# ships no translations: its modules' `_` is replaced by a lookup in this table, once, before the
# commands are declared (the version option's help is taken when it is declared).
HELP_WORDS = {"Usage:": "用法:", "Options": "选项", "Commands": "命令", "required": "必填",
              "default: {default}": "默认: {default}", "env var: {var}": "环境变量: {var}",
              "Show this message and exit.": "显示本帮助并退出。", "Show the version and exit.": "显示版本号并退出。",
              "%(prog)s, version %(version)s": "%(prog)s 版本 %(version)s", "Aborted!": "已取消。",
              "(dynamic)": "(运行时决定)", "deprecated": "已停用"}


def _help_word(message: str) -> str:
    return HELP_WORDS.get(message, message)


for _module in (click.core, click.decorators, click.formatting):
    if getattr(_module, "_", None) is gettext.gettext:
        _module._ = _help_word

TYPE_WORDS = {"integer": "整数", "float": "数字", "boolean": "是/否(true/false)", "text": "文字",
              "path": "路径", "file": "文件", "directory": "文件夹", "choice": "列出的选项之一"}


def _name(param: click.Parameter | None) -> str:
    if param is None:
        return ""
    if isinstance(param, click.Option):
        return "/".join(param.opts)
    return (param.human_readable_name or param.name or "").upper()


def _command(e: click.UsageError) -> str:
    return e.ctx.command_path if e.ctx is not None else "zhijian"


def chinese_message(e: click.UsageError) -> str:
    """What went wrong, in Chinese, for one of click's usage errors."""
    if isinstance(e, click.MissingParameter):
        what = "参数" if isinstance(e.param, click.Argument) else "选项"
        return f"缺少必填的{what} {_name(e.param)}"
    if isinstance(e, click.NoSuchOption):
        near = f";是不是 {'、'.join(sorted(e.possibilities))}?" if e.possibilities else ""
        return f"没有选项 {e.option_name}{near}"
    if isinstance(e, click.BadOptionUsage):
        return f"选项 {e.option_name} 的用法不对: {e.message}"
    if isinstance(e, click.BadParameter):
        type_name = getattr(getattr(e.param, "type", None), "name", "")
        if isinstance(getattr(e.param, "type", None), click.Choice):
            want = "、".join(map(str, e.param.type.choices))
        else:
            want = TYPE_WORDS.get(type_name, type_name)
        m = re.fullmatch(r"'?(.*?)'? is not a valid (\w+)\.?", e.message)
        detail = f"“{m.group(1)}”不是{TYPE_WORDS.get(m.group(2), m.group(2))}" if m else _path_message(e.message)
        return f"{_name(e.param)} 的值不对" + (f"(应为{want})" if want and not m else "") + f": {detail}"
    text = e.message
    if text.startswith("No such command"):
        return "没有这个命令 " + text.split("No such command", 1)[1].strip(" .'\"")
    if text.startswith("Got unexpected extra argument"):
        extra = text.split("(", 1)[1].rstrip(")") if "(" in text else ""
        return f"多余的参数 {extra}".strip()
    return text


# click.Path's own complaints ("File 'x' is a directory.") -> Chinese
_PATH_MESSAGES = ((r"is a directory", "是一个文件夹,不是文件"), (r"is a file", "是一个文件,不是文件夹"),
                  (r"does not exist", "不存在"), (r"is not readable", "不可读取"),
                  (r"is not writable", "不可写入"), (r"is not executable", "不可执行"))


def _path_message(message: str) -> str:
    m = re.fullmatch(r"(?:File|Directory|Path|File or directory) '(.*)' (is a directory|is a file|does not exist|"
                     r"is not readable|is not writable|is not executable)\.?", message, flags=re.S)
    if not m:
        return message
    return f"“{m.group(1)}”" + dict(_PATH_MESSAGES)[m.group(2)]


def show_usage_error(e: click.UsageError, as_json: bool = False) -> None:
    """The one line on stderr; with --json among the arguments, {"error": …, "exit_code": 2} on
    stdout as well."""
    if isinstance(e, OptionError):
        line = f"参数错误: {e.format_message()}"
    else:
        line = f"参数错误: {chinese_message(e)}(用法: {_command(e)} --help)"
    click.echo(line, err=True)
    if as_json:
        import json

        click.echo(json.dumps({"error": line, "exit_code": e.exit_code}, ensure_ascii=False, indent=2))


class ChineseUsageGroup(click.Group):
    """The `zhijian` group: runs like click's standalone mode, but usage errors (of every command
    and sub-group below it) are shown by `show_usage_error`."""

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode, **extra)
        try:
            rv = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except click.exceptions.NoArgsIsHelpError as e:  # `zhijian` alone: the help, as click shows it
            e.show()
            sys.exit(e.exit_code)
        except click.UsageError as e:
            show_usage_error(e, as_json="--json" in (sys.argv[1:] if args is None else args))
            sys.exit(e.exit_code)
        except click.ClickException as e:
            e.show()
            sys.exit(e.exit_code)
        except click.exceptions.Abort:
            click.echo("已取消", err=True)
            sys.exit(1)
        sys.exit(rv if isinstance(rv, int) else 0)
