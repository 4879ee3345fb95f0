"""Okapi BM25 over rows of the match index, updatable one row at a time."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping

import numpy as np
import numpy.typing as npt

K1 = 1.2
B = 0.75


class BM25:
    """Postings per term (row → term frequency); statistics stay exact under add and remove."""

    def __init__(self) -> None:
        self._postings: dict[str, dict[int, int]] = {}
        self._rows: dict[int, Counter[str]] = {}
        self._lengths = np.zeros(0, dtype=np.float32)
        self._total_length = 0
        self._arrays: dict[str, tuple[npt.NDArray[np.intp], npt.NDArray[np.float32]]] = {}

    def __len__(self) -> int:
        return len(self._rows)

    def row_terms(self, row: int) -> Counter[str]:
        return self._rows.get(row, Counter())

    def set_row(self, row: int, terms: Iterable[str] | Mapping[str, int]) -> None:
        """Index (or re-index) one row's terms."""
        self.remove_row(row)
        counts = Counter(terms) if not isinstance(terms, Mapping) else Counter(dict(terms))
        if row >= len(self._lengths):
            grown = np.zeros(max(row + 1, 2 * len(self._lengths), 1024), dtype=np.float32)
            grown[: len(self._lengths)] = self._lengths
            self._lengths = grown
        length = sum(counts.values())
        self._lengths[row] = length
        self._total_length += length
        self._rows[row] = counts
        for term, tf in counts.items():
            self._postings.setdefault(term, {})[row] = tf
            self._arrays.pop(term, None)

    def remove_row(self, row: int) -> None:
        counts = self._rows.pop(row, None)
        if counts is None:
            return
        self._total_length -= int(self._lengths[row])
        self._lengths[row] = 0
        for term in counts:
            posting = self._postings[term]
            del posting[row]
            if not posting:
                del self._postings[term]
            self._arrays.pop(term, None)

    def document_frequency(self, term: str) -> int:
        return len(self._postings.get(term, ()))

    def _posting_arrays(self, term: str) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.float32]]:
        cached = self._arrays.get(term)
        if cached is None:
            posting = self._postings[term]
            rows = np.fromiter(posting.keys(), dtype=np.intp, count=len(posting))
            tfs = np.fromiter(posting.values(), dtype=np.float32, count=len(posting))
            cached = self._arrays[term] = (rows, tfs)
        return cached

    def scores(self, query_terms: Iterable[str], n_rows: int) -> npt.NDArray[np.float32]:
        """BM25 score of every row for the (unique) query terms; rows without any term score 0."""
        out = np.zeros(n_rows, dtype=np.float32)
        n_docs = len(self._rows)
        if n_docs == 0:
            return out
        average = self._total_length / n_docs
        # Sorted so that the floating-point sum is the same however the index was built.
        for term in sorted(set(query_terms)):
            if term not in self._postings:
                continue
            rows, tfs = self._posting_arrays(term)
            df = len(rows)
            idf = math.log(1.0 + (n_docs - df + 0.5) / (df + 0.5))
            norm = K1 * (1.0 - B + B * self._lengths[rows] / average)
            out[rows] += np.float32(idf) * tfs * (K1 + 1.0) / (tfs + norm)
        return out
