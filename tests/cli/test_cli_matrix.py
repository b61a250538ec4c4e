"""Every command and subcommand against the error contract (README "Commands", "安全与数据"), as
one matrix over the demo's data: a missing input, a folder for a file and a file for a folder, an
empty folder, files that are no workbook (text, zero bytes, a renamed PNG, a tiny zip declaring a
huge member), a CSV in GBK, odd paths (spaces, Chinese, 250+ characters, a leading '-'), outputs
that are an input, in a read-only folder, a user's own file or a folder, option values out of
range, and the history store pointing at an input workbook.

Each case checks the exit code (0 ok, 1 findings, 2 usage or unreadable input; 3 is a defect), that
what is printed is Chinese and names the file, never a traceback or a library's English, that
--json prints exactly one JSON document on stdout even on errors, and that nothing is written when
the command refuses. tests/hostile and the other tests/cli files hold the deeper cases; this file
is the breadth."""

from __future__ import annotations

import json
import os
import re
import shutil
import struct
import zipfile
from importlib import resources
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from click.testing import CliRunner

from clikit import unwritable
from zhijian.cli.main import cli

R = "listening-10x4"
DAY = "2026-10-14"


# --- the data: the demo once, a small world cut from it -------------------------------------------

@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo") / "demo"
    r = CliRunner().invoke(cli, ["demo", "--out", str(out)])
    assert r.exit_code == 0, r.output
    return out


