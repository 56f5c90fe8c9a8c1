"""The non-speech audit's verdict: which decoded faint stretches are speech.

Faint stretches (`segmentation.faint`) are audio that speech detection rejected but that holds
signal: a whisper, a falsetto, a far voice — or a cough, music, a chair, the hum of a projector.
Each is decoded alone (levelled like every window piece), and its text is kept only when the
model is confident it heard speech. Whisper's own long-form rule drops a window only when it is
both likely silent (no-speech probability above 0.6) *and* unlikely (average log-probability
below -1): tiny.en decodes 6 s of pink noise into "I don't know what I'm going to do" with
no-speech 0.91 and log-probability -0.98, which that rule keeps. Real speech decoded alone
scores far from that (whispered and -60 dBFS sentences: no-speech 0.02-0.25, log-probability
-0.21 to -0.51; telephone-band and children's speech down to -0.82), so the audit asks for
each of the three measures on its own.
"""

from __future__ import annotations

from dataclasses import dataclass

from video_transcriber.engine.decoding import WindowText


@dataclass(frozen=True, slots=True)
class AuditOptions:
    """How sure the model must be before a faint stretch's text is kept."""

    max_no_speech_prob: float = 0.5
    """Above this the model thinks the stretch is not speech."""
    min_avg_logprob: float = -0.85
    """Below this the text is a guess. On the robustness bench's faint stretches real speech
    (telephone band, children, disfluent) decoded at -0.31 to -0.82, what was not speech or
    only laughter at -0.87 and below, or with no-speech above 0.7."""
    max_compression_ratio: float = 2.4
    """Above this the text is a loop (a hallucination on noise)."""


def is_confident(text: WindowText, options: AuditOptions) -> bool:
    """Whether a faint stretch's decode is speech the model is sure of."""
    return bool(text.segments) and (
        text.no_speech_prob <= options.max_no_speech_prob
        and text.avg_logprob >= options.min_avg_logprob
        and text.compression_ratio <= options.max_compression_ratio
    )
