"""Word errors attributed to the utterances of a long reference, without timestamps.

A built lecture's reference is a sequence of utterances, each with a condition (quiet, noisy,
...). To score a system per condition, its whole transcript is aligned to the whole reference
with one Levenshtein alignment (jiwer's, after Whisper's English normaliser), and every edit is
charged to an utterance:

* hits, substitutions and deletions to the utterance of their reference word;
* insertions to the utterance of the reference word just before them (the transcript ran on
  past it), or of the first reference word when they come before all of them.

Timestamps are not used: a system may place words a second off, merge utterances into one
segment or split them, and the attribution stays the same. Per-utterance counts then add up to
per-condition WERs, and tell which utterances were *lost* (the ceiling recovers at least half
of their words, the system none).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import jiwer

from video_transcriber.evaluation.wer import normalize


@dataclass(frozen=True, slots=True)
class Counts:
    """Alignment counts for one utterance (or a sum of them)."""

    words: int = 0
    """Reference words after normalisation."""
    hits: int = 0
    substitutions: int = 0
    deletions: int = 0
    insertions: int = 0

    @property
    def errors(self) -> int:
        return self.substitutions + self.deletions + self.insertions

    @property
    def wer(self) -> float:
        """Errors over reference words (0 for an empty reference with no insertions)."""
        if self.words == 0:
            return 0.0 if self.insertions == 0 else 1.0
        return self.errors / self.words

    def __add__(self, other: Counts) -> Counts:
        return Counts(
            self.words + other.words,
            self.hits + other.hits,
            self.substitutions + other.substitutions,
            self.deletions + other.deletions,
            self.insertions + other.insertions,
        )


def reference_owners(references: Sequence[str]) -> tuple[list[str], list[int]]:
    """The normalised reference words in order, and for each the index of its utterance."""
    words: list[str] = []
    owners: list[int] = []
    for index, text in enumerate(references):
        mine = normalize(text).split()
        words += mine
        owners += [index] * len(mine)
    return words, owners


def attribute(references: Sequence[str], hypothesis: str) -> list[Counts]:
    """Counts per utterance of `references` for the whole `hypothesis` (see the module doc)."""
    if not references:
        return []
    words, owners = reference_owners(references)
    hyp = normalize(hypothesis).split()
    tallies = [[0, 0, 0, 0] for _ in references]  # hits, substitutions, deletions, insertions
    if not words:
        tallies[0][3] = len(hyp)
    elif not hyp:
        for owner in owners:
            tallies[owner][2] += 1
    else:
        _tally(words, owners, hyp, tallies)
    totals = [0] * len(references)
    for owner in owners:
        totals[owner] += 1
    return [Counts(totals[i], *tally) for i, tally in enumerate(tallies)]


_KIND = {"equal": 0, "substitute": 1, "delete": 2}


def _tally(words: list[str], owners: list[int], hyp: list[str], tallies: list[list[int]]) -> None:
    alignment = jiwer.process_words(" ".join(words), " ".join(hyp)).alignments[0]
    for chunk in alignment:
        if chunk.type == "insert":
            anchor = max(0, chunk.ref_start_idx - 1)
            tallies[owners[anchor]][3] += chunk.hyp_end_idx - chunk.hyp_start_idx
            continue
        kind = _KIND[chunk.type]
        for position in range(chunk.ref_start_idx, chunk.ref_end_idx):
            tallies[owners[position]][kind] += 1


def total(counts: Iterable[Counts]) -> Counts:
    """The sum of `counts`."""
    out = Counts()
    for item in counts:
        out = out + item
    return out


def by_group(counts: Sequence[Counts], groups: Sequence[str]) -> dict[str, Counts]:
    """Counts summed per group label (e.g. each utterance's condition), in first-seen order."""
    if len(counts) != len(groups):
        raise ValueError(f"{len(counts)} counts but {len(groups)} group labels")
    out: dict[str, Counts] = {}
    for item, group in zip(counts, groups, strict=True):
        out[group] = out.get(group, Counts()) + item
    return out


def lost_utterances(
    system: Sequence[Counts], ceiling: Sequence[Counts], *, share: float = 0.5
) -> list[int]:
    """Indices of utterances the ceiling mostly recovers (hits >= `share` of the words) of which
    `system` recovers no word at all."""
    return [
        index
        for index, (mine, best) in enumerate(zip(system, ceiling, strict=True))
        if best.words > 0 and best.hits >= share * best.words and mine.hits == 0
    ]
