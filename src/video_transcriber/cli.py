"""The `video-transcriber` command line (typer + rich)."""

from __future__ import annotations

import typer

app = typer.Typer(help="Turn lecture videos into timestamped transcripts.", no_args_is_help=True)


@app.callback()
def main() -> None:
    """video-transcriber: transcribe, serve, tune, upload."""
