"""A new quiz question starts with the two answer options it needs (issue 13, item 7)."""

from courses.blocks import QuestionBlock, QuizBlock


def test_a_new_question_starts_with_two_empty_options():
    question = QuestionBlock().get_default()
    assert len(question["choices"]) == 2
    assert all(choice["text"] == "" and not choice["is_correct"] for choice in question["choices"])


def test_a_new_quiz_starts_with_one_question_of_two_options():
    quiz = QuizBlock().get_default()
    assert len(quiz["questions"]) == 1
    assert len(quiz["questions"][0]["choices"]) == 2
    # The editor's form for a new quiz holds the two options too.
    state = QuizBlock().get_form_state(quiz)
    assert len(state["questions"][0]["value"]["choices"]) == 2