def _tiny_zip_declaring_a_huge_member(path: Path) -> Path:
    """A few hundred bytes whose headers declare each member unpacks to almost 4 GB."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/worksheets/sheet1.xml", "A" * 1000)
    data = bytearray(path.read_bytes())
    for signature, offset in ((b"PK\x01\x02", 24), (b"PK\x03\x04", 22)):
        i = data.find(signature)
        while i >= 0:
            struct.pack_into("<I", data, i + offset, 0xFFFFFFF0)
            i = data.find(signature, i + 4)
    path.write_bytes(bytes(data))
    return path


@pytest.fixture(scope="module")
def world(demo, tmp_path_factory):
    """One day's three sheets and the demo's registers, roster, configurations and reports, the
    hostile files, folders with odd names, and a store holding the day."""
    w = tmp_path_factory.mktemp("world")
    (w / "sheets").mkdir()
    for f in sorted(demo.glob(f"sheets/{DAY}_*.xlsx")):
        shutil.copy(f, w / "sheets" / f.name)
    for name in ["roster.xlsx", "appeals.xlsx", "complaints.xlsx", "kpi-2026-10.xlsx", "assessment.yaml",
                 "zhijian-delivery.yaml"]:
        shutil.copy(demo / name, w / name)
    shutil.copy(demo / f"calls/通话记录_{DAY}.csv", w / "calls.csv")
    (w / "calls-gbk.csv").write_bytes((w / "calls.csv").read_text(encoding="utf-8-sig").encode("gbk"))
    shutil.copytree(demo / "plans", w / "plans")
    shutil.copytree(demo / f"质检日报_{DAY}", w / "dailypkg")
    (w / "empty").mkdir()
    (w / "folder.xlsx").mkdir()
    (w / "text.xlsx").write_text("这不是工作簿\n", encoding="utf-8")
    (w / "zero.xlsx").write_bytes(b"")
    (w / "png.xlsx").write_bytes(bytes.fromhex("89504e470d0a1a0a0000000d49484452") + b"\0" * 64)
    _tiny_zip_declaring_a_huge_member(w / "bomb.xlsx")
    one = sorted((w / "sheets").iterdir())[0]
    for odd in ["带 空格", "中文目录", "-dash", "长" * 60 + "/" + "L" * 200]:
        (w / odd).mkdir(parents=True)
        shutil.copy(one, w / odd / one.name)
    (w / "rubric.yaml").write_text((resources.files("zhijian.bundled_rubrics") / f"{R}.yaml").read_text("utf-8"),
                                   encoding="utf-8")
    (w / "user.xlsx").write_bytes((w / "roster.xlsx").read_bytes())  # a workbook of the user's own
    r = CliRunner().invoke(cli, ["history", "import", str(w / "sheets"), "--rubric", R, "--store",
                                 str(w / "store.duckdb")])
    assert r.exit_code == 0, r.output
    r = CliRunner().invoke(cli, ["weekly", str(w / "sheets"), "--rubric", R, "-o", str(w / "weekly.xlsx")])
    assert r.exit_code == 0, r.output
    return w


@pytest.fixture(scope="module")
def locked(tmp_path_factory):
    """A folder nobody may write into (`clikit.unwritable`)."""
    with unwritable(tmp_path_factory.mktemp("locked") / "locked") as folder:
        yield folder


# --- the commands -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Command:
    """A command as a user runs it: `args` hold {placeholders} of the world; `slots` are the
    placeholders that name a file to read (kind: "sheets" takes files, folders and globs, "file" a
    file only, "folder" a folder only); `out` the placeholder of its output and what it is."""

    name: str
    args: tuple[str, ...]
    json: bool = True
    slots: dict[str, str] = field(default_factory=dict)
    out: tuple[str, str] | None = None  # (placeholder, "file" | "folder")
    numbers: tuple[str, ...] = ()  # options taking a number, date, week, month …
    store: bool = False  # takes --store (the history store)
    o_name: str = "report.xlsx"  # the name its output file gets in a case


SHEETS = {"S": "sheets"}
COMMANDS = [
    Command("validate", ("validate", "{S}", "--rubric", R, "--roster", "{roster}"),
            slots={**SHEETS, "roster": "file"}, numbers=("--period",)),
    Command("score", ("score", "{S}", "--rubric", R), slots=SHEETS),
    Command("consolidate", ("consolidate", "{S}", "--rubric", R, "--roster", "{roster}", "--appeals", "{appeals}",
                            "-o", "{O}"),
            slots={**SHEETS, "roster": "file", "appeals": "file"}, out=("O", "file"),
            numbers=("--date", "--window-hours"), store=True),
    Command("weekly", ("weekly", "{S}", "--rubric", R, "--roster", "{roster}", "--appeals", "{appeals}", "-o", "{O}"),
            slots={**SHEETS, "roster": "file", "appeals": "file"}, out=("O", "file"),
            numbers=("--week", "--quota", "--project-start", "--window-hours"), store=True),
    Command("monthly", ("monthly", "{S}", "--rubric", R, "--roster", "{roster}", "--appeals", "{appeals}",
                        "--complaints", "{complaints}", "--plans", "{plans}", "-o", "{O}"),
            slots={**SHEETS, "roster": "file", "appeals": "file", "complaints": "file", "plans": "folder"},
            out=("O", "file"), numbers=("--month", "--target", "--window-hours"), store=True),
    Command("daily", ("daily", "{S}", "--rubric", R, "--roster", "{roster}", "--appeals", "{appeals}", "-o", "{D}"),
            slots={**SHEETS, "roster": "file", "appeals": "file"}, out=("D", "folder"),
            numbers=("--date", "--repeat-times", "--repeat-window", "--points", "--quota", "--window-hours"),
            store=True),
    Command("penalties", ("penalties", "{S}", "--rubric", R, "--roster", "{roster}", "--appeals", "{appeals}",
                          "-o", "{O}"),
            slots={**SHEETS, "roster": "file", "appeals": "file"}, out=("O", "file"),
            numbers=("--month", "--window-hours")),
    Command("quarterly", ("quarterly", "{S}", "--rubric", R, "--complaints", "{complaints}", "-o", "{O}"),
            slots={**SHEETS, "complaints": "file"}, out=("O", "file"),
            numbers=("--quarter", "--stars", "--min-calls", "--window-hours"), store=True),
    Command("yearly", ("yearly", "{S}", "--rubric", R, "--complaints", "{complaints}", "-o", "{O}"),
            slots={**SHEETS, "complaints": "file"}, out=("O", "file"),
            numbers=("--year", "--stars", "--min-calls", "--window-hours"), store=True),
    Command("assess", ("assess", "{S}", "--rubric", R, "--month", "2026-10", "--config", "{config}",
                       "--kpi", "{kpi}", "-o", "{O}"),
            slots={**SHEETS, "config": "file", "kpi": "file"}, out=("O", "file"),
            numbers=("--month", "--window-hours"), store=True),
    Command("audit", ("audit", "{report}", "{S}"), slots={"report": "file", **SHEETS}),
    Command("template", ("template", R, "-o", "{O}"), out=("O", "file"), numbers=("--rows",)),
    Command("sample", ("sample", "{calls}", "--rubric", R, "--roster", "{roster}", "-o", "{D}"),
            slots={"calls": "file", "roster": "file"}, out=("D", "folder"),
            numbers=("--date", "--per-agent", "--rounds", "--min-duration", "--seed")),
    Command("demo", ("demo", "--out", "{D}"), out=("D", "folder"), numbers=("--month", "--seed")),
    Command("email", ("email", "{report}", "--kind", "weekly", "--config", "{delivery}", "--eml", "{O}"),
            slots={"report": "file", "delivery": "file"}, out=("O", "file"), o_name="draft.eml"),
    Command("history import", ("history", "import", "{S}", "--rubric", R, "--appeals", "{appeals}",
                               "--store", "{O}"),
            slots={**SHEETS, "appeals": "file"}, out=("O", "file"), numbers=("--window-hours",),
            o_name="new.duckdb"),
    Command("history status", ("history", "status", "--store", "{store}"), slots={"store": "file"}),
    Command("history export", ("history", "export", "--store", "{store}", "--parquet", "{D}"),
            slots={"store": "file"}, out=("D", "folder")),
    Command("appeals template", ("appeals", "template", "--rubric", R, "-o", "{O}"), json=False, out=("O", "file")),
    Command("appeals check", ("appeals", "check", "{appeals}", "{S}", "--rubric", R),
            slots={"appeals": "file", **SHEETS}, numbers=("--window-hours",)),
    Command("complaints template", ("complaints", "template", "-o", "{O}"), json=False, out=("O", "file")),
    Command("complaints check", ("complaints", "check", "{complaints}"), slots={"complaints": "file"},
            numbers=("--month",)),
    Command("rubric check", ("rubric", "check", "{rubricfile}"), slots={"rubricfile": "file"}),
    Command("rubric show", ("rubric", "show", R)),
    Command("rubric list", ("rubric", "list")),
    Command("addin build", ("addin", "build", "-o", "{D}"), out=("D", "folder")),
    Command("addin install", ("addin", "install", "--target", "{D}"), out=("D", "folder")),
    Command("addin uninstall", ("addin", "uninstall", "--target", "{D}"), out=("D", "folder")),
]
BY_NAME = {c.name: c for c in COMMANDS}


def places(world: Path, tmp: Path, command: Command) -> dict[str, str]:
    return {"S": str(world / "sheets"), "roster": str(world / "roster.xlsx"), "appeals": str(world / "appeals.xlsx"),
            "complaints": str(world / "complaints.xlsx"), "plans": str(world / "plans"),
            "config": str(world / "assessment.yaml"), "kpi": str(world / "kpi-2026-10.xlsx"),
            "report": str(world / "weekly.xlsx"), "calls": str(world / "calls.csv"),
            "delivery": str(world / "zhijian-delivery.yaml"), "store": str(world / "store.duckdb"),
            "rubricfile": str(world / "rubric.yaml"),
            "O": str(tmp / "out" / command.o_name), "D": str(tmp / "out" / "folder")}


def argv(command: Command, values: dict[str, str], *extra: str, as_json: bool | None = None) -> list[str]:
    args = [a.format(**values) for a in command.args] + list(extra)
    if command.json and as_json is not False:
        args.append("--json")
    return args


# --- running and the contract ---------------------------------------------------------------------

def snapshot(*folders: Path) -> dict[str, tuple[int, int]]:
    out = {}
    for folder in folders:
        for top, dirs, files in os.walk(folder):
            for name in dirs + files:
                p = Path(top) / name
                st = p.lstat()
                out[str(p)] = (st.st_size, st.st_mtime_ns if not p.is_dir() else 0)
    return out


# ASCII words that may stand in a Chinese message: names of things, not sentences of a library.
ALLOWED_WORDS = {"zhijian", "help", "json", "xlsx", "xlsm", "xls", "csv", "yaml", "yml", "eml", "zip", "duckdb",
                 "excel", "iso", "gbk", "gb18030", "wps", "ansi", "mapping", "utf", "sop", "kpi", "png", "parquet", "store", "rubric", "roster", "appeals", "kpi",
                 "config", "output", "out", "parquet", "overwrite", "period", "date", "week", "month", "year",
                 "quarter", "quota", "target", "stars", "min", "calls", "rows", "per", "agent", "rounds",
                 "duration", "seed", "window", "hours", "points", "repeat", "times", "project", "start", "kind",
                 "eml", "complaints", "plans", "previous", "import", "history", "status", "export", "template",
                 "check", "demo", "listening", "xlam", "set", "ribbon", "target", "interpreter", "smtp",
                 "utf", "gbk", "windows", "macos", "xlstart", "daily", "weekly", "monthly", "briefing",
                 "nan", "inf", "infinity", "true", "false", "day", "lead", "publish", "time", "example",
                 "zhijian_store", "zhijian_cache", "libreoffice", "python", "xlwings", "sheets", "xml", "yaml",
                 "null", "ids", "dash", "mask", "dry", "run", "sample", "score", "validate", "consolidate",
                 "penalties", "quarterly", "yearly", "assess", "audit", "email", "addin", "build", "install",
                 "uninstall", "list", "show", "topic", "inspectors", "duty", "rotation", "exclude", "scored",
                 "cache", "mapping", "write", "folder", "report", "file"}


def english_words(text: str, paths: list[str]) -> list[str]:
    for p in sorted(paths, key=len, reverse=True):
        text = text.replace(p, " ")
    text = re.sub(r"(?<![\w/.-])/[^\s:(),“”]+", " ", text)  # other absolute paths
    text = re.sub(r"[\w\[\]$~-]+\.[A-Za-z]{2,5}\b", " ", text)  # file and part names (xl/[Content_Types].xml)
    words = re.findall(r"(?<![-\w.])[A-Za-z][A-Za-z_']{2,}(?![\w.])", text)
    return [w for w in words if w.lower() not in ALLOWED_WORDS]


@dataclass
class Outcome:
    code: int
    stdout: str
    stderr: str


def invoke(args: list[str], cwd: Path, watch: list[Path]) -> tuple[Outcome, bool]:
    """Run in-process from `cwd`; (the outcome, whether anything under `watch` or `cwd` changed)."""
    before = snapshot(cwd, *watch)
    old = os.getcwd()
    os.chdir(cwd)
    try:
        r = CliRunner().invoke(cli, args, env={"COLUMNS": "1000"}, prog_name="zhijian")
    finally:
        os.chdir(old)
    assert r.exception is None or isinstance(r.exception, SystemExit), repr(r.exception)
    changed = snapshot(cwd, *watch) != before
    return Outcome(r.exit_code, r.stdout, r.stderr), changed


def assert_contract(o: Outcome, *, codes, as_json: bool, paths: list[str], names: str | None = None,
                    phrase: str | None = None) -> None:
    text = o.stdout + o.stderr
    assert o.code in codes, (o.code, text)
    assert o.code != 3 and "内部错误" not in text and "Traceback" not in text, text
    if as_json:
        doc = json.loads(o.stdout)  # exactly one document: json.loads refuses anything after it
        assert isinstance(doc, dict)
        if o.code == 2 and "problems" in doc:  # rubric check: its result is the list of problems
            assert doc["ok"] is False and doc["problems"], doc
            return
        if o.code == 2:
            assert doc.get("exit_code") == 2 and doc.get("error"), doc
    if o.code == 2:
        message = o.stderr.strip()
        assert message, text
        assert not english_words(message, paths), (english_words(message, paths), message)
        assert re.search(r"[\u4e00-\u9fff]", message.splitlines()[-1]), message
    if names is not None:
        assert names in text, (names, text)
    if phrase is not None:
        assert phrase in text, (phrase, text)


def workspace(tmp_path: Path) -> Path:
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    return cwd


# --- inputs ---------------------------------------------------------------------------------------

BAD_FILES = {  # what a user names, and what it is
    "missing": "no-such.xlsx",
    "text": "text.xlsx",
    "zero-bytes": "zero.xlsx",
    "renamed-png": "png.xlsx",
    "tiny-zip-huge-member": "bomb.xlsx",
}


def input_cases():
    for c in COMMANDS:
        for slot, kind in c.slots.items():
            bad = dict(BAD_FILES)
            if kind == "file":
                bad["folder-for-file"] = "folder.xlsx"
            if kind == "folder":
                bad = {"missing": "no-such", "file-for-folder": "text.xlsx"}
            if kind == "sheets":
                bad["empty-folder"] = "empty"
            for case, name in bad.items():
                known = KNOWN.get((c.name, slot, case)) or (KNOWN.get((c.name, slot)) if case in BAD_FILES else None)
                marks = [pytest.mark.xfail(reason=known, strict=True)] if known else []
                yield pytest.param(c.name, slot, name, id=f"{c.name}-{slot}-{case}", marks=marks)


# Found by this matrix and not fixed yet (each case fails as described; strict: a fix must remove it).
KNOWN: dict[tuple, str] = {}


@pytest.mark.parametrize("name, slot, bad", list(input_cases()))
def test_an_unreadable_input_is_named_exit_2_nothing_written(world, tmp_path, name, slot, bad):
    command = BY_NAME[name]
    values = places(world, tmp_path, command)
    values[slot] = str(world / bad)
    cwd = workspace(tmp_path)
    o, changed = invoke(argv(command, values), cwd, [world, tmp_path])
    # validate reports an unreadable workbook as a finding (exit 1); nothing else reads past one
    codes = {1, 2} if (name == "validate" and slot == "S") else {2}
    assert_contract(o, codes=codes, as_json=command.json, paths=list(values.values()), names=bad.split("/")[-1])
    assert not changed, "a refused command wrote a file"


# --- outputs --------------------------------------------------------------------------------------

WRITERS = [c for c in COMMANDS if c.out and c.name not in ("addin install", "addin uninstall")]


def _an_input(command: Command, world: Path) -> Path:
    """A file the command reads, for the output to be."""
    if "S" in command.slots:
        return sorted((world / "sheets").iterdir())[0]
    slot = next((s for s, k in command.slots.items() if k == "file"), None)
    return Path(places(world, world, command)[slot]) if slot else world / "user.xlsx"


@pytest.mark.parametrize("name", [c.name for c in WRITERS if c.slots])
def test_an_output_that_is_an_input_is_refused(world, tmp_path, name):
    command = BY_NAME[name]
    values = places(world, tmp_path, command)
    victim = _an_input(command, world)
    slot, kind = command.out
    values[slot] = str(victim)  # a folder output naming an input file is a file where a folder must be
    o, changed = invoke(argv(command, values), workspace(tmp_path), [world])
    assert_contract(o, codes={2}, as_json=command.json, paths=list(values.values()))
    assert not changed


@pytest.mark.parametrize("name", [c.name for c in WRITERS])
def test_an_output_in_a_read_only_folder_is_one_message(world, tmp_path, locked, name):
    command = BY_NAME[name]
    values = places(world, tmp_path, command)
    slot, kind = command.out
    values[slot] = str(locked / (command.o_name if kind == "file" else "folder"))
    o, changed = invoke(argv(command, values), workspace(tmp_path), [world])
    assert_contract(o, codes={2}, as_json=command.json, paths=list(values.values()), names=str(locked))
    assert not changed and list(locked.iterdir()) == []


@pytest.mark.parametrize("name", [c.name for c in WRITERS])
def test_a_users_own_file_is_never_replaced(world, tmp_path, name):
    command = BY_NAME[name]
    values = places(world, tmp_path, command)
    slot, kind = command.out
    mine = tmp_path / "mine"
    mine.mkdir()
    if kind == "file":
        target = mine / command.o_name
        shutil.copy(world / ("user.xlsx" if command.o_name.endswith(".xlsx") else "zhijian-delivery.yaml"), target)
        values[slot] = str(target)
    else:  # a folder holding a file of the user's where the command writes
        target = mine / "notes.txt"
        target.write_text("我的笔记", encoding="utf-8")
        values[slot] = str(mine)
    before = snapshot(mine)
    o, _ = invoke(argv(command, values), workspace(tmp_path), [world])
    text = o.stdout + o.stderr
    assert o.code != 3 and "Traceback" not in text and "内部错误" not in text, text
    if command.json:
        json.loads(o.stdout)
    assert {k: v for k, v in snapshot(mine).items() if k in before} == before, text


# --- option values --------------------------------------------------------------------------------

BAD_VALUES = {"negative": "-1", "huge": "99999999999", "nan": "nan", "empty": ""}


def option_cases():
    for c in COMMANDS:
        for option in c.numbers:
            for case, value in BAD_VALUES.items():
                yield pytest.param(c.name, option, value, id=f"{c.name}{option}-{case}")


@pytest.mark.parametrize("name, option, value", list(option_cases()))
def test_an_option_value_out_of_range_is_one_chinese_line(world, tmp_path, name, option, value):
    command = BY_NAME[name]
    values = places(world, tmp_path, command)
    o, changed = invoke(argv(command, values, f"{option}={value}"), workspace(tmp_path), [world, tmp_path])
    assert_contract(o, codes={2}, as_json=command.json, paths=list(values.values()), phrase=option)
    assert o.stderr.startswith("参数错误: "), o.stderr
    assert not changed


# --- the history store ----------------------------------------------------------------------------

STORE_USERS = [c for c in COMMANDS if c.store] + [BY_NAME["history status"], BY_NAME["history export"]]


@pytest.mark.parametrize("how", ["option", "environment"])
@pytest.mark.parametrize("name", [c.name for c in STORE_USERS] + ["history import"])
def test_the_store_pointing_at_an_input_workbook_is_refused(world, tmp_path, name, how):
    command = BY_NAME[name]
    values = places(world, tmp_path, command)
    victim = sorted((world / "sheets").iterdir())[0]
    args = argv(command, values)
    if "--store" in args:
        i = args.index("--store")
        del args[i:i + 2]
    env_store = None
    if how == "option":
        args += ["--store", str(victim)]
    else:
        env_store = str(victim)
    old = os.environ.get("ZHIJIAN_STORE")
    os.environ["ZHIJIAN_STORE"] = env_store or ""
    if env_store is None:
        del os.environ["ZHIJIAN_STORE"]
    try:
        o, changed = invoke(args, workspace(tmp_path), [world])
    finally:
        os.environ.pop("ZHIJIAN_STORE", None)
        if old is not None:
            os.environ["ZHIJIAN_STORE"] = old
    assert_contract(o, codes={2}, as_json=command.json, paths=list(values.values()) + [str(victim)],
                    names=victim.name)
    assert not changed


# --- names --------------------------------------------------------------------------------------

ODD = {"spaces": "带 空格", "chinese": "中文目录", "long": "长" * 60 + "/" + "L" * 200}
READERS = ["validate", "score", "consolidate", "daily", "penalties", "quarterly", "history import", "appeals check"]


@pytest.mark.parametrize("odd", list(ODD))
@pytest.mark.parametrize("name", READERS)
def test_odd_folder_names_are_read_and_written(world, tmp_path, name, odd):
    command = BY_NAME[name]
    values = places(world, tmp_path, command)
    values["S"] = str(world / ODD[odd])
    out = tmp_path / ODD[odd]
    if command.out:
        slot, kind = command.out
        values[slot] = str(out / (command.o_name if kind == "file" else "folder"))
    o, _ = invoke(argv(command, values), workspace(tmp_path), [])
    assert_contract(o, codes={0, 1}, as_json=command.json, paths=list(values.values()))
    if command.out:
        assert any(out.rglob("*")), o.stdout + o.stderr


@pytest.mark.parametrize("name", READERS)
def test_a_name_with_a_leading_dash(world, tmp_path, name):
    """`-dash` is taken for an option (one Chinese line, exit 2); after `--` it is the folder."""
    command = BY_NAME[name]
    values = places(world, tmp_path, command)
    values["S"] = "-dash"
    cwd = workspace(tmp_path)
    shutil.copytree(world / "-dash", cwd / "-dash")
    o, changed = invoke(argv(command, values), cwd, [world])
    assert_contract(o, codes={2}, as_json=command.json, paths=list(values.values()))
    assert not changed
    args = argv(command, values)
    args.remove("-dash")
    o, _ = invoke(args + ["--", "-dash"], cwd, [])
    assert_contract(o, codes={0, 1}, as_json=command.json, paths=list(values.values()))


def test_a_call_list_in_gbk_is_read(world, tmp_path):
    command = BY_NAME["sample"]
    values = places(world, tmp_path, command)
    values["calls"] = str(world / "calls-gbk.csv")
    o, _ = invoke(argv(command, values), workspace(tmp_path), [])
    assert_contract(o, codes={0}, as_json=True, paths=list(values.values()))
    assert json.loads(o.stdout)


@pytest.mark.parametrize("name", ["validate", "score", "consolidate", "daily", "history import"])
def test_a_sheet_saved_as_a_gbk_csv_is_read_or_named(world, tmp_path, name):
    import csv
    import io

    import openpyxl

    wb = openpyxl.load_workbook(sorted((world / "sheets").iterdir())[0], read_only=True)
    buf = io.StringIO()
    csv.writer(buf).writerows([["" if v is None else v for v in row] for row in wb.worksheets[0].iter_rows(values_only=True)])
    wb.close()
    gbk = tmp_path / "评分表.csv"
    gbk.write_bytes(buf.getvalue().encode("gbk", errors="replace"))
    command = BY_NAME[name]
    values = places(world, tmp_path, command)
    values["S"] = str(gbk)
    o, _ = invoke(argv(command, values), workspace(tmp_path), [])
    assert_contract(o, codes={0, 1}, as_json=command.json, paths=list(values.values()))
