"""transcribe_media end to end on real speech: with an in-process fake executor for the pipeline's
own logic (progress, checkpoints, resume), and with the real model in the warm pool for the
transcript itself (identical with 1 and 2 workers, timestamps in order, WER)."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import pytest

from testkit.evaluation.corpus import Clip, english_utterances
from testkit.evaluation.lecture import LectureInfo, build_lecture, make_media_fixture
from testkit.evaluation.wer import word_error_rate
from video_transcriber.config import Settings
from video_transcriber.domain import ChunkResult, Progress, Segment, Stage, TranscribeOptions
from video_transcriber.errors import NoAudioStreamError
from video_transcriber.executors.local_pool import WarmPool
from video_transcriber.pipeline.chunk_task import ChunkTask
from video_transcriber.pipeline.stitch import stitch
from video_transcriber.pipeline.transcription import transcribe_media
from video_transcriber.tuning.plan import ExecutionPlan

SHORT_LECTURE_WER = 0.048
"""tiny.en int8 beam 5 measured 0.018 (3 wrong words of 165) on the 75 s lecture below with 20 s
chunks on 2026-12-02, margin 0.03."""
LONG_LECTURE_WER = 0.089
"""tiny.en int8 beam 5 measured 0.059 (47 wrong words of 793) on the 6-minute lecture below with
60 s chunks on 2026-12-02, margin 0.03 for engine and VAD changes."""


def _plan(workers: int, chunk_seconds: float = 20.0) -> ExecutionPlan:
    return ExecutionPlan(workers, 1, chunk_seconds, 1, ["test plan"])


class SpanEcho:
    """A fake executor that 'transcribes' each speech span as its start time, in reverse order."""

    def __init__(self) -> None:
        self.tasks: list[ChunkTask] = []

    def run(
        self,
        job_id: str,
        tasks: Sequence[ChunkTask],
        *,
        on_start: Callable[[ChunkTask], None] | None = None,
    ) -> Iterator[ChunkResult]:
        self.tasks += tasks
        for task in reversed(tasks):  # completion order is not time order
            if on_start is not None:
                on_start(task)
            speech = task.chunk.speech
            segments = tuple(Segment(s.start, s.end, f"span {s.start:.2f}") for s in speech)
            yield ChunkResult(task.chunk.index, segments, "en", 0.01)

    def cancel(self, job_id: str) -> None: ...

    def close(self) -> None: ...


@pytest.fixture(scope="module")
def clips() -> list[Clip]:
    by_name = {c.name: c for c in english_utterances()}
    names = [
        "jfk_inaugural_excerpt.flac",
        "librispeech_1089-134686-0000.flac",
        "librispeech_1089-134691-0001.flac",
        "ljspeech_LJ001-0001.wav",
        "librivox_sense_and_sensibility_01_austen_64kb-0870.wav",
        "ljspeech_LJ001-0005.wav",
        "ljspeech_LJ001-0003.wav",
    ]
    return [by_name[name] for name in names]


@pytest.fixture(scope="module")
def lecture(clips: list[Clip], tmp_path_factory: pytest.TempPathFactory) -> LectureInfo:
    out = tmp_path_factory.mktemp("lecture") / "lecture.mp4"
    return build_lecture(clips, target_seconds=75.0, out=out, seed=3)


def test_stitch_orders_dedupes_edges_and_clamps() -> None:
    first = ChunkResult(
        0, (Segment(-0.5, 4.0, "Hello there."), Segment(4.0, 9.0, "Same.")), "en", 0
    )
    second = ChunkResult(1, (Segment(8.9, 9.5, "same. "), Segment(9.5, 12.0, "Bye.")), "en", 0)
    segments = stitch([second, first], duration=11.0)
    assert [s.text for s in segments] == ["Hello there.", "Same.", "Bye."]
    assert segments[0].start == 0.0 and segments[-1].end == 11.0
    assert segments[1].end == 9.5
    assert all(a.end <= b.start for a, b in itertools.pairwise(segments))
    inside = ChunkResult(0, (Segment(0, 1, "Thanks."), Segment(1, 2, "Thanks.")), "en", 0)
    assert len(stitch([inside], duration=5.0)) == 2  # repeats inside a chunk are real speech


def test_pipeline_progress_checkpoints_and_resume(lecture: LectureInfo, tmp_path: Path) -> None:
    executor = SpanEcho()
    progress: list[Progress] = []
    checkpoints: list[ChunkResult] = []
    starts: list[int] = []
    transcript = transcribe_media(
        lecture.path,
        settings=Settings(),
        options=TranscribeOptions(),
        executor=executor,
        work_dir=tmp_path / "first",
        on_progress=progress.append,
        on_chunk=checkpoints.append,
        on_chunk_start=starts.append,
        plan=_plan(2),
    )
    chunks = transcript.plan["chunks"]
    assert isinstance(chunks, int) and chunks >= 3
    assert sorted(r.chunk_index for r in checkpoints) == list(range(chunks))
    assert sorted(starts) == sorted(task.chunk.index for task in executor.tasks)
    assert all(isinstance(task.audio_path, Path) for task in executor.tasks)
    stages = [p.stage for p in progress]
    assert stages[0] == Stage.DECODING and stages[-1] == Stage.DONE
    assert stages.index(Stage.DETECTING_SPEECH) < stages.index(Stage.TRANSCRIBING)
    percents = [p.percent for p in progress if p.stage == Stage.TRANSCRIBING]
    assert percents == sorted(percents) and percents[-1] == 100.0
    assert progress[-2].chunks_done == progress[-2].chunks_total == chunks
    segment_starts = [s.start for s in transcript.segments]
    assert segment_starts == sorted(segment_starts)
    assert all(0 <= s.start <= s.end <= transcript.duration for s in transcript.segments)
    assert abs(transcript.duration - lecture.duration) < 0.1
    # every clip is covered by some speech span
    for placement in lecture.placements:
        assert any(s.start < placement.end and s.end > placement.start for s in transcript.segments)

    resumed = SpanEcho()
    done = {r.chunk_index: r for r in checkpoints[:2]}
    again = transcribe_media(
        lecture.path,
        settings=Settings(),
        options=TranscribeOptions(),
        executor=resumed,
        work_dir=tmp_path / "second",
        done=done,
        plan=_plan(2),
    )
    assert {t.chunk.index for t in resumed.tasks}.isdisjoint(done)
    assert len(resumed.tasks) == chunks - 2
    assert again.segments == transcript.segments


def test_pipeline_raises_media_errors(tmp_path: Path) -> None:
    silent_video = make_media_fixture(tmp_path / "v.mp4", "mp4", seconds=1.0, with_audio=False)
    with pytest.raises(NoAudioStreamError):
        transcribe_media(
            silent_video,
            settings=Settings(),
            options=TranscribeOptions(),
            executor=SpanEcho(),
            work_dir=tmp_path / "w",
        )


def test_real_transcript_is_identical_with_one_and_two_workers(
    lecture: LectureInfo, tmp_path: Path
) -> None:
    settings = Settings()
    texts = []
    for workers in (1, 2):
        plan = _plan(workers)
        with WarmPool(settings, plan) as pool:
            transcript = transcribe_media(
                lecture.path,
                settings=settings,
                options=TranscribeOptions(),
                executor=pool,
                work_dir=tmp_path / str(workers),
                plan=plan,
            )
        starts = [s.start for s in transcript.segments]
        assert starts == sorted(starts)
        assert all(0 <= s.start <= s.end <= lecture.duration for s in transcript.segments)
        texts.append([(s.start, s.end, s.text) for s in transcript.segments])
    assert texts[0] == texts[1]
    hypothesis = " ".join(text for _, _, text in texts[0])
    assert word_error_rate(lecture.reference, hypothesis) < SHORT_LECTURE_WER


@pytest.mark.slow
def test_multi_minute_lecture_wer(tmp_path: Path) -> None:
    lecture = build_lecture(
        english_utterances(), target_seconds=360.0, out=tmp_path / "long.mp4", seed=11
    )
    settings = Settings()
    plan = ExecutionPlan(2, 1, 60.0, 1, ["test plan"])
    with WarmPool(settings, plan) as pool:
        transcript = transcribe_media(
            lecture.path,
            settings=settings,
            options=TranscribeOptions(),
            executor=pool,
            work_dir=tmp_path / "work",
            plan=plan,
        )
    assert word_error_rate(lecture.reference, transcript.text) < LONG_LECTURE_WER
