"""A stand-in encoder (hashed bag of words) so most tests need not load the real model."""

from __future__ import annotations

import hashlib

import numpy as np
import numpy.typing as npt

from linkwell.matching.text import terms


class HashingEncoder:
    """Deterministic, order-independent vectors: texts sharing words get a positive cosine."""

    dimensions = 384

    def __init__(self) -> None:
        self.calls: list[list[str]] = []

    def encode(self, texts: list[str]) -> npt.NDArray[np.float32]:
        self.calls.append(list(texts))
        out = np.zeros((len(texts), self.dimensions), dtype=np.float32)
        for i, text in enumerate(texts):
            for term in terms(text):
                slot = int.from_bytes(hashlib.blake2b(term.encode(), digest_size=4).digest(), "little")
                out[i, slot % self.dimensions] += 1.0
            norm = float(np.linalg.norm(out[i]))
            if norm > 0:
                out[i] /= norm
        return out
