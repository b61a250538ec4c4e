"""The options' types: every value is checked by click before a command runs (ranges, ISO weeks
that exist, months 01–12, finite numbers), and a wrong one is one Chinese line and exit code 2,
without click's English usage text."""

from __future__ import annotations

import datetime as dt
import math
import re

import click

YEARS = (2000, 2100)  # a year outside is a typo (20266-10); the same years as engine.cells.DATE_YEARS


class OptionError(click.BadParameter):
    """A wrong option value: one Chinese line on stderr, exit code 2."""

    def format_message(self) -> str:
        hint = self.param.get_error_hint(self.ctx) if self.param is not None else ""
        hint = hint.replace("'", "")
        return f"{hint} 的值不对: {self.message}" if hint else self.message

    def show(self, file=None) -> None:
        click.echo(f"参数错误: {self.format_message()}", file=file, err=True)


class _Type(click.ParamType):
    def fail(self, message, param=None, ctx=None):
        raise OptionError(message, ctx=ctx, param=param)


def _year(y: int, text: str, self: _Type, param, ctx) -> None:
    if not YEARS[0] <= y <= YEARS[1]:
        self.fail(f"年份 {y} 不在 {YEARS[0]}–{YEARS[1]} 之内(“{text}”)", param, ctx)


class IsoWeek(_Type):
    """An ISO week that exists: 2026-W01 … 2026-W53 (W53 only in years that have it)."""

    name = "week"

    def convert(self, value, param, ctx):
        text = str(value).strip()
        m = re.fullmatch(r"(\d{4})-[Ww](\d{1,2})", text)
        if not m:
            self.fail(f"无法识别的周“{text}”,请写成 2026-W42", param, ctx)
        y, w = int(m[1]), int(m[2])
        _year(y, text, self, param, ctx)
        try:
            dt.date.fromisocalendar(y, w, 1)
        except ValueError:
            last = dt.date(y, 12, 28).isocalendar()[1]
            self.fail(f"{y} 年没有第 {w} 周(ISO 周为 W01–W{last})", param, ctx)
        return f"{y}-W{w:02d}"


class Month(_Type):
    """A month: 2026-10 (months 01–12)."""

    name = "month"

    def convert(self, value, param, ctx):
        text = str(value).strip()
        m = re.fullmatch(r"(\d{4})-(\d{1,2})", text)
        if not m:
            self.fail(f"无法识别的月份“{text}”,请写成 2026-10", param, ctx)
        y, mo = int(m[1]), int(m[2])
        _year(y, text, self, param, ctx)
        if not 1 <= mo <= 12:
            self.fail(f"月份应为 01–12,而不是 {m[2]}(“{text}”)", param, ctx)
        return f"{y}-{mo:02d}"


class Quarter(_Type):
    """A quarter: 2026-Q4 (Q1–Q4)."""

    name = "quarter"

    def convert(self, value, param, ctx):
        text = str(value).strip()
        m = re.fullmatch(r"(\d{4})-?[Qq]([1-4])", text)
        if not m:
            self.fail(f"无法识别的季度“{text}”,请写成 2026-Q4", param, ctx)
        _year(int(m[1]), text, self, param, ctx)
        return f"{m[1]}-Q{m[2]}"


class Year(_Type):
    """A year: 2026."""

    name = "year"

    def convert(self, value, param, ctx):
        text = str(value).strip()
        if not re.fullmatch(r"\d{4}", text):
            self.fail(f"无法识别的年份“{text}”,请写成 2026", param, ctx)
        _year(int(text), text, self, param, ctx)
        return text


class Day(_Type):
    """A date: 2026-11-02."""

    name = "date"

    def convert(self, value, param, ctx):
        if isinstance(value, dt.date):
            return value
        text = str(value).strip()
        try:
            day = dt.date.fromisoformat(text) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text) else None
        except ValueError:
            day = None
        if day is None:
            self.fail(f"无法识别的日期“{text}”,请写成 2026-11-02(这一天须存在)", param, ctx)
        _year(day.year, text, self, param, ctx)
        return day


class PeriodText(_Type):
    """统计期: 2026-11, 2026-W47, 2026-11-02 or A..B (A not after B); the text, checked."""

    name = "period"

    def convert(self, value, param, ctx):
        text = str(value).strip()
        ends = text.split("..", 1) if ".." in text else [text]
        kinds = []
        for part in ends:
            part = part.strip()
            if re.fullmatch(r"\d{4}-[Ww]\d{1,2}", part):
                kinds.append(IsoWeek())
            elif re.fullmatch(r"\d{4}-\d{1,2}", part):
                kinds.append(Month())
            elif re.fullmatch(r"\d{4}-\d{2}-\d{2}", part):
                kinds.append(Day())
            else:
                self.fail(f"无法识别的统计期“{text}”,请写成 2026-11、2026-W47、2026-11-02 或 起..止", param, ctx)
        checked = [k.convert(p.strip(), param, ctx) for k, p in zip(kinds, ends)]
        if len(checked) == 2:
            from zhijian.engine.periods import parse_period

            a, b = (parse_period(str(c)) for c in checked)
            if a.start > b.end:
                self.fail(f"统计期“{text}”的开始晚于结束", param, ctx)
        return text


