"""Reading scores, durations and questions out of player statements (property-based)."""

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from h5p.statements import (
    H5PError,
    duration_of,
    interaction_fields,
    is_interaction,
    score_of,
    sub_content_id_of,
)

IRI = "https://learn.example.edu/h5p/content/7d0f3c5e-41b8-4f57-9a4e-1f0b6f6b2a11"
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=10,
)


def scored(**score):
    return {"result": {"score": score}}


@given(
    maximum=st.integers(min_value=1, max_value=10_000),
    data=st.data(),
)
def test_a_possible_score_reads_back_scaled_between_0_and_1(maximum, data):
    raw = data.draw(st.integers(min_value=0, max_value=maximum))

    score = score_of(scored(min=0, raw=raw, max=maximum))

    assert (score.raw, score.maximum) == (raw, maximum)
    assert Decimal(0) <= score.scaled <= Decimal(1)
    assert abs(score.scaled - Decimal(raw) / Decimal(maximum)) <= Decimal("0.00005")


@given(maximum=st.integers(min_value=0, max_value=10_000), excess=st.integers(min_value=1))
def test_a_score_above_its_maximum_is_refused(maximum, excess):
    with pytest.raises(H5PError) as caught:
        score_of(scored(raw=maximum + excess, max=maximum))
    assert caught.value.code == "bad_score"


@given(raw=st.one_of(st.integers(max_value=-1), st.floats(max_value=-1e-9)))
def test_a_score_below_zero_is_refused(raw):
    with pytest.raises(H5PError) as caught:
        score_of(scored(raw=raw, max=10))
    assert caught.value.code == "bad_score"


@given(result=json_values)
def test_any_json_result_either_reads_or_is_refused_with_a_reason(result):
    try:
        score = score_of({"result": result})
    except H5PError as refused:
        assert refused.code == "bad_score" and refused.message
    else:
        assert score is None or score.scaled is None or 0 <= score.scaled <= 1


@given(
    duration=st.timedeltas(min_value=dt.timedelta(0), max_value=dt.timedelta(days=30)).map(
        lambda d: dt.timedelta(seconds=round(d.total_seconds(), 2))
    )
)
def test_h5p_durations_read_back(duration):
    minutes, seconds = divmod(duration.total_seconds(), 60)
    hours, minutes = divmod(int(minutes), 60)
    text = f"PT{hours}H{minutes}M{seconds:.2f}S"

    parsed = duration_of({"result": {"duration": text}})

    assert abs(parsed - duration) < dt.timedelta(milliseconds=10)


@given(text=st.text(max_size=20))
def test_malformed_durations_read_as_unknown(text):
    parsed = duration_of({"result": {"duration": text}})
    assert parsed is None or dt.timedelta(0) <= parsed <= dt.timedelta(days=365)


def test_a_part_of_a_container_names_its_sub_content():
    part = {
        "object": {
            "id": f"{IRI}?subContentId=q-1",
            "definition": {"interactionType": "fill-in", "name": {"en-US": "Blank 1"}},
        },
        "result": {"response": "Dushanbe", "success": True},
    }

    assert sub_content_id_of(part, IRI) == "q-1"
    assert is_interaction(part)
    fields = interaction_fields(part, IRI)
    assert (fields["sub_content_id"], fields["description"]) == ("q-1", "Blank 1")
    assert (fields["response"], fields["success"], fields["raw_score"]) == ("Dushanbe", True, None)
    assert not is_interaction({**part, "object": {"definition": {"interactionType": "compound"}}})
    assert not is_interaction({"object": part["object"]})  # no result: not an answer
