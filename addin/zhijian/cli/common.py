"""What every command shares: the consoles (user text is never read as markup), error handling (a
Chinese message and an exit code, never a traceback), the --json option and JSON printing, the appeal
options, progress while inputs are read.

The consoles are made with `markup=False` and `emoji=False`: a cell holding "[/]" or "[vip]王丽"
is printed as typed, never taken for rich markup; colour comes from `style=` (`print_note`,
`print_error`, `styled` table cells), so no command formats markup into a string.
"""

from __future__ import annotations

import functools
import json
import math
import sys
import traceback
import warnings
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table
from rich.text import Text

from zhijian.engine.findings import with_hints
from zhijian.engine.rules import Rule
from zhijian.errors import ZhijianError

from .options import Hours

# soft_wrap: messages are never broken mid-line (a file path must stay whole); off a terminal,
# tables get room enough for Chinese columns.
_WIDTH = None if sys.stdout.isatty() else 160
console = Console(highlight=False, soft_wrap=True, width=_WIDTH, markup=False, emoji=False)
err_console = Console(stderr=True, highlight=False, soft_wrap=True, width=_WIDTH, markup=False, emoji=False)


def print_note(text: str) -> None:
    """A note or a warning (yellow, on stderr): what was skipped, what to check."""
    err_console.print(text, style="yellow")


def print_notes(notes) -> None:
    for n in notes:
        print_note(n)


def print_error(text: str) -> None:
    err_console.print(text, style="red")


def styled(text: str, style: str) -> Text:
    """A coloured table cell (the text as it is, never markup)."""
    return Text(str(text), style=style)


def handle_errors(fn):
    """Turn what stops work into a Chinese message and an exit code; never show a traceback.
    With --json, stdout holds {"error": message, "exit_code": n} as well (a script reading it gets
    JSON whatever happened). Libraries' warnings (pandas' PerformanceWarning on a very wide
    sheet …) are not shown."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        def fail(message: str, code: int):
            print_error(message)
            if kwargs.get("as_json"):
                print_json({"error": message, "exit_code": code})
            sys.exit(code)

        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                return fn(*args, **kwargs)
        except ZhijianError as e:
            fail(str(e), e.exit_code)
        except (click.exceptions.Exit, click.ClickException, SystemExit, KeyboardInterrupt):
            raise
        except BrokenPipeError:  # `zhijian rubric list | head`: the reader left, nothing is wrong
            _quiet_stdout()
            sys.exit(0)
        except OSError as e:  # a file that cannot be read or written: the path and the reason
            from zhijian.files.errorlog import os_error_text
            fail(os_error_text(e), 2)
        except MemoryError:
            fail("内存不足,无法完成;请减少一次处理的文件,或检查输入文件是否异常", 2)
        except Exception:  # noqa: BLE001 - the last line of defence for users
            from zhijian.files.errorlog import write_error_log
            log = write_error_log(traceback.format_exc())
            fail(f"内部错误,请把日志文件 {log} 发给开发人员" if log else "内部错误(日志文件无法写入)", 3)

    return wrapper


def _quiet_stdout() -> None:
    """Point stdout at /dev/null, so that Python's final flush into the closed pipe stays silent."""
    import os

    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


def appeals_options(fn):
    fn = click.option("--publish-time", default="18:00", show_default=True,
                      help="成绩公布时间: 18:00 为评分当天(SOP-15.1),+1 10:00 为评分次日")(fn)
    fn = click.option("--window-hours", type=Hours(), default=48.0, show_default=True,
                      help="申诉时限: 成绩公布后的小时数")(fn)
    return click.option("--appeals", type=click.Path(), help="申诉登记表 .xlsx: 改判的申诉替换原分数")(fn)


def policy(window_hours: float, publish_time: str = "18:00"):
    from zhijian.engine.appeal_policy import AppealPolicy, parse_publish_time

    days, at = parse_publish_time(publish_time)
    return AppealPolicy(window_hours=window_hours, publish_days_after=days, publish_time=at)


def roster_option(fn):
    return click.option("--roster", type=click.Path(),
                        help="人员名单(含“工号”列的 .xlsx 或 .csv): 名单外的工号不计入统计与排名")(fn)


def topic_option(fn):
    return click.option("--topic", "topics", multiple=True,
                        help="质检主题(评分项名称,可多次指定),如 --topic 主动推介 --topic 业务能力")(fn)


