"""The OpenAI-compatible endpoint, driven by the official `openai` client against a real server
(real model, real JFK clip): every response format, word timestamps, errors in OpenAI's shape,
and the job it leaves in the caller's history."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import openai
import pytest
from openai import OpenAI

from testkit.evaluation.corpus import Clip, english_utterances
from testkit.evaluation.lecture import build_lecture
from testkit.evaluation.wer import normalize, word_errors
from tests.api.conftest import LiveServer
from tests.model_cache import cache_model

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(600)]

KEY = "sk-test-openai"
PHRASE = "ask not what your country can do for you"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    data_dir = tmp_path_factory.mktemp("openai") / "data"
    data_dir.mkdir()
    cache = tmp_path_factory.mktemp("openai-hf")
    cache_model(cache, "small.en")
    env = {"VT_SERVICE__API_KEYS": f'["{KEY}"]', "VT_MODEL__DOWNLOAD_ROOT": str(cache)}
    live = LiveServer(data_dir, env)
    live.start()
    yield live
    live.stop()
    live.kill()


@pytest.fixture(scope="module")
def oai(server: LiveServer) -> OpenAI:
    return OpenAI(base_url=f"{server.url}/v1", api_key=KEY, timeout=300, max_retries=0)


@pytest.fixture(scope="module")
def jfk(jfk_clip: Clip) -> Path:
    return jfk_clip.path


def transcribe(oai: OpenAI, path: Path, **kwargs: object) -> object:
    with path.open("rb") as audio:
        return oai.audio.transcriptions.create(file=audio, **kwargs)  # type: ignore[call-overload]


def assert_jfk(text: str, clip: Clip) -> None:
    assert PHRASE in normalize(text)
    assert word_errors(clip.reference, text) <= 1, text  # measured 0 of 22 on 2026-12-02


def test_json(oai: OpenAI, jfk: Path, jfk_clip: Clip) -> None:
    result = transcribe(oai, jfk, model="whisper-1", response_format="json")
    assert isinstance(result, openai.types.audio.Transcription)
    assert_jfk(result.text, jfk_clip)


def test_text_srt_vtt(oai: OpenAI, jfk: Path, jfk_clip: Clip) -> None:
    text = transcribe(oai, jfk, model="whisper-1", response_format="text")
    assert isinstance(text, str)
    assert_jfk(text, jfk_clip)
    srt = transcribe(oai, jfk, model="tiny.en", response_format="srt")
    assert isinstance(srt, str)
    assert srt.startswith("1\n00:00:") and " --> " in srt
    assert PHRASE in normalize(srt)
    vtt = transcribe(oai, jfk, model="whisper-1", response_format="vtt", language="en")
    assert isinstance(vtt, str)
    assert vtt.startswith("WEBVTT") and " --> " in vtt


def test_verbose_json_with_word_timestamps(oai: OpenAI, jfk: Path, jfk_clip: Clip) -> None:
    result = transcribe(
        oai,
        jfk,
        model="whisper-1",
        response_format="verbose_json",
        timestamp_granularities=["word", "segment"],
        temperature=0.0,
        prompt="President Kennedy's inaugural address.",
    )
    assert isinstance(result, openai.types.audio.TranscriptionVerbose)
    assert result.language == "english"
    assert result.duration == pytest.approx(jfk_clip.duration, abs=0.5)
    assert_jfk(result.text, jfk_clip)
    assert result.segments
    for index, segment in enumerate(result.segments):
        assert segment.id == index
        assert 0 <= segment.start < segment.end <= result.duration + 0.5
        assert segment.temperature == 0.0
        assert segment.compression_ratio > 0
        assert 0.0 <= segment.no_speech_prob <= 1.0
        assert segment.avg_logprob <= 0.0
        assert isinstance(segment.tokens, list)
    assert result.words and len(result.words) >= 15
    starts = [word.start for word in result.words]
    assert starts == sorted(starts)
    assert all(word.end >= word.start for word in result.words)
    assert any(word.word.strip(",.").lower() == "country" for word in result.words)


def test_verbose_json_words_only_omits_segments(oai: OpenAI, jfk: Path) -> None:
    result = transcribe(
        oai,
        jfk,
        model="whisper-1",
        response_format="verbose_json",
        timestamp_granularities=["word"],
    )
    assert result.words  # type: ignore[attr-defined]
    assert result.segments is None  # type: ignore[attr-defined]


def test_verbose_json_without_granularities_has_segments_only(oai: OpenAI, jfk: Path) -> None:
    result = transcribe(oai, jfk, model="whisper-1", response_format="verbose_json")
    assert result.segments  # type: ignore[attr-defined]
    assert result.words is None  # type: ignore[attr-defined]


def test_models_list(oai: OpenAI) -> None:
    ids = {model.id for model in oai.models.list()}
    assert {"whisper-1", "tiny.en", "base"} <= ids


def test_translation_of_german_speech_is_english(oai: OpenAI, corpus: list[Clip]) -> None:
    """`POST /v1/audio/translations` with base: English words, the spoken language named."""
    german = next(c for c in corpus if c.name == "fleurs_de_001.ogg")  # ... Dinosaurier ...
    with german.path.open("rb") as audio:
        result = oai.audio.translations.create(
            file=audio, model="base", response_format="verbose_json"
        )
    words = set(normalize(result.text).split())
    assert {"dinosaur", "water"} <= words, result.text
    assert result.language == "german"
    segments = result.segments or []
    assert segments and 0 <= segments[0].start < segments[-1].end <= german.duration + 0.5


def test_translation_needs_a_multilingual_model(oai: OpenAI, jfk: Path) -> None:
    with jfk.open("rb") as audio, pytest.raises(openai.BadRequestError) as caught:
        oai.audio.translations.create(file=audio, model="tiny.en")
    assert "--model base" in caught.value.message or "base" in caught.value.message


def test_unknown_model_is_400_in_openai_shape(oai: OpenAI, jfk: Path) -> None:
    with pytest.raises(openai.BadRequestError) as caught:
        transcribe(oai, jfk, model="no-such-model")
    assert caught.value.code == "model_not_found"
    assert caught.value.param == "model"


def test_a_model_not_on_this_machine_is_400_before_any_job(oai: OpenAI, jfk: Path) -> None:
    # medium.en is a real Whisper name, but neither packaged nor cached here.
    with pytest.raises(openai.BadRequestError) as caught:
        transcribe(oai, jfk, model="medium.en")
    assert caught.value.code == "model_not_found"
    assert "medium.en" in caught.value.message and "not on this server" in caught.value.message


def test_a_listed_model_that_fails_to_load_is_400(oai: OpenAI, jfk: Path) -> None:
    # small.en is in the server's model cache (tests.model_cache), with broken weights: it is
    # listed and accepted, and the worker's load failure comes back as OpenAI's model_not_found.
    assert "small.en" in {model.id for model in oai.models.list()}
    with pytest.raises(openai.BadRequestError) as caught:
        transcribe(oai, jfk, model="small.en")
    assert caught.value.code == "model_not_found"
    assert "small.en" in caught.value.message


def test_bad_key_and_bad_input(server: LiveServer, jfk: Path, tmp_path: Path) -> None:
    wrong = OpenAI(base_url=f"{server.url}/v1", api_key="sk-wrong", max_retries=0)
    with pytest.raises(openai.AuthenticationError) as caught:
        transcribe(wrong, jfk, model="whisper-1")
    assert caught.value.code == "invalid_api_key"
    oai = OpenAI(base_url=f"{server.url}/v1", api_key=KEY, max_retries=0)
    not_media = tmp_path / "notes.mp3"
    not_media.write_text("these are lecture notes, not audio\n" * 50)
    with pytest.raises(openai.BadRequestError) as bad_file:
        transcribe(oai, not_media, model="whisper-1")
    assert bad_file.value.param == "file"
    with pytest.raises(openai.BadRequestError) as bad_format:
        transcribe(oai, jfk, model="whisper-1", response_format="docx")
    assert bad_format.value.param == "response_format"
    raw = httpx.post(
        f"{server.url}/v1/audio/transcriptions",
        headers={"Authorization": f"Bearer {KEY}"},
        files={"file": ("a.flac", jfk.read_bytes())},
        data={"model": "whisper-1", "temperature": "7"},
    )
    assert raw.status_code == 400
    assert set(raw.json()["error"]) == {"message", "type", "param", "code"}


def test_transcriptions_are_jobs_in_the_callers_history(
    oai: OpenAI, server: LiveServer, jfk: Path
) -> None:
    transcribe(oai, jfk, model="whisper-1", response_format="text")
    with server.client(headers={"Authorization": f"Bearer {KEY}"}) as http:
        jobs = http.get("/api/jobs", params={"status": "completed"}).json()
        assert jobs["total"] >= 1
        assert jobs["items"][0]["filename"] == jfk.name
        history = http.get("/api/performance/history").json()
        finished = [i for i in history["items"] if i["status"] == "completed"]
        assert finished and finished[0]["metrics"]["rtf"] > 0
        metrics = http.get("/metrics").text
    assert 'video_transcriber_jobs{status="completed"}' in metrics
    assert 'video_transcriber_upload_bytes_total{kind="openai"}' in metrics


def test_a_client_that_hangs_up_cancels_its_transcription(
    server: LiveServer, tmp_path: Path
) -> None:
    """The request is the job's only consumer: when it goes away the work stops."""
    lecture = build_lecture(
        english_utterances(),
        target_seconds=240,
        out=tmp_path / "long talk.wav",
        video=False,
        container="wav",
    )
    auth = {"Authorization": f"Bearer {KEY}"}
    impatient = httpx.Client(base_url=server.url, headers=auth, timeout=3.0)
    with impatient as http, pytest.raises(httpx.ReadTimeout):
        http.post(  # gives up after 3 s, long before 4 minutes of speech are transcribed
            "/v1/audio/transcriptions",
            files={"file": (lecture.path.name, lecture.path.read_bytes())},
            data={"model": "whisper-1"},
        )
    deadline = time.monotonic() + 30
    with server.client(headers=auth) as http:
        while True:
            jobs = http.get("/api/jobs", params={"q": "long talk"}).json()["items"]
            if jobs and jobs[0]["status"] == "cancelled":
                break
            assert time.monotonic() < deadline, jobs
            time.sleep(0.2)
        assert http.get("/healthz").status_code == 200
