"""What an import says of the files it adds or replaces beside the stored ones (`files.store`):
a sheet edited since its import (what changed), a sheet repeating recordings the same inspector
scored in another stored file (a sheet moved or renamed, then edited)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd



def replaced_notes(con, superseded: list[tuple[int, int]], written: list[tuple[str, int, str]],
                   batch: pd.DataFrame | None) -> dict[str, list[str]]:
    """Resolved path -> what a file replacing its stored version (edited since) says: when the
    old version was imported, the rows before and after, the calls whose final score changed,
    those added and removed (by 录音编号). `superseded`: (old id, new id); `written`: (path as
    given, id, resolved path); `batch`: the calls written (`store.call_batch`)."""
    out: dict[str, list[str]] = {}
    path_of = {fid: path for _, fid, path in written}
    if batch is None:
        batch = pd.DataFrame(columns=["file_id", "recording_id", "final_score"])
    if not superseded:
        return out
    olds = [old for old, _ in superseded]
    marks = ", ".join("?" for _ in olds)
    stored = {fid: (when, n) for fid, when, n in con.execute(
        f"SELECT file_id, imported_at, n_rows FROM files WHERE file_id IN ({marks})", olds).fetchall()}
    scores: dict[int, dict] = {}
    for fid, r, v in con.execute(f"SELECT file_id, recording_id, final_score FROM calls WHERE superseded_at IS NULL "
                                 f"AND file_id IN ({marks})", olds).fetchall():
        if r:
            scores.setdefault(fid, {})[r] = v
    by_new = batch.groupby("file_id").indices if len(batch) else {}
    for old, new in superseded:
        when, old_n = stored[old]
        before = scores.get(old, {})
        rows = batch.iloc[by_new.get(new, [])]
        after = {r: v for r, v in zip(rows["recording_id"].tolist(), rows["final_score"].tolist()) if r}
        changed = sum(1 for r in before.keys() & after.keys() if not _same_score(before[r], after[r]))
        parts = [f"其中 {changed} 通的最终得分有变化" if changed else "最终得分都未变"]
        if after.keys() - before.keys():
            parts.append(f"新增 {len(after.keys() - before.keys())} 通")
        if before.keys() - after.keys():
            parts.append(f"删去 {len(before.keys() - after.keys())} 通")
        note = (f"替换了历史库中 {when:%Y-%m-%d %H:%M:%S} 导入的版本: {old_n} 行 → {len(rows)} 行,"
                + ",".join(parts) + ";旧记录保留为已替换")
        out.setdefault(path_of[new], []).append(note)
    return out


def repeat_notes(con, rubric_id: str, superseded: list[tuple[int, int]],
                 batch: pd.DataFrame | None) -> dict[str, list[str]]:
    """Resolved path -> what a file written says when it holds recordings the same inspector
    scored in another stored file of the rubric (a sheet moved or renamed, then edited; a copy
    with a row changed): reports from the store count each such recording once, in the file
    first by path, which may be the stored one, no longer on disk."""
    if batch is None or not len(batch):
        return {}
    keys = batch[["file", "recording_id", "inspector"]]
    keys = keys[keys["recording_id"].astype(str).str.strip() != ""]
    if not len(keys):
        return {}
    gone = [old for old, _ in superseded] or [-1]
    con.register("zhijian_keys", keys)
    try:
        rows = con.execute(
            "SELECT k.file, c.file, count(DISTINCT k.recording_id) FROM zhijian_keys k JOIN calls c "
            "ON c.recording_id = k.recording_id AND c.inspector = k.inspector AND c.file <> k.file "
            "WHERE c.superseded_at IS NULL AND c.rubric_hash IN "
            "(SELECT rubric_hash FROM rubrics WHERE rubric_id = ?) "
            f"AND c.file_id NOT IN ({', '.join('?' for _ in gone)}) GROUP BY ALL ORDER BY 1, 2",
            [rubric_id, *gone]).fetchall()
    finally:
        con.unregister("zhijian_keys")
    notes: dict[str, list[str]] = {}
    for new, other, n in rows:
        text = (f"其中 {n} 条录音已在历史库的 {other} 中(同一质检员的重复评分): "
                f"从历史库出的报表只计文件路径在前的 {min(new, other)} 中的评分")
        if not Path(other).exists():
            text += f";{other} 已不在原处(改名或移走?),它在历史库中的记录仍然有效"
        notes.setdefault(new, []).append(text)
    return notes


def _same_score(a, b) -> bool:
    """Two final scores are the same (both blank: an unscorable row before and after)."""
    blank_a, blank_b = a is None or a != a, b is None or b != b
    return blank_a and blank_b or not (blank_a or blank_b) and abs(float(a) - float(b)) < 1e-9
