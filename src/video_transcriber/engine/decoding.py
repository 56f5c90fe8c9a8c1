"""Decoding windows of audio with Whisper: several windows per batch, with a careful fallback.

A batch of windows goes through the beam search together, which on a CPU is much cheaper than one
window at a time (each window is encoded on its own: batching the encoder costs time and memory).
Unlike faster-whisper's `BatchedInferencePipeline`, every decoded token is kept — text after the
last timestamp pair becomes a segment reaching the end of the window instead of being dropped —
and each window is checked like Whisper's own long-form decoding does: a window whose text is too
repetitive (compression ratio) or too unlikely (average log-probability) is decoded again with
faster-whisper's sequential `transcribe`, which walks the temperature fallback; a window the model
calls silence is returned empty.

Every window is decoded without conditioning on earlier text, so one bad window cannot poison the
next. Times in the returned segments are seconds into the window.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import numpy as np

from video_transcriber.domain import SAMPLE_RATE, Segment, Word
from video_transcriber.languages.detection import Detection, spread_indices, vote

if TYPE_CHECKING:
    from faster_whisper import WhisperModel
    from faster_whisper.tokenizer import Tokenizer

TIME_PRECISION = 0.02
"""Seconds per Whisper timestamp token."""
FRAMES = 3000
"""Mel frames in Whisper's 30 s input."""
HOP = 160
"""Samples per mel frame."""

FALLBACK_TEMPERATURES = (0.0, 0.2, 0.4, 0.6, 0.8, 1.0)
PREPEND_PUNCTUATIONS = "\"'\u201c\u00bf([{-"
"""Punctuation merged into the following word (faster-whisper's default)."""
APPEND_PUNCTUATIONS = "\"'.\u3002,\uff0c!\uff01?\uff1f:\uff1a\u201d)]}\u3001"
"""Punctuation merged into the preceding word (faster-whisper's default)."""


@dataclass(frozen=True, slots=True)
class DecodeOptions:
    """How windows are decoded (already resolved from settings and request options)."""

    language: str
    beam_size: int = 5
    task: str = "transcribe"
    """`translate` decodes English text from speech in `language` (multilingual models)."""
    initial_prompt: str | None = None
    word_timestamps: bool = False
    """Word timings for every window (cross-attention alignment, ~8% of decoding time)."""
    align_doubtful: bool = False
    """Without `word_timestamps`, still align the windows whose text looks like it skipped
    speech (`doubtful`), so the coverage check can find holes inside their segments."""
    batch_size: int = 4
    """Windows decoded together."""
    pad_with_silence: bool = True
    """Pad each window's audio with zeros before the log-Mel, so the model sees true silence
    after the speech (as in OpenAI Whisper) rather than zeros in log-Mel space."""
    encode_silence: float | None = 5.0
    """Seconds of silence the encoder sees after a batch's longest window (its input rounded up
    to whole seconds, at most Whisper's 30 s); None always encodes the full 30 s.

    The encoder's cost grows with its input and Whisper pads every window to 30 s: a 10 s
    window paid for 30. CTranslate2 encodes shorter inputs and the decoder attends to what
    there is. With too little silence after the speech tiny.en invents text (1 s: insertions
    34 instead of 7 on a 10-minute lecture); 5 s kept the text of full 30 s encoding (five
    10-minute lectures: mean WER 0.0433 against 0.0452) and, with 22 s windows, decoded them in
    27% less time (`engine.windows.WindowOptions.max_seconds`)."""
    compression_ratio_threshold: float = 2.4
    """Above this the text is a loop; decode again with temperature fallback."""
    log_prob_threshold: float = -1.0
    """Below this average log-probability the text is a guess; decode again."""
    no_speech_threshold: float = 0.6
    """With a low log-probability, above this no-speech probability the window is silence."""
    fallback: bool = True
    """Decode a window that fails the checks again with temperature fallback; without it the
    first decode and its scores come back as they are (the non-speech audit judges them)."""


@dataclass(frozen=True, slots=True)
class WindowText:
    """One window's decode: segments in window time and the scores used to judge it."""

    segments: tuple[Segment, ...]
    avg_logprob: float
    no_speech_prob: float
    compression_ratio: float
    tokens: tuple[tuple[int, ...], ...] = ()
    """Each segment's text tokens (for word alignment); empty after a fallback decode."""


