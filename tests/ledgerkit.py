"""The small escalating ledger rubric the ledger tests share (engine, vouchers, the template, the
score doors): a monthly base of 100, two offences of 20 points escalating 20/30/40/50 within 90
days, the first doubled on a complaint."""

ESCALATING = """\
id: chat-escalating
name: 在线客服违规扣分
version: "1"
marks: {full: 100, good: 90, pass: 80}
ledger: {base: 100, period: month}
escalation: {window_days: 90, points: [20, 30, 40, 50]}
offences:
  - {id: v1, name: 辱骂客户, points: 20, doubled_when: 引起投诉}
  - {id: v2, name: 泄露隐私, points: 20}
grades:
  - {name: 合格, min: 60}
  - {name: 不合格, min: 0}
"""

# The same with 辱骂客户 严重, so its occurrences are serious problems with a voucher.
ESCALATING_SERIOUS = ESCALATING.replace("doubled_when: 引起投诉}", "doubled_when: 引起投诉, severity: 严重}")
assert ESCALATING_SERIOUS != ESCALATING
