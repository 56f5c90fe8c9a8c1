"""One live stream: audio in, partial and final captions out (single-threaded, no I/O).

`feed` appends PCM to the rolling buffer and runs voice activity endpointing over it (cheap);
`step` does at most one decode, the most useful one:

- an utterance closed by `end_silence` of silence (or by `finish`) is decoded once more with the
  final beam and everything in it is committed: a `Final`, and the buffer is cut after it;
- otherwise, during speech, once `step_seconds` of new audio arrived, the whole uncommitted
  buffer is re-decoded; local agreement (`agreement`) commits what this hypothesis and the last
  agree on (a `Final`) and the rest is the `Partial`;
- committed text never lags the received audio by more than `max_lag_seconds`: past that, the
  newest hypothesis's words ending over a second before its end are committed as they are;
- the buffer is cut at the end of the last committed sentence past `trim_seconds`, at the last
  committed word past `max_buffer_seconds`; in silence only a short pre-roll is kept, so
  silence is never decoded (Whisper invents text in it).

Times are seconds from the stream's first sample. How often `step` runs — the back-pressure —
is the scheduler's business (`scheduler`).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from dataclasses import replace
from typing import Literal, Protocol

import numpy as np

from video_transcriber.config import LiveSettings
from video_transcriber.domain import Word
from video_transcriber.engine.vad_stream import StreamingVad
from video_transcriber.live.agreement import LocalAgreement
from video_transcriber.live.buffer import PcmBuffer
from video_transcriber.live.decoder import Hypothesis
from video_transcriber.live.endpoint import Endpointer
from video_transcriber.live.events import Caption, Final, Partial

END_PAD = 0.2
"""Audio decoded after an utterance's last speech frame, so its last word is whole."""
CONTEXT_PAUSE = 1.5
"""A pause longer than this drops the context kept before the next utterance."""
RESUME_GAP = 1.0
"""Speech left after a closing decode's last word beyond which that rest is decoded again."""
STABLE_MARGIN = 1.0
"""Words ending this close to a hypothesis's end may still change: never force-committed."""
Work = Literal["final", "partial"]


class Decoder(Protocol):
    """What a stream needs of `decoder.LiveDecoder`."""

    def language(self, samples: np.ndarray, requested: str | None) -> str: ...

    def decode(
        self, samples: np.ndarray, *, language: str, prompt: str, final: bool
    ) -> Hypothesis: ...


