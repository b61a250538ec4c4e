"""`zhijian addin build|install|uninstall`: one add-in per ribbon button, each a zip-level copy of
xlwings' quickstart_addin_ribbon.xlam with its own customUI, sharing one 质检 tab through idQ.

Checked on the files themselves: the customUI XML (well-formed, Office 2010 namespace, shared tab
and groups, one button whose onAction is a callback olevba finds in the add-in's VBA), the VBA
project (byte for byte the template's), the xlwings configuration sheet, the Python module each
file name maps to, and LibreOffice opening every add-in. Excel itself is not available here.
"""

from __future__ import annotations

import importlib
import json
import re
import subprocess
import sys
import tempfile
import warnings
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

with warnings.catch_warnings():  # oletools uses pyparsing names deprecated in pyparsing 3
    warnings.simplefilter("ignore")
    from oletools.olevba import VBA_Parser

from zhijian.excel import addin_build
from zhijian.excel import ribbon
from zhijian.excel.addin_build import (CUSTOMUI_NS, AddinError, load_ribbon, startup_dir, template_path)
from zhijian.cli.addin import addin_group

ADDIN_DIR = Path(__file__).resolve().parents[2] / "addin"
RIBBON = load_ribbon()
BUTTONS = RIBBON.buttons
UI = f"{{{CUSTOMUI_NS}}}"
GROUPS = [("GroupSheet", "评分表", ["抽检计划", "新建评分表", "校验", "计算总分"]),
          ("GroupSummary", "汇总", ["汇总分析", "周报", "月报", "日报"]),
          ("GroupSend", "发送", ["发送邮件"]), ("GroupSettings", "设置", ["评分标准", "配置"])]


def invoke(*args):
    result = CliRunner().invoke(addin_group, [str(a) for a in args])
    assert "Traceback" not in result.output
    return result


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    result = invoke("build", "-o", out, "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert [a["module"] for a in data["addins"]] == [b.module for b in BUTTONS]
    return out


def parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist()}


def custom_ui(path: Path) -> ET.Element:
    return ET.fromstring(parts(path)["customUI/customUI14.xml"])


def conf_sheet(path: Path) -> tuple[str, dict[str, object]]:
    """(name, {key: value}) of the add-in's xlwings configuration sheet, read from its XML."""
    p = parts(path)
    main = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    name = ET.fromstring(p["xl/workbook.xml"]).find(f"{main}sheets/{main}sheet").get("name")
    strings = ["".join(t.text or "" for t in si.iter(f"{main}t"))
               for si in ET.fromstring(p["xl/sharedStrings.xml"])]
    cells = {}
    for c in ET.fromstring(p["xl/worksheets/sheet1.xml"]).iter(f"{main}c"):
        v = c.find(f"{main}v").text
        cells[c.get("r")] = strings[int(v)] if c.get("t") == "s" else bool(int(v)) if c.get("t") == "b" else v
    rows = sorted({int(r[1:]) for r in cells})
    assert rows == list(range(1, len(rows) + 1)), "xlwings reads A1 down to the first empty cell"
    return name, {cells[f"A{r}"]: cells.get(f"B{r}") for r in rows}


def vba_modules(path: Path) -> dict[str, str]:
    parser = VBA_Parser(str(path))
    try:
        return {name: code for _, _, name, code in parser.extract_macros()}
    finally:
        parser.close()


# --- every add-in ---------------------------------------------------------------------------------

def test_one_addin_per_button_with_ascii_names(built):
    assert sorted(p.name for p in built.iterdir()) == sorted(b.file_name for b in BUTTONS)
    assert len(BUTTONS) == 11
    for b in BUTTONS:
        assert re.fullmatch(r"zhijian_[a-z]+", b.module) and b.file_name.isascii()


