"""`zhijian email`: send a report workbook by e-mail (or show what would be sent, or write a draft)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .common import console, handle_errors, json_option, print_error, print_json, print_note
from .options import Choice, OutputFile

KIND_CHOICES = ["daily", "weekly", "monthly", "briefing"]  # delivery.config.KINDS, imported only when the command runs


def _size(n: int) -> str:
    from zhijian.delivery.message import size_text
    return size_text(n)


def _plan_lines(out, config, password_source: str | None) -> list[str]:
    s = config.smtp
    lines = [f"主题: {out.subject}",
             f"发件人: {out.message['From']}",
             f"收件人(to): {'、'.join(out.to)}",
             f"抄送(cc): {'、'.join(out.cc) or '无'}",
             f"密送(bcc): {'、'.join(out.bcc) or '无'}",
             ("附件: " + "、".join(f"{n}({_size(len(d))})" for n, d in out.attachments)
              + f",共 {_size(out.attachment_size)},上限 {config.max_attachment_mb:g} MB" if out.attachments
              else "附件: 无(内容在正文中)"),
             "个人信息: " + (out.masking.describe() if out.masking else "未遮蔽(--no-mask)"),
             f"服务器: {s.where}({s.security})" + (f",登录用户 {s.username},密码来源: {password_source}"
                                                   if s.username else ",不登录"),
             f"传输: {s.transport}",
             f"配置文件: {config_file(config)}"]
    return lines


def _outgoing(report, config, kind: str, *, mask: bool):
    """The message: the daily package or the briefing for a 质检日志 (or its folder), else the
    report workbook as its one attachment."""
    from zhijian.delivery.message import build_outgoing
    from zhijian.delivery.package import build_briefing, build_daily_package, is_daily_log

    if kind == "briefing":
        return build_briefing(report, config, mask=mask)
    if kind == "daily" and is_daily_log(report):
        return build_daily_package(report, config, mask=mask)
    return build_outgoing(report, config, kind, mask=mask)


def config_file(config) -> str:
    """The configuration in use, as an absolute path (a planted ./zhijian-delivery.yaml shows)."""
    return str(Path(config.path).resolve())


@click.command("email")
@click.argument("report", type=click.Path())
@click.option("--kind", type=Choice(KIND_CHOICES), required=True,
              help="报表类型: daily 日报、weekly 周报、monthly 月报、briefing 班前会点评(决定收件人与邮件模板)")
@click.option("--config", "config_path", type=click.Path(),
              help="发送配置文件(默认: 当前文件夹的 zhijian-delivery.yaml)")
@click.option("--dry-run", is_flag=True, help="只列出将发给谁、主题和附件,不连接服务器、不发送")
@click.option("--eml", "eml_path", type=OutputFile(),
              help="写出邮件草稿 .eml(Outlook、Thunderbird 可打开后发送),不发送")
@click.option("--no-mask", is_flag=True, help="附件中的手机号、身份证号不遮蔽(默认遮蔽)")
@json_option
@handle_errors
def email_command(report, kind, config_path, dry_run, eml_path, no_mask, as_json):
    """用邮件发送报表,例如: zhijian email 质检周报_2026-W42.xlsx --kind weekly --dry-run

    日报(--kind daily): REPORT 为 zhijian daily 的输出文件夹或其中的质检日志,附件是质检日志和
    当天评分表的压缩包(质检监听评分表_YYYY-MM-DD.zip)。班前会点评(--kind briefing): 把质检日志
    “班前会点评”工作表的点评内容(含问题原因、解决方案)写在邮件正文中,不带附件。

    收件人、主题和正文模板在发送配置文件中(示例: workbook_templates/delivery.example.yaml);
    正文中的关键指标(有效通数、平均分、优良率、平均不良比率、质检主题)取自报表的第一个工作表。

    附件是报表的副本,其中的手机号和身份证号已遮蔽(--no-mask 不遮蔽);磁盘上的报表不变。

    密码不写在配置文件里: 放在环境变量 ZHIJIAN_SMTP_PASSWORD(名称可配置)或系统钥匙串
    (keyring,服务名 zhijian)。

    所有收件人在同一次投递中发送: 只要有一个收件人被拒收,谁也不发。
    """
    from zhijian.delivery.config import KINDS, DeliveryError, find_password, load_config
    from zhijian.delivery.message import check_size, write_eml
    from zhijian.delivery.smtp import send
    from zhijian.files.guard import guard_outputs

    config = load_config(config_path)
    guard_outputs([eml_path], {"报表": [report], "发送配置文件": [config.path], "证书文件": [config.smtp.ca_file]})
    if eml_path and Path(eml_path).suffix.lower() != ".eml":  # --eml 质检月报.xlsx would replace that report
        from zhijian.errors import OutputPathError
        raise OutputPathError(f"--eml {eml_path}: 邮件草稿的文件名应以 .eml 结尾(如 {Path(eml_path).stem or '草稿'}.eml)")
    out = _outgoing(report, config, kind, mask=not no_mask)
    data = out.to_dict()
    data["attachment"]["limit"] = config.max_attachment_bytes
    data["attachment"]["over_limit"] = out.attachment_size > config.max_attachment_bytes
    data["server"] = config.smtp.where
    data["transport"] = {"security": config.smtp.security, "encrypted": config.smtp.encrypted,
                         "plaintext_auth": bool(config.smtp.username) and not config.smtp.encrypted,
                         "description": config.smtp.transport}
    data["config"] = config_file(config)
    password_source = find_password(config.smtp)[1] if config.smtp.username else None

    if eml_path:
        path = write_eml(out, eml_path)
        if as_json:
            print_json(data | {"sent": False, "eml": str(path)})
            return
        for line in _plan_lines(out, config, password_source):
            console.print(line)
        console.print(f"已写出邮件草稿(未发送): {path}")
        if data["attachment"]["over_limit"]:
            print_note(f"注意: 附件超过配置的上限 {config.max_attachment_mb:g} MB,邮件服务器可能拒收")
        return

    if dry_run:
        if as_json:
            plan = data | {"sent": False, "dry_run": True, "password_source": password_source}
            try:
                check_size(out, config)
            except DeliveryError as e:  # one JSON document: the plan and why it fails
                print_error(str(e))
                print_json(plan | {"error": str(e), "exit_code": e.exit_code})
                sys.exit(e.exit_code)
            print_json(plan)
            return
        else:
            console.print(f"试运行,不发送: {out.attachment_name or Path(report).name} 作为{KINDS[kind]}")  # briefing: no attachment
            for line in _plan_lines(out, config, password_source):
                console.print(f"  {line}")
            console.print("  正文:")
            for line in out.body.rstrip().splitlines():
                console.print(f"    {line}")
        check_size(out, config)  # an attachment over the limit fails the dry run too
        return

    result = send(out, config)
    if as_json:
        print_json(data | {"sent": True} | result.to_dict())
        return
    tries = f",第 {result.attempts} 次尝试成功" if result.attempts > 1 else ""
    console.print(f"已发送《{out.subject}》给 {len(result.recipients)} 个地址(经 {result.server}{tries})")
    for line in _plan_lines(out, config, password_source)[2:7]:
        console.print(f"  {line}")
