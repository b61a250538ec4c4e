"""The error log of an internal error, and operating-system errors in words.

Each run that fails writes its own log file under the user's cache folder (platformdirs:
~/.cache/zhijian/logs on Linux, %LOCALAPPDATA%\\zhijian\\Cache\\logs on Windows,
~/Library/Caches/zhijian/logs on macOS), created exclusively (never an existing file, never
through a symlink), readable by the user only.
"""

from __future__ import annotations

import datetime as dt
import errno
import os
from pathlib import Path


def log_folder() -> Path:
    import platformdirs

    return Path(platformdirs.user_cache_dir("zhijian", appauthor=False)) / "logs"


def write_error_log(text: str, kind: str = "cli") -> Path | None:
    """Write `text` to a new log file of this run; its path, or None when it cannot be written
    (the message to the user must not fail because the log could not be written)."""
    folder = log_folder()
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        if folder.is_symlink() or not folder.is_dir():
            return None
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S-%f")
        path = folder / f"{kind}-error-{stamp}-{os.getpid()}.log"
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
        fd = os.open(path, flags, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(text.encode("utf-8", "replace"))
        return path
    except OSError:
        return None


_REASONS = {getattr(errno, name): text for name, text in (
    ("ENOSPC", "磁盘空间不足"),
    ("EFBIG", "文件超过系统允许的大小(或磁盘空间不足)"),
    ("EDQUOT", "超出磁盘配额"),
    ("EROFS", "所在磁盘是只读的"),
    ("EACCES", "没有权限"),
    ("EPERM", "没有权限"),
    ("EISDIR", "这是一个文件夹,不是文件"),
    ("ENOTDIR", "路径中有一段不是文件夹"),
    ("ENOENT", "文件或文件夹不存在"),
    ("ENAMETOOLONG", "文件名太长"),
    ("EINVAL", "文件名不合法"),
    ("EBUSY", "文件正被占用"),
    ("ETXTBSY", "文件正被占用"),
    ("ELOOP", "符号链接循环"),
) if hasattr(errno, name)}  # some names exist on POSIX only


def os_error_reason(e: OSError) -> str:
    """What went wrong, in Chinese (the system's own words when there is no translation)."""
    if isinstance(e, PermissionError) and getattr(e, "winerror", None) == 32:
        return "文件正被其他程序(如 Excel)打开"
    return _REASONS.get(e.errno, e.strerror or str(e))


def os_error_text(e: OSError, path: str | Path | None = None, doing: str = "无法访问") -> str:
    """One line naming the path: "无法写入 D:/报表/周报.xlsx: 磁盘空间不足"."""
    where = path if path is not None else (e.filename or "")
    return f"{doing} {where}: {os_error_reason(e)}" if where else f"{doing}: {os_error_reason(e)}"
