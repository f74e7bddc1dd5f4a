"""The benchmark statistics: percentiles, medians with spread, ratios taken pair by pair."""

import pytest

from bench.stats import (
    latency_profile,
    pairwise_differences,
    pairwise_ratios,
    percentile,
    summarise,
)


@pytest.mark.parametrize(
    ("values", "pct", "expected"),
    [
        ([5.0], 50, 5.0),
        ([1.0, 2.0, 3.0, 4.0], 50, 2.5),
        ([1.0, 2.0, 3.0, 4.0, 5.0], 25, 2.0),
        ([4.0, 1.0, 3.0, 2.0, 5.0], 100, 5.0),
        ([4.0, 1.0, 3.0, 2.0, 5.0], 0, 1.0),
        (list(map(float, range(1, 101))), 99, 99.01),
    ],
)
def test_percentile_interpolates_linearly_like_numpy(values, pct, expected):
    assert percentile(values, pct) == pytest.approx(expected)


def test_percentile_of_nothing_is_an_error():
    with pytest.raises(ValueError, match="no values"):
        percentile([], 50)


def test_percentile_outside_0_to_100_is_an_error():
    with pytest.raises(ValueError, match=r"0\.\.100"):
        percentile([1.0], 101)


def test_summary_gives_median_quartiles_and_range():
    summary = summarise([10.0, 1.0, 7.0, 3.0, 5.0])
    assert (summary.n, summary.median, summary.q1, summary.q3) == (5, 5.0, 3.0, 7.0)
    assert (summary.min, summary.max) == (1.0, 10.0)


def test_summary_text_shows_the_spread_only_for_repeated_runs():
    assert summarise([2.0]).text() == "2.0"
    assert summarise([1.0, 2.0, 3.0]).text() == "2.0 (IQR 1.5–2.5)"


def test_summary_of_no_runs_is_an_error():
    with pytest.raises(ValueError, match="no measurements"):
        summarise([])


def test_ratios_pair_run_i_with_reference_run_i():
    # A drifting machine: both sides slow down together, the pairwise ratio stays put.
    assert pairwise_ratios([2.0, 4.0, 8.0], [1.0, 2.0, 4.0]) == [2.0, 2.0, 2.0]


def test_median_of_pairwise_ratios_differs_from_ratio_of_medians():
    ours, ref = [1.0, 10.0, 10.0], [1.0, 5.0, 20.0]
    assert summarise(pairwise_ratios(ours, ref)).median == 1.0
    assert summarise(ours).median / summarise(ref).median == 2.0


def test_unpaired_runs_are_refused():
    with pytest.raises(ValueError, match="unpaired"):
        pairwise_ratios([1.0, 2.0], [1.0])
    with pytest.raises(ValueError, match="unpaired"):
        pairwise_differences([1.0], [])


def test_a_zero_reference_is_refused_rather_than_dividing_by_it():
    with pytest.raises(ValueError, match="zero"):
        pairwise_ratios([1.0], [0.0])


def test_pairwise_differences_are_added_milliseconds():
    assert pairwise_differences([12.0, 15.0], [10.0, 14.5]) == [2.0, 0.5]


def test_latency_profile_reports_p50_p95_p99_and_count():
    profile = latency_profile([float(ms) for ms in range(1, 101)])
    assert profile["n"] == 100
    assert profile["p50"] == pytest.approx(50.5)
    assert profile["p95"] == pytest.approx(95.05)
    assert profile["p99"] == pytest.approx(99.01)
