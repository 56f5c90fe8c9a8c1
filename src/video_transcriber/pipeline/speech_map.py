"""Decoding and voice activity detection at once: the speech map is ready when decoding ends.

The decoder writes the PCM file block by block; each block also goes, through a small bounded
queue, to a second thread that runs Silero VAD on it. ONNX Runtime releases the GIL while it
scores, so on two cores the two overlap instead of running one after the other (10-minute
lecture MP4: 1.3 s decoding + 1.1 s VAD in sequence). VAD sees exactly the samples it would read
back from the file (the int16 blocks), and its probabilities do not depend on how the audio is
cut into blocks, so the spans are the same as reading the finished file (`detect_speech`).

Detection hears the audio levelled (`engine.levelling`, unless `vad.level` is off), and the same
pass keeps every frame's level, from which the faint stretches of the non-speech audit are found
(`segmentation.faint`, unless `vad.audit` is off): the speech map holds both.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import numpy as np

from video_transcriber.config import Settings
from video_transcriber.domain import SpeechMap
from video_transcriber.engine.levelling import Leveller
from video_transcriber.engine.vad import FRAME_SECONDS, SpeechDetector
from video_transcriber.media.decode import decode_to_pcm
from video_transcriber.media.pcm import PcmAudio
from video_transcriber.segmentation.faint import faint_spans
from video_transcriber.segmentation.speech import speech_spans

VAD_BLOCK_SECONDS = 30.0
"""Audio read per step when detecting speech in a finished file: 1.9 MB of float32."""
QUEUED_BLOCKS = 8
"""Decoded blocks (10 s each, 320 kB of int16) waiting for VAD at most: memory stays flat."""

_END = None


def detect_speech(pcm: PcmAudio, settings: Settings) -> SpeechMap:
    """The speech map of an already decoded file, reading it in blocks (streaming VAD)."""
    return detect_speech_in(pcm.iter_blocks(VAD_BLOCK_SECONDS), settings, duration=pcm.duration)


def detect_speech_in(
    blocks: Iterable[np.ndarray], settings: Settings, *, duration: float
) -> SpeechMap:
    """The speech map of audio given as blocks (int16 as a job's PCM file holds it, or float32),
    `duration` seconds in all."""
    leveller = _leveller(settings)
    probabilities = SpeechDetector().probabilities(blocks, leveller=leveller)
    return speech_map(probabilities, leveller, settings, duration=duration)


def speech_map(
    probabilities: np.ndarray, leveller: Leveller | None, settings: Settings, *, duration: float
) -> SpeechMap:
    """Speech spans from the probabilities; faint spans from the levels the leveller kept."""
    speech = speech_spans(probabilities, settings.vad, duration=duration)
    if leveller is None or not settings.vad.audit:
        return SpeechMap(tuple(speech))
    faint = faint_spans(
        leveller.levels,
        leveller.floor,
        speech,
        frame_seconds=FRAME_SECONDS,
        duration=duration,
    )
    return SpeechMap(tuple(speech), tuple(faint))


def _leveller(settings: Settings) -> Leveller | None:
    return Leveller() if settings.vad.level else None


def decode_with_speech(
    path: Path,
    dest: Path,
    settings: Settings,
    *,
    on_progress: Callable[[float], None] | None = None,
    on_decoded: Callable[[], None] | None = None,
) -> tuple[PcmAudio, SpeechMap]:
    """Decode `path` into `dest` (see `decode_to_pcm`) and find its speech on the way.

    `on_progress(seconds_decoded)` follows decoding; `on_decoded()` is called when the file is
    decoded and VAD is finishing the blocks still queued. Raises what decoding raises (the VAD
    thread is stopped first) or what VAD raised.
    """
    blocks: queue.Queue[np.ndarray | None] = queue.Queue(maxsize=QUEUED_BLOCKS)
    scored: list[np.ndarray] = []
    failure: list[BaseException] = []
    stop = threading.Event()
    leveller = _leveller(settings)

    def fed() -> Iterator[np.ndarray]:
        while (block := blocks.get()) is not _END:
            yield block

    def score() -> None:
        try:
            scored.extend(SpeechDetector().iter_probabilities(fed(), leveller=leveller))
        except BaseException as exc:  # handed to the decoding thread, which raises it
            failure.append(exc)
            stop.set()
            while blocks.get() is not _END:  # let the decoder finish putting
                pass

    def hand_over(block: np.ndarray) -> None:
        if stop.is_set():
            return
        blocks.put(block)

    scorer = threading.Thread(target=score, name="vad", daemon=True)
    scorer.start()
    try:
        pcm = decode_to_pcm(path, dest, on_progress=on_progress, on_block=hand_over)
        if on_decoded is not None:
            on_decoded()
    finally:
        blocks.put(_END)
        scorer.join()
    if failure:
        raise failure[0]
    probabilities = np.concatenate(scored) if scored else np.zeros(0, dtype=np.float32)
    return pcm, speech_map(probabilities, leveller, settings, duration=pcm.duration)
