"""YAML files people edit (rubrics, delivery configurations): parsing with the line of every
problem, and pydantic's validation errors turned into Chinese lines that point at the file."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, get_args

import yaml
from pydantic import ValidationError

from zhijian.errors import FileProblemsError

_PYDANTIC_ZH = {
    "missing": "缺少必填字段",
    "extra_forbidden": "未知字段(拼写错误?)",
    "float_parsing": "应为数字",
    "float_type": "应为数字",
    "finite_number": "应为有限的数字(不能是 .nan 或 .inf)",
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
    "invalid_key": "键应为文字(数字、true/false、~ 作为键时请加引号)",
}


# Bounded reading: a small YAML file can name a node by an anchor and repeat it by aliases, nested
# ("billion laughs"): 500 bytes that expand to billions of nodes. Files people edit are far below
# these limits (README, 安全与数据).
MAX_YAML_CHARS = 1_000_000
MAX_YAML_NODES = 100_000  # nodes after expanding every alias
MAX_YAML_DEPTH = 100


_INT, _FLOAT = "tag:yaml.org,2002:int", "tag:yaml.org,2002:float"
_CONSTRUCTOR = yaml.constructor.SafeConstructor()


def _scalar_value(node: yaml.ScalarNode) -> Any:
    """A scalar node built as the loader builds it (a number, a key), outside of the document."""
    build = yaml.constructor.SafeConstructor.yaml_constructors.get(node.tag)
    return build(_CONSTRUCTOR, node) if build is not None else node.value


def _no_repeated_key(node: yaml.MappingNode, file: str, error: type[FileProblemsError]) -> None:
    """A key written twice in one mapping: YAML keeps the last and drops the first without a word
    (`labels: {好: 10, 好: 5}` is 好 = 5), so the file is refused at the second one."""
    seen: dict[str, int] = {}
    for k, _ in node.value:
        if not isinstance(k, yaml.ScalarNode) or k.tag == "tag:yaml.org,2002:merge":
            continue
        line = k.start_mark.line + 1
        if k.value in seen:
            raise error([(file, line, f"键“{k.value}”重复(第 {seen[k.value]} 行已写过),YAML 只会保留后一个;请只写一次")])
        seen[k.value] = line


# Characters a double-quoted escape can make that the file itself may not hold raw (PyYAML refuses
# those): controls and lone surrogates, which no .xlsx can hold (the 评分表 came out damaged, or
# printing the name was an internal error), and invisible ones that change how a name reads (a
# zero-width space in 开场\u200b问候: a sheet's 开场问候 never matched the item) or shows (the
# right-to-left override). Tab, newline and carriage return are text.
_UNSEEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff"
                     "\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")


def _no_unseen_character(node: yaml.ScalarNode, file: str, error: type[FileProblemsError]) -> None:
    m = _UNSEEN.search(node.value)
    if m:
        seen = _UNSEEN.sub("", node.value)[:20]
        what = f"文字“{seen}”" if seen else "文字"
        raise error([(file, node.start_mark.line + 1,
                      f"{what}中有不可见的字符 U+{ord(m.group()):04X}(控制字符、零宽字符或文字方向符,"
                      "多为转义写法或从别处粘贴而来),写进评分表后无法读取或看不出区别;请删除")])


def _no_misread_number(node: yaml.ScalarNode, value: Any, file: str, error: type[FileProblemsError]) -> None:
    """A plain number YAML 1.1 reads otherwise than it looks: 010 is octal 8, 0x10 is 16, 0b11 is 3,
    1:30 is 90 (base 60). `max: 010` was an item of 8 points without a word."""
    text = node.value.replace("_", "")
    try:
        looks = int(text, 10) if node.tag == _INT else float(text)
    except ValueError:
        looks = None
    if looks is None or looks != value:
        raise error([(file, node.start_mark.line + 1,
                      f"“{node.value}”在 YAML 里读作数字 {value}(以 0 开头是八进制,0x/0b 是十六/二进制,"
                      f"带冒号是六十进制);分值请写成普通的数(去掉开头的 0),文字请加引号,如 \"{node.value}\"")])


def _expanded_nodes(root: yaml.Node, file: str, error: type[FileProblemsError]) -> None:
    """Refuse a document that expands (aliases followed) beyond MAX_YAML_NODES nodes or
    MAX_YAML_DEPTH levels, or that holds an alias inside its own anchor, or a text with a
    character no workbook can show (`_UNSEEN`). Linear in the document: each node's expanded size
    is counted once."""
    sizes: dict[int, int] = {}
    open_nodes: set[int] = set()

    def size(node: yaml.Node, depth: int) -> int:
        key = id(node)
        if key in sizes:
            return sizes[key]
        if key in open_nodes:
            raise error([(file, node.start_mark.line + 1, "YAML 中的别名(*)引用了包含它自己的锚点(&),无法读取")])
        if depth > MAX_YAML_DEPTH:
            raise error([(file, node.start_mark.line + 1, f"YAML 嵌套超过 {MAX_YAML_DEPTH} 层,拒绝读取")])
        open_nodes.add(key)
        n = 1
        if isinstance(node, yaml.MappingNode):
            _no_repeated_key(node, file, error)
            n += sum(size(k, depth + 1) + size(v, depth + 1) for k, v in node.value)
        elif isinstance(node, yaml.SequenceNode):
            n += sum(size(v, depth + 1) for v in node.value)
        else:
            _no_unseen_character(node, file, error)
            if node.tag in (_INT, _FLOAT) and node.style is None and node.value.lstrip("+-")[:1] != ".":
                _no_misread_number(node, _scalar_value(node), file, error)  # (.inf/.nan: `HandWritten`)
        open_nodes.discard(key)
        if n > MAX_YAML_NODES:
            raise error([(file, None, f"YAML 展开别名(*)后超过 {MAX_YAML_NODES} 个节点,拒绝读取"
                                      "(别名嵌套过多,可能是恶意文件)")])
        sizes[key] = n
        return n

    size(root, 0)


def line_map(root: yaml.Node | None) -> dict[tuple, int]:
    """Map each path in the composed YAML document (keys and list indexes) to its 1-based line."""
    lines: dict[tuple, int] = {}

    def walk(node: yaml.Node, path: tuple) -> None:
        lines.setdefault(path, node.start_mark.line + 1)
        if isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                key = k.value
                if isinstance(k, yaml.ScalarNode) and k.tag != "tag:yaml.org,2002:str":
                    try:  # 1: / ~: / true: are keys 1, None and True in the document
                        lines[path + (_scalar_value(k),)] = k.start_mark.line + 1
                    except (yaml.YAMLError, TypeError, ValueError):
                        pass
                lines[path + (key,)] = k.start_mark.line + 1
                walk(v, path + (key,))
                lines[path + (key,)] = k.start_mark.line + 1
        elif isinstance(node, yaml.SequenceNode):
            for i, v in enumerate(node.value):
                walk(v, path + (i,))

    if root is not None:
        walk(root, ())
    return lines


def check_file_size(path, error: type[FileProblemsError]) -> None:
    """Refuse a YAML file too large to be one, before reading it into memory."""
    import os

    if os.path.getsize(path) > 4 * MAX_YAML_CHARS:  # a character takes at most 4 bytes in UTF-8
        raise error([(str(path), None, f"文件过大(超过 {MAX_YAML_CHARS // 1000} KB),不像是评分标准或配置文件,拒绝读取")])


def read_text(path, error: type[FileProblemsError], encoding: str = "utf-8") -> str:
    """The text of a YAML file people edit; one that is not UTF-8 is refused at the line of its
    first byte that is not, saying what it seems to be (a file saved as GBK/ANSI by Notepad or
    WPS, or as UTF-16 “Unicode”) and how to save it as UTF-8."""
    from pathlib import Path

    data = Path(path).read_bytes()
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as e:
        if data.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):  # .xlsx/.zip, .xls/.doc
            raise error([(str(path), None, "这是 Excel 工作簿(或压缩包),不是 YAML 文本文件;"
                                           "评分标准和配置文件是 .yaml 文件")]) from None
        if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
            seems, line = "看起来是 UTF-16(“Unicode”)编码", 1
        else:
            line = data[:e.start].count(b"\n") + 1
            try:
                data.decode("gb18030")
                seems = "看起来是 GBK/GB18030 编码(记事本、WPS 的“ANSI”)"
            except UnicodeDecodeError:
                seems = "看起来不是文本文件,或编码无法识别"
        raise error([(str(path), line, f"文件不是 UTF-8 编码的文本,{seems};"
                                       "请用编辑器“另存为”UTF-8 编码后再用")]) from None


def load_yaml(text: str, file: str, error: type[FileProblemsError]) -> tuple[Any, yaml.Node | None]:
    """The document in `text` (SafeLoader) and its composed root node, within the limits above;
    `error` for a syntax error or a document beyond them."""
    if len(text) > MAX_YAML_CHARS:
        raise error([(file, None, f"文件过大(超过 {MAX_YAML_CHARS // 1000} KB),不像是评分标准或配置文件,拒绝读取")])
    loader = yaml.SafeLoader(text)
    try:
        root = loader.get_single_node()
        if root is None:
            return None, None
        _expanded_nodes(root, file, error)
        return loader.construct_document(root), root
    except RecursionError:
        raise error([(file, None, f"YAML 嵌套超过 {MAX_YAML_DEPTH} 层,拒绝读取")]) from None
    finally:
        loader.dispose()


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


# PyYAML's problems, in the words of someone fixing the file (first match wins).
_YAML_PROBLEMS_ZH = [
    ("cannot start any token", lambda p: "这一行有制表符(Tab);YAML 只能用空格缩进,请把 Tab 换成空格"
     if "'\\t'" in p or "\t" in p else "这一行开头的字符不能这样用;以 @、`、% 等开头的文字请加引号"),
    ("expected ',' or '}'", lambda p: "花括号 { } 没有配对(少了“}”,或两项之间少了逗号)"),
    ("expected ',' or ']'", lambda p: "方括号 [ ] 没有配对(少了“]”,或两项之间少了逗号)"),
    ("determine a constructor for the tag", lambda p: "不支持的 YAML 标签(以 ! 开头的写法);只能写文字、数字、列表和键值表"),
    ("special characters are not allowed", lambda p: "文件中有不可见的控制字符,请删除(可能是从别处粘贴来的)"),
    ("mapping values are not allowed here", lambda p: "这里不能出现“: ”;值里有冒号时请给整个值加引号,或检查缩进"),
    ("could not find expected ':'", lambda p: "缺少冒号:键和值之间要写“: ”(冒号后有空格)"),
    ("found undefined alias", lambda p: "别名(*)没有对应的锚点(&)"),
    ("unexpected end of stream", lambda p: "引号没有配对(少了结尾的引号)"),
    ("found unknown escape character", lambda p: "双引号里的反斜杠“\\”转义不对;含反斜杠的文字请改用单引号"),
    ("found unhashable key", lambda p: "键不能是列表或键值表"),
    ("expected <block end>", lambda p: "缩进没有对齐:同一层的键要对齐,同一列表的“- ”要在同一列"),
    ("did not find expected key", lambda p: "缩进没有对齐:同一层的键要对齐,同一列表的“- ”要在同一列"),
    ("did not find expected '-' indicator", lambda p: "缩进没有对齐:同一列表的“- ”要在同一列"),
    ("did not find expected node content", lambda p: "这里缺少值(可能多了逗号、冒号或“- ”)"),
    ("found another document", lambda p: "文件里有多个文档(“---”分隔);一个文件只写一份"),
]


def yaml_problem_zh(e: yaml.YAMLError) -> str:
    """PyYAML's message for `e` in Chinese (unknown ones keep PyYAML's words in brackets)."""
    problem = str(getattr(e, "problem", None) or getattr(e, "reason", None) or e)
    if isinstance(e, yaml.reader.ReaderError):
        problem = f"{e.reason}: special characters are not allowed"
    for needle, words in _YAML_PROBLEMS_ZH:
        if needle in problem:
            return words(problem)
    return f"无法解析这一行附近的内容({problem.splitlines()[0]})"


def read_mapping(text: str, file: str, error: type[FileProblemsError]) -> tuple[dict, dict[tuple, int]]:
    """The YAML mapping in `text` and the line of each of its paths; `error` for a syntax error
    or a document that is not a mapping."""
    try:
        data, root = load_yaml(text, file, error)
        lines = line_map(root)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None) or getattr(e, "context_mark", None)
        context = getattr(e, "context", None) or ""
        if context.startswith(("while parsing a flow", "while scanning a quoted")) and getattr(e, "context_mark", None):
            mark = e.context_mark  # an unclosed [ or {: the line that opened it is at fault
        line = mark.line + 1 if mark else None
        if line is None and isinstance(getattr(e, "position", None), int):  # a ReaderError: a character
            line = text[:e.position].count("\n") + 1
        raise error([(file, line, f"YAML 格式错误: {yaml_problem_zh(e)}")]) from None
    if not isinstance(data, dict):
        raise error([(file, 1, "文件内容应为键值表(YAML mapping)")])
    return data, lines


def _model_at(model: Any, loc: tuple) -> Any:
    """The pydantic model class that holds the key at `loc` (None when it cannot be told)."""
    for key in loc[:-1]:
        if isinstance(key, int):
            continue  # a list index: the list's item type was taken with its field
        field = getattr(model, "model_fields", {}).get(key) or next(
            (f for f in getattr(model, "model_fields", {}).values() if f.alias == key), None)
        if field is None:
            return None
        todo, model = [field.annotation], None
        while todo:  # list[Item] | None → Item
            t = todo.pop()
            if hasattr(t, "model_fields"):
                model = t
                break
            todo += list(get_args(t))
        if model is None:
            return None
    return model if hasattr(model, "model_fields") else None


def _allowed_keys(model: Any, loc: tuple) -> str:
    """",可用: full、good、pass" — what a misspelt key could have been (empty when unknown)."""
    holder = _model_at(model, loc) if model is not None else None
    if holder is None:
        return ""
    names = [f.alias or n for n, f in holder.model_fields.items() if not f.exclude]  # not path, content_hash
    return ";可用: " + "、".join(names) if names else ""


def validation_problems(e: ValidationError, lines: dict[tuple, int], file: str,
                        unknown: str = "未知字段(拼写错误?)", model: Any = None) -> list[tuple[str, int | None, str]]:
    """(file, line, Chinese message) for each of pydantic's errors; given the `model` validated, an
    unknown key's message lists the keys its mapping takes."""
    problems = []
    for err in e.errors():
        loc = tuple(err["loc"])
        if err["type"] == "invalid_key":  # pydantic's loc holds str(None), 1 for True: the key itself
            loc = loc[:-1] + (err.get("input"),)
        msg = unknown + _allowed_keys(model, loc) if err["type"] == "extra_forbidden" \
            else _PYDANTIC_ZH.get(err["type"], err["msg"])
        msg = msg.removeprefix("Value error, ")  # a validator's own message is already in Chinese
        if err["type"] == "literal_error":
            expected = str(err.get("ctx", {}).get("expected", ""))  # pydantic's "'a', 'b' or 'c'"
            msg += f",应为 {expected.replace(' or ', ' 或 ')} 之一"
        value: Any = err.get("input")
        if err["type"] == "string_type" and isinstance(value, bool):
            msg += "(YAML 把没加引号的 yes/no/on/off/true/false 读成了真假值;请加引号,如 \"yes\")"
        elif err["type"] == "string_type" and isinstance(value, (int, float, dt.date)):
            msg += "(YAML 把没加引号的数字、日期读成了数字或日期;请加引号,如 \"1.0\")"
            if isinstance(value, dt.date):  # as written, not datetime.date(2024, 6, 1)
                value = value.isoformat()
        shown = "" if err["type"] in ("missing", "extra_forbidden") or isinstance(value, (dict, list)) \
            else f"(值: {value!r})"
        problems.append((file, line_for(lines, loc), f"{loc_text(loc)}: {msg}{shown}"))
    return problems
