"""Shared fixtures: the real-speech corpus and scratch directories."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from testkit.evaluation.calibration_sample import write_calibration_sample
from testkit.evaluation.corpus import Clip, load_manifest, speech_dir
from tests.fakes import FakeClock
from tests.scaleout import (
    WorkerFleet,
    celery_env,
    create_database,
    drop_database,
    empty_tables,
    require_env,
)
from video_transcriber.config import Settings
from video_transcriber.executors.celery_executor import CeleryExecutor

os.environ.setdefault("HF_HUB_OFFLINE", "1")

ON_CI = os.environ.get("CI", "").lower() in ("true", "1")
"""`.ci/run` sets `CI=true`. CI installs everything the suite drives (Chromium, Node, the npm
libraries, Redis, PostgreSQL), so there a test that skips for a missing dependency is a failure:
a skip on a developer's machine says what to install, a skip on CI means something is broken."""


def _fail_skips_on_ci(report: pytest.TestReport | pytest.CollectReport) -> None:
    if ON_CI and report.skipped and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
        report.outcome = "failed"
        report.longrepr = f"skipped on CI, where everything a test needs is installed: {reason}"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):  # type: ignore[no-untyped-def]
    outcome = yield
    _fail_skips_on_ci(outcome.get_result())


@pytest.hookimpl(hookwrapper=True)
def pytest_make_collect_report(collector: pytest.Collector):  # type: ignore[no-untyped-def]
    """A whole module skipped at import (`pytest.skip(allow_module_level=True)`) counts too."""
    outcome = yield
    _fail_skips_on_ci(outcome.get_result())


@pytest.fixture
def upload_clock(monkeypatch: pytest.MonkeyPatch) -> FakeClock:
    """The clock tus uploads expire by (`uploads.tus` reads only `time.time()`), moved by hand."""
    clock = FakeClock()
    monkeypatch.setattr("video_transcriber.uploads.tus.time", clock)
    return clock


@pytest.fixture(scope="session", autouse=True)
def calibration_sample(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The recording calibration measures on (the package ships none), generated from the
    corpus once per run; every `Settings()` of the run, and every service or CLI process a
    test starts, finds it through `VT_CALIBRATION__SAMPLE`."""
    path = write_calibration_sample(tmp_path_factory.mktemp("calibration") / "sample.flac")
    before = os.environ.get("VT_CALIBRATION__SAMPLE")
    os.environ["VT_CALIBRATION__SAMPLE"] = str(path)
    yield path
    if before is None:
        os.environ.pop("VT_CALIBRATION__SAMPLE", None)
    else:
        os.environ["VT_CALIBRATION__SAMPLE"] = before


@pytest.fixture(scope="session")
def speech_corpus_dir() -> Path:
    directory = speech_dir()
    if not (directory / "manifest.tsv").exists():
        pytest.fail(f"real-speech corpus not found at {directory}; it must sit beside the repo")
    return directory


@pytest.fixture(scope="session")
def corpus(speech_corpus_dir: Path) -> list[Clip]:
    return load_manifest(speech_corpus_dir)


@pytest.fixture(scope="session")
def jfk_clip(corpus: list[Clip]) -> Clip:
    return next(c for c in corpus if c.name == "jfk_inaugural_excerpt.flac")


# -- scale-out: real Redis, PostgreSQL and Celery workers (see tests/scaleout.py) --------------


@pytest.fixture(scope="session")
def redis_url() -> str:
    return require_env("VT_TEST_REDIS_URL")


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A fresh PostgreSQL database for this test session, dropped at its end."""
    admin = require_env("VT_TEST_POSTGRES_URL")
    url = create_database(admin)
    yield url
    drop_database(admin, url)


@pytest.fixture(scope="session")
def celery_test_env(redis_url: str) -> dict[str, str]:
    """`VT_*` variables for an API and workers on a queue of this session's own."""
    return celery_env(redis_url, queue=f"vt-test-{uuid.uuid4().hex[:8]}")


@pytest.fixture(scope="session")
def celery_fleet(
    celery_test_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[WorkerFleet]:
    """`video-transcriber worker` subprocesses; call `.ensure(n)` for n live workers."""
    fleet = WorkerFleet(celery_test_env, tmp_path_factory.mktemp("celery-workers"))
    yield fleet
    fleet.stop()


@pytest.fixture
def celery_settings(celery_test_env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> Settings:
    """Settings of an API process on this session's queue (the `VT_*` variables set too)."""
    for name, value in celery_test_env.items():
        monkeypatch.setenv(name, value)
    return Settings()


@pytest.fixture
def celery_executor(
    celery_settings: Settings, celery_fleet: WorkerFleet
) -> Iterator[CeleryExecutor]:
    """A `CeleryExecutor` with two live workers behind it."""
    celery_fleet.ensure(2)
    with CeleryExecutor(celery_settings) as executor:
        yield executor


def _database_params() -> list[object]:
    params: list[object] = [pytest.param("sqlite", id="sqlite")]
    if os.environ.get("VT_TEST_POSTGRES_URL") or ON_CI:
        params.append(pytest.param("postgres", id="postgres", marks=pytest.mark.scaleout))
    return params


@pytest.fixture(params=_database_params())
def database_url(request: pytest.FixtureRequest) -> str | None:
    """None: the default SQLite file; else this session's PostgreSQL database, emptied."""
    if request.param == "sqlite":
        return None
    url: str = request.getfixturevalue("postgres_url")
    empty_tables(url)
    return url
