"""Chunk tasks as JSON (no servers needed): lossless audio, results and errors both ways, and
the Celery settings the delivery guarantees rest on."""

from __future__ import annotations

import json
import sys

import numpy as np
import pytest

from video_transcriber.config import Settings
from video_transcriber.domain import (
    Chunk,
    ChunkResult,
    Segment,
    SpeechSpan,
    TranscribeOptions,
    Word,
)
from video_transcriber.errors import ConfigurationError, ModelError
from video_transcriber.executors.celery_app import celery_config, require_celery
from video_transcriber.executors.choice import make_executor
from video_transcriber.executors.chunk_payload import (
    error_reply,
    read_task,
    result_from_reply,
    result_reply,
    task_payload,
)
from video_transcriber.media.pcm import to_float32, to_int16
from video_transcriber.tuning.plan import ExecutionPlan


def _wire(payload: object) -> object:
    """What the broker does to a message: JSON out, JSON in."""
    return json.loads(json.dumps(payload))


def test_task_carries_chunk_options_and_exact_samples() -> None:
    t = np.arange(16_000 * 3) / 16_000
    tone = 0.3 * np.sin(2 * np.pi * 220 * t) + 0.01 * np.random.default_rng(1).normal(size=t.size)
    samples = to_float32(to_int16(tone.astype(np.float32)))
    chunk = Chunk(
        7, 60.0, 63.0, (SpeechSpan(60.2, 61.0), SpeechSpan(61.5, 62.9)), (SpeechSpan(61.0, 61.4),)
    )
    options = TranscribeOptions(language="en", beam_size=2, initial_prompt="entropy")
    payload = _wire(task_payload("job", chunk, options, samples))
    job_id, chunk_back, options_back, samples_back = read_task(payload)  # type: ignore[arg-type]
    assert (job_id, chunk_back, options_back) == ("job", chunk, options)
    assert np.array_equal(samples_back, samples)
    base64_of_raw_pcm = samples.size * 2 * 4 / 3
    assert len(payload["audio_flac_b64"]) < base64_of_raw_pcm  # type: ignore[index]


def test_results_and_errors_come_back_as_themselves() -> None:
    words = (Word(1.0, 1.5, " hi", 0.9),)
    result = ChunkResult(3, (Segment(1.0, 2.0, " hi there", words, -0.2, 0.01),), "en", 1.5, 2)
    assert result_from_reply(_wire(result_reply(result))) == result  # type: ignore[arg-type]
    with pytest.raises(ModelError, match="no model"):
        result_from_reply(_wire(error_reply(ModelError("no model"))))  # type: ignore[arg-type]
    with pytest.raises(RuntimeError, match="KeyError"):
        result_from_reply(_wire(error_reply(KeyError("x"))))  # type: ignore[arg-type]


def test_celery_is_configured_for_redelivery() -> None:
    config = celery_config(Settings(broker_url="redis://example:6379/3"))
    assert config["task_acks_late"] and config["task_reject_on_worker_lost"]
    assert config["worker_prefetch_multiplier"] == 1
    assert config["result_backend"] == "redis://example:6379/3"
    assert config["accept_content"] == ["json"]
    assert config["broker_transport_options"]["visibility_timeout"] == 3600.0


def test_missing_celery_extra_is_one_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "celery", None)
    with pytest.raises(ConfigurationError, match=r"video-transcriber\[celery\]"):
        require_celery()


def test_executor_setting_chooses_celery() -> None:
    from video_transcriber.executors.celery_executor import CeleryExecutor

    plan = ExecutionPlan(1, 1, 30.0, 1)
    executor = make_executor(Settings(executor="celery"), plan)  # connects lazily
    try:
        assert isinstance(executor, CeleryExecutor)
    finally:
        executor.close()
