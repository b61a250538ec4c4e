"""Atomic writes: every output goes to a temporary file in the target folder and is renamed into
place, so a crash never leaves half a file. An operating-system error on the way (disk full,
read-only folder, no permission, a folder where the file should be) becomes one message naming
the output (OutputPathError), and the temporary file is removed."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path
from typing import Iterator

from zhijian.errors import OutputPathError

from .errorlog import os_error_text
from .guard import TEMP_PREFIX


@contextlib.contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """A temporary path beside `target`, renamed onto it when the block succeeds."""
    target = Path(target)
    if target.is_dir() or str(target).endswith(("/", os.sep)):
        raise OutputPathError(f"{target}: 这是一个文件夹,请给出输出文件的名称")
    tmp = None
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=target.suffix, dir=target.parent)
        os.close(fd)
        # mkstemp makes the file private (0600); an output should get the usual permissions.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        yield Path(tmp)
        os.replace(tmp, target)
    except OSError as e:
        raise OutputPathError(os_error_text(e, target, "无法写入")) from None
    finally:
        if tmp is not None and os.path.exists(tmp):
            try:
                os.unlink(tmp)
            except OSError:
                pass
