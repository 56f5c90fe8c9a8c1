"""Languages: Whisper's language codes, detection votes, per-language phrases, folding, scripts.

Everything here is pure (no model, no I/O) so insights, formats, search and the pipeline share
one idea of a language: `catalog` (codes, names, parsing `auto`), `detection` (votes over
windows and chunks), `phrases`/`questions` (emphasis and question cues in de, fr, es, pt, it),
`folding` (case- and accent-insensitive matching), `scripts` (languages written without spaces:
counting and wrapping by characters) and `search` (full-text configuration per language).
"""

from video_transcriber.languages.catalog import AUTO, WHISPER_LANGUAGES, language_name
from video_transcriber.languages.catalog import parse_language as parse_language
from video_transcriber.languages.detection import Detection, combine, spread_indices, vote
from video_transcriber.languages.folding import FoldedText, fold
from video_transcriber.languages.scripts import count_units, is_unspaced

__all__ = [
    "AUTO",
    "WHISPER_LANGUAGES",
    "Detection",
    "FoldedText",
    "combine",
    "count_units",
    "fold",
    "is_unspaced",
    "language_name",
    "parse_language",
    "spread_indices",
    "vote",
]