class Count(_Type):
    """A whole number from `low` to `high`."""

    name = "integer"

    def __init__(self, low: int = 1, high: int = 10_000):
        self.low, self.high = low, high

    def convert(self, value, param, ctx):
        if isinstance(value, int) and not isinstance(value, bool):
            n = value
        else:
            text = str(value).strip()
            if not re.fullmatch(r"[+-]?\d+", text):
                self.fail(f"应为整数,而不是“{text}”", param, ctx)
            n = int(text)
        if not self.low <= n <= self.high:
            self.fail(f"应在 {self.low}–{self.high} 之间,而不是 {n}", param, ctx)
        return n


class Hours(_Type):
    """A finite number of hours, more than 0 and at most a year."""

    name = "hours"
    MAX = 24 * 366

    def convert(self, value, param, ctx):
        try:
            x = float(value)
        except (TypeError, ValueError):
            self.fail(f"应为小时数,而不是“{value}”", param, ctx)
        if not math.isfinite(x) or not 0 < x <= self.MAX:
            self.fail(f"应为大于 0、不超过 {self.MAX} 的小时数,而不是 {value}", param, ctx)
        return x


class Seconds(_Type):
    """A finite number of seconds from 0 to a day (a call's length)."""

    name = "seconds"
    MAX = 86400

    def convert(self, value, param, ctx):
        try:
            x = float(value)
        except (TypeError, ValueError):
            self.fail(f"应为秒数,而不是“{value}”", param, ctx)
        if not math.isfinite(x) or not 0 <= x <= self.MAX:
            self.fail(f"应为 0–{self.MAX} 之间的秒数,而不是 {value}", param, ctx)
        return x


class RepeatWindow(_Type):
    """The window of repeated problems: week, or a number of days (1–999, as engine.daily reads it)."""

    name = "window"

    def convert(self, value, param, ctx):
        from zhijian.engine.daily import WEEK

        text = str(value).strip()
        if text.lower() in (WEEK, "周", "本周"):
            return WEEK
        if re.fullmatch(r"\d+", text) and 1 <= int(text) <= 999:
            return int(text)
        self.fail(f"无法识别的重复问题统计窗口“{text}”,应为 week(本周截至当天)或 1–999 之间的天数", param, ctx)


class Choice(click.Choice):
    """click.Choice with the Chinese message."""

    def convert(self, value, param, ctx):
        try:
            return super().convert(value, param, ctx)
        except click.BadParameter:
            raise OptionError(f"应为 {'、'.join(map(str, self.choices))} 之一,而不是“{value}”",
                              ctx=ctx, param=param) from None


class OutputFile(_Type):
    """The name of a file to write: not a folder, not a name ending in a path separator, no line
    breaks; its folder may not exist yet (it is made)."""

    name = "file"

    def convert(self, value, param, ctx):
        import os

        text = os.fspath(value)
        if not text.strip():
            self.fail("输出文件名为空", param, ctx)
        if any(ord(ch) < 32 for ch in text):
            self.fail(f"输出文件名含有换行或控制字符: {text!r}", param, ctx)
        if text.endswith(("/", os.sep)) or os.path.isdir(text):
            self.fail(f"{text} 是一个文件夹,请给出输出文件的名称(如 {os.path.join(text, '报表.xlsx')})", param, ctx)
        return text


class OutputPath(OutputFile):
    """Where a report goes: a file, or a folder (existing, or named with a trailing separator)
    that gets the report's default name (cli.outputs.output_file)."""

    name = "path"

    def convert(self, value, param, ctx):
        import os

        text = os.fspath(value)
        if text.endswith(("/", os.sep)) or os.path.isdir(text):
            if any(ord(ch) < 32 for ch in text):
                self.fail(f"输出文件夹名含有换行或控制字符: {text!r}", param, ctx)
            return text
        return super().convert(value, param, ctx)


class OutputFolder(_Type):
    """A folder to write into (made when missing): not an existing file, no line breaks."""

    name = "folder"

    def convert(self, value, param, ctx):
        import os

        text = os.fspath(value)
        if not text.strip():
            self.fail("输出文件夹名为空", param, ctx)
        if any(ord(ch) < 32 for ch in text):
            self.fail(f"输出文件夹名含有换行或控制字符: {text!r}", param, ctx)
        if os.path.exists(text) and not os.path.isdir(text):
            self.fail(f"{text} 是一个文件,请给出输出文件夹", param, ctx)
        return text
