import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from linkwell.outcomes.suppression import SuppressedBreakdown, share, suppress, suppress_breakdown


def _grid(table):
    """The table with its row totals, column totals and grand total, as the reader sees the shape."""
    rows = [[*row, sum(row)] for row in table]
    return [*rows, [sum(col) for col in zip(*rows, strict=True)]]


def _shown_grid(result):
    rows = [[*cells, total] for cells, total in zip(result.cells, result.row_totals, strict=True)]
    return [*rows, [*result.column_totals, result.total]]


def _lines(n_rows, n_cols):
    """Every row and column of the grid: (the parts, the total) as (row, column) positions."""
    lines = [([(r, c) for c in range(n_cols)], (r, n_cols)) for r in range(n_rows + 1)]
    lines += [([(r, c) for r in range(n_rows)], (n_rows, c)) for c in range(n_cols + 1)]
    return lines


def _feasible_range(shown, n_rows, n_cols, target):
    """The smallest and largest value a hidden entry could take, given everything shown and counts >= 0."""
    hidden = [(r, c) for r in range(n_rows + 1) for c in range(n_cols + 1) if shown[r][c] is None]
    position = {cell: i for i, cell in enumerate(hidden)}
    a_eq, b_eq = [], []
    for parts, total in _lines(n_rows, n_cols):
        row = np.zeros(len(hidden))
        rhs = 0.0
        for cell, sign in [*((p, 1.0) for p in parts), (total, -1.0)]:
            if cell in position:
                row[position[cell]] += sign
            else:
                rhs -= sign * shown[cell[0]][cell[1]]
        a_eq.append(row)
        b_eq.append(rhs)
    objective = np.zeros(len(hidden))
    objective[position[target]] = 1.0
    low = linprog(objective, A_eq=np.array(a_eq), b_eq=b_eq, bounds=(0, None), method="highs")
    high = linprog(-objective, A_eq=np.array(a_eq), b_eq=b_eq, bounds=(0, None), method="highs")
    assert low.status == 0 and high.status in (0, 3)
    # Unbounded (status 3): every total it hangs from is hidden too, so it could be anything.
    return low.fun, -high.fun if high.status == 0 else float("inf")


def test_it_hides_counts_of_1_to_4_but_shows_zero_and_five():
    result = suppress([[0, 1, 4, 5, 20], [30, 30, 30, 30, 30]])

    assert result.cells[0][0] == 0
    assert result.cells[0][1] is None and result.cells[0][2] is None
    assert result.cells[0][3] == 5 or (0, 3) in result.secondary
    assert {(0, 1), (0, 2)} <= result.primary


def test_a_single_small_cell_in_a_row_cannot_be_worked_out_from_the_row_total():
    result = suppress([[10, 2, 15], [12, 14, 16]])

    # Row 0: 10 + ? + 15 = 27 would give the 2 away, so a second cell in the row is hidden too.
    hidden_in_row = [c for c, value in enumerate(result.cells[0]) if value is None]
    assert len(hidden_in_row) >= 2 or result.row_totals[0] is None
    # And the same again down the column.
    hidden_in_column = [r for r in range(2) if result.cells[r][1] is None]
    assert len(hidden_in_column) >= 2 or result.column_totals[1] is None


def test_it_hides_a_small_total_and_what_would_reveal_it():
    result = suppress([[1, 0], [20, 30]])

    assert result.row_totals[0] is None
    assert result.cells[0][0] is None
    assert result.column_totals[0] is None or result.cells[1][0] is None


def test_a_table_with_nothing_small_is_shown_in_full():
    result = suppress([[10, 20], [30, 40]])

    assert result.cells == ((10, 20), (30, 40))
    assert result.total == 100
    assert not result.primary and not result.secondary


def test_it_refuses_tables_that_are_not_counts():
    with pytest.raises(ValueError, match="whole numbers of 0 or more"):
        suppress([[1, -2]])
    with pytest.raises(ValueError, match="same number of columns"):
        suppress([[1, 2], [3]])
    with pytest.raises(ValueError, match="at least one row"):
        suppress([])


def test_a_breakdown_hides_small_groups_a_second_group_and_their_statistics():
    counts = {"1 (most deprived)": 40, "2": 3, "3": 25, "4": 12, "5 (least deprived)": 0}
    means = {"1 (most deprived)": 2.1, "2": 5.0, "3": 1.4, "4": 0.8}

    result = suppress_breakdown(counts, means)

    assert result.counts["2"] is None and result.statistics["2"] is None
    # Group "4" is the smallest other non-zero group, hidden so that "2" cannot be found from the total.
    assert result.counts["4"] is None and result.statistics["4"] is None
    assert result.counts["5 (least deprived)"] == 0
    assert result.total == 80
    assert result.statistics["1 (most deprived)"] == 2.1
    assert result.hidden == {"2", "4"}


def test_a_breakdown_whose_total_is_small_hides_everything_that_would_reveal_it():
    result: SuppressedBreakdown[str, float] = suppress_breakdown({"Female": 2, "Male": 1, "Not known": 0})

    assert result.total is None
    assert result.counts == {"Female": None, "Male": None, "Not known": 0}


def test_shares_of_hidden_counts_stay_hidden():
    assert share(None, 80) is None
    assert share(5, None) is None
    assert share(5, 0) is None
    assert share(20, 80) == 0.25


counts = st.one_of(st.integers(0, 6), st.integers(0, 40))
tables = st.integers(1, 5).flatmap(
    lambda n_cols: st.lists(st.lists(counts, min_size=n_cols, max_size=n_cols), min_size=1, max_size=5)
)


@settings(max_examples=75, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables)
def test_no_hidden_count_can_be_worked_out_from_what_is_shown(table):
    result = suppress(table)
    n_rows, n_cols = len(table), len(table[0])
    truth = _grid(table)
    shown = _shown_grid(result)

    for r in range(n_rows + 1):
        for c in range(n_cols + 1):
            # Every small count is hidden; everything shown is the true figure.
            if 1 <= truth[r][c] <= 4:
                assert shown[r][c] is None
            if shown[r][c] is not None:
                assert shown[r][c] == truth[r][c]
    for parts, total in _lines(n_rows, n_cols):
        # No row or column has exactly one hidden entry, so none falls out of a single subtraction.
        assert sum(shown[r][c] is None for r, c in [*parts, total]) != 1
    for r in range(n_rows + 1):
        for c in range(n_cols + 1):
            if shown[r][c] is None:
                # Nor out of any combination of rows, columns and "counts are whole and not negative".
                low, high = _feasible_range(shown, n_rows, n_cols, (r, c))
                assert high - low >= 1 - 1e-6, (table, (r, c), low, high)


@settings(max_examples=100, deadline=None)
@given(st.dictionaries(st.sampled_from("ABCDEFG"), counts, min_size=1))
def test_a_breakdown_never_shows_a_statistic_for_a_hidden_group(group_counts):
    statistics = {key: float(value) for key, value in group_counts.items()}

    result = suppress_breakdown(group_counts, statistics)

    for key, count in group_counts.items():
        if 1 <= count <= 4:
            assert result.counts[key] is None
        if result.counts[key] is None:
            assert result.statistics[key] is None
        else:
            assert result.statistics[key] == statistics[key]
    hidden = [key for key in group_counts if result.counts[key] is None]
    assert len(hidden) != 1 or result.total is None
