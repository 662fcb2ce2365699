"""Text columns of many sites: take_text, take_labels, labels_of and concat_rows.

Reference values are hand-worked: each output row is the value at the given position
(missing at -1), which is what the criteria's per-site loops did before the takes.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from gis_data.canonical import concat_rows, labels_of, null_text, take_labels, take_text

VALUES = ["Texas Eastern", None, "Transco"]
POS = np.array([2, 0, -1, 1, 2])
EXPECTED = ["Transco", "Texas Eastern", None, None, "Transco"]


def _plain(s: pd.Series) -> list:
    return [None if pd.isna(v) else v for v in s.tolist()]


@pytest.mark.parametrize("values", [VALUES, np.array(VALUES, dtype=object), pd.Series(VALUES, dtype="string")])
def test_take_text_is_the_value_at_each_position(values):
    out = take_text(values, POS, index=list("abcde"))
    assert out.dtype == "string"
    assert list(out.index) == list("abcde")
    assert _plain(out) == EXPECTED


def test_take_text_of_no_values_is_all_missing():
    assert _plain(take_text([], [-1, -1])) == [None, None]
    assert null_text(3).dtype == "string" and null_text(3).isna().all()


def test_take_labels_is_categorical_with_each_sentence_once():
    sentences = ["a long sentence " * 5, "another long sentence " * 5]
    out = take_labels(sentences, np.array([0, 1, 1, -1, 0] * 1000))
    assert isinstance(out.dtype, pd.CategoricalDtype)
    assert list(out.cat.categories) == sentences
    assert _plain(out[:5]) == [sentences[0], sentences[1], sentences[1], None, sentences[0]]
    # a code per row, not the sentence: far below the 5000 x ~100 bytes of the text
    assert out.memory_usage(deep=True) < 20_000
    assert _plain(take_labels(VALUES, POS)) == EXPECTED


def test_labels_of_is_the_text_of_each_row():
    out = labels_of(np.array(["low", "high", "low", "moderate"], dtype=object))
    assert list(out) == ["low", "high", "low", "moderate"]
    assert list(out.categories) == ["low", "high", "moderate"]
    assert len(labels_of(np.array([], dtype=object))) == 0


def test_concat_rows_keeps_labels_categorical_and_loses_no_value():
    a = take_labels(["s1", "s2"], [0, 1, -1]).to_frame("basis").assign(x=[1.0, 2.0, 3.0])
    b = take_labels(["s3"], [0, 0]).to_frame("basis").assign(x=[4.0, 5.0])
    c = pd.DataFrame({"basis": pd.Series(["plain text", None], dtype="string"), "x": [6.0, 7.0]})
    out = concat_rows([a, b, c])
    assert isinstance(out["basis"].dtype, pd.CategoricalDtype)
    # a chunk that holds the column as plain text keeps its values (the union includes them)
    assert _plain(out["basis"]) == ["s1", "s2", None, "s3", "s3", "plain text", None]
    assert out["x"].tolist() == [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0]
    # plain pandas.concat would turn the column into one string per row
    assert not isinstance(pd.concat([a, b])["basis"].dtype, pd.CategoricalDtype)
    assert concat_rows([a]).equals(a)
