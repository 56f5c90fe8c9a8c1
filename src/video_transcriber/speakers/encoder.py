"""The GE2E speaker encoder of Resemblyzer as an ONNX graph: 1.6 s of mel frames → a 256-d voice.

Network (`resemblyzer/voice_encoder.py`): a 3-layer LSTM (hidden 256) over 40-band mel power
frames, the last layer's final hidden state through a 256x256 linear layer, ReLU, L2 norm.
Weights are Resemblyzer's own `pretrained.pt` (`speakers.weights` reads it without torch).

Design: the graph is built from those weights (`onnx.helper`, a few ms) and run by onnxruntime,
which faster-whisper already brings. Importing `onnx` costs 0.55 s of CPU and 16 MB in every
process that loads the encoder (each warm-pool worker), more than embedding a minute of speech,
so the serialised graph is kept in `cache_dir` (`SpeakerSettings.cache_dir`, keyed by the
weights file's path, size and modification time) and later loads read it without importing
`onnx` at all. This is the one module that touches onnx and onnxruntime for speakers.

The same network written in numpy ran 35 ms per partial here, 5 times slower than torch, mostly
in element-wise gate arithmetic; onnxruntime's fused LSTM kernel runs 7-8 ms per partial on one
thread, as fast as torch. Gates are re-ordered from torch's (input, forget, cell, output) to
ONNX's (input, output, forget, cell). It matches Resemblyzer within cosine 0.9999
(tests/speakers/test_encoder.py).
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import tempfile
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
import onnxruntime

from video_transcriber.errors import ModelError
from video_transcriber.speakers.features import HOP, N_MELS, PARTIAL_FRAMES, mel_frames
from video_transcriber.speakers.features import partial_starts as _partial_starts
from video_transcriber.speakers.weights import read_legacy_torch

HIDDEN = 256
LAYERS = 3
EMBEDDING = 256
BATCH = 8
"""Partials per onnxruntime call. A call's working memory grows with it: +8 MB of peak RSS at
8, +19 MB at 16, +48 MB at 32, in every worker; at 16 the whole tree of a 10-minute lecture with
speakers peaked at 939-964 MiB, just over 10^9 bytes. 8 costs 10 % more per partial than 16
(interleaved, one thread: 3.23 against 2.94 ms), ~0.1 s of wall on that lecture."""
_OPSET = 17
GRAPH_VERSION = 1
"""Part of the cached graph's name: raise it when `build_graph` changes what it writes."""


def bundled_weights() -> Path:
    """`pretrained.pt` inside the installed `resemblyzer` package, found without importing it
    (its `__init__` imports torch, which this project does not install)."""
    spec = importlib.util.find_spec("resemblyzer")
    if spec is None or not spec.submodule_search_locations:
        raise ModelError(
            "the speaker model is missing: run `make install`, or "
            "`pip install --no-deps resemblyzer==0.1.4` (only its weights file is used), "
            "or set VT_SPEAKERS__WEIGHTS to a copy of its pretrained.pt"
        )
    return Path(next(iter(spec.submodule_search_locations))) / "pretrained.pt"


def _onnx_gates(torch_gates: np.ndarray) -> np.ndarray:
    """torch's (i, f, g, o) blocks along the first axis → ONNX's (i, o, f, c)."""
    i, f, g, o = np.split(torch_gates, 4, axis=0)
    return np.concatenate([i, o, f, g], axis=0).astype(np.float32)


def _lstm_layer(model: Mapping[str, np.ndarray], n: int, source: str) -> tuple[list[Any], str]:
    from onnx import helper, numpy_helper  # only when a graph is built (see the module's note)

    tensors = {
        f"W{n}": _onnx_gates(model[f"lstm.weight_ih_l{n}"])[None],
        f"R{n}": _onnx_gates(model[f"lstm.weight_hh_l{n}"])[None],
        f"B{n}": np.concatenate(
            [_onnx_gates(model[f"lstm.bias_ih_l{n}"]), _onnx_gates(model[f"lstm.bias_hh_l{n}"])]
        )[None],
    }
    inits = [numpy_helper.from_array(array, name) for name, array in tensors.items()]
    node = helper.make_node(
        "LSTM", [source, *tensors], [f"Y{n}", f"Yh{n}"], hidden_size=HIDDEN, layout=0
    )
    return [node, *inits], f"Y{n}"


