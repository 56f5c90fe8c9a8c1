"""Transcribing one chunk: its speech spans, packed into decode windows, with a coverage check.

Why not hand the chunk to faster-whisper's `transcribe`? On long audio Whisper (tiny.en above
all) often ends a window early or jumps over a whole sentence, and that speech is never
transcribed; on a 10-minute lecture that quadruples the word error rate, almost all of it
deletions. We know where speech is (VAD spans), so instead:

1. spans are packed into windows of at most ~22 s (`engine.windows`), long pauses squeezed;
2. windows are decoded in batches, each on its own — no conditioning on the previous window's
   text, no prompt carried over — with Whisper's compression-ratio/log-probability checks and
   temperature fallback (`engine.decoding`); word timings (cross-attention alignment) only for
   windows whose segment times may hide skipped speech, or for all when they are asked for;
3. times are mapped back from window time to media time through each window's pieces;
4. the coverage check (`engine.coverage`) uses word (else segment) timings to find speech that
   got no words, or clearly too few for its length; the chunk's missing stretches are decoded
   again packed together, a second of silence between them, in as few windows as fit
   (`engine.packing`), and each stretch's words are spliced in text order;
5. the chunk's faint stretches (audio speech detection rejected that holds signal,
   `segmentation.faint`) are decoded one window each, without temperature fallback, and their
   text kept only where the model is confident it is speech (`engine.audit`);
6. segments are clamped inside the chunk, made monotonic and non-overlapping (`engine.cleanup`);
   word timings are dropped unless they were asked for.

Measurements behind these choices (window length, trimmed encoder input, packed re-decodes,
alignment only where it can change the outcome) are in docs/PERFORMANCE.md.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from video_transcriber.config import ModelSettings
from video_transcriber.domain import Chunk, ChunkResult, Segment, SpeechSpan, TranscribeOptions
from video_transcriber.engine.audit import AuditOptions, is_confident
from video_transcriber.engine.cleanup import tidy
from video_transcriber.engine.coverage import CoverageOptions, missing_speech, splice
from video_transcriber.engine.decoding import DecodeOptions, WindowDecoder, WindowText
from video_transcriber.engine.heap import return_large_buffers
from video_transcriber.engine.model import is_english_only, load_model
from video_transcriber.engine.packing import PackOptions, pack, to_retry, unpack, word_count
from video_transcriber.engine.windows import (
    Piece,
    Window,
    WindowOptions,
    clip_spans,
    plan_windows,
    split_long_spans,
)
from video_transcriber.languages.catalog import parse_language
from video_transcriber.languages.detection import Detection, spread_indices, vote


@dataclass(frozen=True, slots=True)
class EngineOptions:
    """Tunables of the chunk transcriber; the defaults are the measured best on CPU."""

    window: WindowOptions = field(default_factory=WindowOptions)
    coverage: CoverageOptions = field(default_factory=CoverageOptions)
    audit: AuditOptions = field(default_factory=AuditOptions)
    batch_size: int = 4
    """Windows decoded together (encoder and beam search batched)."""
    redecode_pad: float = 0.2
    """Audio added on each side of a span decoded again by the coverage check."""
    redecode_gap: float = 1.0
    """Silence between two stretches decoded again in one window (`engine.packing`)."""
    pad_with_silence: bool = True
    """See `DecodeOptions.pad_with_silence`."""
    encode_silence: float | None = 5.0
    """See `DecodeOptions.encode_silence`."""
    detection_windows: int = 3
    """Decode windows, spread over a chunk's speech, whose language probabilities are summed
    to detect the chunk's language when none is given (`languages.detection`)."""


