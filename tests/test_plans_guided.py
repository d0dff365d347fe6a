"""The guided session, driven by scripted answers and a fake clock against a real SQLite store."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import pytest
from rich.console import Console

from upperback.plans.examples import EXAMPLE_PROFILES
from upperback.plans.guided import GuidedSession
from upperback.plans.programme import build_programme
from upperback.plans.progression import parse_notes
from upperback.plans.today import next_session, unfinished_session
from upperback.store import open_store

PROFILE = EXAMPLE_PROFILES["beginner-light-dumbbells"][1]
NOW = datetime(2030, 1, 6, 12, 0, tzinfo=UTC)


class ScriptedIO:
    """Answers prompts from a script and advances a fake clock instead of sleeping.

    A script entry may be an exception to raise (a simulated Ctrl-C). ``enter_after`` maps a
    countdown number (0-based) to the second at which Enter is pressed during it.
    """

    def __init__(self, answers, enter_after=None):
        self.answers = list(answers)
        self.prompts: list[str] = []
        self.time = 0.0
        self.countdowns = 0
        self.enter_after = enter_after or {}
        self._started: float | None = None

    def now(self) -> float:
        return self.time

    def wait_for_enter(self, timeout_s: float) -> bool:
        if self._started is None:
            self._started = self.time
        press = self.enter_after.get(self.countdowns)
        if press is not None and self.time + timeout_s >= self._started + press:
            self.time = self._started + press
            self._end_countdown()
            return True
        self.time += timeout_s
        return False

    def _end_countdown(self) -> None:
        self.countdowns += 1
        self._started = None

    def ask(self, prompt: str) -> str:
        if self._started is not None:  # the previous countdown ran out
            self._end_countdown()
        self.prompts.append(prompt)
        answer = self.answers.pop(0)
        if isinstance(answer, BaseException):
            raise answer
        return answer


class Wall:
    def __init__(self):
        self.at = NOW

    def __call__(self) -> datetime:
        self.at += timedelta(seconds=20)
        return self.at


@pytest.fixture
def store(tmp_path):
    with open_store("sqlite:///" + str(tmp_path / "t.db")) as opened:
        yield opened


def guide(session, store, io_):
    console = Console(file=io.StringIO(), width=120)
    result = GuidedSession(session, store, io_, console, wall_clock=Wall()).run()
    return result, console.file.getvalue()


def main_only(session):
    """The session's strength work only (row and reverse fly)."""
    return session.model_copy(update={"items": [i for i in session.items if i.block == "main"]})


def test_full_session_logs_every_set_with_its_numbers(store):
    session = next_session(build_programme(PROFILE, 1, now=NOW), [])
    row_sets, fly_sets, carries = (
        next(i.sets for i in session.items if i.movement_id == m)
        for m in ("bent-over-row", "reverse-fly", "farmers-carry")
    )
    warm_up = sum(i.sets for i in session.items if i.block == "warm-up")
    answers = [""] + [""] * warm_up  # begin, each warm-up round
    answers += ["11", "", "8"] * row_sets  # reps, default weight, RPE
    answers += ["18", "3", ""] * fly_sets  # reps, heavier weight, no RPE
    answers += ["", ""] * carries  # start the walk, default weight
    io_ = ScriptedIO(answers)
    result, out = guide(session, store, io_)
    assert result.finished and result.sets_logged == warm_up + row_sets + fly_sets + carries
    logged = store.sets()
    assert len(logged) == result.sets_logged
    rows = [s for s in logged if s.exercise_id == "bent-over-row"]
    assert [(s.reps, s.load, s.rpe, s.set_type) for s in rows] == [(11, 6.0, 8.0, "normal")] * row_sets
    flies = [s for s in logged if s.exercise_id == "reverse-fly"]
    assert {(s.reps, s.load, s.rpe) for s in flies} == {(18, 3.0, None)}
    walks = [s for s in logged if s.exercise_id == "farmers-carry"]
    assert all(s.duration_s == 45 for s in walks), "the whole timed walk ran on the fake clock"
    assert {s.session_id for s in logged} == {result.session_id}
    assert all(s.source == "session" for s in logged)
    assert "Session done" in out
    ended = [r for r in store.sessions() if r.id == result.session_id][0]
    assert ended.ended_at is not None


