"""What a lecturer says when stressing a point or asking, per language (defaults).

Emphasis phrases are matched like the English ones (whole words, any punctuation between them,
case and accents folded), so "Merken Sie sich" finds "merken sie sich," too. The lists are
defaults: `Settings.languages.emphasis_phrases` replaces a language's list.

Question cues are only for sentences Whisper wrote *without* a question mark (a marked one is a
question in every language, and so is Spanish text opening with "¿"). The openers are chosen
to be unambiguous at the start of a sentence: interrogatives that are not also common
conjunctions there (German "wie"/"wo", Portuguese "como"/"porque" and Italian "perché" start
statements as often as questions, so they count only before a verb-subject pair or not at
all), and, for German, a verb followed by a subject pronoun (German asks yes/no questions by
word order: "Ist das klar", "Haben Sie Fragen").
"""

from __future__ import annotations

from dataclasses import dataclass

EMPHASIS_PHRASES: dict[str, tuple[str, ...]] = {
    "de": (
        "wichtig", "merken sie sich", "merkt euch", "denken sie daran", "denkt daran",
        "vergessen sie nicht", "nicht vergessen", "achten sie darauf", "beachten sie",
        "sie sollten", "sollten sie", "in der prüfung", "in der klausur", "prüfungsrelevant",
        "das kommt dran",
    ),
    "fr": (
        "important", "retenez", "n'oubliez pas", "rappelez-vous", "faites attention",
        "notez bien", "attention", "à l'examen", "pour l'examen", "essentiel", "il faut retenir",
    ),
    "es": (
        "importante", "recuerden", "no olviden", "tengan en cuenta", "presten atención",
        "fíjense", "en el examen", "para el examen", "es fundamental", "se recomienda",
    ),
    "pt": (
        "importante", "lembrem-se", "não esqueçam", "prestem atenção", "tenham em mente",
        "anotem", "na prova", "no exame", "é fundamental",
    ),
    "it": (
        "importante", "ricordate", "non dimenticate", "fate attenzione", "attenzione",
        "tenete presente", "segnatevi", "all'esame", "è fondamentale",
    ),
}  # fmt: skip
"""Default emphasis phrases by language (English keeps `Settings.emphasis_phrases`)."""


@dataclass(frozen=True, slots=True)
class QuestionCues:
    """How an unmarked sentence in one language shows it is a question."""

    openers: frozenset[str]
    """First word, or first two words joined by a space, that open a question."""
    verbs: frozenset[str] = frozenset()
    """Verbs that open a yes/no question when a subject pronoun follows."""
    pronouns: frozenset[str] = frozenset()
    fillers: frozenset[str] = frozenset()
    """Words skipped at the start ("also", "alors", "bueno")."""


QUESTION_CUES: dict[str, QuestionCues] = {
    "de": QuestionCues(
        openers=frozenset(
            {
                "wer",
                "was",
                "wann",
                "warum",
                "wieso",
                "weshalb",
                "wozu",
                "woher",
                "wohin",
                "welche",
                "welcher",
                "welches",
                "welchen",
                "wie viel",
                "wie viele",
                "wie lange",
                "wie oft",
                "wie kann",
                "wie funktioniert",
                "wo ist",
                "wo sind",
            }
        ),
        verbs=frozenset(
            {
                "ist",
                "sind",
                "war",
                "hat",
                "haben",
                "habt",
                "kann",
                "können",
                "könnt",
                "gibt",
                "wissen",
                "wisst",
                "versteht",
                "verstehen",
                "sieht",
                "sehen",
                "seht",
                "muss",
                "müssen",
                "soll",
                "sollen",
                "darf",
                "dürfen",
                "hätte",
                "wäre",
                "würde",
                "kennt",
                "kennen",
            }
        ),
        pronouns=frozenset({"es", "das", "sie", "ihr", "du", "man", "wir", "jemand", "er"}),
        fillers=frozenset({"also", "und", "aber", "ja", "gut", "okay", "so", "nun", "na"}),
    ),
    "fr": QuestionCues(
        openers=frozenset(
            {
                "est-ce",
                "qu'est-ce",
                "pourquoi",
                "combien",
                "quel",
                "quelle",
                "quels",
                "quelles",
                "comment est-ce",
                "comment faire",
                "où est",
                "où sont",
                "quand est-ce",
            }
        ),
        fillers=frozenset({"alors", "donc", "et", "mais", "bon", "bien", "ok", "voilà"}),
    ),
    "es": QuestionCues(
        openers=frozenset(
            {
                "qué",
                "cómo",
                "cuándo",
                "dónde",
                "por qué",
                "cuál",
                "cuáles",
                "quién",
                "quiénes",
                "cuánto",
                "cuánta",
                "cuántos",
                "cuántas",
            }
        ),
        fillers=frozenset({"bueno", "entonces", "y", "pero", "pues", "vale", "ok"}),
    ),
    "pt": QuestionCues(
        openers=frozenset(
            {
                "o que",
                "por que",
                "por quê",
                "quando",
                "onde",
                "qual",
                "quais",
                "quem",
                "quanto",
                "quanta",
                "quantos",
                "quantas",
                "será que",
            }
        ),
        fillers=frozenset({"então", "e", "mas", "bom", "bem", "ok", "pois"}),
    ),
    "it": QuestionCues(
        openers=frozenset(
            {
                "che cosa",
                "cosa",
                "quando",
                "dove",
                "quale",
                "quali",
                "chi",
                "quanto",
                "quanti",
                "quanta",
                "quante",
                "come mai",
                "perché non",
            }
        ),
        fillers=frozenset({"allora", "quindi", "e", "ma", "bene", "ok", "dunque"}),
    ),
}
"""Question cues by language (English has its own rules in `insights.questions`)."""


def emphasis_defaults() -> dict[str, list[str]]:
    """A fresh copy of the default phrase lists (a settings default)."""
    return {language: list(phrases) for language, phrases in EMPHASIS_PHRASES.items()}