@pytest.mark.parametrize("button", BUTTONS, ids=[b.module for b in BUTTONS])
def test_custom_ui_is_office_2010_xml_sharing_one_tab(built, button):
    path = built / button.file_name
    p = parts(path)
    assert "customUI/customUI.xml" not in p  # the template's ribbon is gone
    raw = p["customUI/customUI14.xml"].decode("utf-8")
    assert 'xmlns:x="zhijian.ribbon"' in raw
    root = custom_ui(path)
    assert root.tag == f"{UI}customUI"
    tabs = root.findall(f"{UI}ribbon/{UI}tabs/{UI}tab")
    assert [(t.get("idQ"), t.get("label"), t.get("id")) for t in tabs] == [("x:ZhijianTab", "质检", None)]
    groups = tabs[0].findall(f"{UI}group")
    assert [(g.get("idQ"), g.get("label")) for g in groups] == [(f"x:{i}", label) for i, label, _ in GROUPS]
    buttons = [(g.get("label"), b) for g in groups for b in g]
    assert len(buttons) == 1
    group_label, b = buttons[0]
    assert b.tag == f"{UI}button"
    assert (group_label, b.get("label")) == (next(lab for i, lab, _ in GROUPS if i == button.group), button.label)
    assert b.get("id") == button.id and b.get("imageMso") == button.image and b.get("size") == "large"
    assert b.get("onAction") == "RibbonMyAddin.RunMain"


def test_all_buttons_of_the_tab_across_the_addins(built):
    seen = []
    for b in BUTTONS:
        for g in custom_ui(built / b.file_name).iter(f"{UI}group"):
            seen += [(g.get("label"), x.get("label")) for x in g]
    assert seen == [(g, label) for _, g, labels in GROUPS for label in labels]


@pytest.mark.parametrize("button", BUTTONS, ids=[b.module for b in BUTTONS])
def test_on_action_is_a_callback_of_the_addins_vba(built, button):
    path = built / button.file_name
    action = custom_ui(path).find(f".//{UI}button").get("onAction")
    module, sub = action.split(".")
    code = vba_modules(path)[f"{module}.bas"]
    assert re.search(rf"^Sub {sub}\(control As IRibbonControl\)", code, re.M)
    # RunMain imports the module named after the add-in file and calls its main()
    assert "ThisWorkbook.Name" in code and 'RunPython "import " & mymodule & ";" & mymodule & ".main()"' in code


@pytest.mark.parametrize("button", BUTTONS, ids=[b.module for b in BUTTONS])
def test_vba_project_and_other_parts_are_the_templates(built, button):
    template = parts(template_path())
    mine = parts(built / button.file_name)
    assert mine["xl/vbaProject.bin"] == template["xl/vbaProject.bin"]
    changed = {"_rels/.rels", "xl/workbook.xml", "xl/worksheets/sheet1.xml", "xl/sharedStrings.xml",
               "customUI/customUI14.xml"}
    assert set(mine) == set(template) - {"customUI/customUI.xml"} | {"customUI/customUI14.xml"}
    for name in set(mine) - changed:
        assert mine[name] == template[name], name
    rels = ET.fromstring(mine["_rels/.rels"])
    ui = [r for r in rels if r.get("Type").endswith("/ui/extensibility")]
    assert [(r.get("Type"), r.get("Target")) for r in ui] == [
        ("http://schemas.microsoft.com/office/2007/relationships/ui/extensibility", "customUI/customUI14.xml")]
    assert {r.get("Id") for r in rels} == {r.get("Id") for r in ET.fromstring(template["_rels/.rels"])}


@pytest.mark.parametrize("button", BUTTONS, ids=[b.module for b in BUTTONS])
def test_configuration_sheet_is_the_one_the_vba_reads(built, button):
    path = built / button.file_name
    project = re.search(r'PROJECT_NAME As String = "(\w+)"', vba_modules(path)["xlwings.bas"]).group(1)
    name, conf = conf_sheet(path)
    assert name == f"{project}.conf"  # the template's "_myaddin.conf" is switched on
    assert conf == {"ADD_WORKBOOK_TO_PYTHONPATH": "false", "Use UDF Server": False, "Show Console": False}


