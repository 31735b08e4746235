"""The answerable-question selection of the QA data set, on a synthetic corpus."""

import pytest

from approxbench import qa_data

DOCUMENTS = [
    "Lake Baikal. Lake Baikal is the deepest lake in Siberia, Russia.",
    "Mount Everest. The highest mountain; its summit was first reached in 1953.",
    "Paris. The capital of France; the Eiffel Tower opened in 1889.",
] + [f"Filler {i}. A year such as 1999 appears in this document." for i in range(qa_data.MAX_ANSWER_DOCUMENTS + 1)]


def test_an_answer_beside_three_content_words_is_kept():
    pairs = [("what is the deepest lake in siberia", ["Lake Baikal"])]
    assert qa_data.select_questions(DOCUMENTS, pairs) == pairs


def test_an_answer_beside_fewer_content_words_is_dropped():
    # "Paris" occurs with "tower" and "eiffel" only: the question's "built", "year" and
    # "london" are not there, so the document is not evidence for this question.
    assert qa_data.MIN_SHARED_WORDS == 3
    pairs = [("what year was the eiffel tower in london built", ["1889"])]
    assert qa_data.select_questions(DOCUMENTS, pairs) == []
    pairs = [("what year did the eiffel tower in france open", ["1889"])]
    assert qa_data.select_questions(DOCUMENTS, pairs) == pairs


def test_an_answer_found_everywhere_or_nowhere_is_dropped():
    pairs = [
        ("which year appears in this filler document", ["1999"]),  # in more than MAX_ANSWER_DOCUMENTS
        ("who first reached the summit of mount everest", ["Tenzing Norgay"]),  # in none
        ("what is the deepest lake in siberia", ["a"]),  # shorter than two characters
    ]
    assert qa_data.select_questions(DOCUMENTS, pairs) == []


@pytest.mark.parametrize("answers", [["1953"], ["nothing", "1953"]])
def test_any_short_answer_qualifies(answers):
    pairs = [("when was the summit of mount everest first reached", answers)]
    assert qa_data.select_questions(DOCUMENTS, pairs) == pairs


if __name__ == "__main__":
    raise SystemExit(pytest.main([__file__, "-q"]))
