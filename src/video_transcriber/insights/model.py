"""The insight records a transcript yields, as plain frozen data with a JSON-ready dict form.

`to_dict()` gives only str/int/float/bool/list/dict values, so the service can store the result
next to the transcript; `from_dict()` is its exact inverse (round-trip tested). Times are seconds
from the start of the media, as everywhere else.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class KeywordMention:
    """One place a keyword is said: its own time span and the sentence around it."""

    keyword: str
    start: float
    end: float
    sentence: str
    segment_index: int
    """Index in the transcript's segment list where the mention starts."""


@dataclass(frozen=True, slots=True)
class KeywordSummary:
    """Every mention of one keyword; `count` is 0 when the keyword never comes up."""

    keyword: str
    count: int
    mentions: tuple[KeywordMention, ...] = ()


@dataclass(frozen=True, slots=True)
class Question:
    """A sentence asked as a question; `inferred` when Whisper dropped the question mark."""

    text: str
    start: float
    end: float
    inferred: bool = False
    speaker: str | None = None
    """Who asked (with speakers)."""
    audience: bool = False
    """Asked by someone other than the main speaker (`insights.speakers`)."""


@dataclass(frozen=True, slots=True)
class EmphasisCue:
    """A sentence the speaker stresses; `phrase` is the configured phrase that marked it."""

    phrase: str
    text: str
    start: float
    end: float


@dataclass(frozen=True, slots=True)
class Totals:
    """How much was said: `speech_share` is speech seconds over media duration (0-1)."""

    words: int
    duration: float
    speech_seconds: float
    speech_share: float
    words_per_minute: float
    """Words per minute of speech (silence excluded)."""
    units: str = "words"
    """What `words` and `words_per_minute` count: `characters` for languages written without
    spaces (zh, ja, ...: `languages.scripts`)."""


@dataclass(frozen=True, slots=True)
class SpeakerTime:
    """How long one speaker talked: seconds, share of all talk (0-1), segments."""

    speaker: str
    seconds: float
    share: float
    segments: int


@dataclass(frozen=True, slots=True)
class Insights:
    """Everything `insights.analyze` finds in one transcript."""

    keywords: tuple[KeywordSummary, ...]
    questions: tuple[Question, ...]
    emphasis: tuple[EmphasisCue, ...]
    totals: Totals
    study: Mapping[str, Any] | None = None
    """The study guide (`study.StudyGuide.to_dict`: chapters, key_sentences, key_terms) when
    the study tools made one; attached by the job service, not computed by `analyze`."""
    speakers: tuple[SpeakerTime, ...] = ()
    """Talk time per speaker, most first; empty without diarization."""

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (lists, not tuples)."""
        return {
            "keywords": [
                {
                    "keyword": summary.keyword,
                    "count": summary.count,
                    "mentions": [_mention_dict(m) for m in summary.mentions],
                }
                for summary in self.keywords
            ],
            "questions": [
                {
                    "text": q.text,
                    "start": float(q.start),
                    "end": float(q.end),
                    "inferred": q.inferred,
                    "speaker": q.speaker,
                    "audience": q.audience,
                }
                for q in self.questions
            ],
            "emphasis": [
                {"phrase": c.phrase, "text": c.text, "start": float(c.start), "end": float(c.end)}
                for c in self.emphasis
            ],
            "totals": {
                "words": self.totals.words,
                "duration": float(self.totals.duration),
                "speech_seconds": float(self.totals.speech_seconds),
                "speech_share": float(self.totals.speech_share),
                "words_per_minute": float(self.totals.words_per_minute),
                "units": self.totals.units,
            },
            **({"study": dict(self.study)} if self.study is not None else {}),
            "speakers": [
                {
                    "speaker": t.speaker,
                    "seconds": t.seconds,
                    "share": t.share,
                    "segments": t.segments,
                }
                for t in self.speakers
            ],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Insights:
        """The inverse of `to_dict`; raises KeyError/TypeError on a malformed dict."""
        totals = data["totals"]
        return cls(
            keywords=tuple(
                KeywordSummary(
                    keyword=str(item["keyword"]),
                    count=int(item["count"]),
                    mentions=tuple(_mention_from(m) for m in item.get("mentions", ())),
                )
                for item in data.get("keywords", ())
            ),
            questions=tuple(
                Question(
                    text=str(q["text"]),
                    start=float(q["start"]),
                    end=float(q["end"]),
                    inferred=bool(q.get("inferred", False)),
                    speaker=q.get("speaker"),
                    audience=bool(q.get("audience", False)),
                )
                for q in data.get("questions", ())
            ),
            emphasis=tuple(
                EmphasisCue(
                    phrase=str(c["phrase"]),
                    text=str(c["text"]),
                    start=float(c["start"]),
                    end=float(c["end"]),
                )
                for c in data.get("emphasis", ())
            ),
            totals=Totals(
                words=int(totals["words"]),
                duration=float(totals["duration"]),
                speech_seconds=float(totals["speech_seconds"]),
                speech_share=float(totals["speech_share"]),
                words_per_minute=float(totals["words_per_minute"]),
                units=str(totals.get("units", "words")),
            ),
            study=dict(data["study"]) if isinstance(data.get("study"), Mapping) else None,
            speakers=tuple(
                SpeakerTime(
                    str(t["speaker"]), float(t["seconds"]), float(t["share"]), int(t["segments"])
                )
                for t in data.get("speakers", ())
            ),
        )


def _mention_dict(mention: KeywordMention) -> dict[str, Any]:
    return {
        "keyword": mention.keyword,
        "start": float(mention.start),
        "end": float(mention.end),
        "sentence": mention.sentence,
        "segment_index": mention.segment_index,
    }


def _mention_from(data: Mapping[str, Any]) -> KeywordMention:
    return KeywordMention(
        keyword=str(data["keyword"]),
        start=float(data["start"]),
        end=float(data["end"]),
        sentence=str(data["sentence"]),
        segment_index=int(data["segment_index"]),
    )
