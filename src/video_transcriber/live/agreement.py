"""Local agreement (LocalAgreement-2): commit the words two successive hypotheses agree on.

Each re-decode of the uncommitted audio gives a hypothesis, a list of timed words. Whisper's last
words change as more audio arrives; the words two hypotheses in a row agree on, from the start,
rarely do. So the longest common prefix of the newest hypothesis and the one before it is
committed, and the rest stays a partial. This is the policy of whisper_streaming (Macháček et
al., 2023) and WhisperLive; written here from its description, not copied.

Words are compared normalised (case and punctuation aside), so "dinner" then "dinner." agree;
the newer spelling is the one committed. A hypothesis decoded from a buffer that still holds
already-committed audio repeats committed words at its head: words starting before the last
commit are dropped, and an n-gram (up to 5 words) at the head equal to the committed tail and
starting over its audio too (a word said twice, "words words", starts after the first ended;
three words or more are dropped wherever they start: Whisper repeating its last sentence).
Times are stream seconds throughout.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from video_transcriber.domain import Word

OVERLAP_SLACK = 0.1
"""Words starting this little before the last committed end still count as new (alignment
jitter between two decodes)."""
MAX_NGRAM = 5
"""Longest repeated head (committed tail) that is dropped from a new hypothesis."""
MIN_LOOP_WORDS = 3
"""A repeated head this long is dropped even after the committed words' audio."""
KEEP_WORDS = 64
"""Committed words remembered: enough for a 200-character prompt and the repeat check."""
_NON_WORD = re.compile(r"[^\w']+")


def norm(text: str) -> str:
    """A word as agreement compares it: lower case, no punctuation or spaces."""
    return _NON_WORD.sub("", text.lower())


def drop_loops(words: Sequence[Word]) -> list[Word]:
    """`words` without a run of `MIN_LOOP_WORDS` or more said twice back to back (Whisper
    looping over a short stretch: "And so my fellow Americans. And so my fellow Americans.")."""
    out = list(words)
    keys = [norm(w.text) for w in out]
    i = 0
    while i < len(out):
        for size in range((len(out) - i) // 2, MIN_LOOP_WORDS - 1, -1):
            if keys[i : i + size] == keys[i + size : i + 2 * size]:
                del out[i + size : i + 2 * size]
                del keys[i + size : i + 2 * size]
                break
        else:
            i += 1
    return out


def strip_repeats(new: Sequence[Word], committed: Sequence[Word]) -> list[Word]:
    """`new` without the words already committed: those starting before the last committed
    end, and a head that repeats the committed tail word for word."""
    last_end = committed[-1].end if committed else 0.0
    fresh = [w for w in drop_loops(new) if w.start > last_end - OVERLAP_SLACK]
    if not fresh or not committed or abs(fresh[0].start - last_end) >= 1.0:
        return fresh
    for size in range(min(len(committed), len(fresh), MAX_NGRAM), 0, -1):
        tail = [norm(w.text) for w in committed[-size:]]
        head = [norm(w.text) for w in fresh[:size]]
        # One or two words over the same audio are a repeat, after it ("words words") they
        # were said again; three or more in a row again are Whisper repeating itself.
        overlaps = fresh[0].start < committed[-size].end
        if tail == head and (overlaps or size >= MIN_LOOP_WORDS):
            return fresh[size:]
    return fresh


@dataclass(slots=True)
class LocalAgreement:
    """The committed words of one stream and the latest uncommitted hypothesis."""

    committed: list[Word] = field(default_factory=list)
    pending: list[Word] = field(default_factory=list)
    """The newest hypothesis minus what it committed: the partial."""

    @property
    def committed_end(self) -> float:
        return self.committed[-1].end if self.committed else 0.0

    def insert(self, hypothesis: Sequence[Word], *, until: float | None = None) -> list[Word]:
        """Take a new hypothesis; return the words it newly commits (maybe none): the agreed
        prefix, only as far as words ending by `until` (the words nearest the end of the audio
        are the least stable, even when two decodes agree on them)."""
        new = strip_repeats(hypothesis, self.committed)
        agreed: list[Word] = []
        for old, word in zip(self.pending, new, strict=False):
            if norm(old.text) != norm(word.text) or not norm(word.text):
                break
            if until is not None and word.end > until:
                break
            agreed.append(word)
        self.pending = new[len(agreed) :]
        self.committed.extend(agreed)
        return agreed

    def commit_all(self, hypothesis: Sequence[Word]) -> list[Word]:
        """Commit every new word of `hypothesis` (an utterance is over); nothing stays pending."""
        new = strip_repeats(hypothesis, self.committed)
        self.committed.extend(new)
        self.pending = []
        return new

    def commit_until(self, time: float) -> list[Word]:
        """Commit the pending words that end by `time` (latency bound), in order."""
        count = 0
        while count < len(self.pending) and self.pending[count].end <= time:
            count += 1
        forced, self.pending = self.pending[:count], self.pending[count:]
        self.committed.extend(forced)
        return forced

    def text_before(self, time: float, chars: int) -> str:
        """The last `chars` characters of committed text ending by `time` (the decoder prompt)."""
        if chars <= 0:
            return ""
        text = "".join(w.text for w in self.committed if w.end <= time).strip()
        return text[-chars:]

    def sentence_end_before(self, time: float) -> float | None:
        """End of the last committed word before `time` that closes a sentence."""
        for word in reversed(self.committed):
            if word.end <= time and word.text.rstrip().endswith((".", "?", "!")):
                return word.end
        return None

    def forget_old(self) -> None:
        """Keep only the last `KEEP_WORDS` committed words (prompt and repeat check need no
        more), so a long stream's memory stays flat."""
        if len(self.committed) > KEEP_WORDS:
            del self.committed[:-KEEP_WORDS]
