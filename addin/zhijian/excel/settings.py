"""The ribbon's settings, and the two buttons about them (评分标准, 配置).

Settings (`Settings`): the workbook's 配置 sheet, else the workbook's custom document property
zhijian_rubric_id (set by 新建评分表), else the user's file ~/.zhijian.yaml (or $ZHIJIAN_CONFIG),
else the defaults (rubric listening-10x4, monthly consolidation).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from zhijian.errors import InputFileError, ZhijianError
from .common import RUBRIC_SHEET, SETTINGS_SHEET, ButtonResult, refuse_foreign_sheet
from .port import WorkbookPort

DEFAULT_RUBRIC = "listening-10x4"


# --- the settings --------------------------------------------------------------------------------

# key, label in the 配置 sheet, help text
SETTING_FIELDS: list[tuple[str, str, str]] = [
    ("rubric", "评分标准", "评分标准名称(listening-10x4、qc-v3.1、deduction-base100)或 .yaml 文件路径"),
    ("folder", "评分表文件夹", "汇总分析、周报、月报读取的各质检员评分表所在文件夹"),
    ("output", "输出文件夹", "汇总分析、周报、月报写到这里(默认: 评分表文件夹的上一级)"),
    ("period_kind", "汇总周期", "汇总分析的统计周期: 日、周 或 月(默认: 月)"),
    ("lead", "质检班长", "质检班长姓名: 校正录音以其评分为基准(默认取各评分项中位数)"),
    ("roster", "人员名单", "人员名单文件(含“工号”列);填写后,校验和汇总分析、周报、月报都检查工号,名单外的工号不计入统计与排名"),
    ("period", "统计期", "填写后,校验时检查日期是否在统计期内,如 2026-11、2026-W47"),
    ("appeals", "申诉登记表", "申诉登记表文件;填写后,汇总分析、周报、月报按申诉结果更正评分"),
    ("mail_config", "发送配置文件", "发送邮件的配置文件(默认: 报表所在文件夹或用户主文件夹中的 zhijian-delivery.yaml)"),
    ("history_store", "历史库", "历史库文件(如 zhijian.duckdb);填写后,汇总分析、周报、月报读取的评分表一并存入历史库,"
                            "月报缺上月数据时从历史库读取(默认: 环境变量 ZHIJIAN_STORE)"),
]
_LABEL_TO_KEY = {label: key for key, label, _ in SETTING_FIELDS}
_PERIOD_WORDS = {"日": "day", "天": "day", "day": "day", "周": "week", "week": "week",
                 "月": "month", "month": "month"}
_PERIOD_ZH = {"day": "日", "week": "周", "month": "月"}


@dataclass
class Settings:
    rubric: str = DEFAULT_RUBRIC
    folder: Path | None = None
    output: Path | None = None
    period_kind: str = "month"
    lead: str | None = None
    roster: Path | None = None
    period: str | None = None
    appeals: Path | None = None
    mail_config: Path | None = None
    history_store: Path | None = None
    sources: dict[str, str] = field(default_factory=dict)  # key -> where the value came from
    # the workbook's zhijian_rubric_id when it names no bundled rubric (a team's own .yaml): the
    # rubric the settings name must be that one
    rubric_id: str | None = None

    def as_rows(self) -> list[list[Any]]:
        values = {"rubric": self.rubric, "folder": self.folder, "output": self.output,
                  "period_kind": _PERIOD_ZH.get(self.period_kind, self.period_kind), "lead": self.lead,
                  "roster": self.roster, "period": self.period, "appeals": self.appeals,
                  "mail_config": self.mail_config, "history_store": self.history_store}
        return [["项目", "值", "说明"]] + [
            [label, "" if values[key] is None else str(values[key]), help_]
            for key, label, help_ in SETTING_FIELDS]


def user_config_path() -> Path:
    """The user's settings file: $ZHIJIAN_CONFIG, else ~/.zhijian.yaml."""
    env = os.environ.get("ZHIJIAN_CONFIG")
    return Path(env) if env else Path.home() / ".zhijian.yaml"


def _read_user_config() -> dict[str, str]:
    import yaml

    from zhijian.errors import FileProblemsError
    from zhijian.files.yamldoc import check_file_size, load_yaml

    path = user_config_path()
    if not path.is_file():
        return {}
    try:  # the same limits as every YAML file zhijian reads (size, aliases, depth)
        check_file_size(path, FileProblemsError)
        data = load_yaml(path.read_text(encoding="utf-8"), str(path), FileProblemsError)[0] or {}
    except FileProblemsError as e:
        raise InputFileError(f"配置文件 {path} 无法读取: " + ";".join(m for _, _, m in e.problems)) from None
    except (yaml.YAMLError, UnicodeDecodeError) as e:
        raise InputFileError(f"配置文件 {path} 无法读取: {e}") from None
    if not isinstance(data, dict):
        raise InputFileError(f"配置文件 {path} 应为“项目: 值”的列表")
    return {_LABEL_TO_KEY.get(str(k), str(k)): str(v) for k, v in data.items() if v not in (None, "")}


