"""A quiet speaker beside a loud one in the same decode window is still transcribed (real model)."""

from __future__ import annotations

from testkit.evaluation.corpus import Clip
from testkit.evaluation.wer import word_error_rate
from video_transcriber.domain import TranscribeOptions
from video_transcriber.engine.transcriber import ChunkTranscriber

from .helpers import place, whole_chunk


def test_quiet_clip_after_a_loud_one_is_not_lost(
    transcriber: ChunkTranscriber, clips_by_name: dict[str, Clip]
) -> None:
    loud = clips_by_name["jfk_inaugural_excerpt.flac"]  # about -17 dBFS
    quiet = clips_by_name["fleurs_en_002.ogg"]  # about -63 dBFS
    placed = place([loud, quiet], [0.6, 0.6])
    result = transcriber.transcribe(whole_chunk(placed.audio), placed.audio, TranscribeOptions())
    # Found by the first pass, not rescued by the coverage check's (slower) second decode.
    assert result.redecoded_spans == 0
    quiet_start, quiet_end = placed.placements[1]
    quiet_text = " ".join(
        s.text for s in result.segments if s.end > quiet_start + 0.5 and s.start < quiet_end
    )
    assert word_error_rate(quiet.reference, quiet_text) < 0.35, quiet_text
    assert (
        word_error_rate(" ".join(placed.references), " ".join(s.text for s in result.segments))
        < 0.2
    )
