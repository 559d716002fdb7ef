"""The item analysis's test data: attempts built row by row, and the example worked by hand."""

from decimal import Decimal

from tests.factories import (
    AnswerOptionFactory,
    AttemptFactory,
    AttemptOptionFactory,
    AttemptQuestionFactory,
    QuestionFactory,
    ResponseChoiceFactory,
    ResponseFactory,
    quiz_with,
    student,
)


def take(quiz, user, picks, *, number=1, marks=None):
    """A submitted attempt of ``user`` with one slot per (question, option picked or None); a right option scores 1."""
    attempt = AttemptFactory(quiz=quiz, user=user, number=number)
    for position, (question, picked) in enumerate(picks, start=1):
        slot = AttemptQuestionFactory(
            attempt=attempt, question=question, position=position, marks=(marks or {}).get(question.pk, Decimal(1))
        )
        shown = {
            option.pk: AttemptOptionFactory(slot=slot, option=option, position=place)
            for place, option in enumerate(question.options.order_by("position"), start=1)
        }
        if picked is not None:
            response = ResponseFactory(slot=slot, fraction=Decimal(1) if picked.is_correct else Decimal(0))
            ResponseChoiceFactory(response=response, item=shown[picked.pk])
    return attempt


def single(prompt, count):
    question = QuestionFactory(prompt=prompt)
    options = [AnswerOptionFactory(question=question, is_correct=i == 0, position=i + 1) for i in range(count)]
    return question, options


def worked_example():
    """Five students, three questions (Q3 worth 2 marks); x (marks scored) and T (totals):

            Q1 Q2 Q3   T
        s1   1  0  2   3
        s2   1  1  2   4
        s3   1  0  0   1
        s4   0  1  0   1
        s5   0  1  0   1

    Q1 is single answer (A right, B, C), Q2 true/false, Q3 single answer with 4 options.
    s4 and s5 picked B and C on Q1. s4 also has a second attempt, all right.
    """
    q1, (a, b, c) = single("Q1", 3)
    q2 = QuestionFactory(prompt="Q2", qtype="true_false")
    true, false = (AnswerOptionFactory(question=q2, text=text, is_correct=text == "True") for text in ("True", "False"))
    q3, q3_options = single("Q3", 4)
    quiz = quiz_with([q1, q2, q3])
    marks = {q3.pk: Decimal(2)}
    wrong3 = q3_options[1]
    users = [student(username=f"s{i}") for i in range(1, 6)]
    rows = [
        (a, false, q3_options[0]),
        (a, true, q3_options[0]),
        (a, false, wrong3),
        (b, true, wrong3),
        (c, true, None),  # s5 left Q3 unanswered: 0
    ]
    for user, (p1, p2, p3) in zip(users, rows, strict=True):
        take(quiz, user, [(q1, p1), (q2, p2), (q3, p3)], marks=marks)
    take(quiz, users[3], [(q1, a), (q2, true), (q3, q3_options[0])], number=2, marks=marks)
    return {"quiz": quiz, "questions": (q1, q2, q3), "options": (a, b, c), "users": users}
