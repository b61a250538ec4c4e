"""The 评分表 template: layout, validations, and the 最终得分 formula against the scoring engine.

The formula test fills each shipped rubric's template with 200 random rows (openpyxl), most of them
valid, some with a blank item, a word that is no score ("优秀") or a number the item does not allow,
recalculates every workbook in ONE LibreOffice run, and compares the formula's value with what the
engine makes of the same file (`check_files`): the same score, or no total ("") where the engine
gives the row no score. Valid rows are also checked against `score_call` of the values typed.
LibreOffice is required: without it these tests fail.
"""

from __future__ import annotations

import datetime as dt
import random
import re
from pathlib import Path

import openpyxl
import pytest
from python_calamine import CalamineWorkbook

from zhijian.files import libreoffice
from zhijian.engine.columns import column_specs
from zhijian.files.libreoffice import LibreOfficeError, recalculate_many
from zhijian.engine.ledger import charge_column
from zhijian.pipeline.load import check_files
from zhijian.engine.rubric import Rubric, fmt_number
from zhijian.files.rubrics import load_rubric, parse_rubric
from zhijian.engine.scoring import CallRecord, score_call
from zhijian.reports.template import total_formula, write_template
from zhijian.reports.template_formula import written_words
from zhijian.reports.template_ledger import charge_spec, escalates
from zhijian.reports.template_layout import NA_TEXT, YES_TEXT, template_layout
from zhijian.reports.toolkit import CREATED

ROOT = Path(__file__).resolve().parents[2]
# Every shipped rubric, and every rubric of the corpus of teams' forms (tests/forms/*/rubric.yaml).
SHIPPED = sorted(p.stem for p in (ROOT / "rubrics").glob("*.yaml"))
CORPUS = sorted(f"forms/{p.parent.name}" for p in (ROOT / "tests" / "forms").glob("*/rubric.yaml"))
N_ROWS = 200
TEMPLATE_ROWS = 300

# A rubric made up for the formula branches the shipped ones do not use (see its comment).
SYNTHETIC = Path(__file__).with_name("synthetic-lifts.yaml")
RUBRICS = [*SHIPPED, *CORPUS, "synthetic-lifts", "listening-blank-na"]


def get_rubric(name: str) -> Rubric:
    if name == "synthetic-lifts":
        return load_rubric(SYNTHETIC)
    if name == "listening-blank-na":  # a team whose blank cells mean 不涉及 (`blank: na`)
        text = (Path(__file__).resolve().parents[2] / "rubrics" / "listening-10x4.yaml").read_text(encoding="utf-8")
        text = text.replace("id: listening-10x4", "id: listening-blank-na").replace("blank: error ", "blank: na ")
        rubric = parse_rubric(text, "listening-blank-na.yaml")
        assert rubric.blank == "na"
        return rubric
    if name.startswith("forms/"):
        return load_rubric(ROOT / "tests" / name / "rubric.yaml")
    return load_rubric(name)


NA_SPELLINGS = [NA_TEXT, NA_TEXT, "N/A", "/"]  # what the engine and the formula both read as 不涉及
FIELD_KEYS = {"date", "inspector", "agent_id", "agent_name", "team", "recording_id", "call_type", "remarks"}
BAD_TEXT = "优秀"  # a word, not a score (of a rubric without level words)
OTHER_BAD_TEXT = "很好"  # the same, for a rubric whose levels are words (优秀 is a score there)


def bad_text(rubric: Rubric) -> str:
    return OTHER_BAD_TEXT if any(BAD_TEXT in written_words(rubric, it) for it in rubric.items) else BAD_TEXT


# --- random valid rows ------------------------------------------------------------------------