class LiveStream:
    """The captioning state of one stream."""

    def __init__(
        self,
        settings: LiveSettings,
        vad: StreamingVad,
        *,
        language: str | None = None,
    ) -> None:
        self.settings = settings
        self.buffer = PcmBuffer()
        self.agreement = LocalAgreement()
        self.step_seconds = settings.min_step_seconds
        """Least new audio between two partial decodes; the scheduler raises it when behind."""
        self._vad = vad
        self._endpoint = Endpointer(
            settings.vad_threshold, settings.end_silence_ms / 1000, settings.min_speech_ms / 1000
        )
        self._closed: deque[tuple[float, float]] = deque()
        self._requested = language
        self.language: str | None = None
        self._decoded_until = 0.0
        self._partial = ""

    # -- input ---------------------------------------------------------------------------------

    def feed(self, data: bytes) -> None:
        """Add PCM bytes (int16 LE, any length) and judge the frames they complete."""
        samples = self.buffer.append(data)
        self._closed.extend(self._endpoint.push(self._vad.feed(samples)))
        if not self._endpoint.in_speech and not self._closed:
            pause = self._endpoint.time - self._endpoint.last_speech_end
            if self.settings.context_seconds <= 0 or pause > CONTEXT_PAUSE:
                keep_from = self._endpoint.time - self.settings.pre_roll_seconds
                self.buffer.trim(max(keep_from, self.agreement.committed_end))

    def finish(self) -> None:
        """The stream ended: whatever speech is open becomes an utterance to finalise."""
        self._closed.extend(self._endpoint.push(self._vad.feed(np.zeros(0, np.float32))))
        span = self._endpoint.flush()
        if span is None and self.buffer.end - self.agreement.committed_end > 0.3:
            span = self._open_pending()
        if span is not None:
            self._closed.append(span)

    def _open_pending(self) -> tuple[float, float] | None:
        """Pending hypothesis words at the stop, when detection has no open speech left."""
        if not self.agreement.pending:
            return None
        return self.agreement.pending[0].start, self.agreement.pending[-1].end

    # -- work ----------------------------------------------------------------------------------

    def wants(self) -> Work | None:
        """The decode `step` would do now, if any."""
        if self._closed:
            return "final"
        if self._endpoint.in_speech and self.buffer.end - self._decoded_until >= self.step_seconds:
            return "partial"
        return None

    @property
    def lag(self) -> float:
        """Seconds of received audio after the last committed word (0 in silence)."""
        if not self._endpoint.in_speech and not self._closed:
            return 0.0
        return self._behind(self.buffer.end)

    def step(self, decoder: Decoder) -> list[Caption]:
        """At most one decode; the captions it produced."""
        work = self.wants()
        if work == "final":
            return self._final(decoder, self._closed.popleft())
        if work == "partial":
            return self._partial_step(decoder)
        return []

    def _final(self, decoder: Decoder, span: tuple[float, float]) -> list[Caption]:
        start, end = span
        # Silence before the speech would push Whisper's first timestamp past its first second
        # (it then loops or skips): start the decode a pre-roll before the utterance.
        if self.agreement.committed_end <= self.buffer.offset:  # no context before it
            self.buffer.trim(
                min(start - self.settings.pre_roll_seconds, self._first_pending(start))
            )
        until = min(self.buffer.end, end + END_PAD)
        words = self._decode(decoder, until, final=True)
        committed = self.agreement.commit_all([w for w in words if w.start < until])
        if committed and end - committed[-1].end > RESUME_GAP and committed[-1].end > start:
            # the decode stopped early (tiny.en does, on long audio): the rest goes again
            self._closed.appendleft((committed[-1].end, end))
            self.buffer.trim(committed[-1].end)
        else:
            self.buffer.trim(self._context_start(until))
        self.agreement.forget_old()
        self._decoded_until = max(self._decoded_until, until)
        out: list[Caption] = []
        if committed:
            out.append(_final_of(committed))
        if self._partial and not self._closed:
            out.append(Partial("", until))  # nothing is pending: clear the shown partial
            self._partial = ""
        return out

    def _context_start(self, until: float) -> float:
        """Where the buffer may start after an utterance closed at `until`: at a committed
        word up to `context_seconds` before it (Whisper decodes the next one better with the
        speech before it; the words there are already committed and dropped by time)."""
        horizon = until - self.settings.context_seconds
        for word in self.agreement.committed:
            if word.start >= max(horizon, self.buffer.offset):
                return min(word.start, until)
        return until

    def _first_pending(self, start: float) -> float:
        pending = self.agreement.pending
        return min(start, pending[0].start) if pending else start

    def _partial_step(self, decoder: Decoder) -> list[Caption]:
        end = self.buffer.end
        self._decoded_until = end
        words = self._decode(decoder, end, final=False)
        committed = self.agreement.insert(words, until=end - self.settings.commit_margin_seconds)
        if self._behind(end) > self.settings.max_lag_seconds:
            committed += self.agreement.commit_until(end - STABLE_MARGIN)
        committed += self._trim(end)
        out: list[Caption] = []
        if committed:
            out.append(_final_of(committed))
        pending = _text(self.agreement.pending)
        if pending != self._partial or committed:
            start = self.agreement.pending[0].start if self.agreement.pending else end
            out.append(Partial(pending, start))
            self._partial = pending
        return out

    def _decode(self, decoder: Decoder, until: float, *, final: bool) -> list[Word]:
        samples = self.buffer.samples(until)
        if samples.size == 0:
            return []
        if self.language is None:
            self.language = decoder.language(samples, self._requested)
        offset = self.buffer.offset
        prompt = self.agreement.text_before(offset, self.settings.prompt_chars)
        hypothesis = decoder.decode(samples, language=self.language, prompt=prompt, final=final)
        return [
            replace(w, start=offset + w.start, end=min(offset + w.end, until))
            for w in hypothesis.words
        ]

    def _behind(self, end: float) -> float:
        return end - max(self.agreement.committed_end, self.buffer.offset)

    def _trim(self, end: float) -> list[Word]:
        """Keep the buffer short enough for one decode window and cheap re-decodes; the words
        committed to make room (when no agreement came in `max_buffer_seconds`)."""
        settings = self.settings
        forced: list[Word] = []
        if end - self.buffer.offset > settings.trim_seconds:
            sentence = self.agreement.sentence_end_before(end)
            if sentence is not None and sentence > self.buffer.offset:
                self.buffer.trim(sentence)
        if end - self.buffer.offset > settings.max_buffer_seconds:
            if self.agreement.committed_end <= self.buffer.offset:
                forced = self.agreement.commit_until(end - STABLE_MARGIN)
            cut = self.agreement.committed_end
            if cut <= self.buffer.offset:
                cut = end - settings.trim_seconds  # no words at all: drop the oldest audio
            self.buffer.trim(cut)
        self.agreement.forget_old()
        return forced


def _text(words: Sequence[Word]) -> str:
    return "".join(w.text for w in words).strip()


def _final_of(words: Sequence[Word]) -> Final:
    return Final(_text(words), words[0].start, words[-1].end)
