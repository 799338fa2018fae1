"""The rule deciding whether an interactive activity is done for its lesson."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from learning.rules import activity_done, activity_passed, activity_rule


def test_unknown_or_missing_conditions_read_as_finished():
    assert activity_rule() == {"completion": "finished"}
    assert activity_rule("graded", 40) == {"completion": "finished", "pass_mark": 40}
    assert activity_done(None, viewed=True, finished=False, best_scaled_score=None) is False
    assert activity_done(None, viewed=True, finished=True, best_scaled_score=Decimal(0)) is True


@pytest.mark.parametrize("pass_mark", [None, 0, 101, "50"])
def test_passing_needs_a_pass_mark_of_1_to_100(pass_mark):
    with pytest.raises(ValueError):
        activity_rule("passed", pass_mark)


@given(
    pass_mark=st.integers(min_value=1, max_value=100),
    score=st.decimals(min_value=0, max_value=1, places=4),
    viewed=st.booleans(),
    finished=st.booleans(),
)
def test_passed_means_finished_at_or_above_the_mark(pass_mark, score, viewed, finished):
    rule = activity_rule("passed", pass_mark)
    done = activity_done(rule, viewed=viewed, finished=finished, best_scaled_score=score)

    assert done == (finished and 100 * score >= pass_mark)
    assert activity_passed(rule, score) == (100 * score >= pass_mark)


@given(viewed=st.booleans(), finished=st.booleans())
def test_viewed_is_met_by_any_sight_of_the_activity(viewed, finished):
    rule = activity_rule("viewed")
    assert activity_done(rule, viewed=viewed, finished=finished, best_scaled_score=None) == (
        viewed or finished
    )