def test_ctrl_c_after_two_sets_keeps_exactly_those_two(store):
    session = main_only(next_session(build_programme(PROFILE, 1, now=NOW), []))
    io_ = ScriptedIO(["", "10", "", "8", "9", "", "", KeyboardInterrupt()])
    result, out = guide(session, store, io_)
    assert not result.finished and result.sets_logged == 2
    assert [(s.set_index, s.reps, s.rpe) for s in store.sets()] == [(1, 10, 8.0), (2, 9, None)]
    assert "Stopped early: 2 sets saved" in out
    ended = [r for r in store.sessions() if r.id == result.session_id][0]
    assert ended.ended_at is not None, "the session is closed even when interrupted"


def test_q_at_a_prompt_stops_like_ctrl_c(store):
    session = main_only(next_session(build_programme(PROFILE, 1, now=NOW), []))
    result, _ = guide(session, store, ScriptedIO(["", "10", "", "", "q"]))
    assert result.sets_logged == 1 and len(store.sets()) == 1


def test_enter_skips_the_rest_and_bad_input_is_asked_again(store):
    session = main_only(next_session(build_programme(PROFILE, 1, now=NOW), []))
    row = session.items[0]
    io_ = ScriptedIO(["", "ten", "10", "", "11", "7", "9", "", "", KeyboardInterrupt()], enter_after={0: 5})
    result, out = guide(session, store, io_)
    assert result.sets_logged == 2
    assert "'ten' is not a whole number" in out and "from 1 to 10" in out
    assert store.sets()[1].rpe is None and store.sets()[0].rpe == 7.0
    # The first rest was skipped after 5 s, the second ran its full length on the fake clock.
    assert io_.time == 5 + row.rest_s


def test_band_and_tempo_are_noted_for_the_next_session(store):
    profile = EXAMPLE_PROFILES["desk-worker-band"][1]
    session = main_only(next_session(build_programme(profile, 1, now=NOW), []))
    answers = [""] + ["15", ""] * sum(i.sets for i in session.items)
    result, _ = guide(session, store, ScriptedIO(answers))
    assert result.finished
    assert all(parse_notes(s.notes)["band"] == "medium" for s in store.sets())


def test_next_session_moves_on_after_a_guided_session(store):
    programme = build_programme(PROFILE, 1, now=NOW)
    first = next_session(programme, store.sets())
    answers = [""] * 5 + ["12", "", ""] * 5 + ["", ""] * 2
    guide(first, store, ScriptedIO(answers))
    second = next_session(programme, store.sets())
    assert (first.day, second.day) == (1, 3)
    row = next(i for i in second.items if i.movement_id == "bent-over-row")
    assert row.load.kg == 8.0, "every row set reached 12: next dumbbell"


def test_a_stopped_session_is_offered_again_and_carries_on_where_it_stopped(store):
    programme = build_programme(PROFILE, 1, now=NOW)
    first = next_session(programme, [])
    warm_up = sum(i.sets for i in first.items if i.block == "warm-up")
    stopped, _ = guide(first, store, ScriptedIO([""] + [""] * warm_up + ["10", "", "8", "q"]))
    assert not stopped.finished and stopped.sets_logged == warm_up + 1
    unfinished = unfinished_session(programme, store.sets())
    assert unfinished is not None and unfinished.session_id == stopped.session_id
    assert unfinished.session.title == first.title and len(unfinished.done) == warm_up + 1

    row = next(i for i in first.items if i.block == "main")
    rest_of_day = sum(i.sets for i in first.items) - warm_up - 1
    answers = [""] + ["11", "", "8"] * (row.sets - 1)
    answers += ["12", "", ""] * sum(i.sets for i in first.items if i.block == "main" and i is not row)
    answers += ["", ""] * sum(i.sets for i in first.items if i.block == "carry")
    console = Console(file=io.StringIO(), width=120)
    resumed = GuidedSession(first, store, ScriptedIO(answers), console, wall_clock=Wall(), resume=unfinished).run()
    assert resumed.finished and resumed.sets_logged == rest_of_day
    assert resumed.session_id == stopped.session_id
    assert "Carrying on" in console.file.getvalue()
    logged = store.sets()
    assert {s.session_id for s in logged} == {stopped.session_id}
    rows = sorted(s.set_index for s in logged if s.variant_id == row.variant_id)
    assert rows == list(range(1, row.sets + 1)), "each set once: none repeated, none missing"
    assert unfinished_session(programme, logged) is None
    assert next_session(programme, logged).day == 3  # the day is done: the plan moves on
