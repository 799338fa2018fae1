"""Hypothesis strategies shared by the hostile-input tests of every app.

Text that tends to break parsers: digits that are not decimal ("²", "٣"), NUL and other
control characters, right-to-left and combining marks, the characters a particular parser
treats specially, and anything else UTF-8 can carry (lone surrogates cannot reach a view).
"""

from hypothesis import strategies as st

PARSER_TROUBLE = "0123456789²³٣५-+ eE.\x00\t\n\r\u202e\u0301"
NUMBERS_THAT_ARE_NOT = ["0", "-1", "1e9", "²", "١٢", "9" * 5000, " 7 ", "7\x00", "NaN", ""]


def awkward_text(special: str = PARSER_TROUBLE, *, max_size: int = 40):
    """Text mixing `special` characters with any character UTF-8 can carry."""
    return st.text(
        alphabet=st.one_of(
            st.sampled_from(special),
            st.characters(codec="utf-8", exclude_categories=["Cs"]),
        ),
        max_size=max_size,
    )


def numberish(extra=()):
    """Strings a number field receives: huge and negative integers, and near-numbers."""
    return st.one_of(
        st.integers(min_value=-(10**30), max_value=10**30).map(str),
        st.sampled_from([*NUMBERS_THAT_ARE_NOT, *extra]),
    )
