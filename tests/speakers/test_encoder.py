"""The torch-free encoder against the real Resemblyzer, and the pieces it is built from.

`tests/data/resemblyzer_reference.npz` holds Resemblyzer 0.1.4's own utterance embeddings of six
corpus clips, computed once with torch (how: `tests/speakers/make_reference.py`).
"""

from __future__ import annotations

import pickle
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from testkit.evaluation.corpus import clip
from testkit.evaluation.lecture import clip_samples
from video_transcriber.errors import ModelError
from video_transcriber.speakers.encoder import VoiceEncoder, bundled_weights
from video_transcriber.speakers.features import (
    mel_filterbank,
    mel_frames,
    normalize_volume,
    partial_starts,
)
from video_transcriber.speakers.weights import read_legacy_torch

REFERENCE = Path(__file__).resolve().parents[1] / "data" / "resemblyzer_reference.npz"


@pytest.fixture(scope="module")
def reference() -> dict[str, np.ndarray]:
    with np.load(REFERENCE) as data:
        return {name: data[name] for name in data.files}


def test_embeddings_match_resemblyzer(
    voice_encoder: VoiceEncoder, reference: dict[str, np.ndarray]
) -> None:
    assert len(reference) == 6
    for name, expected in reference.items():
        ours = voice_encoder.embed_utterance(normalize_volume(clip_samples(clip(name))))
        assert ours.shape == (256,)
        assert float(np.linalg.norm(ours)) == pytest.approx(1.0, abs=1e-5)
        assert float(ours @ expected) >= 0.999, name


def test_reference_speakers_are_told_apart(reference: dict[str, np.ndarray]) -> None:
    """The two LJSpeech clips (one reader) are closer than any pair of different people."""
    names = list(reference)
    same = float(reference[names[1]] @ reference[names[4]])
    others = [
        float(reference[a] @ reference[b])
        for i, a in enumerate(names)
        for b in names[i + 1 :]
        if {a, b} != {names[1], names[4]}
    ]
    assert same > 0.8 > max(others)


def test_weights_reader_gives_the_state_dict() -> None:
    state = read_legacy_torch(bundled_weights())
    model = state["model_state"]
    assert model["lstm.weight_ih_l0"].shape == (1024, 40)
    assert model["lstm.weight_hh_l2"].shape == (1024, 256)
    assert model["linear.weight"].shape == (256, 256)
    assert model["linear.bias"].dtype == np.float32
    assert state["step"] > 0


def test_weights_reader_refuses_code_and_garbage(tmp_path: Path) -> None:
    evil = tmp_path / "evil.pt"
    with evil.open("wb") as handle:
        for header in (0x1950A86A20F9469CFC6C, 1001, {"little_endian": True}):
            pickle.dump(header, handle, protocol=2)
        handle.write(b"cos\nsystem\n(S'true'\ntR.")
    with pytest.raises(ModelError, match=r"refusing os\.system"):
        read_legacy_torch(evil)
    garbage = tmp_path / "garbage.pt"
    garbage.write_bytes(b"not a torch file")
    with pytest.raises(ModelError, match="not a readable legacy torch"):
        read_legacy_torch(garbage)
    with pytest.raises(ModelError, match="make install"):
        read_legacy_torch(tmp_path / "missing.pt")


def test_mel_filterbank_is_slaney() -> None:
    bank = mel_filterbank()
    assert bank.shape == (40, 201)
    # Slaney normalisation: each triangle has unit area over frequency (bins 40 Hz apart).
    areas = bank.sum(axis=1) * 40.0
    assert np.all((areas > 0.9) & (areas < 1.1))
    # The first band peaks below 100 Hz, the last near 7.5 kHz; each band starts above the last.
    peaks = bank.argmax(axis=1) * 40.0
    assert peaks[0] < 100 and 7000 < peaks[-1] < 8000
    assert np.all(np.diff(peaks) >= 0)


def test_mel_frames_and_partials() -> None:
    one_second = np.sin(2 * np.pi * 440 * np.arange(16_000) / 16_000).astype(np.float32)
    frames = mel_frames(one_second)
    assert frames.shape == (101, 40)
    # 440 Hz lands in the band whose triangle peaks nearest to it.
    band = int(frames[50].argmax())
    assert abs(mel_filterbank()[band].argmax() * 40.0 - 440) < 80
    assert partial_starts(16_000) == [0]  # shorter than 1.6 s: one partial, padded
    assert partial_starts(10 * 16_000) == [0, 77, 154, 231, 308, 385, 462, 539, 616, 693, 770, 847]


def test_quiet_audio_is_raised_loud_audio_kept() -> None:
    quiet = np.full(1000, 0.001, dtype=np.float32)
    raised = normalize_volume(quiet)
    assert 20 * np.log10(np.sqrt(np.mean(raised**2))) == pytest.approx(-30.0, abs=0.01)
    loud = np.full(1000, 0.5, dtype=np.float32)
    assert normalize_volume(loud) is loud


def test_a_cached_graph_loads_without_onnx_and_embeds_the_same(
    voice_encoder: VoiceEncoder, tmp_path: Path
) -> None:
    samples = clip_samples(clip("ljspeech_LJ001-0001.wav"))
    first = VoiceEncoder(cache_dir=tmp_path / "speakers")
    [cached] = (tmp_path / "speakers").glob("ge2e-*.onnx")
    assert not list((tmp_path / "speakers").glob("*.part"))
    # a fresh process: the graph comes from the cache and `onnx` (0.5 s to import) stays out
    probe = (
        "import sys, numpy as np\n"
        "from pathlib import Path\n"
        "from video_transcriber.speakers.encoder import VoiceEncoder\n"
        f"encoder = VoiceEncoder(cache_dir=Path({str(tmp_path / 'speakers')!r}))\n"
        "print('onnx' in sys.modules)\n"
        f"np.save({str(tmp_path / 'again.npy')!r}, "
        f"encoder.embed_utterance(np.load({str(tmp_path / 'in.npy')!r})))\n"
    )
    np.save(tmp_path / "in.npy", normalize_volume(samples))
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, check=True
    )
    assert done.stdout.strip() == "False"
    again = np.load(tmp_path / "again.npy")
    expected = voice_encoder.embed_utterance(normalize_volume(samples))
    assert float(again @ expected) > 0.99999
    assert float(first.embed_utterance(normalize_volume(samples)) @ expected) > 0.99999
    assert cached.stat().st_size > 5_000_000  # the weights are inside the graph


def test_an_unwritable_cache_only_costs_the_rebuild(tmp_path: Path) -> None:
    blocked = tmp_path / "not-a-dir"
    blocked.write_text("a file where the cache directory should be")
    encoder = VoiceEncoder(cache_dir=blocked / "speakers")
    assert encoder.embed_partials(np.zeros((1, 160, 40), dtype=np.float32)).shape == (1, 256)
