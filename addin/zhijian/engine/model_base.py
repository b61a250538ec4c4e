"""The base of the models people write by hand (rubric, ledger, composite): unknown keys refused,
values frozen, and numbers that are numbers. YAML reads `.nan`/`.inf` as numbers and yes/no/on/
off/true/false as truth values, which pydantic would take as 1 and 0 in a number field
(`digits: yes` rounding to 1 decimal, `window_days: true` a 1-day window): both are refused, each
at its key."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationInfo, field_validator

_NUMBER_TYPES = (int, float, int | None, float | None)


class HandWritten(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    @field_validator("*", mode="before")
    @classmethod
    def _no_truth_value_numbers(cls, v: Any, info: ValidationInfo) -> Any:
        f = cls.model_fields[info.field_name]
        if isinstance(v, bool) and f.annotation in _NUMBER_TYPES and not f.metadata:  # (scale has its own)
            raise ValueError("YAML 把 yes/no/on/off/true/false 读成了真假值,这里应为数字")
        return v
