"""Shared by every test.

No test writes to the user's history store (ZHIJIAN_STORE) or read cache (ZHIJIAN_CACHE: each
test has its own, empty, under its tmp_path).

The accounting identity is asserted on every corpus the suite analyses: every `analysis.analyse`
call of any test (the engine's, the pipeline's, the doors') completes its account through
`analysis.complete_account`, which a session-wide fixture wraps to check that the completed
account balances (rows read = counted + errors + outside the period + duplicates + calibration
copies + unknown agents). It changes nothing else. Tests that build a corpus of their own also
call `accounting.assert_accounted`, which checks the listing of the rows left out too.
"""

import pytest


@pytest.fixture(autouse=True)
def no_user_history_store(monkeypatch):
    monkeypatch.delenv("ZHIJIAN_STORE", raising=False)


@pytest.fixture(autouse=True)
def own_read_cache(monkeypatch, tmp_path_factory):
    monkeypatch.delenv("ZHIJIAN_NO_CACHE", raising=False)
    monkeypatch.setenv("ZHIJIAN_CACHE", str(tmp_path_factory.mktemp("read-cache")))


@pytest.fixture(scope="session", autouse=True)
def every_account_balances():
    from zhijian.engine import analysis

    real = analysis.complete_account
    counts = {"accounts": 0}

    def completed(*args, **kwargs):
        account = real(*args, **kwargs)
        assert account.holds(), f"the accounting identity does not hold: {account.identity_text()}"
        counts["accounts"] += 1
        return account

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(analysis, "complete_account", completed)
        yield counts