def print_account(account, *, roster_option: bool = True) -> None:
    """The accounting identity and every input that could not be read, on the console.
    `roster_option`: whether the command takes --roster (the quarterly and yearly do not)."""
    console.print(f"  行数核对: {account.identity_text()}")
    if not account.roster_checked:
        console.print("  未提供人员名单(--roster),工号未核对" if roster_option
                      else "  工号未核对: 本考核表不按人员名单核对工号(名单外的工号也计入)", style="dim")
    for u in account.unreadable:
        where = f"{u.file} / {u.sheet}" if u.sheet else u.file
        console.print(f"  未能读取: {where}: {u.message}", style="red")


def print_register_accounts(extra: dict) -> None:
    """The 投诉表扬/拨测 registers' 行数核对 (when the report has their section), with the summary;
    what could not be read in them is a note (stderr)."""
    section = extra.get("complaints")
    for a in (section.accounts.values() if section is not None else ()):
        console.print(f"  {a.identity_text()}")


def nothing_to_report(fn):
    """A report with nothing in it: one message (and, with --json, the account), no workbook, and
    the exit code of `NothingToReport`."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        from zhijian.errors import NothingToReport

        try:
            return fn(*args, **kwargs)
        except NothingToReport as e:
            print_error(str(e))  # on stderr with --json too, as every error
            if kwargs.get("as_json"):
                print_json({"error": str(e), "exit_code": e.exit_code,
                            "accounting": e.account.to_dict() if e.account else None})
            sys.exit(e.exit_code)

    return wrapper


def json_option(fn):
    return click.option("--json", "as_json", is_flag=True, help="以 JSON 输出结果")(fn)


def print_json(data) -> None:
    """Strict JSON (RFC 8259): a figure that does not exist (NaN, an infinity) is null, never the
    bare NaN that Python's json writes and no other JSON reader accepts; and never -0.0."""
    click.echo(json.dumps(_finite(data), ensure_ascii=False, indent=2, default=str, allow_nan=False))


def _finite(v):
    if isinstance(v, float):
        return v + 0.0 if math.isfinite(v) else None  # + 0.0: -0.0 is 0.0
    if isinstance(v, dict):
        return {k: _finite(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_finite(x) for x in v]
    return v



def other_rubrics(current):
    from zhijian.files.rubrics import other_bundled_rubrics
    return other_bundled_rubrics(current)  # loaded only for a sheet that does not match `current`




# How to fix a finding with this door, appended to the engine's message (the ribbon has its own);
# placeholders are those of the rule's message (engine/rules.py).
CLI_HINTS = {Rule.SHEET_OTHER_RUBRIC: ";请用 --rubric {other_id}"}


def cli_findings(findings) -> list:
    """The engine's findings as the CLI shows them (table, --json, the checked copy)."""
    return with_hints(findings, CLI_HINTS)


def findings_table(report) -> Table:
    from zhijian.engine.findings import SEVERITY_ZH
    t = Table("级别", "文件", "工作表", "单元格", "说明", title=f"校验结果: {report.errors} 个错误,{report.warnings} 个警告")
    for f in report.findings:
        colour = "red" if f.severity == "error" else "yellow"
        t.add_row(styled(SEVERITY_ZH[f.severity], colour), Path(f.file).name, f.sheet, f.cell, f.message)
    return t



def print_appeals(outcomes) -> None:
    if outcomes is None:
        return
    counts: dict[str, int] = {}
    for o in outcomes:
        counts[o.status] = counts.get(o.status, 0) + 1
    text = ",".join(f"{k} {v}" for k, v in counts.items()) or "无"
    console.print(f"  申诉: {text}(详见“申诉处理”工作表)")


def progress_bar(as_json: bool):
    """The progress bar while inputs are read: on a terminal only (off one, rich would leave an
    empty line on stderr), never with --json."""
    from rich.progress import Progress

    return Progress(console=err_console, transient=True, disable=as_json or not err_console.is_terminal)


def run_with_progress(as_json, fn, **kwargs):
    with progress_bar(as_json) as bar:
        task = bar.add_task("读取评分表", total=None)
        result = fn(on_files=lambda n: bar.update(task, total=n), progress=lambda p: bar.advance(task), **kwargs)
    print_notes(result.notes)
    return result
