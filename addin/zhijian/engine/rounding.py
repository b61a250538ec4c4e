"""Dependent rounding (Gandhi, Khuller, Parthasarathy, Srinivasan: "Dependent rounding and its
applications to approximation algorithms", J. ACM 53(3), 2006) of a small table of expected counts.

Used by the 抽检计划 (`sampling`) on the windows × call types table of one agent: each window keeps
its number of draws, each type's count becomes the floor or ceiling of its expectation, and each
entry's expectation is unchanged, so every call of a window stays equally likely.
"""

from __future__ import annotations

import numpy as np

_EPS = 1e-9


def dependent_round(x: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Round a table of non-negative expected counts whose row sums are whole numbers into whole
    numbers: each row keeps its sum, each column sum becomes its floor or ceiling, and every entry's
    expectation is its value (Gandhi et al. 2006, on the fractional parts). Plain floats: the tables
    are a few rounds by a few types."""
    base = np.floor(np.asarray(x, dtype=float) + _EPS)
    y = [[0.0 if abs(v) < _EPS else v for v in row] for row in (np.asarray(x, dtype=float) - base).tolist()]
    rows, cols = base.shape
    while True:
        start = next(((r, c) for r in range(rows) for c in range(cols) if _EPS < y[r][c] < 1 - _EPS), None)
        if start is None:
            break
        path = _cycle_or_path(y, rows, cols, start)
        even, odd = path[0::2], path[1::2]
        alpha = min([1 - y[r][c] for r, c in even] + [y[r][c] for r, c in odd])
        beta = min([y[r][c] for r, c in even] + [1 - y[r][c] for r, c in odd])
        step = alpha if rng.random() < beta / (alpha + beta) else -beta
        for (r, c), sign in [(e, 1) for e in even] + [(e, -1) for e in odd]:
            v = y[r][c] + sign * step
            y[r][c] = 0.0 if abs(v) < _EPS else 1.0 if abs(v - 1) < _EPS else v
    return (base + np.rint(np.array(y))).astype(int)


def _cycle_or_path(y: list[list[float]], rows: int, cols: int, start: tuple[int, int]) -> list[tuple[int, int]]:
    """A cycle, else a maximal path, of the bipartite graph (rows × columns) of fractional entries,
    as its edges in order."""
    def fractional(r: int, c: int) -> bool:
        return _EPS < y[r][c] < 1 - _EPS

    def neighbours(v: int) -> list[int]:
        if v < rows:
            return [rows + c for c in range(cols) if fractional(v, c)]
        return [r for r in range(rows) if fractional(r, v - rows)]

    def walk(first: int) -> tuple[list[int], bool]:
        path, seen = [first], {first: 0}
        while True:
            v = path[-1]
            nxt = [u for u in neighbours(v) if len(path) < 2 or u != path[-2]]
            if not nxt:
                return path, False
            u = nxt[0]
            if u in seen:
                return path[seen[u]:] + [u], True
            seen[u] = len(path)
            path.append(u)

    path, cycle = walk(start[0])
    if not cycle:  # a dead end: walk again from it, to the other end of a maximal path
        path, cycle = walk(path[-1])
    return [(a, b - rows) if a < rows else (b, a - rows) for a, b in zip(path, path[1:])]
