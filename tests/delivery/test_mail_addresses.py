"""Every recipient stays in the To and Cc headers (and the draft's Bcc), whatever their names mix:
Python's folding of an address list puts the comma between two addresses inside an encoded word
(`=?utf-8?q?=2C?=`) when a plain name stands between Chinese ones, and a reader then sees one
address fewer — the draft opened in Outlook and sent loses that recipient. Sent through a real
loopback server (aiosmtpd) and read back with the standard library's parser."""

from __future__ import annotations

import email
import json
from email import policy

from test_mail import FAST, report, serve  # noqa: F401 (fixtures)
from zhijian.delivery.config import load_config
from zhijian.delivery.message import build_outgoing, write_eml
from zhijian.delivery.smtp import send

# Lists of the kind a team writes (one in fourteen such lists of 3–5 lost an address).
TO = ["班长 <team-lead@example.com>", "Li Wang <liwang@example.com>", "项目经理 <pm@example.com>"]
CC = ["陈静 <chenjing@example.com>", "QA Team <qa-team@example.com>", "王丽 <wangli@example.com>"]
BCC = ["陈静 <chenjing2@example.com>", "QA Team <qa-team@example.com>", "项目经理 <pm2@example.com>",
       '"Wang, Li" <wl@example.com>', "Ünïcødé Name <u@example.com>"]


def _pairs(texts):
    return [email.utils.parseaddr(t) for t in texts]


def _config(tmp_path, port):
    p = tmp_path / "delivery.yaml"
    p.write_text("\n".join([
        "smtp: {host: 127.0.0.1, port: %d, security: none, timeout: 5}" % port,
        "sender: {address: qa@example.com, name: 客服中心质检组}",
        "reports:", "  weekly:",
        "    to: " + json.dumps(TO, ensure_ascii=False),
        "    cc: " + json.dumps(CC, ensure_ascii=False),
        "    bcc: " + json.dumps(BCC, ensure_ascii=False)]) + "\n", encoding="utf-8")
    return load_config(p)


def _addresses(header) -> list[tuple[str, str]]:
    return [(a.display_name, a.addr_spec) for a in header.addresses]


def test_every_recipient_is_in_the_headers_of_the_sent_message(tmp_path, report, serve):  # noqa: F811
    rec, port = serve()
    config = _config(tmp_path, port)
    send(build_outgoing(report, config, "weekly"), config, delays=FAST)
    [d] = rec.delivered
    msg = d.message
    assert _addresses(msg["To"]) == _pairs(TO)
    assert _addresses(msg["Cc"]) == _pairs(CC)
    assert msg["From"] == "客服中心质检组 <qa@example.com>"
    head = d.content.split(b"\r\n\r\n", 1)[0]
    assert head.isascii() and b"=?utf-8?q?=2C?=" not in head
    assert all(len(line) <= 78 for line in head.split(b"\r\n") if not line.startswith(b"Content-"))
    assert sorted(d.rcpt_tos) == sorted({a for _, a in _pairs(TO + CC + BCC)})  # each address once
    assert b"archive@example.com" not in d.content


def test_every_recipient_is_in_the_headers_of_the_draft(tmp_path, report):  # noqa: F811
    config = _config(tmp_path, 25)
    path = write_eml(build_outgoing(report, config, "weekly"), tmp_path / "draft.eml")
    msg = email.message_from_bytes(path.read_bytes(), policy=policy.default)
    assert _addresses(msg["To"]) == _pairs(TO)
    assert _addresses(msg["Cc"]) == _pairs(CC)
    assert _addresses(msg["Bcc"]) == _pairs(BCC)
    assert msg["X-Unsent"] == "1"
