"""The OpenAPI document at `/openapi.json`: what FastAPI derives from the routes, plus what it
cannot see, so that the document and the service agree (a schemathesis run in the tests, over
every check, holds them to it).

FastAPI cannot see: the body `POST /api/jobs` reads itself (its schemas are added), that
validation errors answer in our one error shape (`api.errors`), that a JSON body which is not
UTF-8 is refused with 400 before validation, the limits that depend on this service's settings
(the models a job may ask for, the optimize ranges, the upload size cap), and what the tus
protocol requires of its headers. The tus routes read their headers as optional strings and
answer protocol errors themselves (412 for a missing or other `Tus-Resumable`, as tus asks), so
the document states the protocol here rather than through FastAPI's validation. Each of these is
one small step below; `install_openapi` runs them once, on the first request for the document.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from typing import Any

from fastapi import FastAPI
from pydantic.json_schema import models_json_schema

from video_transcriber.api.routes.openai_compat import ALIASES
from video_transcriber.api.schemas import JobCreate
from video_transcriber.config import Settings
from video_transcriber.jobs.tuning_service import TuningLimits
from video_transcriber.languages.options import is_english_only_name
from video_transcriber.uploads.checksum import ALGORITHMS
from video_transcriber.uploads.layout import TOKEN_PATTERN
from video_transcriber.uploads.metadata import KEY_PATTERN, MAX_METADATA_CHARS
from video_transcriber.uploads.records import ID_PATTERN
from video_transcriber.uploads.tus import TUS_VERSION

Document = dict[str, Any]
_ERROR_REF = {"$ref": "#/components/schemas/ErrorBody"}
_FASTAPI_VALIDATION = ("HTTPValidationError", "ValidationError")
"""FastAPI's own validation-error schemas, which our error handler does not answer with."""


def install_openapi(app: FastAPI, settings: Settings, models: frozenset[str]) -> None:
    """Make `app.openapi()` build the document described in the module docstring."""
    original = app.openapi

    def openapi() -> Document:
        if app.openapi_schema is None:
            document = original()
            for step in _steps(settings, models):
                step(document)
            app.openapi_schema = document
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


Step = Callable[[Document], None]


def _steps(settings: Settings, models: frozenset[str]) -> list[Step]:
    return [
        _job_create_schemas,
        _errors_in_one_shape,
        _unparseable_json_bodies,
        _job_models(sorted(models), settings.model.name),
        _tuning_limits(TuningLimits.of(settings.tuning)),
        _tus_protocol(settings.service.max_upload_bytes),
        _api_key(required=bool(settings.service.api_keys)),
    ]


def operations(document: Document) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """(path, method, operation) for every operation in the document."""
    for path, item in document.get("paths", {}).items():
        for method, operation in item.items():
            if isinstance(operation, dict) and "responses" in operation:
                yield path, method, operation


