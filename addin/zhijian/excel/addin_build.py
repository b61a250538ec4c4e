"""The Excel add-ins of the 质检 tab: build, install, uninstall.

No VBA of ours: every add-in is a copy of xlwings' `quickstart_addin_ribbon.xlam` (its VBA project
was compiled by Excel) changed at the zip level only:

- its ribbon part `customUI/customUI.xml` is replaced by `customUI/customUI14.xml`, generated from
  `macros/ribbon.yaml` (namespace http://schemas.microsoft.com/office/2009/07/customui), and the
  package relationship in `_rels/.rels` is pointed at it with the Office 2010 relationship type;
- its configuration sheet `_myaddin.conf` is renamed `myaddin.conf` (the name the template's VBA
  reads: PROJECT_NAME = "myaddin") and filled with our settings (interpreter, PYTHONPATH, …);
- `xl/vbaProject.bin` and every other part are copied byte for byte.

Each add-in's one button calls the template's callback `RibbonMyAddin.RunMain`, which runs
`import <add-in file name>; <add-in file name>.main()`: zhijian_validate.xlam runs
zhijian_validate.main(), which calls zhijian.ribbon.validate(). The add-ins share one tab and its
groups through qualified ids (idQ) in one XML namespace (MS-CUSTOMUI 2.3.9); see macros/README.md.

Nothing here imports xlwings: the template is found through the import system's metadata.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import sys
import xml.etree.ElementTree as ET
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from zhijian.errors import ZhijianError

TEMPLATE_NAME = "quickstart_addin_ribbon.xlam"
CUSTOMUI_NS = "http://schemas.microsoft.com/office/2009/07/customui"
CUSTOMUI_PART = "customUI/customUI14.xml"
CUSTOMUI_REL = "http://schemas.microsoft.com/office/2007/relationships/ui/extensibility"
UI_REL_SUFFIX = "/relationships/ui/extensibility"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
DOC_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
VBA_PART = "xl/vbaProject.bin"
DEFAULT_ON_ACTION = "RibbonMyAddin.RunMain"
# Settings every add-in gets: the user's workbook folder is not put on sys.path (a file there
# named like a module must not shadow ours); one Python process per click, no console window.
BASE_CONFIG: dict[str, str | bool] = {"ADD_WORKBOOK_TO_PYTHONPATH": "false", "Use UDF Server": False,
                                      "Show Console": False}
_MODULE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_ID = re.compile(r"^[A-Za-z_][A-Za-z0-9_.]*$")
_ASCII_PRINTABLE = re.compile(r"^[\x20-\x7e]*$")


class AddinError(ZhijianError):
    """The template, the ribbon source or the target folder cannot be used."""

    exit_code = 2


class UnsupportedPlatform(AddinError):
    """Excel add-ins are installed on Windows and macOS only."""


# --- the ribbon source ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Button:
    id: str
    label: str
    module: str  # the add-in's file name without .xlam, and the Python module Excel imports
    function: str  # the zhijian.ribbon function module.main() calls
    image: str
    group: str  # the group's idQ (without prefix)
    screentip: str = ""
    supertip: str = ""

    @property
    def file_name(self) -> str:
        return f"{self.module}.xlam"


@dataclass(frozen=True)
class Group:
    idq: str
    label: str
    buttons: tuple[Button, ...]


@dataclass(frozen=True)
class Ribbon:
    namespace: str
    tab_idq: str
    tab_label: str
    groups: tuple[Group, ...]
    source: str = ""

    @property
    def buttons(self) -> list[Button]:
        return [b for g in self.groups for b in g.buttons]

    def button(self, module: str) -> Button:
        for b in self.buttons:
            if b.module == module:
                return b
        raise KeyError(module)


def default_ribbon_path() -> Path:
    """macros/ribbon.yaml, installed with the package as zhijian.macros (see pyproject.toml)."""
    from importlib import resources

    return Path(str(resources.files("zhijian.macros") / "ribbon.yaml"))


def load_ribbon(path: str | Path | None = None) -> Ribbon:
    """Read and check the ribbon source (every problem in one error)."""
    import yaml

    path = Path(path) if path else default_ribbon_path()
    if not path.is_file():
        raise AddinError(f"找不到功能区定义文件 {path}(应为源代码中的 macros/ribbon.yaml,可用 --ribbon 指定)")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as e:
        raise AddinError(f"功能区定义文件 {path} 无法读取: {e}") from None
    problems: list[str] = []

    def need(d, key, where, pattern=None):
        v = d.get(key) if isinstance(d, dict) else None
        if not isinstance(v, str) or not v.strip():
            problems.append(f"{where}: 缺少 {key}")
            return ""
        if pattern is not None and not pattern.match(v):
            problems.append(f"{where}: {key}“{v}”只能用 ASCII 字母、数字和下划线")
        return v

    if not isinstance(data, dict):
        raise AddinError(f"功能区定义文件 {path} 的格式不对")
    namespace = need(data, "namespace", "namespace", _ASCII_PRINTABLE)
    tab = data.get("tab") or {}
    tab_idq = need(tab, "idQ", "tab", _ID)
    tab_label = need(tab, "label", "tab")
    groups = []
    from zhijian.excel import ribbon as ribbon_module
    for gi, g in enumerate(data.get("groups") or []):
        gwhere = f"groups[{gi}]"
        idq = need(g, "idQ", gwhere, _ID)
        label = need(g, "label", gwhere)
        buttons = []
        for bi, b in enumerate((g or {}).get("buttons") or []):
            where = f"{gwhere}.buttons[{bi}]"
            button = Button(id=need(b, "id", where, _ID), label=need(b, "label", where),
                            module=need(b, "module", where, _MODULE),
                            function=need(b, "function", where, _MODULE),
                            image=need(b, "image", where, _ID), group=idq,
                            screentip=str(b.get("screentip") or ""), supertip=str(b.get("supertip") or ""))
            if button.function and not callable(getattr(ribbon_module, button.function, None)):
                problems.append(f"{where}: zhijian.ribbon 中没有函数 {button.function}")
            buttons.append(button)
        groups.append(Group(idq, label, tuple(buttons)))
    if not groups:
        problems.append("没有任何 groups")
    r = Ribbon(namespace, tab_idq, tab_label, tuple(groups), str(path))
    for what, values in (("module", [b.module for b in r.buttons]), ("id", [b.id for b in r.buttons]),
                         ("group idQ", [g.idq for g in r.groups])):
        dup = sorted({v for v in values if values.count(v) > 1})
        if dup:
            problems.append(f"{what} 重复: {', '.join(dup)}")
    if problems:
        raise AddinError(f"功能区定义文件 {path} 有误:\n" + "\n".join(problems))
    return r


def custom_ui_xml(ribbon: Ribbon, button: Button, on_action: str = DEFAULT_ON_ACTION) -> bytes:
    """The customUI of the add-in of `button`: the shared tab with every group, in order (whichever
    add-in Excel loads first lays them out), and only this add-in's button, in its group."""
    lines = ['<?xml version="1.0" encoding="UTF-8" standalone="yes"?>',
             f"<!-- Generated by `zhijian addin build` from macros/ribbon.yaml ({button.module}). -->",
             f'<customUI xmlns="{CUSTOMUI_NS}" xmlns:x={quoteattr(ribbon.namespace)}>',
             "  <ribbon>", "    <tabs>",
             f'      <tab idQ="x:{ribbon.tab_idq}" label={quoteattr(ribbon.tab_label)}>']
    for g in ribbon.groups:
        mine = [b for b in g.buttons if b.module == button.module]
        if not mine:
            lines.append(f'        <group idQ="x:{g.idq}" label={quoteattr(g.label)}/>')
            continue
        lines.append(f'        <group idQ="x:{g.idq}" label={quoteattr(g.label)}>')
        for b in mine:
            attrs = [f"id={quoteattr(b.id)}", f"label={quoteattr(b.label)}", 'size="large"',
                     f"imageMso={quoteattr(b.image)}", f"onAction={quoteattr(on_action)}",
                     f"tag={quoteattr(b.module)}"]
            if b.screentip:
                attrs.append(f"screentip={quoteattr(b.screentip)}")
            if b.supertip:
                attrs.append(f"supertip={quoteattr(b.supertip)}")
            lines.append("          <button " + " ".join(attrs) + "/>")
        lines.append("        </group>")
    lines += ["      </tab>", "    </tabs>", "  </ribbon>", "</customUI>", ""]
    return "\n".join(lines).encode("utf-8")