def build_graph(model: Mapping[str, np.ndarray]) -> bytes:
    """The serialised ONNX model: `mels` (B, T, 40) → `embeddings` (B, 256)."""
    import onnx  # only when a graph is built (see the module's note)
    from onnx import TensorProto, helper, numpy_helper

    nodes = [helper.make_node("Transpose", ["mels"], ["frames"], perm=[1, 0, 2])]
    inits = [
        numpy_helper.from_array(np.array([1], dtype=np.int64), "direction_axis"),
        numpy_helper.from_array(np.ascontiguousarray(model["linear.weight"].T), "linear_w"),
        numpy_helper.from_array(model["linear.bias"].astype(np.float32), "linear_b"),
    ]
    source = "frames"
    for n in range(LAYERS):
        parts, output = _lstm_layer(model, n, source)
        nodes.append(parts[0])
        inits.extend(parts[1:])
        source = f"seq{n}"  # (T, 1, B, H) → (T, B, H) for the next layer
        nodes.append(helper.make_node("Squeeze", [output, "direction_axis"], [source]))
    nodes += [
        helper.make_node("Gather", [source, "last_step"], ["last"], axis=0),
        helper.make_node("Gemm", ["last", "linear_w", "linear_b"], ["projected"]),
        helper.make_node("Relu", ["projected"], ["positive"]),
        helper.make_node("LpNormalization", ["positive"], ["embeddings"], axis=1, p=2),
    ]
    inits.append(numpy_helper.from_array(np.array(-1, dtype=np.int64), "last_step"))
    graph = helper.make_graph(
        nodes,
        "ge2e_speaker_encoder",
        [helper.make_tensor_value_info("mels", TensorProto.FLOAT, ["batch", "frames", N_MELS])],
        [helper.make_tensor_value_info("embeddings", TensorProto.FLOAT, ["batch", EMBEDDING])],
        inits,
    )
    proto = helper.make_model(graph, opset_imports=[helper.make_opsetid("", _OPSET)])
    proto.ir_version = 8
    onnx.checker.check_model(proto)
    return bytes(proto.SerializeToString())


def _graph_name(weights: Path) -> str:
    stat = weights.stat()
    key = f"{weights.resolve()}|{stat.st_size}|{stat.st_mtime_ns}|{GRAPH_VERSION}"
    return f"ge2e-{hashlib.sha256(key.encode()).hexdigest()[:16]}.onnx"


def _built_graph(weights: Path) -> bytes:
    state = read_legacy_torch(weights)
    try:
        return build_graph(state["model_state"])
    except (KeyError, TypeError, ValueError) as error:
        raise ModelError(
            f"the speaker weights file lacks the GE2E encoder ({error}); use resemblyzer "
            "0.1.4's pretrained.pt"
        ) from error


def load_graph(weights: Path, cache_dir: Path | None = None) -> bytes:
    """The serialised graph of `weights`: from `cache_dir` when it was built before, else built
    and stored there (atomically; a cache that cannot be written only costs the rebuild)."""
    if cache_dir is None:
        return _built_graph(weights)
    cached = cache_dir / _graph_name(weights)
    if cached.is_file():
        return cached.read_bytes()
    graph = _built_graph(weights)
    part: Path | None = None
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=cache_dir, suffix=".part", delete=False) as file:
            part = Path(file.name)
            file.write(graph)
        os.replace(part, cached)
    except OSError:
        if part is not None:
            part.unlink(missing_ok=True)
    return graph


class VoiceEncoder:
    """Resemblyzer's encoder. `embed_partials` is the network; `embed_utterance` its utterance
    embedding (mean of partials, as Resemblyzer's `embed_utterance` with its defaults).
    `threads` sessions' worth of calls run at once (one onnxruntime thread each: its LSTM kernel
    scales poorly within one call, so batches are spread over threads instead)."""

    def __init__(
        self, weights: Path | None = None, *, threads: int = 1, cache_dir: Path | None = None
    ) -> None:
        graph = load_graph(weights or bundled_weights(), cache_dir)
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        self._session = onnxruntime.InferenceSession(
            graph, options, providers=["CPUExecutionProvider"]
        )
        self.threads = max(1, threads)

    def _run(self, mels: np.ndarray) -> np.ndarray:
        result = self._session.run(["embeddings"], {"mels": mels})[0]
        return np.asarray(result, dtype=np.float32)

    def embed_partials(self, mels: np.ndarray) -> np.ndarray:
        """(N, frames, 40) mel partials → (N, 256) L2-normalised embeddings."""
        if len(mels) == 0:
            return np.zeros((0, EMBEDDING), dtype=np.float32)
        mels = np.ascontiguousarray(mels, dtype=np.float32)
        batches = [mels[start : start + BATCH] for start in range(0, len(mels), BATCH)]
        if self.threads == 1 or len(batches) == 1:
            return np.concatenate([self._run(batch) for batch in batches])
        with ThreadPoolExecutor(self.threads) as pool:
            return np.concatenate(list(pool.map(self._run, batches)))

    def embed_utterance(self, samples: np.ndarray) -> np.ndarray:
        """One L2-normalised embedding of a preprocessed utterance: 1.6 s partials at 1.3 per
        second, zero-padded at the end, averaged."""
        starts = _partial_starts(len(samples))
        needed = (starts[-1] + PARTIAL_FRAMES) * HOP
        mel = mel_frames(np.pad(samples, (0, max(0, needed - len(samples)))))
        mean = self.embed_partials(np.stack([mel[s : s + PARTIAL_FRAMES] for s in starts]))
        mean = mean.mean(axis=0)
        return (mean / np.linalg.norm(mean)).astype(np.float32)
