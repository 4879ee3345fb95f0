"""Small-number suppression for breakdown tables, so published figures never reveal a count of 1 to 4 people.

Primary suppression hides every count from 1 to 4, totals included. Zero is shown: "nobody" describes no one,
and NHS England and ONS small-number rules likewise suppress small non-zero counts, not zeros.

Secondary suppression stops a hidden count being worked out from what is shown. A table is treated as its cells
plus its row totals, column totals and grand total, tied together by "the parts add up to the total" along every
row and column. Hiding continues until (1) no row or column has exactly one hidden entry, and (2) no hidden
entry is fixed by the shown figures at all, even by combining several rows and columns or by using the fact
that counts are whole numbers that cannot be negative. Extra cells to hide are chosen as the smallest non-zero
inner cell first (hiding a zero or a total protects less and loses more), then deterministically by position.

Statistics computed on a group (means, percentages, confidence intervals) are hidden whenever the group's count
is hidden: with a mean and a total shown, a hidden group's sum could be worked back otherwise.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from scipy.linalg import null_space
from scipy.optimize import linprog

THRESHOLD_LOW = 1
THRESHOLD_HIGH = 4

# (the parts, the total) index tuples into one flat list of entries.
type _Line = tuple[tuple[int, ...], int]


@dataclass(frozen=True)
class SuppressedTable:
    """A table with hidden counts as None; `primary`/`secondary` hold (row, column) in the grid with totals.

    In that grid, row index len(cells) is the column-totals row and column index len(cells[0]) is the
    row-totals column, so the grand total is (rows, columns).
    """

    cells: tuple[tuple[int | None, ...], ...]
    row_totals: tuple[int | None, ...]
    column_totals: tuple[int | None, ...]
    total: int | None
    primary: frozenset[tuple[int, int]]
    secondary: frozenset[tuple[int, int]]

    def is_hidden(self, row: int, column: int) -> bool:
        """Whether the entry at (row, column) of the grid with totals is hidden."""
        return (row, column) in self.primary or (row, column) in self.secondary


@dataclass(frozen=True)
class SuppressedBreakdown[K: Hashable, S]:
    """One count per group plus the total, hidden as None, with each group's statistics hidden alongside."""

    counts: dict[K, int | None]
    total: int | None
    statistics: dict[K, S | None]
    hidden: frozenset[K]


def is_small(value: int, threshold_low: int = THRESHOLD_LOW, threshold_high: int = THRESHOLD_HIGH) -> bool:
    """Whether a count must be hidden on its own account (1 to 4 by default)."""
    return threshold_low <= value <= threshold_high


def _check_counts(values: Sequence[int]) -> None:
    for value in values:
        if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 0:
            raise ValueError(f"Counts must be whole numbers of 0 or more (found {value!r}).")


def _constraint_matrix(size: int, lines: Sequence[_Line]) -> np.ndarray:
    matrix = np.zeros((len(lines), size))
    for row, (parts, total) in enumerate(lines):
        matrix[row, list(parts)] = 1.0
        matrix[row, total] = -1.0
    return matrix


def exposed_entries(values: Sequence[int], lines: Sequence[_Line], hidden: set[int]) -> set[int]:
    """Hidden entries whose value can be worked out exactly from the shown entries and the line totals."""
    if not hidden:
        return set()
    order = sorted(hidden)
    matrix = _constraint_matrix(len(values), lines)
    unknowns = matrix[:, order]
    basis = null_space(unknowns)
    # An unknown is fixed by the equations alone when no solution of the homogeneous system can move it.
    linear = {
        index for position, index in enumerate(order) if basis.shape[1] == 0 or np.max(np.abs(basis[position])) < 1e-9
    }
    if all(values[index] > 0 for index in order):
        # The constraint matrix is totally unimodular (after negating the totals lines), so when every hidden
        # count is at least 1 any unknown that can move at all can move by at least 1 either way: only the
        # equations can pin it. A hidden zero sits on the "cannot be negative" bound, so check ranges then.
        return linear
    shown = [index for index in range(len(values)) if index not in hidden]
    rhs = -matrix[:, shown] @ np.asarray([values[index] for index in shown], dtype=float)
    exposed = set(linear)
    for position, index in enumerate(order):
        if index in linear:
            continue
        objective = np.zeros(len(order))
        objective[position] = 1.0
        low = linprog(objective, A_eq=unknowns, b_eq=rhs, bounds=(0, None), method="highs")
        high = linprog(-objective, A_eq=unknowns, b_eq=rhs, bounds=(0, None), method="highs")
        # Counts are whole numbers: a range narrower than 1 around the true value pins it.
        if low.status == 0 and high.status == 0 and (-high.fun) - low.fun < 1 - 1e-9:
            exposed.add(index)
    return exposed