def random_row(rubric: Rubric, rng: random.Random, i: int) -> tuple[dict[str, object], CallRecord]:
    """One random valid row: the cell values by column key (None = left blank) and the same
    values as a CallRecord."""
    cells: dict[str, object] = {
        "date": dt.date(2024, 6, 1) + dt.timedelta(days=rng.randrange(30)),
        "inspector": rng.choice(["张敏", "李娜", "王强"]),
        "agent_id": f"A{rng.randrange(1, 40):03d}",
        "agent_name": rng.choice(["赵一", "钱二", "孙三", "李四"]),
        "team": rng.choice(["一组", "二组"]),
        # a few rows without 录音编号: the formula must still score them (they have inputs)
        "recording_id": None if i % 37 == 5 else f"R{20240600000 + i}",
        "call_type": rng.choice(["呼入", "呼出", None]),
        "remarks": rng.choice([None, None, "客户电话 13800138000 已核实", "语速偏快"]),
    }
    items: dict[str, float | None] = {}
    # rows with a 录音编号 and nothing scored: no score (blank: error), or full marks (blank: na)
    blank_row = i % 41 == 7
    full_row = i % 19 == 0  # every item at its maximum
    # one item of the row left blank, given a word, or given a number it does not allow
    spoilt = {3: None, 4: bad_text(rubric), 5: "too_high"}.get(i % 23, "none") if rubric.items else "none"
    spoilt_item = rng.choice(rubric.items).name if spoilt != "none" else None
    blanks_allowed = rubric.blank == "na"
    for it in rubric.items:
        p = rng.random()
        if blank_row:
            value = None
        elif it.name == spoilt_item:
            value = it.max + 1 if spoilt == "too_high" else spoilt
        elif p < 0.10 and blanks_allowed:
            value = None
        elif p < 0.20 and it.na_allowed:
            value = rng.choice(NA_SPELLINGS)
        else:
            levels = it.allowed_values()
            # mostly full or near-full marks, like real sheets, with every level reachable
            value = levels[0] if full_row or rng.random() < 0.5 else rng.choice(levels)
        items[it.name] = value if isinstance(value, (int, float)) else None
        cells[it.name] = as_word(rubric, it, value, rng)
    bonuses, deductions, zero_outs = {}, {}, set()
    for b in rubric.bonuses:
        n = rng.randint(0, b.max_times) if not blank_row and rng.random() < 0.35 else None
        cells[f"bonus:{b.id}"] = n
        if n:
            bonuses[b.id] = n
    for d in rubric.deductions:
        n = rng.randint(0, d.max_times) if not blank_row and rng.random() < 0.35 else None
        cells[f"deduction:{d.id}"] = n
        if n:
            deductions[d.id] = n
    for z in rubric.zero_outs:
        fired = not blank_row and rng.random() < (0.04 if z.scope == "call" else 0.10)
        cells[f"zero:{z.id}"] = YES_TEXT if fired else None
        if fired:
            zero_outs.add(z.id)
    offences, complaints = {}, {}
    for o in rubric.offences:
        n = rng.choice([1, 1, 2, 3]) if not blank_row and rng.random() < 0.15 else None
        if n is None and rng.random() < 0.1 and not blank_row:
            n = 0
        cells[f"offence:{o.id}"] = n
        if n:
            offences[o.id] = n
        if o.doubled_when:
            # complaints may exceed the count: an error (complaint.exceeds_offences), no charge
            c = rng.randint(0, n + 1) if n and rng.random() < 0.6 else None
            cells[f"complaint:{o.id}"] = c
            if c:
                complaints[o.id] = c
    fatal = 0
    if rubric.fatal_errors.enabled:
        fatal = rng.choice([0, 0, 0, 1, 2]) if not blank_row and rng.random() < 0.5 else 0
        cells["fatal_errors"] = fatal if fatal or rng.random() < 0.5 else None
    err = 0.0
    if rubric.error_deduction.enabled:
        ed = rubric.error_deduction
        if not blank_row and rng.random() < 0.4:
            steps = int((ed.max - ed.min) / 0.5)
            err = ed.min + 0.5 * rng.randint(0, steps)
            cells["error_deduction"] = int(err) if float(err).is_integer() else err
        else:
            cells["error_deduction"] = None
    record = CallRecord(items=items, bonuses=bonuses, deductions=deductions,
                        zero_outs=frozenset(zero_outs), fatal_errors=fatal, error_deduction=err,
                        offences=offences, complaints=complaints)
    return cells, record


def as_word(rubric: Rubric, it, value, rng: random.Random):
    """Sometimes a level word or a pass/fail mark for a number, in any case (优秀, yes, PASS)."""
    words = [w for w, p in written_words(rubric, it).items() if isinstance(value, (int, float)) and p == value]
    if words and rng.random() < 0.4:
        word = rng.choice(words)
        return word.upper() if rng.random() < 0.3 else word
    return value


