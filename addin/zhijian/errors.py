"""What stops work. A bad score in a sheet is a Finding, never one of these."""

from __future__ import annotations


class ZhijianError(Exception):
    """Base of every error the CLI and the ribbon turn into a Chinese message."""

    exit_code = 1


class FileProblemsError(ZhijianError):
    """A file people edit (YAML) that cannot be used; holds every problem, each with its line."""

    exit_code = 2
    label = "文件错误"

    def __init__(self, problems: list[tuple[str, int | None, str]]):
        self.problems = problems  # (file, line, message)
        super().__init__("\n".join(self.lines()))

    def lines(self) -> list[str]:
        out = []
        for file, line, message in self.problems:
            where = f"{file}:{line}" if line else file
            out.append(f"{self.label} {where}: {message}")
        return out


class RubricError(FileProblemsError):
    """A rubric file that cannot be used."""

    label = "评分标准文件错误"


class InputFileError(ZhijianError):
    """An input file that cannot be read at all (missing, corrupt, encrypted, wrong format)."""

    exit_code = 2


class AmbiguousRosterError(InputFileError):
    """A 人员名单 listing one 工号 for two different people: which one it is would be a guess."""


class RosterWithoutIdsError(InputFileError):
    """A 人员名单 that was read but has no 工号 column (an inspector list only, say)."""


class OutputPathError(ZhijianError):
    """An output that would overwrite an input, is a folder, or cannot be written."""

    exit_code = 2


class OptionError(ZhijianError):
    """An option or setting that cannot be used (an unknown 质检主题, a time that is not HH:MM …)."""

    exit_code = 2


class NothingToReport(ZhijianError):
    """A report with nothing in it: no input could be read (exit 2), or no call of the period can
    be counted (exit 1). `account` says what became of every row read."""

    def __init__(self, message: str, *, exit_code: int, account=None):
        super().__init__(message)
        self.exit_code = exit_code
        self.account = account