def test_vba_expects_the_installed_xlwings(built):
    """macOS runs RunPython through xlwings-<VBA's version>.applescript: the add-ins must come from
    the xlwings that is installed (rebuild/reinstall them after upgrading xlwings)."""
    code = vba_modules(built / "zhijian_validate.xlam")["xlwings.bas"]
    version = re.search(r'XLWINGS_VERSION As String = "([^"]+)"', code).group(1)
    assert version == addin_build.xlwings_version()
    assert (addin_build.xlwings_dir() / f"xlwings-{version}.applescript").is_file()


@pytest.mark.parametrize("button", BUTTONS, ids=[b.module for b in BUTTONS])
def test_file_name_maps_to_a_module_whose_main_calls_the_button(button, monkeypatch):
    monkeypatch.syspath_prepend(str(ADDIN_DIR))
    module = importlib.import_module(Path(button.file_name).stem)
    calls = []
    monkeypatch.setattr(ribbon, button.function, lambda: calls.append(button.function))
    module.main()
    assert calls == [button.function]


def test_libreoffice_opens_every_addin(built, tmp_path):
    from zhijian.files.libreoffice import find_soffice

    soffice = find_soffice()
    profile = Path(tempfile.mkdtemp(prefix="zhijian-lo-", dir=tmp_path))
    files = sorted(built.glob("*.xlam"))
    # LibreOffice does not detect the add-in content type by itself: name the .xlsm import filter.
    r = subprocess.run([soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
                        "--infilter=Calc MS Excel 2007 VBA XML", "--convert-to", "xlsx",
                        "--outdir", str(tmp_path / "out"), *map(str, files)],
                       capture_output=True, text=True, timeout=300)
    assert "could not be loaded" not in r.stdout + r.stderr, r.stdout + r.stderr
    for f in files:
        out = tmp_path / "out" / f"{f.stem}.xlsx"
        assert out.is_file(), r.stdout + r.stderr
        ws = openpyxl.load_workbook(out).worksheets[0]
        assert ws.title == "myaddin.conf"
        assert ws["A1"].value == "ADD_WORKBOOK_TO_PYTHONPATH" and ws["B1"].value == "false"


def test_build_is_reproducible_and_takes_settings(built, tmp_path):
    result = invoke("build", "-o", tmp_path, "--set", r"Interpreter_Win=C:\Python311\python.exe",
                    "--set", "Show Console=true")
    assert result.exit_code == 0, result.output
    assert "已生成 11 个加载项" in result.output
    _, conf = conf_sheet(tmp_path / "zhijian_validate.xlam")
    assert conf["Interpreter_Win"] == r"C:\Python311\python.exe" and conf["Show Console"] is True
    again = tmp_path / "again"
    assert invoke("build", "-o", again).exit_code == 0
    assert (again / "zhijian_score.xlam").read_bytes() == (built / "zhijian_score.xlam").read_bytes()


# --- install / uninstall -----------------------------------------------------------------------------

def test_install_and_uninstall_with_a_target_folder(tmp_path):
    target = tmp_path / "XLSTART"
    target.mkdir()
    (target / "PERSONAL.XLSB").write_bytes(b"not ours")
    result = invoke("install", "--target", target)
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in target.glob("*.xlam")) == sorted(b.file_name for b in BUTTONS)
    _, conf = conf_sheet(target / "zhijian_validate.xlam")
    for key in addin_build.interpreter_keys():
        assert conf[key] == sys.executable
    assert Path(conf["PYTHONPATH"]) == ADDIN_DIR  # where zhijian_*.py live
    assert (Path(conf["PYTHONPATH"]) / "zhijian_validate.py").is_file()
    assert "已安装 11 个加载项" in result.output

    result = invoke("uninstall", "--target", target)
    assert result.exit_code == 0, result.output
    assert [p.name for p in target.iterdir()] == ["PERSONAL.XLSB"]  # only ours removed
    assert invoke("uninstall", "--target", target).output.strip() == "没有找到要卸载的加载项。"


def test_install_without_target_on_linux_is_refused(monkeypatch):
    monkeypatch.setattr(sys, "platform", "linux")
    for command in ("install", "uninstall"):
        result = CliRunner().invoke(addin_group, [command])
        assert result.exit_code == 2
        assert "Windows 或 macOS" in result.output and "--target" in result.output


