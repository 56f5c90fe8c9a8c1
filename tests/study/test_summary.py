"""The lecture summary and key terms: 5-10 key sentences in time order that cover every
chapter, and key terms located where they are first explained (a definition beats an earlier
mention)."""

from __future__ import annotations

from testkit.evaluation.topic_lecture import TopicLecture
from video_transcriber.domain import Segment
from video_transcriber.insights.sentences import sentences_of
from video_transcriber.study.guide import StudyGuide, title_from
from video_transcriber.study.terms import key_terms

LECTURE = [
    Segment(0.0, 6.0, "Today we look at overfitting in machine learning models."),
    Segment(6.5, 14.0, "Last week someone asked about regularization in passing."),
    Segment(15.0, 24.0, "Overfitting is when a model learns the noise of its training data."),
    Segment(25.0, 33.0, "Regularization means adding a penalty for large weights to the loss."),
    Segment(34.0, 41.0, "With regularization the model generalises better to new data."),
    Segment(42.0, 50.0, "We measure overfitting with a held-out validation set of examples."),
]


def test_key_sentences_are_few_ordered_and_cover_every_chapter(
    four_topics: TopicLecture, four_topic_guide: StudyGuide
) -> None:
    key = four_topic_guide.key_sentences
    assert 5 <= len(key) <= 10
    assert [k.start for k in key] == sorted(k.start for k in key)
    assert {k.chapter for k in key} == set(range(len(four_topic_guide.chapters)))
    assert len({k.text for k in key}) == len(key)  # the looped topics are not listed twice
    for sentence in key:
        chapter = four_topic_guide.chapters[sentence.chapter]
        assert chapter.start <= sentence.start < chapter.end


def test_a_term_is_placed_where_it_is_defined_not_where_it_is_first_said() -> None:
    terms = {term.term.casefold(): term for term in key_terms(sentences_of(LECTURE), count=10)}
    regularization = terms["regularization"]
    assert regularization.how == "definition"
    assert regularization.explained_at == 25.0
    assert regularization.first_mention == 6.5
    assert regularization.mentions == 3
    assert terms["overfitting"].explained_at == 15.0


def test_the_four_topic_lecture_has_key_terms_from_its_topics(
    four_topic_guide: StudyGuide,
) -> None:
    terms = four_topic_guide.key_terms
    assert 3 <= len(terms) <= 10
    assert all(term.mentions >= 2 for term in terms)
    assert all(term.sentence for term in terms)


def test_titles_join_the_best_two_phrases_within_sixty_characters() -> None:
    assert (
        title_from(["movable types", "Gutenberg Bible", "ink"]) == "Movable types, Gutenberg Bible"
    )
    assert len(title_from(["a" * 50, "b" * 30])) <= 60
    assert title_from([]) == ""
