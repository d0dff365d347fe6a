"""The rep counter on synthetic signals, and robustness to bad input."""

from __future__ import annotations

import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from upperback.form.reps import RepCounter, RepRules

RULES = RepRules(direction=-1, min_depth=25.0)


def run(times, values, active=None):
    counter = RepCounter(RULES)
    active = np.ones(len(times), bool) if active is None else active
    reps = [r for t, v, a in zip(times, values, active) if (r := counter.update(t, v, a))]
    last = counter.finish()
    return reps + [last] if last else reps


def rows(n_reps: int, depth: float, period_s: float = 3.0, rate_hz: float = 10.0):
    times = np.arange(0, n_reps * period_s + 2.0, 1 / rate_hz)
    phase = np.clip(times - 1.0, 0, n_reps * period_s)
    values = 160 - depth * (1 - np.cos(2 * np.pi * phase / period_s)) / 2
    return times, values


def test_counts_each_full_cycle():
    times, values = rows(5, 70)
    reps = run(times, values)
    assert len(reps) == 5
    for rep, k in zip(reps, range(5)):
        assert abs(rep.top_s - (1.0 + 1.5 + 3 * k)) < 0.15
        assert abs(rep.depth - 70) < 2


def test_shallow_movements_are_not_reps():
    times, values = rows(8, 12)
    assert run(times, values) == []


def test_no_reps_while_gate_closed():
    times, values = rows(6, 70)
    active = times > 10.0
    reps = run(times, values, active)
    assert all(r.start_s > 10.0 for r in reps)
    assert 2 <= len(reps) <= 3


def test_rep_ends_when_the_arms_are_back_at_rest():
    times, values = rows(3, 70, period_s=4.0)
    for rep in run(times, values):
        # cosine cycle: back at rest one full period after the start
        assert abs((rep.end_s - rep.start_s) - 4.0) < 0.5
        assert rep.end_s - rep.top_s > 1.5


def test_rep_is_reported_when_the_gate_closes_right_after_it():
    times, values = rows(2, 70)
    active = times < 7.05  # stands up right at the end of the second rep
    assert len(run(times, values, active)) == 2


def test_noise_does_not_add_reps():
    rng = np.random.default_rng(7)
    times, values = rows(6, 60)
    assert len(run(times, values + rng.normal(0, 3, len(values)))) == 6


@settings(max_examples=60, deadline=None)
@given(st.lists(st.one_of(st.floats(-1e6, 1e6), st.just(math.nan)), max_size=300), st.floats(0.5, 60))
def test_never_crashes_on_arbitrary_samples(values, rate_hz):
    times = np.arange(len(values)) / rate_hz
    reps = run(times, np.array(values, dtype=float))
    for rep in reps:
        assert rep.start_s <= rep.top_s <= rep.end_s


def test_explosive_reps_of_under_a_second_count():
    times, values = rows(6, 70, period_s=0.8)
    assert len(run(times, values)) == 6


def test_wiggles_in_a_set_of_big_reps_do_not_count_against_the_sets_own_range():
    """Big reps (70°) alternate with small movements (20°): above a 10° floor, below 40 % of the
    set's own range, so only the big ones count."""
    period_s = 3.0
    times = np.arange(0, 6 * period_s + 2.0, 0.1)
    phase = np.clip(times - 1.0, 0, 6 * period_s)
    depth = np.where((phase // period_s) % 2 == 0, 70.0, 20.0)
    values = 160 - depth * (1 - np.cos(2 * np.pi * phase / period_s)) / 2

    def count(rules: RepRules) -> list:
        counter = RepCounter(rules)
        reps = [r for t, v in zip(times, values) if (r := counter.update(t, v))]
        return reps + [r for r in [counter.finish()] if r]

    assert len(count(RepRules(direction=-1, min_depth=10.0))) == 6  # the floor alone counts all
    big = count(RepRules(direction=-1, min_depth=10.0, relative_depth=0.4))
    assert len(big) == 3 and all(r.depth > 60 for r in big)