# --- the template -------------------------------------------------------------------------------------

def xlwings_dir() -> Path:
    """The installed xlwings package folder (found without importing xlwings)."""
    spec = importlib.util.find_spec("xlwings")
    if spec is None or not spec.submodule_search_locations:
        raise AddinError("没有安装 xlwings,无法生成 Excel 加载项。请先运行: pip install xlwings")
    return Path(list(spec.submodule_search_locations)[0])


def xlwings_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("xlwings")
    except PackageNotFoundError:
        return ""


def template_path() -> Path:
    path = xlwings_dir() / TEMPLATE_NAME
    if not path.is_file():
        raise AddinError(f"xlwings 中找不到加载项模板 {path}(xlwings 版本 {xlwings_version() or '未知'})")
    return path


@dataclass
class _Template:
    """What the build needs to know about the template package."""

    path: Path
    infos: list[zipfile.ZipInfo]
    parts: dict[str, bytes]
    conf_sheet: str  # sheet name, e.g. "_myaddin.conf"
    conf_part: str  # e.g. "xl/worksheets/sheet1.xml"
    on_action: str
    shared_strings: str | None = "xl/sharedStrings.xml"
    notes: list[str] = field(default_factory=list)


def _read_template(path: Path) -> _Template:
    try:
        with zipfile.ZipFile(path) as z:
            infos = z.infolist()
            parts = {i.filename: z.read(i.filename) for i in infos}
    except (OSError, zipfile.BadZipFile) as e:
        raise AddinError(f"加载项模板 {path} 无法读取: {e}") from None
    if VBA_PART not in parts:
        raise AddinError(f"加载项模板 {path} 中没有 VBA 工程 {VBA_PART}")
    # The ribbon callback the template's own button uses (RibbonMyAddin.RunMain).
    on_action = DEFAULT_ON_ACTION
    for name in parts:
        if name.lower().startswith("customui/") and name.lower().endswith(".xml"):
            m = re.search(rb'onAction="([^"]+)"', parts[name])
            if m:
                on_action = m.group(1).decode("ascii")
    # The configuration sheet: the worksheet whose name ends with ".conf".
    wb = ET.fromstring(parts["xl/workbook.xml"])
    rels = ET.fromstring(parts["xl/_rels/workbook.xml.rels"])
    targets = {r.get("Id"): r.get("Target") for r in rels}
    conf_sheet = conf_part = ""
    for sheet in wb.iter(f"{{{MAIN_NS}}}sheet"):
        name = sheet.get("name") or ""
        if name.lower().endswith(".conf"):
            target = targets.get(sheet.get(f"{{{DOC_REL_NS}}}id"), "")
            conf_sheet = name
            conf_part = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
            break
    if not conf_sheet or conf_part not in parts:
        raise AddinError(f"加载项模板 {path} 中没有 xlwings 配置工作表(*.conf)")
    shared = "xl/sharedStrings.xml" if "xl/sharedStrings.xml" in parts else None
    return _Template(path, infos, parts, conf_sheet, conf_part, on_action, shared)


