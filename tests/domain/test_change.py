"""Reliable change (Jacobson–Truax) and Cronbach's alpha against hand-computed values."""

from __future__ import annotations

import math

import pytest

from reattune.domain.instruments.change import (
    DEFAULT_RELIABILITY,
    MIN_RESPONSES_FOR_ALPHA,
    choose_reliability,
    choose_sd,
    cronbach_alpha,
    reliable_change,
)


def test_default_reliability_is_conservative():
    assert DEFAULT_RELIABILITY == 0.70
    assert MIN_RESPONSES_FOR_ALPHA == 30


def test_rci_small_change_is_not_reliable():
    # SE = 1.0 * sqrt(0.3) = 0.5477225575; S_diff = sqrt(2) * SE = 0.7745966692
    # RCI = (1.0 - 2.0) / 0.7745966692 = -1.2909944487
    result = reliable_change(2.0, 1.0, sd=1.0, r=0.70)
    assert result.diff == -1.0
    assert result.se == pytest.approx(0.5477225575)
    assert result.s_diff == pytest.approx(0.7745966692)
    assert result.rci == pytest.approx(-1.2909944487)
    assert result.reliable is False
    assert result.direction == "down"
    assert result.verdict == "no reliable change"


def test_rci_large_change_is_reliable_and_has_a_verdict():
    # SE = 0.8 * sqrt(0.15) = 0.3098386677; S_diff = 0.4381780460; RCI = -2 / S_diff
    result = reliable_change(3.2, 1.2, sd=0.8, r=0.85, higher_means="strain")
    assert result.se == pytest.approx(0.3098386677)
    assert result.s_diff == pytest.approx(0.4381780460)
    assert result.rci == pytest.approx(-4.5643546458)
    assert result.reliable is True
    assert result.direction == "down"
    assert result.verdict == "better"  # less strain
    assert reliable_change(1.2, 3.2, 0.8, 0.85, higher_means="strain").verdict == "worse"
    assert reliable_change(1.2, 3.2, 0.8, 0.85, higher_means="strength").verdict == "better"
    assert reliable_change(1.2, 3.2, 0.8, 0.85).verdict == "up"


def test_rci_threshold_is_strictly_above_1_96():
    # SD 10, r 0.8: SE = 4.472135955, S_diff = 6.32455532
    assert reliable_change(0, 12.5, 10, 0.8).rci == pytest.approx(1.976423538)
    assert reliable_change(0, 12.5, 10, 0.8).reliable
    assert reliable_change(0, 12.3, 10, 0.8).rci == pytest.approx(1.944800961)
    assert not reliable_change(0, 12.3, 10, 0.8).reliable
    s_diff = math.sqrt(2) * 10 * math.sqrt(0.2)
    assert not reliable_change(0, 1.9599 * s_diff, 10, 0.8).reliable


def test_rci_no_spread_and_bad_input():
    flat = reliable_change(1, 3, sd=0, r=0.7)
    assert flat.rci is None and flat.reliable is False
    assert reliable_change(2, 2, 1, 0.7).direction == "none"
    with pytest.raises(ValueError, match="r must be between 0 and 1"):
        reliable_change(1, 2, 1, 1.5)
    with pytest.raises(ValueError, match="sd must not be negative"):
        reliable_change(1, 2, -1, 0.7)
    with pytest.raises(ValueError, match="prev must be a finite number"):
        reliable_change(None, 2, 1, 0.7)
    assert set(reliable_change(1, 2, 1, 0.7).to_dict()) >= {"diff", "se", "s_diff", "rci"}


def test_alpha_hand_computed():
    rows = [[1, 2, 3], [2, 3, 3], [3, 3, 4], [4, 5, 5]]
    # item variances 5/3, 19/12, 11/12 (sum 25/6); total variance 35/3
    # alpha = 3/2 * (1 - (25/6) / (35/3)) = 27/28
    assert cronbach_alpha(rows) == pytest.approx(27 / 28)


def test_alpha_edge_cases():
    assert cronbach_alpha([]) is None
    assert cronbach_alpha([[1, 2, 3]]) is None  # one respondent
    assert cronbach_alpha([[1], [2], [3]]) is None  # one item
    assert cronbach_alpha([[2, 2], [2, 2], [2, 2]]) is None  # no spread
    assert cronbach_alpha([[1, 2], [2, 3, 4]]) is None  # ragged
    # incomplete rows are left out
    rows = [[1, 2, 3], [2, 3, 3], [3, None, 4], [3, 3, 4], [4, 5, 5]]
    assert cronbach_alpha(rows) == pytest.approx(27 / 28)
    # items that run against each other give a negative alpha
    assert cronbach_alpha([[1, 4], [2, 2], [3, 3], [4, 1]]) == pytest.approx(-8)


def test_choose_reliability_needs_30_complete_responses():
    rows = [[1, 2, 3], [2, 3, 3], [3, 3, 4], [4, 5, 5]]
    few = (rows * 8)[:29]
    assert choose_reliability(few) == (DEFAULT_RELIABILITY, "default")
    assert choose_reliability(few + [[1, None, 2]]) == (DEFAULT_RELIABILITY, "default")
    enough = (rows * 8)[:30]
    r, source = choose_reliability(enough)
    assert source == "installation"
    assert r == pytest.approx(cronbach_alpha(enough))
    # no spread: fall back to the default
    assert choose_reliability([[2, 2]] * 40) == (DEFAULT_RELIABILITY, "default")
    # negative alpha is clipped to 0 (the most cautious value)
    assert choose_reliability([[1, 4], [2, 2], [3, 3], [4, 1]] * 10) == (0.0, "installation")


def test_choose_sd():
    assert choose_sd([1.0, 2.0], 0, 4) == (1.0, "default")
    values = [0.0, 2.0] * 15
    sd, source = choose_sd(values, 0, 4)
    assert source == "installation"
    assert sd == pytest.approx(math.sqrt(sum((v - 1) ** 2 for v in values) / 29))
