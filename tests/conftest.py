"""Shared by every test: no test writes to the user's history store (ZHIJIAN_STORE)."""

import pytest


@pytest.fixture(autouse=True)
def no_user_history_store(monkeypatch):
    monkeypatch.delenv("ZHIJIAN_STORE", raising=False)
