"""Loading rubrics: a YAML file (anywhere) or a bundled rubric by name, parsed and checked, every
problem reported with the file and line it comes from; a rubric with any problem never loads."""

from __future__ import annotations

import hashlib
from importlib import resources
from pathlib import Path

from pydantic import ValidationError

from zhijian.engine.rubric import Rubric
from zhijian.engine.rubric_check import rubric_problems
from zhijian.errors import RubricError

from .yamldoc import check_file_size, line_for, read_mapping, validation_problems


def parse_rubric(text: str, file: str = "<rubric>") -> Rubric:
    """Parse and check a rubric; raise RubricError listing every problem with its line."""
    data, lines = read_mapping(text, file, RubricError)
    try:
        rubric = Rubric.model_validate(data)
    except ValidationError as e:
        raise RubricError(validation_problems(e, lines, file, model=Rubric)) from None
    problems = [(file, line_for(lines, p), m) for p, m in rubric_problems(rubric)]
    if problems:
        raise RubricError(problems)
    return rubric.model_copy(update={
        "path": file, "content_hash": hashlib.sha256(text.encode("utf-8")).hexdigest()})


def bundled_rubric_names() -> list[str]:
    return sorted(p.name[:-5] for p in resources.files("zhijian.bundled_rubrics").iterdir()
                  if p.name.endswith(".yaml"))


def load_rubric(name_or_path: str | Path) -> Rubric:
    """Load a rubric by file path, or by the name of a bundled rubric (e.g. ``listening-10x4``)."""
    p = Path(name_or_path)
    if p.suffix in (".yaml", ".yml") or p.exists():
        if not p.is_file():
            raise RubricError([(str(p), None, "找不到评分标准文件")])
        check_file_size(p, RubricError)
        try:
            text = p.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            raise RubricError([(str(p), None, "文件不是 UTF-8 编码的文本")]) from None
        return parse_rubric(text, str(p))
    res = resources.files("zhijian.bundled_rubrics") / f"{name_or_path}.yaml"
    if not res.is_file():
        known = "、".join(bundled_rubric_names())
        raise RubricError([(str(name_or_path), None, f"没有这个评分标准;内置的有: {known}")])
    return parse_rubric(res.read_text(encoding="utf-8"), f"rubrics/{name_or_path}.yaml")