def test_startup_folders(monkeypatch, tmp_path):
    monkeypatch.setenv("APPDATA", str(tmp_path / "Roaming"))
    assert startup_dir("win32") == tmp_path / "Roaming" / "Microsoft" / "Excel" / "XLSTART"
    monkeypatch.setattr(Path, "home", classmethod(lambda cls: tmp_path))
    assert startup_dir("darwin") == (tmp_path / "Library" / "Group Containers" / "UBF8T346G9.Office" /
                                     "User Content" / "Startup" / "Excel")
    assert addin_build.interpreter_keys("win32") == ["Interpreter_Win"]
    assert addin_build.interpreter_keys("darwin") == ["Interpreter_Mac"]


# --- the ribbon source --------------------------------------------------------------------------------

def test_ribbon_source_mistakes_are_reported_together(tmp_path):
    bad = tmp_path / "ribbon.yaml"
    bad.write_text("namespace: zhijian.ribbon\ntab: {idQ: ZhijianTab, label: 质检}\ngroups:\n"
                   "  - idQ: G\n    label: 组\n    buttons:\n"
                   "      - {id: B1, label: 校验, module: 质检校验, function: validate, image: X}\n"
                   "      - {id: B1, label: 其他, module: zhijian_x, function: no_such, image: X}\n",
                   encoding="utf-8")
    with pytest.raises(AddinError) as e:
        load_ribbon(bad)
    text = str(e.value)
    assert "只能用 ASCII" in text and "没有函数 no_such" in text and "id 重复: B1" in text
    result = invoke("build", "-o", tmp_path / "out", "--ribbon", bad)
    assert result.exit_code == 2 and "只能用 ASCII" in result.output


def test_missing_template_is_a_clear_error(tmp_path):
    result = invoke("build", "-o", tmp_path / "out", "--template", tmp_path / "none.xlam")
    assert result.exit_code == 2 and "无法读取" in result.output


# --- never a user's file ------------------------------------------------------------------------------

def test_build_refuses_to_replace_a_file_it_did_not_write(built, tmp_path):
    out = tmp_path / "dist"
    out.mkdir()
    theirs = out / "zhijian_validate.xlam"
    theirs.write_bytes(template_path().read_bytes())  # an add-in, but not one zhijian built
    result = invoke("build", "-o", out)
    assert result.exit_code == 2
    assert result.output.strip() == (f"{theirs} 不是 zhijian 生成的加载项,不会覆盖它;"
                                     f"请把它移走或改名后再试")
    assert theirs.read_bytes() == template_path().read_bytes()
    assert [p.name for p in out.iterdir()] == ["zhijian_validate.xlam"]  # nothing else written first
    # zhijian's own earlier build is replaced, as before
    again = tmp_path / "again"
    again.mkdir()
    (again / "zhijian_score.xlam").write_bytes((built / "zhijian_score.xlam").read_bytes())
    assert invoke("build", "-o", again).exit_code == 0
    result = invoke("install", "--target", out)
    assert result.exit_code == 2 and str(theirs) in result.output


def test_uninstall_removes_only_the_addins_zhijian_wrote(built, tmp_path):
    target = tmp_path / "XLSTART"
    target.mkdir()
    for b in BUTTONS:
        (target / b.file_name).write_bytes((built / b.file_name).read_bytes())
    theirs = target / "zhijian_consolidate.xlam"
    theirs.write_bytes(b"a workbook of the user's own")
    result = invoke("uninstall", "--target", target)
    assert result.exit_code == 2
    assert result.output.strip() == (f"{theirs} 不是 zhijian 生成的加载项,不会删除它;"
                                     f"请把它移走或改名后再试")
    assert len(list(target.iterdir())) == len(BUTTONS)  # nothing removed
    theirs.rename(target / "mine.xlam")
    result = invoke("uninstall", "--target", target)
    assert result.exit_code == 0, result.output
    assert [p.name for p in target.iterdir()] == ["mine.xlam"]
