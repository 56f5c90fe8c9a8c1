"""Word errors attributed to the utterances of a long reference, without timestamps.

A built lecture's reference is a sequence of utterances, each with a condition (quiet, noisy,
...). To score a system per condition, its whole transcript is aligned to the whole reference
(both after Whisper's English normaliser) with one Levenshtein alignment, and every edit is
charged to an utterance:

* hits, substitutions and deletions to the utterance of their reference word;
* insertions to the utterance of the reference word just before them (the transcript ran on
  past it), or of the first reference word when they come before all of them.

Timestamps are not used: a system may place words a second off, merge utterances into one
segment or split them, and the attribution stays the same. Per-utterance counts then add up to
per-condition WERs, and tell which utterances were *lost* (the ceiling recovers at least half
of their words, the system none).

The alignment weighs edits as NIST sclite does (substitution 4, insertion 3, deletion 3, match
0), not all alike. With unit costs, a transcript that is shifted against the reference (a lost
sentence, then a run of correct words, then hallucinated text) often costs the same whether the
correct run is matched or swallowed by a block of substitutions, and the aligner may pick the
latter: an utterance whose words are all there then counts as lost. With sclite's weights a
substitution stays cheaper than a deletion plus an insertion, but matching the run wins. The
weighted optimum can have a few more errors than the unit-cost minimum (jiwer's WER); it is the
one sclite reports.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from testkit.evaluation.wer import normalize


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


SUBSTITUTION_COST = 4
INSERTION_COST = 3
DELETION_COST = 3


def align(reference: Sequence[str], hypothesis: Sequence[str]) -> list[tuple[str, int, int]]:
    """The weighted Levenshtein alignment as (kind, reference index, hypothesis index) in order;
    kind is "hit", "substitution", "deletion" (no hypothesis word: index -1) or "insertion" (no
    reference word: index -1). Row by row in numpy: the insertion chain of a row is a running
    minimum, so the cost is O(len(reference) * len(hypothesis)) without a Python inner loop."""
    vocabulary: dict[str, int] = {}
    ref = np.array([vocabulary.setdefault(w, len(vocabulary)) for w in reference], dtype=np.int64)
    hyp = np.array([vocabulary.setdefault(w, len(vocabulary)) for w in hypothesis], dtype=np.int64)
    n, m = len(ref), len(hyp)
    steps = np.arange(m + 1, dtype=np.int64) * INSERTION_COST
    from_insertion = np.zeros((n + 1, m + 1), dtype=bool)
    from_diagonal = np.zeros((n + 1, m + 1), dtype=bool)
    from_insertion[0, 1:] = True
    row = steps.copy()
    for i in range(1, n + 1):
        diagonal = row[:-1] + np.where(hyp == ref[i - 1], 0, SUBSTITUTION_COST)
        candidate = row + DELETION_COST
        from_diagonal[i, 1:] = diagonal <= candidate[1:]
        candidate[1:] = np.minimum(diagonal, candidate[1:])
        row = np.minimum.accumulate(candidate - steps) + steps
        from_insertion[i] = row < candidate
    return _trace(ref, hyp, from_insertion, from_diagonal)


def _trace(
    ref: np.ndarray, hyp: np.ndarray, from_insertion: np.ndarray, from_diagonal: np.ndarray
) -> list[tuple[str, int, int]]:
    i, j = len(ref), len(hyp)
    steps: list[tuple[str, int, int]] = []
    while i > 0 or j > 0:
        if from_insertion[i, j]:
            j -= 1
            steps.append(("insertion", -1, j))
        elif from_diagonal[i, j]:
            i, j = i - 1, j - 1
            steps.append(("hit" if ref[i] == hyp[j] else "substitution", i, j))
        else:
            i -= 1
            steps.append(("deletion", i, -1))
    return steps[::-1]


_KIND = {"hit": 0, "substitution": 1, "deletion": 2}


def _tally(words: list[str], owners: list[int], hyp: list[str], tallies: list[list[int]]) -> None:
    last = 0  # the reference word the transcript last reached
    for kind, position, _ in align(words, hyp):
        if kind == "insertion":
            tallies[owners[max(0, last - 1)]][3] += 1
            continue
        tallies[owners[position]][_KIND[kind]] += 1
        last = position + 1


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
