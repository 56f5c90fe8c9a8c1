"""Transcribing one chunk: its speech spans, packed into decode windows, with a coverage check.

Why not hand the chunk to faster-whisper's `transcribe`? On long audio Whisper (tiny.en above
all) often ends a window early or jumps over a whole sentence, and that speech is never
transcribed; on a 10-minute lecture that quadruples the word error rate, almost all of it
deletions. We know where speech is (VAD spans), so instead:

1. spans are packed into windows of at most ~24 s (`engine.windows`), long pauses squeezed;
2. windows are decoded in batches, each on its own — no conditioning on the previous window's
   text, no prompt carried over — with Whisper's compression-ratio/log-probability checks and
   temperature fallback, and word timings from cross-attention (`engine.decoding`);
3. times are mapped back from window time to media time through each window's pieces;
4. the coverage check (`engine.coverage`) uses the word timings to find speech that got no
   words, or clearly too few for its length, decodes each such stretch again on its own with a
   little padding, and splices the result in text order;
5. segments are clamped inside the chunk, made monotonic and non-overlapping (`engine.cleanup`);
   word timings are dropped unless they were asked for.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from video_transcriber.config import ModelSettings
from video_transcriber.domain import Chunk, ChunkResult, Segment, SpeechSpan, TranscribeOptions
from video_transcriber.engine.cleanup import tidy
from video_transcriber.engine.coverage import CoverageOptions, missing_speech, splice
from video_transcriber.engine.decoding import DecodeOptions, WindowDecoder
from video_transcriber.engine.model import is_english_only, load_model
from video_transcriber.engine.windows import (
    Window,
    WindowOptions,
    clip_spans,
    plan_windows,
    split_long_spans,
)


@dataclass(frozen=True, slots=True)
class EngineOptions:
    """Tunables of the chunk transcriber; the defaults are the measured best on CPU."""

    window: WindowOptions = field(default_factory=WindowOptions)
    coverage: CoverageOptions = field(default_factory=CoverageOptions)
    batch_size: int = 4
    """Windows decoded together (encoder and beam search batched)."""
    redecode_pad: float = 0.2
    """Audio added on each side of a span decoded again by the coverage check."""
    pad_with_silence: bool = True
    """See `DecodeOptions.pad_with_silence`."""


class ChunkTranscriber:
    """Holds one loaded model and transcribes chunks with it; one instance per worker process."""

    def __init__(
        self, settings: ModelSettings, *, threads: int, engine: EngineOptions | None = None
    ) -> None:
        self.settings = settings
        self.threads = threads
        self.engine = engine or EngineOptions()
        self.model_name = settings.name
        self.model = load_model(settings, threads=threads)
        self.decoder = WindowDecoder(self.model)

    def transcribe(
        self, chunk: Chunk, samples: np.ndarray, options: TranscribeOptions
    ) -> ChunkResult:
        """The chunk's segments in absolute time, inside the chunk, in order."""
        began = time.perf_counter()
        self._use_model(options.model)
        spans = self._spans(chunk, samples)
        if not spans:
            language = options.language or self.settings.language or "en"
            return ChunkResult(chunk.index, (), language, time.perf_counter() - began)
        windows = plan_windows(spans, chunk.start, chunk.end, self.engine.window)
        language = self._language(windows[0].audio(samples, chunk.start), options)
        decode = self._decode_options(language, options)
        segments = self._decode(windows, samples, chunk.start, decode)
        segments, redone = self._cover(spans, segments, samples, chunk, decode)
        segments = tidy(segments, chunk.start, chunk.end)
        if not (options.word_timestamps or self.settings.word_timestamps):
            segments = [replace(s, words=()) for s in segments]
        return ChunkResult(
            chunk_index=chunk.index,
            segments=tuple(segments),
            language=language,
            decode_seconds=time.perf_counter() - began,
            redecoded_spans=redone,
        )

    def _use_model(self, name: str | None) -> None:
        """Swap in another model when a request names one (a worker holds one model at a time)."""
        if name and name != self.model_name:
            self.model = load_model(self.settings, threads=self.threads, model_name=name)
            self.decoder = WindowDecoder(self.model)
            self.model_name = name

    def _spans(self, chunk: Chunk, samples: np.ndarray) -> list[SpeechSpan]:
        spans = clip_spans(chunk.speech, chunk.start, chunk.end)
        longest = (
            self.engine.window.max_seconds - self.engine.window.lead - self.engine.window.trail
        )
        return split_long_spans(spans, samples, chunk.start, longest)

    def _language(self, audio: np.ndarray, options: TranscribeOptions) -> str:
        """English-only models speak English; else the requested language; else detect once."""
        if is_english_only(self.model):
            return "en"
        chosen = options.language or self.settings.language
        if chosen:
            return chosen
        language, _, _ = self.model.detect_language(audio=audio)
        return str(language)

    def _decode_options(self, language: str, options: TranscribeOptions) -> DecodeOptions:
        return DecodeOptions(
            language=language,
            beam_size=options.beam_size or self.settings.beam_size,
            initial_prompt=options.initial_prompt or self.settings.initial_prompt,
            word_timestamps=True,  # the coverage check needs to know where the words are
            batch_size=self.engine.batch_size,
            pad_with_silence=self.engine.pad_with_silence,
        )

    def _decode(
        self,
        windows: Sequence[Window],
        samples: np.ndarray,
        chunk_start: float,
        decode: DecodeOptions,
    ) -> list[Segment]:
        """Decode windows and map their segments to absolute media time."""
        texts = self.decoder.decode([w.audio(samples, chunk_start) for w in windows], decode)
        out: list[Segment] = []
        for window, text in zip(windows, texts, strict=True):
            out += [to_absolute(window, segment) for segment in text.segments]
        return out

    def _cover(
        self,
        spans: Sequence[SpeechSpan],
        segments: list[Segment],
        samples: np.ndarray,
        chunk: Chunk,
        decode: DecodeOptions,
    ) -> tuple[list[Segment], int]:
        """Decode again, each on its own, the speech the first pass left (nearly) without words."""
        missing = missing_speech(spans, segments, self.engine.coverage)
        if not missing:
            return segments, 0
        windows = [self._alone(spans, region, chunk) for region in missing]
        texts = self.decoder.decode([w.audio(samples, chunk.start) for w in windows], decode)
        for region, window, text in zip(missing, windows, texts, strict=True):
            found = [to_absolute(window, s) for s in text.segments]
            if found:
                segments = splice(segments, region, found)
        return segments, len(missing)

    def _alone(self, spans: Sequence[SpeechSpan], region: SpeechSpan, chunk: Chunk) -> Window:
        """A window for one missing stretch: a whole span gets the usual lead and trail, a
        stretch inside a span `redecode_pad` before it (words repeated at the seam are dropped)."""
        lo = max([chunk.start, *(s.end for s in spans if s.end <= region.start)])
        hi = min([chunk.end, *(s.start for s in spans if s.start >= region.end)])
        inside = any(s.start < region.start < s.end for s in spans)
        options = self.engine.window
        if inside:
            options = replace(options, lead=self.engine.redecode_pad)
        return plan_windows([region], lo, hi, options)[0]


def to_absolute(window: Window, segment: Segment) -> Segment:
    """A segment (and its words) moved from window time to media time."""
    words = tuple(
        replace(w, start=window.to_absolute(w.start), end=window.to_absolute(w.end, is_end=True))
        for w in segment.words
    )
    return replace(
        segment,
        start=window.to_absolute(segment.start),
        end=window.to_absolute(segment.end, is_end=True),
        words=words,
    )