def fill(rubric: Rubric, template: Path, out: Path, seed: int) -> list[tuple[dict, CallRecord]]:
    lay = template_layout(rubric)
    rng = random.Random(seed)
    wb = openpyxl.load_workbook(template)
    ws = wb[lay.sheet]
    rows = []
    for i in range(N_ROWS):
        cells, record = random_row(rubric, rng, i)
        r = lay.data_row(i)
        for key, value in cells.items():
            if value is not None:
                ws.cell(row=r, column=lay.column_number(key), value=value)
        rows.append((cells, record))
    wb.save(out)
    return rows


# --- one LibreOffice run for the whole module ------------------------------------------------


@pytest.fixture(scope="module")
def recalculated(tmp_path_factory):
    """Per rubric: the filled rows, the recalculated filled workbook and the recalculated empty
    template — all converted by a single soffice call."""
    tmp = tmp_path_factory.mktemp("templates")
    srcs, filled = [], {}
    for k, name in enumerate(RUBRICS):
        rubric = get_rubric(name)
        stem = name.replace("/", "-")
        empty = write_template(rubric, tmp / f"empty-{stem}.xlsx", rows=TEMPLATE_ROWS)
        rows = fill(rubric, empty, tmp / f"filled-{stem}.xlsx", seed=20240618 + k)
        filled[name] = rows
        srcs += [tmp / f"filled-{stem}.xlsx", empty]
    outs = recalculate_many(srcs, tmp / "recalculated")
    out = {}
    for k, name in enumerate(RUBRICS):
        out[name] = {"rows": filled[name], "filled": outs[2 * k], "empty": outs[2 * k + 1],
                     "template": srcs[2 * k + 1], "source": srcs[2 * k]}
    return out


