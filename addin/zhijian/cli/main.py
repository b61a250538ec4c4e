"""The command line, assembled: the `zhijian` group and every command of the modules beside this
one. Each command parses its arguments, calls one pipeline function and prints the result (a rich
table, or JSON with --json); errors become one Chinese line and an exit code. No module imports
this one."""

from __future__ import annotations

import click

from zhijian import __version__

from .addin import addin_group
from .appeals import appeals
from .assess import assess
from .audit import audit
from .daily import daily, penalties
from .complaints import complaints
from .demo import demo
from .email import email_command
from .history import history
from .periods import quarterly, yearly
from .reports import consolidate, monthly, weekly
from .rubric import rubric
from .sample import sample
from .usage import ChineseUsageGroup
from .sheets import score, template, validate


@click.group(cls=ChineseUsageGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="zhijian")
def cli():
    """质检 zhijian: 评分表校验、计分、汇总分析。"""


for command in (rubric, validate, score, consolidate, weekly, monthly, daily, penalties, quarterly, yearly, history,
                appeals, complaints, assess, audit, template, sample, demo):
    cli.add_command(command)
cli.add_command(email_command, "email")
cli.add_command(addin_group, "addin")


def main():
    cli(prog_name="zhijian")


if __name__ == "__main__":
    main()
