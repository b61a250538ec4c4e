"""`zhijian email` under careless and hostile input: templates that smuggle format specs, numbers
that are not numbers, --json when the dry run fails, outputs that would replace an input, and
address headers that Python would refold. Real SMTP on loopback (aiosmtpd), as in test_mail."""

from __future__ import annotations

import email
import json
from email import policy

import pytest
from click.testing import CliRunner

from test_mail import FAST, report, serve, write_config  # noqa: F401 (fixtures)
from zhijian.cli.email import email_command
from zhijian.delivery.config import DeliveryConfigError, parse_config

BASE = """smtp:
  host: 127.0.0.1
  port: 25
  security: none
  timeout: 5
sender:
  address: qa@example.com
  name: 客服中心质检组
reports:
  weekly:
    to: [王经理 <pm@example.com>]
    subject: "质检周报 {period}"
"""


def run(*args):
    return CliRunner().invoke(email_command, [str(a) for a in args])


# --- templates -------------------------------------------------------------------------------------

@pytest.mark.parametrize("template", ["{n:>999999999}", "{mean_score:x>20000000}", "{n!r}", "{n:%}", "{n!x}",
                                      "{period:{n}}"])
def test_a_format_spec_or_conversion_in_a_template_is_refused_at_its_line(template):
    """A width of a billion characters passed the check and took minutes (and a gigabyte) to
    render and fold; `!r` quoted the value; `:%` failed only at sending, in English."""
    text = BASE.replace("质检周报 {period}", template)
    with pytest.raises(DeliveryConfigError) as e:
        parse_config(text, "d.yaml")
    [line] = e.value.lines()
    assert line.startswith("发送配置文件错误 d.yaml:12: reports.weekly.subject: 占位符")
    assert "只能写成 {名称}" in line