def _conf_sheet_xml(sheet_xml: bytes, rows: list[tuple[str, str | bool]], strings: list[str]) -> bytes:
    """The template's conf sheet with `rows` (key in A, value in B) as its only cells; string cells
    index into `strings` (appended to)."""
    text = sheet_xml.decode("utf-8")
    style = re.search(r'<c r="A1"[^>]*\ss="(\d+)"', text)
    s = f' s="{style.group(1)}"' if style else ""

    def sst(value: str) -> int:
        strings.append(value)
        return len(strings) - 1

    out = []
    for i, (key, value) in enumerate(rows, start=1):
        cells = [f'<c r="A{i}"{s} t="s"><v>{sst(key)}</v></c>']
        if isinstance(value, bool):
            cells.append(f'<c r="B{i}"{s} t="b"><v>{int(value)}</v></c>')
        else:
            cells.append(f'<c r="B{i}"{s} t="s"><v>{sst(str(value))}</v></c>')
        out.append(f'<row r="{i}" spans="1:2">{"".join(cells)}</row>')
    data = f"<sheetData>{''.join(out)}</sheetData>"
    if re.search(r"<sheetData\s*/>", text):
        text = re.sub(r"<sheetData\s*/>", lambda _: data, text, count=1)
    else:
        text = re.sub(r"<sheetData>.*?</sheetData>", lambda _: data, text, count=1, flags=re.S)
    text = re.sub(r'<dimension ref="[^"]*"\s*/>', f'<dimension ref="A1:B{max(len(rows), 1)}" />', text, count=1)
    return text.encode("utf-8")


