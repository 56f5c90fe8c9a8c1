"""Diarization of one recording: speech spans → windows → voices → speakers → turns.

    kept = audible(speech, span_levels(audio, speech))    # background chatter left out
    windows = place_windows(kept, step)                   # 1.6 s, `step` apart, inside speech
    embeddings = embed_windows(audio, speech, windows)    # GE2E voices (onnxruntime)
    labels = cluster(embeddings, options)                 # speaker count found or given
    turns = to_turns(speech, windows, smooth(labels))     # boundaries between window centres

The speech spans are the ones transcription already found (Silero VAD), so the stage adds no
second detection pass. `Diarizer` holds the encoder, loaded on the first recording it embeds
(a process that only clusters the workers' voices never loads it), and is safe to share
between threads.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from video_transcriber.config import SpeakerSettings
from video_transcriber.domain import SpeechSpan, Voice
from video_transcriber.speakers.chunk_voices import windows_of
from video_transcriber.speakers.clustering import ClusterOptions, cluster, in_order_of_appearance
from video_transcriber.speakers.encoder import VoiceEncoder
from video_transcriber.speakers.turns import SpeakerTurn, smooth, to_turns
from video_transcriber.speakers.windows import (
    AudioSource,
    Window,
    audible,
    embed_windows,
    place_windows,
    span_levels,
    speech_gain,
)

MIN_SPEAKER_SECONDS = 2.0
"""A voice heard in fewer windows than span this much is too little to call a speaker: its
windows join the nearest speaker (3 windows at the default 0.8 s step)."""


@dataclass(frozen=True, slots=True)
class Diarization:
    """What the stage found: the turns and how many speakers they hold."""

    turns: tuple[SpeakerTurn, ...]
    speakers: int
    windows: int
    """Windows embedded (the stage's cost is proportional to it)."""


class Diarizer:
    """Speaker turns of recordings, with one encoder loaded for all of them."""

    def __init__(self, settings: SpeakerSettings, encoder: VoiceEncoder | None = None) -> None:
        self.settings = settings
        self._encoder = encoder
        self._loading = threading.Lock()

    @property
    def encoder(self) -> VoiceEncoder:
        with self._loading:
            if self._encoder is None:
                self._encoder = VoiceEncoder(
                    self.settings.weights,
                    threads=self.settings.threads,
                    cache_dir=self.settings.cache_dir,
                )
            return self._encoder

    def diarize(
        self, audio: AudioSource, speech: Sequence[SpeechSpan], *, speakers: int | None = None
    ) -> Diarization:
        """Turns of `audio` inside `speech`; `speakers` fixes their number, None finds it."""
        levels = span_levels(audio, speech)
        kept = [speech[i] for i in audible(speech, levels)]
        windows = place_windows(kept, self.settings.step_seconds)
        if not windows:
            return Diarization((), 0, 0)
        gain = speech_gain(speech, levels)
        embeddings = embed_windows(audio, kept, windows, self.encoder, gain=gain)
        return self.cluster(kept, windows, embeddings, speakers)

    def from_voices(
        self, voices: Sequence[Voice], speech: Sequence[SpeechSpan], *, speakers: int | None
    ) -> Diarization:
        """Turns from embeddings the workers computed (`speakers.chunk_voices`)."""
        spans, windows, embeddings = windows_of(voices, speech)
        if not windows:
            return Diarization((), 0, 0)
        return self.cluster(spans, windows, embeddings, speakers)

    def cluster(
        self,
        spans: Sequence[SpeechSpan],
        windows: Sequence[Window],
        embeddings: np.ndarray,
        speakers: int | None,
    ) -> Diarization:
        """Labels for embedded windows, and the turns they make."""
        options = ClusterOptions(
            threshold=self.settings.threshold,
            speakers=speakers,
            max_speakers=self.settings.max_speakers,
            min_windows=max(2, math.ceil(MIN_SPEAKER_SECONDS / self.settings.step_seconds)),
        )
        labels = in_order_of_appearance(smooth(cluster(embeddings, options), windows))
        turns = to_turns(spans, windows, labels)
        return Diarization(tuple(turns), len({t.speaker for t in turns}), len(windows))
