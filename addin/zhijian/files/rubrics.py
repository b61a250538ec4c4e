"""Loading rubrics: a YAML file (anywhere) or a bundled rubric by name, parsed and checked, every
problem reported with the file and line it comes from; a rubric with any problem never loads."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from importlib import resources
from pathlib import Path

from pydantic import ValidationError

from zhijian.engine.rubric import Rubric
from zhijian.engine.rubric_check import rubric_problems
from zhijian.errors import RubricError

from .yamldoc import check_file_size, line_for, read_mapping, read_text, validation_problems


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
    """Load a rubric by file path, or by the name of a bundled rubric (e.g. ``listening-10x4``).
    A name holding a path separator or ".." is a path, never looked up among the bundled ones."""
    text = str(name_or_path)
    if not text.strip():
        raise RubricError([("--rubric", None, f"评分标准名称为空;内置的有: {'、'.join(bundled_rubric_names())}")])
    p = Path(name_or_path)
    pathlike = p.suffix in (".yaml", ".yml") or any(s in text for s in ("/", "\\", ".."))
    # A bare bundled name is the bundled rubric even beside a folder of that name (a team keeps
    # the form's sheets in a folder named listening-10x4); a file of that name is the file.
    if pathlike or p.is_file() or (p.exists() and text not in bundled_rubric_names()):
        if p.is_dir():
            raise RubricError([(str(p), None, "这是一个文件夹,不是评分标准文件(.yaml)")])
        if not p.is_file():
            hint = f";内置的评分标准只写名称即可,如 {p.stem}" if p.stem in bundled_rubric_names() else ""
            raise RubricError([(str(p), None, f"找不到评分标准文件{hint}")])
        check_file_size(p, RubricError)
        return parse_rubric(read_text(p, RubricError), str(p))
    res = resources.files("zhijian.bundled_rubrics") / f"{name_or_path}.yaml"
    if not res.is_file():
        known = "、".join(bundled_rubric_names())
        raise RubricError([(str(name_or_path), None, f"没有这个评分标准;内置的有: {known}")])
    return parse_rubric(res.read_text(encoding="utf-8"), f"rubrics/{name_or_path}.yaml")


class OtherRubrics(Sequence):
    """Bundled rubrics the reader compares a sheet with (to tell a sheet of another rubric from a
    broken one), loaded only when first used: the reader consults them only for a sheet that does
    not match the chosen rubric. `content_hashes` (for the read cache) are those `parse_rubric`
    gives, taken from the files' text without parsing them."""

    def __init__(self, names: Sequence[str]):
        self.names = list(names)
        self._rubrics: list[Rubric] | None = None

    def _loaded(self) -> list[Rubric]:
        if self._rubrics is None:
            self._rubrics = [load_rubric(n) for n in self.names]
        return self._rubrics

    def __len__(self) -> int:
        return len(self.names)

    def __getitem__(self, i):
        return self._loaded()[i]

    def __iter__(self):
        return iter(self._loaded())

    def content_hashes(self) -> list[str]:
        if self._rubrics is not None:
            return [r.content_hash or r.id for r in self._rubrics]
        files = resources.files("zhijian.bundled_rubrics")
        return [hashlib.sha256((files / f"{n}.yaml").read_text(encoding="utf-8").encode("utf-8")).hexdigest()
                for n in self.names]


def other_bundled_rubrics(current: Rubric) -> OtherRubrics:
    """Every bundled rubric but `current`, loaded when first used."""
    return OtherRubrics([n for n in bundled_rubric_names() if n != current.id])
