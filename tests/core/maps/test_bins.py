"""Map classes: breaks, labels, every value in exactly one class, in order."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from revitalization.maps.bins import (
    diverging_bins,
    equal_interval_bins,
    fixed_score_bins,
    jenks_breaks,
    make_bins,
    quantile_bins,
)


def test_jenks_finds_the_obvious_groups():
    assert jenks_breaks(np.array([1, 2, 3, 10, 11, 12, 30, 31]), 3) == [1.0, 6.5, 21.0, 31.0]


def test_equal_interval_and_fixed_bands():
    c = equal_interval_bins(pd.Series([0, 10, 20, 50]), 5, 1)
    assert c.edges == (0.0, 10.0, 20.0, 30.0, 40.0, 50.0)
    assert c.labels[0] == "< 10.0" and c.labels[-1] == "≥ 40.0"
    f = fixed_score_bins()
    assert f.assign(np.array([59.9, 60.0, 74.9, 85.0, 100.0, np.nan])).tolist() == [0, 1, 1, 3, 3, -1]


def test_diverging_bins_are_centred_on_zero_and_say_the_direction():
    c = diverging_bins(pd.Series([-8, -3, 0, 1, 2, 5, 9]))
    inner = np.array(c.edges[1:-1])
    assert np.allclose(inner, -inner[::-1])
    assert c.assign(np.array([0.0]))[0] == 3
    assert c.labels[0].startswith("↓") and c.labels[-1].startswith("↑")
    assert "基本持平" in c.labels[3]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(-1e4, 1e4, allow_nan=False), min_size=1, max_size=80),
       st.sampled_from(["quantile", "jenks", "equal"]))
def test_every_value_gets_a_class_in_order(values, scheme):
    v = pd.Series(values)
    c = make_bins(scheme, v, is_score=False, decimals=2)
    idx = c.assign(v)
    assert ((idx >= 0) & (idx < len(c.colors))).all()
    order = np.argsort(v.to_numpy(), kind="stable")
    assert (np.diff(idx[order]) >= 0).all()  # larger values never fall in a lower class
    assert len(c.labels) == len(c.colors)


def test_no_value_sits_on_a_class_edge():
    values = np.arange(1, 11, dtype=float)
    c = make_bins("jenks", pd.Series(values), is_score=False, decimals=1)
    idx = c.assign(values)
    assert idx[0] == 0 and idx[-1] == len(c.colors) - 1
    ranks = diverging_bins(pd.Series([-3, -1, 0, 1, 3]), 0, "位", up="上升", down="下降")
    got = dict(zip([-1, 0, 1], ranks.assign(np.array([-1.0, 0.0, 1.0])), strict=True))
    assert got[0] == 3 and got[-1] == 2 and got[1] == 4  # symmetric around 0
    assert ranks.labels[3] == "不变" and ranks.labels[4].startswith("↑ 上升 1")
    same = quantile_bins(pd.Series([5.0, 5.0, 5.0]), 5, 1)
    assert same.labels == ("5.0（全部相同）",) and (same.assign(np.array([5.0])) == 0).all()
