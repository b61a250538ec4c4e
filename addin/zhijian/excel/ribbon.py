"""The 质检 ribbon tab: the functions Excel calls, one per button.

Excel runs, for the add-in file zhijian_validate.xlam, `import zhijian_validate;
zhijian_validate.main()` (xlwings' RunPython); `main()` calls one function here (`validate`). Each
such function takes the calling workbook (`xw.Book.caller()`), wraps it in `XlwingsPort` and calls a
port-level function (`validate_on_port`, …) that does the work through the port only. Tests and
other doors call the port-level functions with `OpenpyxlPort`. They live by what they work on:
`sample_button` (抽检计划 over the open call list), `sheet_buttons` (新建评分表, 校验, 计算总分 over
the open 评分表), `report_buttons` (汇总分析, 周报, 月报 over a folder of 评分表; 发送邮件 of the open
report), `daily_button` (日报: the day's package) and `settings` (the settings; 评分标准,
配置); what they share is in `common`.

A port-level function reads what it needs in one batch, calls the same engine function as its
CLI twin (`validate.check_grids`, `template.write_template`, `consolidate.consolidate`, …), writes
back in few batched calls, shows progress on the status bar and ends with a short Chinese message
(`port.alert`). It returns a `ButtonResult` for tests.

Errors (`run_on_port`): a `ZhijianError` becomes its Chinese message; anything else writes the
traceback to a log file and shows a Chinese message with the log's path; Excel never shows a
Python traceback.

xlwings is imported only inside `_excel_book()`: importing this module never needs Excel.
"""

from __future__ import annotations

import datetime as dt
import sys
import traceback
from pathlib import Path
from typing import Callable

from zhijian.errors import ZhijianError
from .common import TITLE, ButtonCancelled, ButtonResult
from .port import WorkbookPort
from .daily_button import daily_on_port
from .report_buttons import consolidate_on_port, monthly_on_port, send_mail_on_port, weekly_on_port
from .sample_button import sample_on_port
from .settings import rubric_on_port, settings_on_port
from .sheet_buttons import new_sheet_on_port, score_on_port, validate_on_port


# --- running a button ---------------------------------------------------------------------------------

def _write_log(title: str) -> Path | str:
    """The traceback in a new log file of this run under the user's cache folder
    (files.errorlog); its path, or a note when it could not be written."""
    from zhijian.files.errorlog import write_error_log

    log = write_error_log(f"{dt.datetime.now():%Y-%m-%d %H:%M:%S} {title}\n{traceback.format_exc()}", "ribbon")
    return log if log is not None else "(日志文件无法写入)"


def run_on_port(port: WorkbookPort, title: str, work: Callable[..., ButtonResult], *args,
                **kwargs) -> ButtonResult | None:
    """Run a port-level button function: a stop (ZhijianError) becomes its Chinese message; any
    other exception a Chinese message with the log file's path; never a traceback."""
    try:
        return work(port, *args, **kwargs)
    except ButtonCancelled:
        return None
    except ZhijianError as e:
        port.alert(f"{title}: {e}")
    except Exception:  # noqa: BLE001 - the last line of defence for users
        log = _write_log(title)
        port.alert(f"{title}: 出错了,操作没有完成。\n请把日志文件发给开发人员:\n{log}")
    finally:
        try:
            port.status(None)
        except Exception:  # noqa: BLE001
            pass
    return None


def _excel_book():
    import xlwings as xw  # the one place the project imports xlwings

    return xw.Book.caller()


def _excel_button(title: str, work: Callable[..., ButtonResult]) -> None:
    """What Excel calls: the calling workbook as a port, the work, and no traceback ever (when even
    Excel cannot be told, one Chinese line on stderr, which xlwings shows in a message box)."""
    import warnings

    from .xlwings_port import XlwingsPort

    warnings.simplefilter("ignore")  # on macOS, xlwings shows anything on stderr as an error
    try:
        port = XlwingsPort(_excel_book())
        with port.session():
            run_on_port(port, title, work)
    except Exception:  # noqa: BLE001
        log = _write_log(title)
        sys.stderr.write(f"{TITLE} {title}: 无法操作 Excel,详细信息见日志文件 {log}\n")
        sys.exit(1)


# The buttons (each add-in's module calls one of these; see macros/ribbon.yaml).

def sample() -> None:
    """抽检计划"""
    _excel_button("抽检计划", sample_on_port)


def new_sheet() -> None:
    """新建评分表"""
    _excel_button("新建评分表", new_sheet_on_port)


def validate() -> None:
    """校验"""
    _excel_button("校验", validate_on_port)


def score() -> None:
    """计算总分"""
    _excel_button("计算总分", score_on_port)


def consolidate() -> None:
    """汇总分析"""
    _excel_button("汇总分析", consolidate_on_port)


def weekly() -> None:
    """周报"""
    _excel_button("周报", weekly_on_port)


def monthly() -> None:
    """月报"""
    _excel_button("月报", monthly_on_port)


def daily() -> None:
    """日报"""
    _excel_button("日报", daily_on_port)


def send_mail() -> None:
    """发送邮件"""
    _excel_button("发送邮件", send_mail_on_port)


def rubric() -> None:
    """评分标准"""
    _excel_button("评分标准", rubric_on_port)


def settings() -> None:
    """配置"""
    _excel_button("配置", settings_on_port)

