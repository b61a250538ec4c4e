"""The zip of the day's 评分表 (SOP-8.4): Chinese member names stored as UTF-8 with the zip's UTF-8
flag, read back by Python's zipfile and by Info-ZIP's `unzip -l` / 7-Zip's `7z l` (Debian's unzip
and p7zip-full, installed by .ci/run)."""

from __future__ import annotations

import os
import shutil
import struct
import subprocess
import zipfile
import zlib

from zhijian.files.archive import member_names, write_zip

NAMES = ["2026-10-14_王丽.xlsx", "2026-10-14_陈静.xlsx", "ascii.xlsx"]


def sources(tmp_path):
    out = []
    for i, name in enumerate(NAMES):
        p = tmp_path / name
        p.write_bytes(f"workbook {i}".encode())
        out.append(p)
    return out


def test_names_round_trip_through_zipfile_with_the_utf8_flag(tmp_path):
    z = write_zip(tmp_path / "质检监听评分表_2026-10-14.zip", sources(tmp_path))
    with zipfile.ZipFile(z) as f:
        infos = f.infolist()
        assert [i.filename for i in infos] == NAMES
        assert [bool(i.flag_bits & 0x800) for i in infos] == [True, True, False]  # bit 11 = UTF-8 names
        assert f.read("2026-10-14_陈静.xlsx") == b"workbook 1"
        # The Info-ZIP Unicode Path field (0x7075) of a Chinese name: version 1, CRC of the name, the name.
        extra = infos[0].extra
        tag, size = struct.unpack("<HH", extra[:4])
        raw = NAMES[0].encode("utf-8")
        assert tag == 0x7075 and extra[4:4 + size] == struct.pack("<BI", 1, zlib.crc32(raw)) + raw
    raw = z.read_bytes()
    assert NAMES[0].encode("utf-8") in raw and NAMES[0].encode("gbk") not in raw


def test_names_round_trip_through_unzip_and_7z(tmp_path):
    z = write_zip(tmp_path / "质检监听评分表_2026-10-14.zip", sources(tmp_path))
    tools = [t for t in ("unzip", "7z") if shutil.which(t)]
    assert tools, "unzip or 7z (Debian: unzip, p7zip-full) is required for this test"
    env = dict(os.environ, LC_ALL="C.UTF-8", LANG="C.UTF-8")
    for tool in tools:
        cmd = ["unzip", "-l", str(z)] if tool == "unzip" else ["7z", "l", str(z)]
        listing = subprocess.run(cmd, capture_output=True, check=True, env=env).stdout.decode("utf-8")
        for name in NAMES:
            assert name in listing, (tool, listing)
    if "unzip" in tools:
        out = tmp_path / "extracted"
        subprocess.run(["unzip", "-q", str(z), "-d", str(out)], check=True, env=env)
        assert sorted(p.name for p in out.iterdir()) == sorted(NAMES)


def test_the_same_file_name_from_two_folders_is_kept_apart(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    a, b = tmp_path / "a" / "王丽.xlsx", tmp_path / "b" / "王丽.xlsx"
    a.write_bytes(b"a")
    b.write_bytes(b"b")
    assert member_names([a, b]) == ["王丽.xlsx", "王丽 (2).xlsx"]
    with zipfile.ZipFile(write_zip(tmp_path / "x.zip", [a, b])) as f:
        assert f.read("王丽 (2).xlsx") == b"b"


def test_the_same_files_give_the_same_archive(tmp_path):
    files = sources(tmp_path)
    assert write_zip(tmp_path / "1.zip", files).read_bytes() == write_zip(tmp_path / "2.zip", files).read_bytes()