def _protect(
    values: Sequence[int],
    lines: Sequence[_Line],
    primary: set[int],
    is_total: Sequence[bool],
) -> set[int]:
    """The primary entries plus the fewest extra entries found greedily so that no hidden entry is exposed."""
    hidden = set(primary)

    def preference(index: int) -> tuple[bool, bool, int, int]:
        return (values[index] == 0, is_total[index], values[index], index)

    def hide_one_more(candidates: set[int]) -> bool:
        open_ = candidates - hidden
        if not open_:
            return False
        hidden.add(min(open_, key=preference))
        return True

    while True:
        changed = False
        for parts, total in lines:
            members = {*parts, total}
            if len(members & hidden) == 1:
                changed |= hide_one_more(members)
        if changed:
            continue
        exposed = exposed_entries(values, lines, hidden)
        if not exposed:
            return hidden
        index = min(exposed)
        neighbours = {member for parts, total in lines if index in {*parts, total} for member in (*parts, total)}
        if not hide_one_more(neighbours) and not hide_one_more(set(range(len(values)))):
            return hidden  # everything is hidden: nothing more can be protected


def suppress(
    table: Sequence[Sequence[int]],
    threshold_low: int = THRESHOLD_LOW,
    threshold_high: int = THRESHOLD_HIGH,
) -> SuppressedTable:
    """Hide small counts (1-4 by default) in a rows x columns table and its totals, plus any that would reveal them."""
    if not table or not table[0]:
        raise ValueError("A table needs at least one row and one column.")
    n_rows, n_cols = len(table), len(table[0])
    if any(len(row) != n_cols for row in table):
        raise ValueError("Every row of a table must have the same number of columns.")
    for row in table:
        _check_counts(row)

    # Flatten the grid with totals row by row: index = r * (n_cols + 1) + c.
    width = n_cols + 1
    grid = [[int(v) for v in row] + [sum(int(v) for v in row)] for row in table]
    grid.append([sum(grid[r][c] for r in range(n_rows)) for c in range(width)])
    values = [value for row in grid for value in row]

    def at(r: int, c: int) -> int:
        return r * width + c

    lines: list[_Line] = [(tuple(at(r, c) for c in range(n_cols)), at(r, n_cols)) for r in range(n_rows + 1)]
    lines += [(tuple(at(r, c) for r in range(n_rows)), at(n_rows, c)) for c in range(n_cols + 1)]
    is_total = [r == n_rows or c == n_cols for r in range(n_rows + 1) for c in range(width)]
    primary = {index for index, value in enumerate(values) if is_small(value, threshold_low, threshold_high)}
    hidden = _protect(values, lines, primary, is_total)

    def shown(r: int, c: int) -> int | None:
        return None if at(r, c) in hidden else grid[r][c]

    return SuppressedTable(
        cells=tuple(tuple(shown(r, c) for c in range(n_cols)) for r in range(n_rows)),
        row_totals=tuple(shown(r, n_cols) for r in range(n_rows)),
        column_totals=tuple(shown(n_rows, c) for c in range(n_cols)),
        total=shown(n_rows, n_cols),
        primary=frozenset(divmod(index, width) for index in primary),
        secondary=frozenset(divmod(index, width) for index in hidden - primary),
    )


def suppress_breakdown[K: Hashable, S](
    counts: Mapping[K, int],
    statistics: Mapping[K, S] | None = None,
    threshold_low: int = THRESHOLD_LOW,
    threshold_high: int = THRESHOLD_HIGH,
) -> SuppressedBreakdown[K, S]:
    """Hide small group counts (and what would reveal them) in a one-way breakdown, and those groups' statistics."""
    keys = list(counts)
    if not keys:
        return SuppressedBreakdown(counts={}, total=0, statistics={}, hidden=frozenset())
    table = suppress([[counts[key]] for key in keys], threshold_low, threshold_high)
    # A one-column table: each row total equals its only cell, so it is hidden exactly when the cell is.
    hidden = frozenset(key for key, row in zip(keys, table.cells, strict=True) if row[0] is None)
    given = statistics or {}
    return SuppressedBreakdown(
        counts={key: row[0] for key, row in zip(keys, table.cells, strict=True)},
        total=table.total,
        statistics={key: None if key in hidden else given[key] for key in keys if key in given},
        hidden=hidden,
    )


def share(part: int | None, whole: int | None) -> float | None:
    """part / whole, or None when either is hidden or the whole is zero (a share of a hidden count stays hidden)."""
    if part is None or whole is None or whole == 0:
        return None
    return part / whole