def _read_settings_sheet(port: WorkbookPort) -> dict[str, str]:
    if SETTINGS_SHEET not in port.sheet_names():
        return {}
    rows, _, _ = port.used_range(SETTINGS_SHEET)
    out = {}
    for row in rows:
        if len(row) < 2 or row[0] is None:
            continue
        key = _LABEL_TO_KEY.get(str(row[0]).strip(), str(row[0]).strip())
        if key in {k for k, _, _ in SETTING_FIELDS} and row[1] not in (None, ""):
            out[key] = str(row[1]).strip()
    return out


def _apply(settings: Settings, values: dict[str, str], source: str, base: Path | None) -> None:
    for key, raw in values.items():
        if key in settings.sources or not raw:
            continue
        if key in ("folder", "output", "roster", "appeals", "mail_config", "history_store"):
            p = Path(os.path.expandvars(os.path.expanduser(raw)))
            if not p.is_absolute() and base is not None:
                p = base / p
            setattr(settings, key, p)
        elif key == "period_kind":
            kind = _PERIOD_WORDS.get(raw.strip().lower())
            if kind is None:
                raise InputFileError(f"{source}: 汇总周期“{raw}”无法识别,应为 日、周 或 月")
            settings.period_kind = kind
        elif key == "rubric":
            p = Path(os.path.expanduser(raw))
            if p.suffix in (".yaml", ".yml") and not p.is_absolute() and base is not None:
                raw = str(base / p)
            settings.rubric = raw
        elif key in ("lead", "period"):
            setattr(settings, key, raw)
        else:
            continue
        settings.sources[key] = source


def load_settings(port: WorkbookPort) -> Settings:
    """The settings for this workbook (see the module docstring for the order)."""
    s = Settings()
    base = port.path.parent if port.path else None
    _apply(s, _read_settings_sheet(port), f"“{SETTINGS_SHEET}”工作表", base)
    prop = port.document_property("zhijian_rubric_id")
    if prop:
        from zhijian.files.rubrics import bundled_rubric_names

        if prop in bundled_rubric_names():
            _apply(s, {"rubric": prop}, "文档属性 zhijian_rubric_id", base)
        else:  # a template of a team's own rubric: the id is no name to load it by
            s.rubric_id = prop
    config = user_config_path()
    _apply(s, _read_user_config(), str(config), config.parent)
    return s


def rubric_of(settings: Settings):
    """The rubric the settings name (bundled name or .yaml path); for a workbook of a team's own
    rubric, the one whose id it carries."""
    from zhijian.files.rubrics import load_rubric
    if settings.rubric_id and "rubric" not in settings.sources:
        raise InputFileError(f"本工作簿是评分标准“{settings.rubric_id}”的评分表(文档属性 zhijian_rubric_id),"
                             f"它不是内置的评分标准;请在“{SETTINGS_SHEET}”工作表或 {user_config_path()} 中"
                             "写明它的 .yaml 文件(评分标准: 文件路径)")
    rubric = load_rubric(settings.rubric)
    if settings.rubric_id and rubric.id != settings.rubric_id:
        raise InputFileError(f"本工作簿是评分标准“{settings.rubric_id}”的评分表(文档属性 zhijian_rubric_id),"
                             f"而{settings.sources.get('rubric', '设置')}指定的评分标准是“{rubric.id}”"
                             f"({settings.rubric});请改成“{settings.rubric_id}”的 .yaml 文件")
    return rubric


def other_rubrics(current):
    """Every bundled rubric but `current`: to tell a sheet of another rubric from a broken one."""
    from zhijian.files.rubrics import other_bundled_rubrics
    return other_bundled_rubrics(current)  # loaded only for a sheet that does not match `current`


# --- 评分标准 / 配置 ----------------------------------------------------------------------------------

def rubric_on_port(port: WorkbookPort) -> ButtonResult:
    """评分标准: the rubric this workbook uses, as a readable 评分标准说明 sheet."""
    settings = load_settings(port)
    rubric = rubric_of(settings)
    rows = rubric_rows(rubric, settings)
    refuse_foreign_sheet(port, RUBRIC_SHEET, [rows[0][0]], "评分标准")
    port.add_sheet(RUBRIC_SHEET, rows)
    port.save()
    source = settings.sources.get("rubric", "默认")
    message = (f"本工作簿使用评分标准《{rubric.name}》({rubric.id} v{rubric.version},来自{source})。\n"
               f"评分项与规则见“{RUBRIC_SHEET}”工作表;要换用其他评分标准,请点“配置”。")
    port.status(None)
    port.alert(message)
    return ButtonResult(message, port.path)