def split_tokens(
    tokens: Sequence[int], timestamp_begin: int, eot: int, duration: float
) -> list[tuple[float, float, list[int]]]:
    """(start, end, text tokens) per segment; text after the last timestamp runs to `duration`."""
    out: list[tuple[float, float, list[int]]] = []
    text: list[int] = []
    start: float | None = None
    last = 0.0
    for token in tokens:
        if token >= timestamp_begin:
            moment = (token - timestamp_begin) * TIME_PRECISION
            if text:
                out.append((last if start is None else start, moment, text))
                text, start = [], None
            else:
                start = moment
            last = moment
        elif token < eot:
            text.append(token)
    if text:
        begin = last if start is None else start
        out.append((begin, max(duration, begin), text))
    return out


def compression_ratio(text: str) -> float:
    """Whisper's repetition measure: bytes over zlib-compressed bytes."""
    import zlib

    data = text.encode("utf-8")
    return len(data) / len(zlib.compress(data)) if data else 0.0


class WindowDecoder:
    """Decodes windows with one loaded `WhisperModel`."""

    def __init__(self, model: WhisperModel) -> None:
        self.model = model
        self._tokenizers: dict[tuple[str, str], Tokenizer] = {}

    def tokenizer(self, language: str, task: str = "transcribe") -> Tokenizer:
        from faster_whisper.tokenizer import Tokenizer

        if (language, task) not in self._tokenizers:
            self._tokenizers[language, task] = Tokenizer(
                self.model.hf_tokenizer,
                self.model.model.is_multilingual,
                task=task,
                language=language,
            )
        return self._tokenizers[language, task]

    def detect(
        self, audios: Sequence[np.ndarray], encode_silence: float | None = 5.0
    ) -> list[list[tuple[str, float]]]:
        """Each window's (language, probability) pairs, most likely first (Whisper's language
        token probabilities on the window's encoder output, trimmed like decoding's)."""
        options = DecodeOptions(language="en", encode_silence=encode_silence)
        return [self._ranked(self._encode(self._features([a], options)))[0] for a in audios]

    def _ranked(self, encoded: Any) -> list[list[tuple[str, float]]]:
        ranked = self.model.model.detect_language(encoded)
        return [[(token[2:-2], float(p)) for token, p in row] for row in ranked]

    def decode_detecting(
        self, audios: Sequence[np.ndarray], options: DecodeOptions, windows: int
    ) -> tuple[list[WindowText], Detection]:
        """`decode` in the language voted by `windows` windows of the first batch, spread over
        it, detected on the encoder output decoding computes anyway: detection costs one
        decoder step per window instead of an encoder pass (30% of a chunk's time with base
        when each detected window was encoded on its own)."""
        first = audios[: options.batch_size]
        encoded = self._encode(self._features(first, options))
        picked = spread_indices(len(first), windows)
        rows = encoded if len(picked) == len(first) else _select(encoded, picked)
        detected = vote(self._ranked(rows)) or Detection(options.language, 0.0)
        options = replace(options, language=detected.language)
        out = self._batch(first, options, encoded)
        for start in range(len(first), len(audios), options.batch_size):
            out += self._batch(audios[start : start + options.batch_size], options)
        return self._checked(audios, out, options), detected

    def decode(self, audios: Sequence[np.ndarray], options: DecodeOptions) -> list[WindowText]:
        """Every window decoded, in order: batched first, then fallback where the check fails."""
        out: list[WindowText] = []
        for first in range(0, len(audios), options.batch_size):
            out += self._batch(audios[first : first + options.batch_size], options)
        return self._checked(audios, out, options)

    def _checked(
        self, audios: Sequence[np.ndarray], out: list[WindowText], options: DecodeOptions
    ) -> list[WindowText]:
        if not options.fallback:
            return out
        return [self._judged(audio, text, options) for audio, text in zip(audios, out, strict=True)]

    def _judged(self, audio: np.ndarray, text: WindowText, options: DecodeOptions) -> WindowText:
        """Whisper's checks: a loop or a guess is decoded again; likely silence comes back empty."""
        if not text.segments:
            return text
        unlikely = text.avg_logprob < options.log_prob_threshold
        if unlikely and text.no_speech_prob > options.no_speech_threshold:
            return WindowText((), text.avg_logprob, text.no_speech_prob, 0.0)
        if unlikely or text.compression_ratio > options.compression_ratio_threshold:
            return self._fallback(audio, options)
        return text

    def _features(self, audios: Sequence[np.ndarray], options: DecodeOptions) -> np.ndarray:
        from faster_whisper.audio import pad_or_trim

        extract = self.model.feature_extractor
        frames = encoder_frames(max(len(a) for a in audios), options.encode_silence)
        if options.pad_with_silence:
            audios = [np.pad(a, (0, max(0, frames * HOP - len(a)))) for a in audios]
        return np.stack([pad_or_trim(extract(a)[..., :-1], frames) for a in audios])

    def _prompt(self, tokenizer: Tokenizer, options: DecodeOptions) -> list[int]:
        previous = (
            tokenizer.encode(" " + options.initial_prompt.strip()) if options.initial_prompt else []
        )
        return list(self.model.get_prompt(tokenizer, previous_tokens=previous))

    def _batch(
        self, audios: Sequence[np.ndarray], options: DecodeOptions, encoded: Any = None
    ) -> list[WindowText]:
        from faster_whisper.transcribe import get_suppressed_tokens

        tokenizer = self.tokenizer(options.language, options.task)
        if encoded is None:
            encoded = self._encode(self._features(audios, options))
        prompt = self._prompt(tokenizer, options)
        results = self.model.model.generate(
            encoded,
            [list(prompt) for _ in audios],
            beam_size=options.beam_size,
            max_length=self.model.max_length,
            return_scores=True,
            return_no_speech_prob=True,
            suppress_blank=True,
            suppress_tokens=get_suppressed_tokens(tokenizer, [-1]),
            max_initial_timestamp_index=round(1.0 / TIME_PRECISION),
        )
        texts = [
            self._window_text(tokenizer, result, len(audio) / SAMPLE_RATE)
            for audio, result in zip(audios, results, strict=True)
        ]
        durations = [len(audio) / SAMPLE_RATE for audio in audios]
        wanted = [
            options.word_timestamps or (options.align_doubtful and doubtful(text, duration))
            for text, duration in zip(texts, durations, strict=True)
        ]
        if any(wanted):
            texts = self._add_words(tokenizer, texts, encoded, audios, wanted)
        return texts

    def _encode(self, features: np.ndarray) -> Any:
        """The encoder output of a batch, encoding one window at a time.

        Only the beam search gains from batching: encoding four windows together is slower on
        a CPU (measured 6.7 s against 6.0 s for eight 28 s windows, one thread, tiny.en int8) and
        its self-attention buffers (batch x heads x 1500 x 1500 floats) grew each worker's peak
        memory by ~200 MB, which CTranslate2 then keeps cached for the life of the process. On a
        GPU the batch is encoded at once.
        """
        if len(features) == 1 or self.model.model.device != "cpu":  # a GPU's output is no array
            return self.model.encode(features)
        parts = [np.asarray(self.model.encode(features[i : i + 1])) for i in range(len(features))]
        return _storage(np.concatenate(parts))

    def _window_text(self, tokenizer: Tokenizer, result: Any, duration: float) -> WindowText:
        tokens = list(result.sequences_ids[0])
        avg_logprob = result.scores[0] * len(tokens) / (len(tokens) + 1)
        parts = split_tokens(tokens, tokenizer.timestamp_begin, tokenizer.eot, duration)
        kept = [(s, e, t, tokenizer.decode(t).strip()) for s, e, t in parts]
        kept = [part for part in kept if part[3]]
        segments = tuple(
            Segment(
                start, end, words, avg_logprob=avg_logprob, no_speech_prob=result.no_speech_prob
            )
            for start, end, _, words in kept
        )
        return WindowText(
            segments=segments,
            avg_logprob=avg_logprob,
            no_speech_prob=result.no_speech_prob,
            compression_ratio=compression_ratio(" ".join(s.text for s in segments)),
            tokens=tuple(tuple(t) for _, _, t, _ in kept),
        )

    def _add_words(
        self,
        tokenizer: Tokenizer,
        texts: list[WindowText],
        encoded: Any,
        audios: Sequence[np.ndarray],
        wanted: Sequence[bool],
    ) -> list[WindowText]:
        """Word timings from cross-attention alignment (faster-whisper's `add_word_timestamps`)
        for the `wanted` windows that have text.

        On a CPU each window is aligned on its own: aligning a batch of four 22 s windows at once
        raised a worker's peak memory by ~85 MB (431 against 345 MB), more than anything else in
        decoding, for no measurable gain in time (alignment is ~5% of decoding)."""
        keep = [i for i, t in enumerate(texts) if t.segments and wanted[i]]
        if not keep:
            return texts
        on_cpu = self.model.model.device == "cpu"
        groups = [[i] for i in keep] if on_cpu else [keep]
        out = list(texts)
        for group in groups:
            rows = encoded if len(group) == len(texts) else _select(encoded, group)
            batch = [
                [
                    {"seek": 0, "start": s.start, "end": s.end, "tokens": list(tokens)}
                    for s, tokens in zip(texts[i].segments, texts[i].tokens, strict=True)
                ]
                for i in group
            ]
            frames = [min(FRAMES, int(np.ceil(len(audios[i]) / HOP))) for i in group]
            self.model.add_word_timestamps(
                batch, tokenizer, rows, frames, PREPEND_PUNCTUATIONS, APPEND_PUNCTUATIONS, 0.0
            )
            for i, dicts in zip(group, batch, strict=True):
                out[i] = _with_words(texts[i], dicts)
        return out

    def _fallback(self, audio: np.ndarray, options: DecodeOptions) -> WindowText:
        """faster-whisper's own sequential decode, with the temperature fallback."""
        segments, _ = self.model.transcribe(
            audio,
            language=options.language,
            task=options.task,
            beam_size=options.beam_size,
            temperature=list(FALLBACK_TEMPERATURES),
            condition_on_previous_text=False,
            initial_prompt=options.initial_prompt,
            word_timestamps=options.word_timestamps,
            vad_filter=False,
            compression_ratio_threshold=options.compression_ratio_threshold,
            log_prob_threshold=options.log_prob_threshold,
            no_speech_threshold=options.no_speech_threshold,
        )
        out = tuple(_from_faster_whisper(s) for s in segments)
        whole = " ".join(s.text for s in out)
        logprob = min((s.avg_logprob for s in out), default=0.0)
        return WindowText(out, logprob, 0.0, compression_ratio(whole))


