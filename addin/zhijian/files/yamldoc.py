"""YAML files people edit (rubrics, delivery configurations): parsing with the line of every
problem, and pydantic's validation errors turned into Chinese lines that point at the file."""

from __future__ import annotations

from typing import Any

import yaml
from pydantic import ValidationError

from zhijian.errors import FileProblemsError

_PYDANTIC_ZH = {
    "missing": "缺少必填字段",
    "extra_forbidden": "未知字段(拼写错误?)",
    "float_parsing": "应为数字",
    "float_type": "应为数字",
    "int_parsing": "应为整数",
    "int_type": "应为整数",
    "int_from_float": "应为整数",
    "string_type": "应为文字",
    "list_type": "应为列表",
    "dict_type": "应为键值表",
    "model_type": "应为键值表",
    "bool_parsing": "应为 true/false",
    "bool_type": "应为 true/false",
    "literal_error": "取值不允许",
    "tuple_type": "应为两个数的列表",
    "too_short": "元素太少",
    "too_long": "元素太多",
}


def line_map(text: str) -> dict[tuple, int]:
    """Map each path in the YAML document (keys and list indexes) to its 1-based line."""
    lines: dict[tuple, int] = {}

    def walk(node: yaml.Node, path: tuple) -> None:
        lines.setdefault(path, node.start_mark.line + 1)
        if isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                key = k.value
                lines[path + (key,)] = k.start_mark.line + 1
                walk(v, path + (key,))
                lines[path + (key,)] = k.start_mark.line + 1
        elif isinstance(node, yaml.SequenceNode):
            for i, v in enumerate(node.value):
                walk(v, path + (i,))

    root = yaml.compose(text, Loader=yaml.SafeLoader)
    if root is not None:
        walk(root, ())
    return lines


def line_for(lines: dict[tuple, int], loc: tuple) -> int | None:
    loc = tuple(loc)
    while loc:
        if loc in lines:
            return lines[loc]
        loc = loc[:-1]
    return lines.get(())


def loc_text(loc: tuple) -> str:
    out = ""
    for p in loc:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out


def read_mapping(text: str, file: str, error: type[FileProblemsError]) -> tuple[dict, dict[tuple, int]]:
    """The YAML mapping in `text` and the line of each of its paths; `error` for a syntax error
    or a document that is not a mapping."""
    try:
        data = yaml.safe_load(text)
        lines = line_map(text)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None) or getattr(e, "context_mark", None)
        context = getattr(e, "context", None) or ""
        if context.startswith("while parsing a flow") and getattr(e, "context_mark", None):
            mark = e.context_mark  # an unclosed [ or {: the line that opened it is at fault
        line = mark.line + 1 if mark else None
        problem = getattr(e, "problem", None) or str(e)
        raise error([(file, line, f"YAML 格式错误: {problem}")]) from None
    if not isinstance(data, dict):
        raise error([(file, 1, "文件内容应为键值表(YAML mapping)")])
    return data, lines


def validation_problems(e: ValidationError, lines: dict[tuple, int], file: str,
                        unknown: str = "未知字段(拼写错误?)") -> list[tuple[str, int | None, str]]:
    """(file, line, Chinese message) for each of pydantic's errors."""
    problems = []
    for err in e.errors():
        loc = tuple(err["loc"])
        msg = unknown if err["type"] == "extra_forbidden" else _PYDANTIC_ZH.get(err["type"], err["msg"])
        if err["type"] == "literal_error":
            msg += f",应为 {err.get('ctx', {}).get('expected', '')}"
        value: Any = err.get("input")
        shown = "" if err["type"] in ("missing", "extra_forbidden") or isinstance(value, (dict, list)) \
            else f"(值: {value!r})"
        problems.append((file, line_for(lines, loc), f"{loc_text(loc)}: {msg}{shown}"))
    return problems
