"""The accounting identity (DOMAIN.md, Data rules), asserted on the account of every corpus the
suite consolidates:

    rows read = counted + excluded by a finding + outside the period + duplicates
                + calibration copies (+ unknown agents, when a roster is given)

and every row not counted, rows outside the period aside, is listed once with its reason.
"""

from __future__ import annotations

from collections import Counter

from zhijian.engine.accounting import (REASON_CALIBRATION, REASON_DUPLICATE, REASON_FINDING, REASON_UNKNOWN_AGENT,
                                       RowAccount)


def assert_accounted(account: RowAccount, *, rows_read: int | None = None) -> RowAccount:
    """`account` balances, term by term; with `rows_read`, it also read that many rows."""
    terms = (account.counted, account.excluded, account.outside_period, account.duplicates,
             account.calibration_copies, account.unknown_agents or 0)
    assert all(t >= 0 for t in terms), account
    assert account.rows_read == sum(terms), f"{account.identity_text()}: {account.balance} rows unaccounted"
    assert account.holds()
    if rows_read is not None:
        assert account.rows_read == rows_read, account.identity_text()
    listed = Counter(account.uncounted["reason"].tolist())
    assert dict(listed) == {k: v for k, v in {REASON_FINDING: account.excluded, REASON_DUPLICATE: account.duplicates,
                                              REASON_CALIBRATION: account.calibration_copies,
                                              REASON_UNKNOWN_AGENT: account.unknown_agents or 0}.items() if v}, \
        (dict(listed), account.identity_text())
    rows = list(zip(account.uncounted["file"], account.uncounted["sheet"], account.uncounted["row"]))
    assert len(rows) == len(set(rows)), "a row is listed twice"
    assert account.uncounted["detail"].map(lambda t: bool(str(t).strip())).all(), "a row listed without its reason"
    if not account.roster_checked:
        assert account.unknown_agents is None
    return account