FRAMES_PER_SECOND = SAMPLE_RATE // HOP


def encoder_frames(samples: int, silence: float | None) -> int:
    """Mel frames the encoder sees for audio of `samples`: the audio and `silence` seconds
    after it, rounded up to whole seconds (an even count, as the encoder's stride-2 convolution
    wants), at most Whisper's 30 s; always 30 s when `silence` is None."""
    if silence is None:
        return FRAMES
    seconds = int(np.ceil(samples / SAMPLE_RATE + silence))
    return min(FRAMES, max(1, seconds) * FRAMES_PER_SECOND)


def _select(encoded: Any, rows: Sequence[int]) -> Any:
    """Some windows of a batch's encoder output, without encoding them again (on CPU the
    output is a float32 array CTranslate2 shares with numpy)."""
    return _storage(np.asarray(encoded)[rows])


def _storage(array: np.ndarray) -> Any:
    """A CTranslate2 view of a float32 array (on CPU it shares the array's memory)."""
    import ctranslate2

    return ctranslate2.StorageView.from_array(np.ascontiguousarray(array))


MIN_SEGMENT_WORDS_PER_SECOND = 1.8
"""Below this a segment's time range is suspect: on the lecture (tiny.en) segments run at 2-3
words a second, and those whose word timings revealed a hole the segment times hide (the
decoder stretched a segment over skipped speech) ran at 1.3-1.5."""