class ChunkTranscriber:
    """Holds one loaded model and transcribes chunks with it; one instance per worker process."""

    def __init__(
        self, settings: ModelSettings, *, threads: int, engine: EngineOptions | None = None
    ) -> None:
        self.settings = settings
        self.threads = threads
        self.engine = engine or EngineOptions()
        self.model_name = settings.name
        return_large_buffers()  # before the model's first allocations (engine.heap)
        self.model = load_model(settings, threads=threads)
        self.decoder = WindowDecoder(self.model)

    def transcribe(
        self, chunk: Chunk, samples: np.ndarray, options: TranscribeOptions
    ) -> ChunkResult:
        """The chunk's segments in absolute time, inside the chunk, in order."""
        began = time.perf_counter()
        self._use_model(options.model)
        spans = self._spans(chunk.speech, chunk, samples)
        faint = self._spans(chunk.faint, chunk, samples)
        if not spans and not faint:
            language = self._given_language(options) or "en"
            return ChunkResult(chunk.index, (), language, time.perf_counter() - began)
        windows = plan_windows(spans, chunk.start, chunk.end, self.engine.window)
        heard = [Window((Piece(s.start, s.end, 0.0),), (s,)) for s in faint]
        audios = [w.audio(samples, chunk.start) for w in windows]
        heard_audios = [w.audio(samples, chunk.start) for w in heard]
        segments, decode, detected = self._first_pass(windows, audios, heard_audios, options)
        language = detected.language
        segments, redone = self._cover(spans, segments, samples, chunk, decode)
        segments += self._audit(heard, heard_audios, decode)
        segments = tidy(sorted(segments, key=lambda s: s.start), chunk.start, chunk.end)
        segments = [
            replace(s, language=language, words=s.words if decode.word_timestamps else ())
            for s in segments
        ]
        return ChunkResult(
            chunk_index=chunk.index,
            segments=tuple(segments),
            language=language,
            decode_seconds=time.perf_counter() - began,
            redecoded_spans=redone,
            language_probability=detected.probability,
        )

    def _first_pass(
        self,
        windows: Sequence[Window],
        audios: Sequence[np.ndarray],
        heard_audios: Sequence[np.ndarray],
        options: TranscribeOptions,
    ) -> tuple[list[Segment], DecodeOptions, Detection]:
        """The speech windows decoded once, in the given language or the one detected on the
        first batch's encoder output (`WindowDecoder.decode_detecting`); the decode options
        used, with the language they settled on."""
        given = self._given_language(options)
        decode = self._decode_options(given or "en", options)
        if given or not audios:
            detected = Detection(given, 1.0) if given else self._language(heard_audios, options)
            decode = replace(decode, language=detected.language)
            return self._decode(windows, audios, decode), decode, detected
        texts, detected = self.decoder.decode_detecting(
            audios, decode, self.engine.detection_windows
        )
        segments = [
            to_absolute(w, s) for w, t in zip(windows, texts, strict=True) for s in t.segments
        ]
        return segments, replace(decode, language=detected.language), detected

    def _use_model(self, name: str | None) -> None:
        """Swap in another model when a request names one (a worker holds one model at a time)."""
        if name and name != self.model_name:
            self.model = load_model(self.settings, threads=self.threads, model_name=name)
            self.decoder = WindowDecoder(self.model)
            self.model_name = name

    def _spans(
        self, spans: Sequence[SpeechSpan], chunk: Chunk, samples: np.ndarray
    ) -> list[SpeechSpan]:
        spans = clip_spans(spans, chunk.start, chunk.end)
        longest = (
            self.engine.window.max_seconds - self.engine.window.lead - self.engine.window.trail
        )
        return split_long_spans(spans, samples, chunk.start, longest)

    def _given_language(self, options: TranscribeOptions) -> str | None:
        if is_english_only(self.model):
            return "en"
        chosen = parse_language(options.language) or parse_language(self.settings.language)
        return chosen

    def _language(self, audios: Sequence[np.ndarray], options: TranscribeOptions) -> Detection:
        """English-only models speak English; else the requested language; else the vote of
        `detection_windows` windows spread over the chunk (`languages.detection`)."""
        given = self._given_language(options)
        if given:
            return Detection(given, 1.0)
        picked = [audios[i] for i in spread_indices(len(audios), self.engine.detection_windows)]
        detected = vote(self.decoder.detect(picked, self.engine.encode_silence))
        return detected or Detection("en", 0.0)

    def detect_language(self, chunk: Chunk, samples: np.ndarray) -> Detection:
        """The chunk's language as `transcribe` would detect it, without decoding any text."""
        spans = self._spans(chunk.speech, chunk, samples) or self._spans(
            chunk.faint, chunk, samples
        )
        windows = plan_windows(spans, chunk.start, chunk.end, self.engine.window)
        audios = [w.audio(samples, chunk.start) for w in windows]
        return self._language(audios, TranscribeOptions()) if audios else Detection("en", 0.0)

    def _decode_options(self, language: str, options: TranscribeOptions) -> DecodeOptions:
        return DecodeOptions(
            language=language,
            task=options.task or self.settings.task,
            beam_size=options.beam_size or self.settings.beam_size,
            initial_prompt=options.initial_prompt or self.settings.initial_prompt,
            word_timestamps=bool(options.word_timestamps or self.settings.word_timestamps),
            align_doubtful=True,  # the coverage check needs words where segments may hide holes
            batch_size=self.engine.batch_size,
            pad_with_silence=self.engine.pad_with_silence,
            encode_silence=self.engine.encode_silence,
        )

    def _decode(
        self,
        windows: Sequence[Window],
        audios: Sequence[np.ndarray],
        decode: DecodeOptions,
        keep: Callable[[WindowText], bool] | None = None,
    ) -> list[Segment]:
        """Decode the windows' audio and map their segments to absolute media time; with
        `keep`, only the windows whose decode it accepts."""
        texts = self.decoder.decode(audios, decode)
        return [
            to_absolute(window, segment)
            for window, text in zip(windows, texts, strict=True)
            if keep is None or keep(text)
            for segment in text.segments
        ]

    def _audit(
        self, windows: Sequence[Window], audios: Sequence[np.ndarray], decode: DecodeOptions
    ) -> list[Segment]:
        """The faint stretches' text, where the model is confident it heard speech."""
        if not windows:
            return []
        return self._decode(
            windows,
            audios,
            replace(decode, fallback=False, align_doubtful=False),
            keep=lambda text: is_confident(text, self.engine.audit),
        )

    def _cover(
        self,
        spans: Sequence[SpeechSpan],
        segments: list[Segment],
        samples: np.ndarray,
        chunk: Chunk,
        decode: DecodeOptions,
    ) -> tuple[list[Segment], int]:
        """Decode again the speech the first pass left (nearly) without words — all of the
        chunk's stretches packed into as few windows as fit (`engine.packing`) — and splice
        each stretch's words in place."""
        missing = missing_speech(spans, segments, self.engine.coverage)
        if not missing:
            return segments, 0
        ranges = [self._context(spans, region, chunk) for region in missing]
        windows, found = self._redecode(ranges, missing, samples, chunk.start, decode)
        again = to_retry(windows, found, self.engine.coverage.min_words_per_second)
        if again:
            _, redone = self._redecode(
                [ranges[i] for i in again],
                [missing[i] for i in again],
                samples,
                chunk.start,
                decode,
            )
            for i, new in zip(again, redone, strict=True):
                if word_count(new) > word_count(found[i]):
                    found[i] = new
        for region, new in zip(missing, found, strict=True):
            if new:
                segments = splice(segments, region, new)
        return segments, len(missing)

    def _redecode(
        self,
        ranges: Sequence[tuple[float, float]],
        regions: Sequence[SpeechSpan],
        samples: np.ndarray,
        chunk_start: float,
        decode: DecodeOptions,
    ) -> tuple[list[Window], list[list[Segment]]]:
        """The packed windows, and the segments each region got (media time)."""
        packing = PackOptions(self.engine.window.max_seconds, self.engine.redecode_gap)
        windows = pack(ranges, regions, packing)
        audios = [w.audio(samples, chunk_start) for w in windows]
        texts = self.decoder.decode(audios, replace(decode, word_timestamps=True))
        found = [
            part
            for window, text in zip(windows, texts, strict=True)
            for part in unpack(window, text.segments)
        ]
        return windows, found

    def _context(
        self, spans: Sequence[SpeechSpan], region: SpeechSpan, chunk: Chunk
    ) -> tuple[float, float]:
        """The audio decoded for one missing stretch: a whole span gets the usual lead and
        trail, a stretch inside a span `redecode_pad` before it (words repeated at the seam are
        dropped by `splice`); never reaching into a neighbouring span or out of the chunk."""
        lo = max([chunk.start, *(s.end for s in spans if s.end <= region.start)])
        hi = min([chunk.end, *(s.start for s in spans if s.start >= region.end)])
        inside = any(s.start < region.start < s.end for s in spans)
        lead = self.engine.redecode_pad if inside else self.engine.window.lead
        return max(lo, region.start - lead), min(hi, region.end + self.engine.window.trail)


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