def _shared_strings_xml(strings: list[str]) -> bytes:
    items = "".join(f'<si><t xml:space="preserve">{escape(v)}</t></si>' for v in strings)
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            f'<sst xmlns="{MAIN_NS}" count="{len(strings)}" uniqueCount="{len(strings)}">{items}</sst>'
            ).encode("utf-8")


def _rels_xml(rels_xml: bytes) -> bytes:
    """_rels/.rels with the ribbon relationship pointing at customUI14.xml (Office 2010 type)."""
    ET.register_namespace("", PKG_REL_NS)
    root = ET.fromstring(rels_xml)
    ui = [r for r in root if (r.get("Type") or "").endswith(UI_REL_SUFFIX)]
    for extra in ui[1:]:
        root.remove(extra)
    if ui:
        rel = ui[0]
    else:
        ids = {r.get("Id") for r in root}
        n = 1
        while f"rId{n}" in ids:
            n += 1
        rel = ET.SubElement(root, f"{{{PKG_REL_NS}}}Relationship", Id=f"rId{n}")
    rel.set("Type", CUSTOMUI_REL)
    rel.set("Target", CUSTOMUI_PART)
    return ET.tostring(root, encoding="UTF-8", xml_declaration=True)


def config_rows(config: dict[str, str | bool] | None) -> list[tuple[str, str | bool]]:
    """The conf sheet's rows: BASE_CONFIG then `config`; empty values are left out, so that the
    user's own xlwings configuration file still applies to them."""
    merged: dict[str, str | bool] = dict(BASE_CONFIG)
    for k, v in (config or {}).items():
        for existing in list(merged):  # keys are case-insensitive for xlwings
            if existing.upper() == k.upper():
                del merged[existing]
        merged[k] = v
    return [(k, v) for k, v in merged.items() if v is not None and v != ""]


def build_addin(button: Button, ribbon: Ribbon, target: Path, *, template: _Template,
                config: dict[str, str | bool] | None = None) -> Path:
    """Write the add-in of `button` to `target` (atomically), from the template package."""
    from zhijian.files.atomic import atomic_path

    rows = config_rows(config)
    strings: list[str] = []
    conf_xml = _conf_sheet_xml(template.parts[template.conf_part], rows, strings)
    active_name = template.conf_sheet.lstrip("_")  # "_myaddin.conf" (inactive) -> "myaddin.conf"
    workbook_xml = template.parts["xl/workbook.xml"].replace(
        f'name="{template.conf_sheet}"'.encode(), f'name="{escape(active_name)}"'.encode(), 1)
    replaced = {
        "_rels/.rels": _rels_xml(template.parts["_rels/.rels"]),
        "xl/workbook.xml": workbook_xml,
        template.conf_part: conf_xml,
    }
    if template.shared_strings:
        replaced[template.shared_strings] = _shared_strings_xml(strings)
    else:  # a template without a shared-strings part: inline the strings instead
        replaced[template.conf_part] = _inline_strings(conf_xml, strings)
    ui_date = next((i.date_time for i in template.infos if i.filename.lower().startswith("customui/")),
                   template.infos[0].date_time)
    target = Path(target)
    with atomic_path(target) as tmp:
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as out:
            for info in template.infos:
                name = info.filename
                if name.lower().startswith("customui/"):
                    continue  # the template's ribbon: replaced by ours
                data = replaced.get(name, template.parts[name])
                new = zipfile.ZipInfo(name, date_time=info.date_time)
                new.compress_type = info.compress_type
                new.external_attr = info.external_attr
                out.writestr(new, data)
            ui = zipfile.ZipInfo(CUSTOMUI_PART, date_time=ui_date)
            ui.compress_type = zipfile.ZIP_DEFLATED
            out.writestr(ui, custom_ui_xml(ribbon, button, template.on_action))
    return target


