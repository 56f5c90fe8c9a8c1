"""video-transcriber: long lecture videos to timestamped transcripts and study insights."""

__version__ = "0.1.0"