def _error_response(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": _ERROR_REF}}}


def _job_create_schemas(document: Document) -> None:
    """`POST /api/jobs` reads its body itself (JSON or streamed multipart); put the JSON body's
    schemas in the components its request body refers to."""
    _, definitions = models_json_schema(
        [(JobCreate, "validation")], ref_template="#/components/schemas/{model}"
    )
    components = document.setdefault("components", {}).setdefault("schemas", {})
    for name, definition in definitions.get("$defs", {}).items():
        components.setdefault(name, definition)


def _errors_in_one_shape(document: Document) -> None:
    """Validation errors (422) answer in `ErrorBody`'s shape, not FastAPI's list."""
    for _path, _method, operation in operations(document):
        response = operation["responses"].get("422")
        if response is not None:
            response["content"] = {"application/json": {"schema": _ERROR_REF}}
    components = document.get("components", {}).get("schemas", {})
    for name in _FASTAPI_VALIDATION:
        components.pop(name, None)


def _unparseable_json_bodies(document: Document) -> None:
    """FastAPI answers 400 (before validation) to a JSON body that is not UTF-8 text."""
    for _path, _method, operation in operations(document):
        content = operation.get("requestBody", {}).get("content", {})
        if "application/json" in content:
            operation["responses"].setdefault(
                "400", _error_response("The body is not JSON text (UTF-8).")
            )


def _schema(document: Document, name: str) -> dict[str, Any]:
    schema: dict[str, Any] = document["components"]["schemas"][name]
    return schema


def _non_null(prop: dict[str, Any]) -> dict[str, Any]:
    """The non-null branch of pydantic's `X | None` (`anyOf: [X, {"type": "null"}]`)."""
    for branch in prop.get("anyOf", [prop]):
        if branch.get("type") != "null":
            return branch
    raise LookupError("no non-null branch")


def _job_models(models: list[str], configured: str) -> Step:
    """A job may ask for a model this service offers (`jobs.offered_models`), nothing else (and
    the OpenAI-compatible endpoint for OpenAI's alias of the configured model); a translation
    only for a multilingual one."""
    openai = [*sorted(ALIASES), *models]

    def step(document: Document) -> None:
        _non_null(_schema(document, "JobOptions")["properties"]["model"])["enum"] = models
        multilingual = [name for name in openai if not is_english_only_name(name)]
        if is_english_only_name(configured):  # whisper-1 is the configured model
            multilingual = [name for name in multilingual if name not in ALIASES]
        for path, names in (
            ("/api/jobs", models),
            ("/v1/audio/transcriptions", openai),
            ("/v1/audio/translations", multilingual),
        ):
            form = document["paths"][path]["post"]["requestBody"]["content"]
            form["multipart/form-data"]["schema"]["properties"]["model"]["enum"] = names

    return step


def _tuning_limits(limits: TuningLimits) -> Step:
    """The optimize ranges this service's settings cap, and the total-threads rule, which no
    single property can state: the body is one of several complete object schemas, one per band
    of worker counts, each with the threads per worker that keep within the total (the first
    band also takes null or no workers: the planner then picks workers to suit the threads)."""

    def step(document: Document) -> None:
        schema = _schema(document, "OptimizeRequest")
        base = schema.pop("properties")
        _non_null(base["chunk_seconds"])["maximum"] = limits.chunk_seconds[1]
        object_keys = {key: schema.pop(key) for key in ("type", "additionalProperties")}
        schema["anyOf"] = [
            {**object_keys, "properties": _band(base, first, last, threads, nullable=first == 1)}
            for first, last, threads in limits.thread_bands()
        ]
        schema["description"] += (
            f" workers x threads_per_worker may not exceed {limits.total_threads}."
        )

    return step


def _band(
    base: dict[str, Any], first: int, last: int, threads: int, *, nullable: bool
) -> dict[str, Any]:
    workers = {"type": "integer", "minimum": first, "maximum": last}
    properties = copy.deepcopy(base)
    properties["workers"]["anyOf"] = [workers, {"type": "null"}] if nullable else [workers]
    _non_null(properties["threads_per_worker"])["maximum"] = threads
    return properties


_PAIR = f"{KEY_PATTERN}( [A-Za-z0-9+/]*={{0,2}})?"
"""One `Upload-Metadata` pair: a key, then optionally a space and base64."""
_TUS_HEADERS: dict[str, dict[str, Any]] = {
    "tus-resumable": {
        "required": True,
        "schema": {"type": "string", "enum": [TUS_VERSION]},
        "description": f"The protocol version, `{TUS_VERSION}`; a missing or other one is 412.",
    },
    "upload-defer-length": {
        "schema": {"type": "string"},
        "description": "`1`: the length comes with a later PATCH. Without Upload-Length any other "
        "value is 400; with it, this header is ignored.",
    },
    "upload-concat": {
        "schema": {"type": "string", "pattern": r"^\s*(partial|final;.*)?\s*$"},
        "description": "`partial` for a part, or `final;<part URLs>` to concatenate finished "
        "parts (then without Upload-Length); empty is none.",
    },
    "upload-metadata": {
        "schema": {
            "type": "string",
            "maxLength": MAX_METADATA_CHARS,
            "pattern": f"^({_PAIR}(,{_PAIR})*)?$",
        },
        "description": "Comma-separated `key base64(UTF-8 value)` pairs, each key once; "
        "`filename` becomes the job's file name.",
    },
    "upload-checksum": {
        "schema": {
            "type": "string",
            "pattern": f"^({'|'.join(ALGORITHMS)}) +"
            r"(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$",
        },
        "description": f"`<{'|'.join(ALGORITHMS)}> <base64 digest>` of this request's bytes; a "
        "mismatch is 460 and none of them is kept.",
    },
    "upload-concat-layout": {
        "schema": {"type": "string", "pattern": f"^{TOKEN_PATTERN} +[0-9]+ +[0-9]+$"},
        "description": "Not tus: `<token> <start> <total>` puts a partial upload's bytes in "
        "place in the file its final will be, so the final is a rename (docs/API.md).",
    },
    "upload-offset": {
        "required": True,
        "schema": {"type": "string", "pattern": "^[0-9]+$"},
        "description": "The offset HEAD reported, in bytes; another one is 409.",
    },
}
"""Numbers are documented as digit strings, which they are on the wire (schemathesis checks a
header it sent against the schema as the text it is)."""


def _header(kind: str, description: str, *, required: bool = False) -> dict[str, Any]:
    """A response header; numbers as the digit strings they are on the wire."""
    schema = {"type": "string", "pattern": "^[0-9]+$"} if kind == "number" else {"type": "string"}
    return {"schema": schema, "description": description, "required": required}


_TUS_ANSWERS: dict[str, dict[str, dict[str, Any]]] = {
    "post": {
        "Location": _header("string", "The new upload's URL.", required=True),
        "Upload-Expires": _header("string", "When an unfinished upload is deleted."),
        "Upload-Offset": _header("number", "Bytes stored, when the request carried some."),
    },
    "head": {
        "Upload-Offset": _header("number", "Bytes stored so far.", required=True),
        "Upload-Length": _header("number", "The declared total, once known."),
        "Upload-Defer-Length": _header("string", "`1` while the total is not declared."),
        "Upload-Metadata": _header("string", "As sent at creation."),
        "Upload-Concat": _header("string", "`partial`, or `final;<part URLs>`."),
        "Upload-Expires": _header("string", "When an unfinished upload is deleted."),
        "Cache-Control": _header("string", "`no-store`."),
    },
    "patch": {
        "Upload-Offset": _header("number", "Bytes stored after this request.", required=True),
        "Upload-Expires": _header("string", "When an unfinished upload is deleted."),
    },
    "delete": {},
}
"""The headers of each tus success answer, which has no body."""
_TUS_BODY = "application/offset+octet-stream"
_TUS_VERSION_HEADER = {
    "Tus-Resumable": {
        "schema": {"type": "string", "enum": [TUS_VERSION]},
        "description": "On every answer, errors included.",
        "required": True,
    }
}


def _tus_protocol(max_bytes: int) -> Step:
    """What tus requires of the headers on `/files/`, the PATCH body's type, and the answers it
    gives: headers without a body on success, and never FastAPI's 422 (these routes validate
    nothing through FastAPI)."""
    length = {
        "schema": {"type": "string", "pattern": digits_at_most(max_bytes)},
        "description": f"Total bytes, at most {max_bytes} (`max_upload_bytes`); more is 413.",
    }
    headers = {**_TUS_HEADERS, "upload-length": length}

    def step(document: Document) -> None:
        for path, method, operation in operations(document):
            if path.startswith("/files"):
                _tus_parameters(operation, headers)
                _tus_responses(method, operation["responses"])
                if method in ("post", "patch"):  # creation-with-upload: POST may carry bytes
                    operation["requestBody"] = {
                        "required": method == "patch",
                        "content": {_TUS_BODY: {"schema": {"type": "string", "format": "binary"}}},
                    }

    return step


def _tus_parameters(operation: dict[str, Any], headers: dict[str, dict[str, Any]]) -> None:
    for parameter in operation.get("parameters", []):
        if parameter["in"] == "header" and parameter["name"] in headers:
            parameter.update(headers[parameter["name"]])
        elif parameter["in"] == "path" and parameter["name"] == "upload_id":
            parameter["schema"] = {"type": "string", "pattern": f"^{ID_PATTERN}$"}


def _tus_responses(method: str, responses: dict[str, Any]) -> None:
    responses.pop("422", None)
    for code, response in responses.items():
        if code.startswith("2"):
            response.pop("content", None)
            response["headers"] = {**_TUS_ANSWERS[method], **_TUS_VERSION_HEADER}
        else:
            response["headers"] = dict(_TUS_VERSION_HEADER)
    responses["412"]["headers"]["Tus-Version"] = {
        "schema": {"type": "string"},
        "description": "The versions this server speaks.",
    }


def digits_at_most(limit: int) -> str:
    """A pattern for the decimal numbers 0..`limit` (leading zeros allowed, as `int()` reads
    them): shorter numbers, then for each position a smaller digit after `limit`'s own prefix."""
    digits = str(limit)
    options = [f"[0-9]{{1,{len(digits) - 1}}}"] if len(digits) > 1 else []
    for position, digit in enumerate(digits):
        smallest = 1 if position == 0 and len(digits) > 1 else 0
        if int(digit) > smallest:
            rest = len(digits) - position - 1
            tail = f"[0-9]{{{rest}}}" if rest else ""
            lower = f"[{smallest}-{int(digit) - 1}]" if int(digit) - 1 > smallest else str(smallest)
            options.append(f"{digits[:position]}{lower}{tail}")
    options.append(digits)
    return f"^0*({'|'.join(options)})$"


def _api_key(*, required: bool) -> Step:
    """Operations that take the API key answer 401 without a valid one when the service has
    keys; without keys the key is optional (an empty alternative in `security`)."""

    def step(document: Document) -> None:
        for _path, _method, operation in operations(document):
            if "security" not in operation:
                continue
            if required:
                operation["responses"].setdefault(
                    "401", _error_response("No API key, or not one of this service's keys.")
                )
            else:
                operation["security"] = [*operation["security"], {}]

    return step
