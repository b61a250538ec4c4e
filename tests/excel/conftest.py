"""What every test of the ribbon shares: never the real ~/.zhijian.yaml or cache folder."""

import pytest


@pytest.fixture(autouse=True)
def user_config(tmp_path, monkeypatch):
    """The user's settings file (not yet written) under tmp_path, and the cache folder (read
    cache, error logs: platformdirs) there too."""
    path = tmp_path / "home" / ".zhijian.yaml"
    path.parent.mkdir()
    monkeypatch.setenv("ZHIJIAN_CONFIG", str(path))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return path
