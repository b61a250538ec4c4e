"""A team's own rubric (a .yaml file, named in ~/.zhijian.yaml): its 评分表 carries the rubric's id
in the document property zhijian_rubric_id, which the ribbon read as the name of a bundled rubric.
Every button on such a sheet said 没有这个评分标准 “t40”, whatever the user's settings named. The
id now picks the rubric only when it is a bundled one; otherwise the settings name the file, and
one of another rubric is refused by name."""

from __future__ import annotations

from pathlib import Path

import pytest

from zhijian.errors import InputFileError
from zhijian.excel import ribbon
from zhijian.excel.port import OpenpyxlPort
from zhijian.files.rubrics import load_rubric
from zhijian.reports.template import write_template

RUBRIC = Path(__file__).resolve().parents[1] / "forms" / "small_40" / "rubric.yaml"


def test_new_sheet_from_a_template_of_the_teams_own_rubric(tmp_path, user_config):
    rubric = load_rubric(RUBRIC)
    template = write_template(rubric, tmp_path / "t.xlsx", rows=5)
    user_config.write_text(f"rubric: {RUBRIC}\n", encoding="utf-8")
    result = ribbon.new_sheet_on_port(OpenpyxlPort(template), folder=tmp_path / "new")
    assert result.output.name.startswith(f"{rubric.id}-")
    assert OpenpyxlPort(result.output).document_property("zhijian_rubric_id") == rubric.id


def test_without_the_file_in_the_settings_it_says_which_rubric_and_where_to_name_it(tmp_path, user_config):
    rubric = load_rubric(RUBRIC)
    template = write_template(rubric, tmp_path / "t.xlsx", rows=5)
    with pytest.raises(InputFileError) as exc:
        ribbon.new_sheet_on_port(OpenpyxlPort(template), folder=tmp_path / "new")
    assert rubric.id in str(exc.value) and str(user_config) in str(exc.value) and "没有这个评分标准" not in str(exc.value)
    user_config.write_text("rubric: qc-v3.1\n", encoding="utf-8")  # another rubric: not scored by it
    with pytest.raises(InputFileError) as exc:
        ribbon.new_sheet_on_port(OpenpyxlPort(template), folder=tmp_path / "new")
    assert rubric.id in str(exc.value) and "qc-v3.1" in str(exc.value)