def doubtful(text: WindowText, duration: float) -> bool:
    """Whether a window's segment times may hide skipped speech, so that only word timings
    tell: a segment too slow for its words, or text left open to the end of the window.

    Holes between segments are visible without word timings; skipped speech inside a segment
    is not. On two 10-minute lectures 14 of 48 first-pass windows were doubtful, and word
    timings found a hole the segment times missed in 3 windows, 2 of them doubtful (the third
    a 1.1 s hole)."""
    for segment in text.segments:
        length = max(segment.end - segment.start, TIME_PRECISION)
        if len(segment.text.split()) / length < MIN_SEGMENT_WORDS_PER_SECOND:
            return True
    return bool(text.segments) and text.segments[-1].end >= duration - TIME_PRECISION


def _with_words(text: WindowText, dicts: Sequence[dict[str, Any]]) -> WindowText:
    segments = tuple(
        Segment(
            start=float(d["start"]),
            end=float(d["end"]),
            text=s.text,
            words=tuple(
                Word(float(w["start"]), float(w["end"]), str(w["word"]), float(w["probability"]))
                for w in d.get("words", [])
            ),
            avg_logprob=s.avg_logprob,
            no_speech_prob=s.no_speech_prob,
        )
        for s, d in zip(text.segments, dicts, strict=True)
    )
    return WindowText(
        segments, text.avg_logprob, text.no_speech_prob, text.compression_ratio, text.tokens
    )


def _from_faster_whisper(segment: Any) -> Segment:
    words = tuple(
        Word(float(w.start), float(w.end), str(w.word), float(w.probability))
        for w in (segment.words or [])
    )
    return Segment(
        start=float(segment.start),
        end=float(segment.end),
        text=str(segment.text).strip(),
        words=words,
        avg_logprob=float(segment.avg_logprob),
        no_speech_prob=float(segment.no_speech_prob),
    )
