"""Test signals around real speech, in the units tests think in (seconds, dBFS, seeds), over
`evaluation.conditions` and `evaluation.nonspeech` (WAV files from arrays: `tests.media_files`).

Speech always comes from the corpus; only what surrounds it (noise, music, gain) is made here.
"""

from __future__ import annotations

import numpy as np
from faster_whisper import decode_audio

from testkit.evaluation import conditions, nonspeech
from testkit.evaluation.corpus import Clip
from video_transcriber.domain import SAMPLE_RATE


def clip_samples(clip: Clip) -> np.ndarray:
    """A corpus clip as 16 kHz mono float32, decoded by faster-whisper rather than `media`
    (`evaluation.lecture.clip_samples`), so engine tests do not depend on our decoder."""
    return decode_audio(str(clip.path), sampling_rate=SAMPLE_RATE)


def level_db(samples: np.ndarray) -> float:
    """RMS level in dBFS."""
    return conditions.rms_dbfs(samples)


def at_level(samples: np.ndarray, db: float) -> np.ndarray:
    """`samples` scaled to an RMS of `db` dBFS."""
    return conditions.at_rms(samples, db).astype(np.float32)


def pink_noise(seconds: float, db: float, seed: int = 0) -> np.ndarray:
    """Pink (1/f) noise at `db` dBFS."""
    count = int(seconds * SAMPLE_RATE)
    return at_level(conditions.pink_noise(count, np.random.default_rng(seed)), db)


def music(seconds: float, db: float, seed: int = 0) -> np.ndarray:
    """Synthetic chords over drums (`evaluation.nonspeech.band`) at `db` dBFS."""
    count = int(seconds * SAMPLE_RATE)
    return at_level(nonspeech.band(count, np.random.default_rng(seed)), db)


def silence(seconds: float) -> np.ndarray:
    return np.zeros(int(seconds * SAMPLE_RATE), dtype=np.float32)