def rubric_rows(rubric, settings: Settings | None = None) -> list[list[Any]]:
    """The rubric as table rows (the same content as `zhijian rubric show`)."""
    from zhijian.engine.scale import LIFT_WORDS
    from zhijian.engine.rubric_rules import na_short, scoring_in_words
    from zhijian.files.rubrics import bundled_rubric_names

    rows: list[list[Any]] = [["评分标准", rubric.name, "", "", "", "", ""],
                             ["编号 / 版本", f"{rubric.id} v{rubric.version}", "", "", "", "", ""],
                             ["满分 / 良好 / 最低允许", f"{rubric.full_marks:g} / {rubric.marks.good:g} / "
                              f"{rubric.marks.pass_:g}", "", "", "", "", ""], []]
    if rubric.categories:
        rows.append(["类别", "评分项", "满分", "允许分值", "不涉及", "严重程度", "分类"])
        for c in rubric.categories:
            for i, it in enumerate(c.items):
                rows.append([f"{c.name}({c.max_points:g})" if i == 0 else "", it.name, it.max,
                             it.describe_allowed(), na_short(it),
                             it.severity, it.item_class])
        rows += [[line] for line in scoring_in_words(rubric)]
        rows.append([])
    if rubric.offences:
        rows.append(["编号", "扣分条款", "每次扣分", "加倍情形"])
        for o in rubric.offences:
            rows.append([o.id, o.name, o.points, o.doubled_when or ""])
        rows.append([])
    rules = []
    for b in rubric.bonuses:
        rules.append(["加分", b.name, b.item, f"+{b.points:g}", LIFT_WORDS[b.lift]])
    for d in rubric.deductions:
        rules.append(["减分", d.name, d.item, f"-{d.points:g}"])
    for z in rubric.zero_outs:
        scope = {"item": "评分项", "category": "类别", "call": "整通"}[z.scope]
        rules.append(["清零", z.name, f"{scope} {z.target or ''}".strip(), "0"])
    if rubric.fatal_errors.enabled:
        rules.append(["致命性错误", "单独统计", "整通", "清零" if rubric.fatal_errors.zero_call else "不清零"])
    if rubric.error_deduction.enabled:
        ed = rubric.error_deduction
        rules.append(["差错扣分", "从整通得分中扣除,最终得分不低于 0", "整通", f"{ed.min:g}–{ed.max:g}"])
    if rules:
        rows.append(["类型", "规则", "作用于", "分值", "加分可否超出满分"])
        rows.extend(rules)
        rows.append([])
    if rubric.grades:
        rows.append(["等级", rubric.describe_grades()])
    for a in rubric.assumptions:
        rows.append(["说明", a])
    rows.append([])
    rows.append(["内置评分标准", "、".join(bundled_rubric_names())])
    return rows


def settings_on_port(port: WorkbookPort) -> ButtonResult:
    """配置: without a 配置 sheet, add one filled with the settings in effect; with one, check it and
    save it as this computer's defaults (~/.zhijian.yaml)."""
    if SETTINGS_SHEET not in port.sheet_names():
        settings = load_settings(port)
        port.add_sheet(SETTINGS_SHEET, settings.as_rows())
        port.save()
        message = (f"已生成“{SETTINGS_SHEET}”工作表,其中是现在生效的配置。\n"
                   f"请修改“值”一列,然后再点一次“配置”,保存为本机默认配置。")
        port.status(None)
        port.alert(message)
        return ButtonResult(message, port.path)
    values = _read_settings_sheet(port)
    settings = Settings()
    _apply(settings, values, f"“{SETTINGS_SHEET}”工作表", port.path.parent if port.path else None)
    problems = []
    try:
        rubric_of(settings)
    except ZhijianError as e:
        problems.append(str(e))
    for key, label in (("folder", "评分表文件夹"), ("roster", "人员名单"), ("appeals", "申诉登记表"),
                       ("mail_config", "发送配置文件"), ("output", "输出文件夹"), ("history_store", "历史库")):
        p = getattr(settings, key)
        folder = key in ("folder", "output")
        if p is None or (not p.exists() and key in ("output", "history_store")):
            continue  # made when first written
        if not p.exists():
            problems.append(f"{label}不存在: {p}")
        elif folder and not p.is_dir():
            problems.append(f"{label}应为文件夹,这是一个文件: {p}")
        elif not folder and p.is_dir():
            problems.append(f"{label}应为文件,这是一个文件夹: {p}")
    if settings.period:
        from zhijian.engine.periods import parse_period
        try:
            parse_period(settings.period)
        except ValueError:
            problems.append(f"无法识别的统计期“{settings.period}”,请写成 2026-11、2026-W47 或 2026-11-02")
    if problems:
        raise InputFileError("配置有误,未保存:\n" + "\n".join(problems))
    path = save_user_config(settings)
    message = f"已保存为本机默认配置: {path}\n(工作簿中的“{SETTINGS_SHEET}”工作表仍优先于默认配置)"
    port.status(None)
    port.alert(message)
    return ButtonResult(message, path)


def save_user_config(settings: Settings) -> Path:
    """Write the settings given in the 配置 sheet into the user's file (other keys are kept)."""
    import yaml

    from zhijian.files.atomic import atomic_path

    path = user_config_path()
    data: dict[str, Any] = dict(_read_user_config())  # the other keys are kept
    for key in settings.sources:
        v = getattr(settings, key)
        data[key] = str(v)
    with atomic_path(path) as tmp:
        tmp.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path

