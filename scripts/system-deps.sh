#!/usr/bin/env bash
# Installs the Debian packages that the test suite drives for real, when they are missing:
# headless Chromium for the UI tests, Node.js for the page-script syntax check and npm for the
# browser libraries `make install` copies (tus-js-client, Swagger UI, ReDoc).
# Runs as root on CI and the developers' machines; elsewhere it only says what is missing, and on
# CI (CI=true) that is an error, since the tests needing them would fail there.
set -euo pipefail

missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "Missing system packages: ${missing[*]} (install them with apt-get; tests needing them skip here and fail on CI)" >&2
  [ "${CI:-}" = "true" ] && exit 1
  exit 0
fi
echo "Installing system packages: ${missing[*]}"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