@pytest.mark.parametrize("name", RUBRICS)
def test_formula_matches_engine(recalculated, name):
    rubric = get_rubric(name)
    lay = template_layout(rubric)
    data = recalculated[name]
    wb = openpyxl.load_workbook(data["filled"], data_only=True)
    ws = wb[lay.sheet]
    tcol = lay.column_number("total")
    # What the engine makes of the same file (the formulas have no cached value in it).
    checked = check_files(rubric, [data["source"]])
    # A ledger rubric's column is the call's 本通扣分 (what 明细 shows), not a score
    engine = dict(zip(checked.calls["row"].astype(int), [float("nan") if v is None else v for v in (
        charge_column(rubric, checked.calls) if rubric.ledger is not None else checked.calls["final_score"])]))
    mismatches, scores, refused = [], [], 0
    for i, (cells, record) in enumerate(data["rows"]):
        r = lay.data_row(i)
        got = ws.cell(row=r, column=tcol).value
        want = engine[r]
        inputs = [k for k, v in cells.items() if v is not None and k not in FIELD_KEYS]
        if not rubric.items and not inputs and cells["recording_id"] is None:
            # an offence-only row with neither 录音编号 nor any input: the formula waits for one
            # (the engine counts a call without offences but refuses it for its missing 录音编号)
            assert got in (None, "") and checked.calls.loc[checked.calls["row"] == r, "has_error"].all()
            continue
        if want != want:  # NaN: the engine gives this row no score; the formula shows no total
            refused += 1
            if got not in (None, ""):
                mismatches.append((r, got, "no score", {k: v for k, v in cells.items() if v is not None}))
            continue
        if escalates(rubric):  # the column is 本通扣分(按首次分值), as 说明 says: the engine's charge
            want = by_hand(rubric, record)  # escalates with the agent's earlier rows, the sheet cannot
        assert want == pytest.approx(by_hand(rubric, record), abs=1e-6), r
        scores.append(want)
        if not isinstance(got, (int, float)) or got != pytest.approx(want, abs=1e-6):
            mismatches.append((r, got, want, {k: v for k, v in cells.items() if v is not None}))
    assert not mismatches, f"{len(mismatches)} rows differ, first: {mismatches[:3]}"
    # the random rows really exercise the rules: a spread of scores, zeros included where possible
    # (a 50-point yes/no form has only 11 totals: 0, 5, …, 50; 20-point offences only 6: 0, 20, …, 100)
    coarse = not rubric.items and min(o.points for o in rubric.offences) >= 20
    assert len(set(scores)) > (4 if coarse else 10 if rubric.full_marks >= 100 else 6)
    assert max(scores) == rubric.full_marks if rubric.ledger is None else min(scores) == 0
    # and exactly the rows that should be refused are: the spoilt ones, and (blank: error) the blank ones
    assert refused == sum(_unscorable(rubric, cells) for cells, _ in data["rows"]) >= (N_ROWS // 23 if rubric.items else 0)
    # rows past the filled ones stay blank
    for r in range(lay.data_row(N_ROWS), lay.data_row(TEMPLATE_ROWS)):
        assert ws.cell(row=r, column=tcol).value in (None, "")


def by_hand(rubric: Rubric, record: CallRecord) -> float:
    """The engine's figure for a row: its final score, or on a ledger rubric (nothing escalating
    among the shipped ones) Σ points × (n + (multiplier − 1) × min(n, complaints))."""
    if rubric.ledger is None:
        return score_call(rubric, record).final_score
    return sum(o.points * (record.offences.get(o.id, 0) + (o.multiplier - 1) * min(
        record.offences.get(o.id, 0), record.complaints.get(o.id, 0) if o.doubled_when else 0))
        for o in rubric.offences)


def _unscorable(rubric: Rubric, cells: dict) -> bool:
    """Whether a row, as typed, has an item cell no score can be made of (by hand: the rubric's rules)."""
    for it in rubric.items:
        v = cells[it.name]
        if v is None and (rubric.blank_of(it) == "error" or it.na == "forbidden"):
            return True
        if v == bad_text(rubric) or (isinstance(v, (int, float)) and not it.allowed(v)):
            return True
    # a 加倍 count above its offence's: how many doublings to charge is unknown
    for o in rubric.offences:
        if o.doubled_when and (cells.get(f"complaint:{o.id}") or 0) > (cells.get(f"offence:{o.id}") or 0):
            return True
    # every item 不涉及 and left out of the total (na: exclude): nothing to score
    return rubric.excludes and all(it.na == "exclude" and cells[it.name] in (None, *NA_SPELLINGS)
                                   for it in rubric.items)


@pytest.mark.parametrize("name", ["listening-10x4", "listening-blank-na"])
def test_blank_and_text_cells_follow_the_rubric(recalculated, name):
    """A blank item: no total under `blank: error` (not scored yet), full marks under `blank: na`;
    a word that is no score: never a total, under either rule."""
    rubric = get_rubric(name)
    lay = template_layout(rubric)
    data = recalculated[name]
    ws = openpyxl.load_workbook(data["filled"], data_only=True)[lay.sheet]
    tcol = lay.column_number("total")
    blank_rows = [i for i in range(N_ROWS) if i % 41 == 7]
    text_rows = [i for i in range(N_ROWS) if i % 23 == 4]
    assert blank_rows and text_rows
    for i in blank_rows:
        got = ws.cell(row=lay.data_row(i), column=tcol).value
        assert got == (100 if rubric.blank == "na" else None), (name, i, got)
    for i in text_rows:
        cells = data["rows"][i][0]
        assert BAD_TEXT in cells.values()
        assert ws.cell(row=lay.data_row(i), column=tcol).value is None, (name, i)


@pytest.mark.parametrize("name", RUBRICS)
def test_random_rows_cover_the_rules(recalculated, name):
    """Guard for the test data itself: every rule of the rubric fires in some row."""
    rubric = get_rubric(name)
    records = [rec for _, rec in recalculated[name]["rows"]]
    fired = set()
    for rec in records:
        fired |= {f"bonus:{k}" for k in rec.bonuses} | {f"deduction:{k}" for k in rec.deductions}
        fired |= {f"zero:{k}" for k in rec.zero_outs} | {f"offence:{k}" for k in rec.offences}
        fired |= {f"complaint:{k}" for k in rec.complaints}
        if rec.fatal_errors:
            fired.add("fatal_errors")
        if rec.error_deduction:
            fired.add("error_deduction")
        fired |= {it for it, v in rec.items.items() if v is None}
    rule_keys = {s.key for s in column_specs(rubric)
                 if s.kind in ("bonus", "deduction", "zero", "offence", "complaint", "fatal",
                               "error_deduction")}
    assert rule_keys <= fired
    assert any(it.name in fired for it in rubric.items) or not rubric.items
    if rubric.error_deduction.enabled:
        halves = {rec.error_deduction % 1 for rec in records}
        assert 0.5 in halves


@pytest.mark.parametrize("name", RUBRICS)
def test_empty_template_shows_blank_total(recalculated, name):
    rubric = get_rubric(name)
    lay = template_layout(rubric)
    path = recalculated[name]["empty"]
    tcol = lay.column_number("total")
    ws = openpyxl.load_workbook(path, data_only=True)[lay.sheet]
    values = [ws.cell(row=r, column=tcol).value
              for r in range(lay.first_data_row, lay.data_row(TEMPLATE_ROWS))]
    assert all(v in (None, "") for v in values), sorted({repr(v) for v in values})
    # the formulas are still there, and calamine reads "" too (not 0, not an error)
    wf = openpyxl.load_workbook(path)[lay.sheet]
    assert str(wf.cell(row=lay.first_data_row, column=tcol).value).startswith("=IF(")
    sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_name(lay.sheet).to_python()
    cal = [row[tcol - 1] if len(row) >= tcol else "" for row in sheet[lay.first_data_row - 1:]]
    assert len(cal) >= 1 and all(v == "" for v in cal), sorted({repr(v) for v in cal})


# --- layout, without LibreOffice -------------------------------------------------------------


@pytest.mark.parametrize("name", RUBRICS)
def test_layout_headers_validations_and_notes(tmp_path, name):
    rubric = get_rubric(name)
    lay = template_layout(rubric)
    path = write_template(rubric, tmp_path / "t.xlsx", rows=25)
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == [lay.sheet, lay.notes_sheet]
    ws = wb[lay.sheet]
    specs = column_specs(rubric)
    headers = [ws.cell(row=lay.header_row, column=c).value for c in range(1, ws.max_column + 1)]
    # the reader's words, but a ledger rubric's result column is 本通扣分 (a call has no score)
    assert headers == [charge_spec(rubric).header if rubric.ledger is not None and s.key == "total" else s.header
                       for s in specs]
    assert lay.headers == headers
    assert [lay.columns[s.key] for s in specs] == [
        openpyxl.utils.get_column_letter(c) for c in range(1, len(specs) + 1)]
    assert ws.cell(row=1, column=1).value == f"《{rubric.name}》评分表 (v{rubric.version})"
    assert any(str(m) == f"A1:{lay.columns[specs[-1].key]}1" for m in ws.merged_cells.ranges)
    assert ws.freeze_panes == f"{openpyxl.utils.get_column_letter(lay.column_number('recording_id') + 1)}4"

    # row 2: each category's name over its items
    for cat in rubric.categories:
        first_col = lay.column_number(cat.items[0].name)
        assert ws.cell(row=lay.group_row, column=first_col).value == cat.name

    first = lay.first_data_row

    def validation_for(key: str):
        cell = lay.cell(key, first)
        last = lay.cell(key, lay.data_row(24))
        found = [dv for dv in ws.data_validations.dataValidation if cell in dv.sqref]
        assert found, f"no validation on {key} ({cell})"
        assert last in found[0].sqref
        return found[0]

    for it in rubric.items:
        dv = validation_for(it.name)
        assert dv.type == "list"
        listed = dv.formula1.strip('"').split(",")
        expected = [fmt_number(v) for v in it.allowed_values()] + [*written_words(rubric, it)] + [NA_TEXT] * it.na_allowed
        assert listed == expected
    for b in rubric.bonuses:
        dv = validation_for(f"bonus:{b.id}")
        assert dv.type == "list" and dv.formula1.strip('"').split(",") == [
            str(k) for k in range(b.max_times + 1)]
    for z in rubric.zero_outs:
        dv = validation_for(f"zero:{z.id}")
        assert dv.type == "list" and dv.formula1.strip('"') == YES_TEXT
    for o in rubric.offences:
        assert validation_for(f"offence:{o.id}").type == "whole"
    if rubric.fatal_errors.enabled:
        dv = validation_for("fatal_errors")
        assert dv.type == "whole" and dv.operator == "greaterThanOrEqual"
    if rubric.error_deduction.enabled:
        dv = validation_for("error_deduction")
        assert dv.type == "decimal" and float(dv.formula1) == rubric.error_deduction.min
        assert float(dv.formula2) == rubric.error_deduction.max
    assert validation_for("date").type == "date"

    # one live formula per data row, the same as total_formula gives
    tcol = lay.column_number("total")
    for i in range(25):
        r = lay.data_row(i)
        assert ws.cell(row=r, column=tcol).value == total_formula(rubric, r)
    assert ws.cell(row=lay.data_row(25), column=tcol).value is None

    # print setup
    assert ws.page_setup.orientation == "landscape"
    assert ws.print_title_rows == "$1:$3"

    # 说明: the rubric in words, with its id, version and hash
    notes = wb[lay.notes_sheet]
    text = "\n".join(str(c.value) for row in notes.iter_rows() for c in row if c.value is not None)
    for must in (rubric.id, rubric.version, rubric.content_hash, *rubric.assumptions,
                 *(it.name for it in rubric.items), *(b.name for b in rubric.bonuses),
                 *(d.name for d in rubric.deductions), *(z.name for z in rubric.zero_outs),
                 *(o.name for o in rubric.offences), *(g.name for g in rubric.grades)):
        assert must in text
    if rubric.error_deduction.enabled:
        assert "差错扣分" in text

    props = wb.properties
    assert props.subject == f"{rubric.id} v{rubric.version}"
    assert props.description == rubric.content_hash  # xlsxwriter "comments"
    assert rubric.name in props.title


def test_formula_references_only_its_own_row():
    rubric = load_rubric("qc-v3.1")
    f = total_formula(rubric, 57)
    rows = {int(m) for m in re.findall(r"\b[A-Z]{1,3}(\d+)\b", f)}
    assert rows == {57}
    assert f.startswith('=IF(COUNTA(') and "ROUND(" in f


def test_missing_libreoffice_is_an_error(monkeypatch, tmp_path):
    monkeypatch.setattr(libreoffice.shutil, "which", lambda name: None)
    monkeypatch.setattr(libreoffice.os.path, "isfile", lambda p: False)
    src = tmp_path / "x.xlsx"
    src.write_bytes(b"")
    with pytest.raises(LibreOfficeError, match="LibreOffice"):
        libreoffice.recalculate(src, tmp_path / "out")


def test_libreoffice_is_installed():
    """The formula tests need LibreOffice; say so plainly when it is missing."""
    assert Path(libreoffice.find_soffice()).exists()


def test_template_is_byte_identical_when_written_again(tmp_path):
    """The document creation time is fixed (XlsxWriter would write the time of writing)."""
    rubric = get_rubric("synthetic-lifts")
    first = write_template(rubric, tmp_path / "a.xlsx", rows=5).read_bytes()
    second = write_template(rubric, tmp_path / "b.xlsx", rows=5).read_bytes()
    assert first == second
    props = openpyxl.load_workbook(tmp_path / "b.xlsx").properties
    assert props.created == props.modified == CREATED


@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_template_is_up_to_date(tmp_path, name):
    """workbook_templates/ holds what `zhijian template` writes now (see its README to regenerate)."""
    shipped = Path(__file__).resolve().parents[2] / "workbook_templates" / f"{name}.xlsx"
    fresh = write_template(load_rubric(name), tmp_path / f"{name}.xlsx", rows=TEMPLATE_ROWS)
    assert fresh.read_bytes() == shipped.read_bytes()


def test_a_fraction_scale_is_written_as_the_fraction(tmp_path):
    # qc-v3.1: 109 raw points × 100/109. The formula multiplies by 100 and divides by 109 (as a
    # person does), and the 说明 sheet says so in the rubric's own terms.
    from zhijian.reports.template_layout import NOTES_SHEET

    rubric = load_rubric("qc-v3.1")
    assert ")*100/109" in total_formula(rubric, 5)
    wb = openpyxl.load_workbook(write_template(rubric, tmp_path / "qc.xlsx"))
    texts = [str(v) for row in wb[NOTES_SHEET].iter_rows(values_only=True) for v in row if v]
    assert "整通得分 = 各类别得分之和 × 100/109(评分项满分合计 109 分,109 × 100/109 = 满分 100)" in texts
    assert "4. 整通得分: 各类别之和 × 100/109,在 0 与满分 100 之间;整通清零时为 0。" in texts
