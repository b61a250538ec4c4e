"""LibreOffice headless: recalculate a workbook's formulas (and store their values), or print it
to PDF.

A workbook written by openpyxl or XlsxWriter holds formulas without (correct) cached values;
`recalculate` loads it in LibreOffice, which is told by a private user profile to recalculate
every formula on load ("OOXMLRecalcMode" = always), and saves it again as .xlsx, so that readers
(openpyxl ``data_only=True``, python-calamine) see the values Excel would show.

Each call runs its own ``soffice`` with its own throw-away profile
(``-env:UserInstallation=file:///tmp/...``), so calls may run in parallel.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path
from typing import Iterable, Sequence

from zhijian.errors import ZhijianError

DEFAULT_TIMEOUT = 180.0  # seconds, for one soffice run (a fresh profile costs a few seconds)

# Registry settings written into each private profile before LibreOffice starts:
# recalculate formulas of every loaded file, never ask; no first-start wizard, no auto-recovery.
_REGISTRY = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Setup/Office"><prop oor:name="ooSetupInstCompleted" oor:op="fuse"><value>true</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Misc"><prop oor:name="FirstRun" oor:op="fuse"><value>false</value></prop></item>
<item oor:path="/org.openoffice.Office.Recovery/RecoveryInfo"><prop oor:name="Enabled" oor:op="fuse"><value>false</value></prop></item>
</oor:items>
"""


class LibreOfficeError(ZhijianError):
    """LibreOffice is missing, timed out, or did not produce the expected file."""

    exit_code = 3


def find_soffice() -> str:
    """The path of the LibreOffice binary; raise LibreOfficeError when it is not installed."""
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    for candidate in ("/usr/bin/soffice", "/usr/lib/libreoffice/program/soffice",
                      "/opt/libreoffice/program/soffice",
                      "/Applications/LibreOffice.app/Contents/MacOS/soffice",
                      r"C:\Program Files\LibreOffice\program\soffice.exe"):
        if os.path.isfile(candidate):
            return candidate
    raise LibreOfficeError("找不到 LibreOffice(soffice / libreoffice 命令)。请先安装 LibreOffice,"
                           "例如 apt-get install libreoffice-calc。")


def _run(srcs: Sequence[Path], out_dir: Path, convert_to: str, suffix: str,
         timeout: float) -> list[Path]:
    """Convert every file of `srcs` into `out_dir` with one soffice run; the converted paths."""
    soffice = find_soffice()
    srcs = [Path(s).resolve() for s in srcs]
    if not srcs:
        return []
    for s in srcs:
        if not s.is_file():
            raise LibreOfficeError(f"找不到要转换的文件: {s}")
    stems = [s.stem for s in srcs]
    if len(set(stems)) != len(stems):
        raise LibreOfficeError("一次转换的文件不能同名(输出会互相覆盖): " + "、".join(stems))
    out_dir = Path(out_dir).resolve()
    out_dir.mkdir(parents=True, exist_ok=True)
    targets = [out_dir / f"{s.stem}.{suffix}" for s in srcs]

    with tempfile.TemporaryDirectory(prefix="zhijian-lo-") as tmp:
        tmp_path = Path(tmp)
        profile = tmp_path / "profile"
        (profile / "user").mkdir(parents=True)
        (profile / "user" / "registrymodifications.xcu").write_text(_REGISTRY, encoding="utf-8")
        # LibreOffice writes next to nothing but its outputs; convert into a private folder and
        # move the results, so a source is never overwritten by its own conversion and a partly
        # written file never appears in out_dir.
        work_out = tmp_path / "out"
        work_out.mkdir()
        cmd = [soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--invisible",
               "--norestore", "--nolockcheck", "--nodefault", "--nologo",
               "--convert-to", convert_to, "--outdir", str(work_out), *map(str, srcs)]
        env = dict(os.environ)
        env["HOME"] = str(tmp_path)  # some LibreOffice builds touch ~/.config even with a profile
        env.pop("DISPLAY", None)
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
                                start_new_session=True)
        try:
            out, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            _kill_group(proc)
            raise LibreOfficeError(f"LibreOffice 转换超时({timeout:g} 秒): "
                                   + "、".join(s.name for s in srcs)) from None
        finally:
            if proc.poll() is None:
                _kill_group(proc)
        produced = [work_out / t.name for t in targets]
        missing = [p.name for p in produced if not p.is_file()]
        if proc.returncode != 0 or missing:
            detail = (err or out or b"").decode("utf-8", "replace").strip()
            raise LibreOfficeError(
                f"LibreOffice 转换失败(退出码 {proc.returncode}),未生成: {'、'.join(missing) or '-'}"
                + (f"\n{detail}" if detail else ""))
        for p, t in zip(produced, targets):
            shutil.move(str(p), str(t))
    return targets


def _kill_group(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        pass


def recalculate_many(srcs: Iterable[Path], out_dir: Path,
                     timeout: float = DEFAULT_TIMEOUT) -> list[Path]:
    """Recalculate several workbooks in one LibreOffice run; the new .xlsx paths, in order.

    Each output is ``out_dir / (stem + ".xlsx")``; it may replace its source when out_dir is the
    source's folder (the source is read completely before it is replaced).
    """
    return _run(list(srcs), out_dir, "xlsx:Calc MS Excel 2007 XML", "xlsx", timeout)


def recalculate(src: Path, out_dir: Path, timeout: float = DEFAULT_TIMEOUT) -> Path:
    """Recalculate every formula of `src` in LibreOffice; the path of the saved .xlsx in out_dir."""
    return recalculate_many([src], out_dir, timeout)[0]


def convert_to_pdf(src: Path, out_dir: Path, timeout: float = DEFAULT_TIMEOUT) -> Path:
    """Print `src` (a workbook) to PDF with LibreOffice; the path of the .pdf in out_dir."""
    return _run([src], out_dir, "pdf:calc_pdf_Export", "pdf", timeout)[0]
