"""Our RFC 8785 canonical JSON against the rfc8785 package, on the values entries and heads hold."""

import pytest
import rfc8785
from hypothesis import given
from hypothesis import strategies as st

from certificates.canonical import canonical_json

scalars = st.none() | st.booleans() | st.integers(-(2**53) + 1, 2**53 - 1) | st.text()
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner,
                                                                                         max_size=4), max_leaves=12)


@given(values)
def test_it_agrees_with_the_rfc8785_package(value):
    assert canonical_json(value) == rfc8785.dumps(value)


def test_keys_sort_by_utf16_code_units_as_rfc8785_says():
    value = {"\U0001f600": 1, "\ufb01": 2, "a": 3, "é": 4}  # an astral character sorts before U+FB01 in UTF-16
    assert canonical_json(value) == rfc8785.dumps(value)
    assert canonical_json(value).decode().index("\U0001f600") < canonical_json(value).decode().index("\ufb01")


def test_an_entry_is_compact_sorted_utf8():
    assert canonical_json({"b": "é\n", "a": [1, None, True]}) == '{"a":[1,null,true],"b":"é\\n"}'.encode()


def test_floats_and_huge_integers_are_refused():
    with pytest.raises(TypeError):
        canonical_json({"x": 1.5})
    with pytest.raises(ValueError):
        canonical_json(2**60)
