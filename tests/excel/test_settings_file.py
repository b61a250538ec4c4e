"""The user's settings file (~/.zhijian.yaml or $ZHIJIAN_CONFIG) is read with the limits of every
YAML file zhijian reads: a billion-laughs file is refused with one message, not expanded."""

from __future__ import annotations

import pytest

from zhijian.errors import InputFileError
from zhijian.excel import settings

BOMB = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{c}: &{c} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n"
    for p, c in zip("abcdefgh", "bcdefghi")) + "评分标准: *i\n"


def test_a_yaml_bomb_as_the_settings_file_is_refused(tmp_path, monkeypatch):
    path = tmp_path / "zhijian.yaml"
    path.write_text(BOMB, encoding="utf-8")
    monkeypatch.setenv("ZHIJIAN_CONFIG", str(path))
    with pytest.raises(InputFileError) as e:
        settings._read_user_config()
    assert str(path) in str(e.value) and "拒绝读取" in str(e.value)


def test_a_plain_settings_file_is_read(tmp_path, monkeypatch):
    path = tmp_path / "zhijian.yaml"
    path.write_text("评分标准: qc-v3.1\n", encoding="utf-8")
    monkeypatch.setenv("ZHIJIAN_CONFIG", str(path))
    assert settings._read_user_config() == {"rubric": "qc-v3.1"}
