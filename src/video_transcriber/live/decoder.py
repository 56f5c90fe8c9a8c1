"""Re-decoding a stream's uncommitted audio with a warm Whisper model, word by word.

Goes through `engine` (the only package that touches faster-whisper): `engine.model.load_model`
once per decode thread, `engine.decoding.WindowDecoder` for every decode, with word timings on
(agreement and trimming work on words). The buffer is one window of at most ~25 s, so there is
nothing to pack or stitch. Two kinds of decode: *partial* re-decodes are greedy by default and
skip the temperature fallback (another one follows within a second); the decode that closes an
utterance uses the final beam and Whisper's checks, so a stretch the model calls silence comes
back empty instead of as invented text.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from video_transcriber.config import LiveSettings, ModelSettings
from video_transcriber.domain import SAMPLE_RATE, Word
from video_transcriber.engine.decoding import DecodeOptions, WindowDecoder
from video_transcriber.engine.model import is_english_only, load_model


@dataclass(frozen=True, slots=True)
class Hypothesis:
    """One decode: words in seconds from the decoded audio's start, and what it cost."""

    words: tuple[Word, ...]
    seconds: float


class LiveDecoder:
    """One loaded model; not thread-safe (each decode thread has its own)."""

    def __init__(
        self, model: ModelSettings, live: LiveSettings, *, model_name: str | None = None
    ) -> None:
        self.live = live
        self.model = load_model(model, threads=live.threads, model_name=model_name)
        self.english_only = is_english_only(self.model)
        self._windows = WindowDecoder(self.model)
        self._warm_up()

    def _warm_up(self) -> None:
        """One throw-away decode: CTranslate2's first call allocates its buffers (~1 s), which
        would otherwise delay a stream's first caption."""
        silence = np.zeros(SAMPLE_RATE, dtype=np.float32)
        self._windows.decode(
            [silence], DecodeOptions(language="en", beam_size=1, batch_size=1, fallback=False)
        )

    def language(self, samples: np.ndarray, requested: str | None) -> str:
        """English for `.en` models, else the requested language, else detected on `samples`."""
        if self.english_only:
            return "en"
        if requested:
            return requested
        language, _, _ = self.model.detect_language(audio=samples)
        return str(language)

    def decode(self, samples: np.ndarray, *, language: str, prompt: str, final: bool) -> Hypothesis:
        began = time.perf_counter()
        options = DecodeOptions(
            language=language,
            beam_size=self.live.final_beam_size if final else self.live.beam_size,
            initial_prompt=prompt or None,
            word_timestamps=True,
            batch_size=1,
            fallback=final,
        )
        text = self._windows.decode([samples], options)[0]
        words = tuple(w for s in text.segments for w in s.words if w.text.strip())
        return Hypothesis(words, time.perf_counter() - began)