def _inline_strings(sheet_xml: bytes, strings: list[str]) -> bytes:
    def repl(m):
        return f'{m.group(1)} t="inlineStr"><is><t>{escape(strings[int(m.group(2))])}</t></is></c>'
    return re.sub(r'(<c r="[A-Z]+\d+"[^>]*?) t="s"><v>(\d+)</v></c>', repl,
                  sheet_xml.decode("utf-8")).encode("utf-8")


def build_all(out_dir: str | Path, *, template: str | Path | None = None, ribbon: str | Path | None = None,
              config: dict[str, str | bool] | None = None) -> list[Path]:
    """One add-in per button of the ribbon source, into `out_dir`; the paths written."""
    r = load_ribbon(ribbon)
    t = _read_template(Path(template) if template else template_path())
    out = Path(out_dir)
    try:
        out.mkdir(parents=True, exist_ok=True)
        return [build_addin(b, r, out / b.file_name, template=t, config=config) for b in r.buttons]
    except PermissionError as e:
        raise AddinError(f"无法写入 {e.filename or out}: 文件可能正被 Excel 打开,请先退出 Excel 再试") from None


# --- install / uninstall ----------------------------------------------------------------------------

def startup_dir(platform: str | None = None) -> Path:
    """Excel's per-user startup folder (XLSTART): add-ins there open when Excel starts."""
    platform = platform or sys.platform
    if platform.startswith("win"):
        appdata = os.environ.get("APPDATA") or str(Path.home() / "AppData" / "Roaming")
        return Path(appdata) / "Microsoft" / "Excel" / "XLSTART"
    if platform == "darwin":
        return (Path.home() / "Library" / "Group Containers" / "UBF8T346G9.Office" / "User Content"
                / "Startup" / "Excel")
    raise UnsupportedPlatform("Excel 加载项只能安装在装有 Microsoft Excel 的 Windows 或 macOS 电脑上,"
                              "本机不支持(Linux 上没有 Excel)。可以用 --target 文件夹 把加载项写到指定文件夹。")


def interpreter_keys(platform: str | None = None) -> list[str]:
    """The xlwings setting(s) naming the Python interpreter on this platform."""
    platform = platform or sys.platform
    if platform.startswith("win"):
        return ["Interpreter_Win"]
    if platform == "darwin":
        return ["Interpreter_Mac"]
    return ["Interpreter_Win", "Interpreter_Mac"]


def entry_modules_dir() -> Path:
    """The folder holding zhijian_*.py (the add-ins' modules): beside the zhijian package."""
    import zhijian

    return Path(zhijian.__file__).resolve().parent.parent


def install_config(interpreter: str | None = None, platform: str | None = None) -> dict[str, str | bool]:
    exe = interpreter or sys.executable
    config: dict[str, str | bool] = {k: exe for k in interpreter_keys(platform)}
    config["PYTHONPATH"] = str(entry_modules_dir())
    return config


def install(target: str | Path | None = None, *, interpreter: str | None = None,
            ribbon: str | Path | None = None, template: str | Path | None = None) -> list[Path]:
    """Build the add-ins with this Python as their interpreter into `target` (default: Excel's
    startup folder; Windows and macOS only). On macOS, also enable RunPython (the xlwings
    AppleScript) as `xlwings runpython install` does."""
    default = target is None
    folder = startup_dir() if default else Path(target)
    written = build_all(folder, template=template, ribbon=ribbon, config=install_config(interpreter))
    if default and sys.platform == "darwin":
        _install_applescript()
    return written


def _install_applescript() -> Path:
    script = xlwings_dir() / f"xlwings-{xlwings_version()}.applescript"
    dest = Path.home() / "Library" / "Application Scripts" / "com.microsoft.Excel"
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copy2(script, dest / script.name)
    return dest / script.name


def uninstall(target: str | Path | None = None, *, ribbon: str | Path | None = None) -> list[Path]:
    """Remove our add-ins (only the file names of the ribbon source) from `target` (default:
    Excel's startup folder); the paths removed."""
    folder = startup_dir() if target is None else Path(target)
    removed = []
    for b in load_ribbon(ribbon).buttons:
        p = folder / b.file_name
        if p.exists():
            try:
                p.unlink()
            except PermissionError:
                raise AddinError(f"无法删除 {p}: 文件正被 Excel 使用,请先退出 Excel 再试") from None
            removed.append(p)
    return removed
