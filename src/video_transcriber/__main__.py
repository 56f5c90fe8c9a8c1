"""`python -m video_transcriber` runs the CLI."""

from video_transcriber.cli import app

app()
