"""A guided session in the terminal: each step with its cues, timers, and the log as you go.

Each set is saved the moment its numbers are entered (one transaction per set, inside a
training session), so stopping with Ctrl-C, or typing ``q`` at any prompt, keeps everything
entered so far. The clock and the keyboard come in through :class:`SessionIO`, so tests drive
a whole session without waiting.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Protocol

from rich.console import Console, Group
from rich.live import Live
from rich.panel import Panel
from rich.text import Text

from upperback.library import Library, get_library
from upperback.limits import LOAD_KG, REPS, RPE, Limit
from upperback.plans.models import Item, PlannedSession
from upperback.plans.progression import set_notes
from upperback.plans.today import Unfinished

if TYPE_CHECKING:
    from upperback.store import Store

QUIT_WORDS = {"q", "quit", "stop"}
TICK_S = 1.0
SAFETY_CUES_SHOWN = 3


class SessionIO(Protocol):
    """The clock and keyboard a guided session uses."""

    def now(self) -> float:
        """Monotonic seconds."""

    def wait_for_enter(self, timeout_s: float) -> bool:
        """Wait up to ``timeout_s``; True as soon as Enter is pressed."""

    def ask(self, prompt: str) -> str:
        """One line typed by the user."""


class TerminalIO:
    """The real terminal: ``time.monotonic`` and standard input."""

    def __init__(self, console: Console) -> None:
        self.console = console

    def now(self) -> float:
        return time.monotonic()

    def wait_for_enter(self, timeout_s: float) -> bool:
        if sys.platform == "win32":  # select() does not work on console handles there
            import msvcrt

            end = time.monotonic() + timeout_s
            while time.monotonic() < end:
                if msvcrt.kbhit() and msvcrt.getwch() in "\r\n":
                    return True
                time.sleep(0.05)
            return False
        import select

        ready, _, _ = select.select([sys.stdin], [], [], max(timeout_s, 0.0))
        if ready:
            sys.stdin.readline()
            return True
        return False

    def ask(self, prompt: str) -> str:
        return self.console.input(prompt)


@dataclass(frozen=True)
class GuidedResult:
    session_id: int
    sets_logged: int
    finished: bool


class _Quit(Exception):
    """The user typed q at a prompt."""


class GuidedSession:
    """Walks through one planned session, logging every set to ``store`` as it is entered."""

    def __init__(
        self,
        session: PlannedSession,
        store: Store,
        io: SessionIO,
        console: Console,
        library: Library | None = None,
        wall_clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        resume: Unfinished | None = None,
    ) -> None:
        """With ``resume``, carry on with that stopped session: its logged sets are skipped and
        new ones join the same training session."""
        self.session = resume.session if resume else session
        self.resume = resume
        self.store = store
        self.io = io
        self.console = console
        self.library = library or get_library()
        self.wall_clock = wall_clock
        self.logged = 0

    def run(self) -> GuidedResult:
        """Guide the whole session; Ctrl-C or ``q`` ends it early, keeping what was logged."""
        if self.resume is not None:
            session_id = self.resume.session_id
        else:
            session_id = self.store.start_session(
                f"upperback: {self.session.title}", source="session", started_at=self.wall_clock()
            )
        finished = False
        try:
            self._intro()
            for index, item in enumerate(self.session.items):
                if not self._to_do(item):
                    continue
                self._item(item, session_id)
                if index + 1 < len(self.session.items) and item.rest_s:
                    self.countdown(item.rest_s, f"Rest, then {self.session.items[index + 1].variant_name}")
            finished = True
            self.console.print(f"[bold green]Session done.[/bold green] {self.logged} sets saved.")
        except (KeyboardInterrupt, _Quit):
            self.console.print(f"\nStopped early: {self.logged} sets saved.")
        finally:
            self.store.end_session(session_id, ended_at=self.wall_clock())
        return GuidedResult(session_id=session_id, sets_logged=self.logged, finished=finished)

    # ------------------------------------------------------------------ steps

    def _intro(self) -> None:
        tips = [f"• {tip.title}" for tip in self.library.guidance.before_lifting]
        plan = [f"{n}. {item.variant_name}: {item.dose_text}" for n, item in enumerate(self.session.items, start=1)]
        body = Group(
            Text(f"About {self.session.minutes} minutes.", style="bold"),
            Text("\n".join(plan)),
            Text("\nBefore you start:\n" + "\n".join(tips), style="dim"),
        )
        title = self.session.title + (" (deload)" if self.session.deload else "")
        self.console.print(Panel(body, title=title))
        if self.resume is not None:
            saved = self.resume.planned_sets - self.resume.sets_left
            self.console.print(
                f"Carrying on: {saved} of {self.resume.planned_sets} sets are already saved; "
                "the next one is where you stopped."
            )
        self.console.print("Press Enter at a timer to skip it; type q at any prompt to stop.")
        self._ask("Press Enter to begin ")

    def _to_do(self, item: Item) -> list[int]:
        """The set numbers of ``item`` still to do (all of them unless resuming)."""
        done = self.resume.done if self.resume is not None else frozenset()
        return [n for n in range(1, item.sets + 1) if (item.variant_id, n) not in done]

    def _item(self, item: Item, session_id: int) -> None:
        self.console.print(self._card(item))
        numbers = self._to_do(item)
        if item.ramp_up and numbers[0] == 1:
            self._ask(f"{item.ramp_up} Press Enter when done ")
        for number in numbers:
            self._set(item, number, session_id)
            if number < item.sets and item.rest_s:
                self.countdown(item.rest_s, f"Rest before set {number + 1}")

    def _card(self, item: Item) -> Panel:
        movement = self.library.movement(item.movement_id)
        _, variant = self.library.variant(item.variant_id)
        lines = [Text(f"{item.dose_text}" + (f", {item.load.text}" if item.load else ""), style="bold")]
        if item.tempo:
            lines.append(Text(f"Tempo: {item.tempo}"))
        if item.rir is not None:
            lines.append(Text(f"Stop each set with about {item.rir} reps in reserve."))
        steps = variant.how or [step.text for step in movement.steps]
        lines.append(Text("\n".join(f"- {step}" for step in steps)))
        cues = [cue.text for cue in movement.safety][:SAFETY_CUES_SHOWN] + list(item.cues)
        lines.append(Text("\n".join(f"! {cue}" for cue in cues), style="yellow"))
        return Panel(Group(*lines), title=f"{item.movement_name}: {item.variant_name}")

    def _set(self, item: Item, number: int, session_id: int) -> None:
        side = " (each side)" if item.per_side else ""
        reps: int | None = None
        duration: float | None = None
        load: float | None = None
        rpe: float | None = None
        if item.block == "warm-up":
            self._ask(f"Set {number}: {item.work} reps{side}. Press Enter when done ")
            reps = item.work.high
        elif item.unit == "s":
            sides = ("right hand", "left hand") if item.per_side else ("",)
            times = []
            for hand in sides:
                label = f"Walk {number}" + (f", {hand}" if hand else "")
                self._ask(f"{label}: {item.work} s. Press Enter to start ")
                times.append(self.countdown(item.work.high, label))
            duration = round(sum(times) / len(times), 1)
            load = self._ask_load(item)
        else:
            self.console.print(f"Set {number} of {item.sets}: {item.work} reps{side}.")
            done = self._ask_number(f"Reps done{side} ", REPS)  # REPS is whole: an int when given
            reps = None if done is None else int(done)
            load = self._ask_load(item)
            rpe = self._ask_number("How hard, RPE 1-10 (Enter to skip) ", RPE, optional=True)
        self._log(item, number, session_id, reps=reps, duration=duration, load=load, rpe=rpe)

    def _log(
        self,
        item: Item,
        number: int,
        session_id: int,
        *,
        reps: int | None,
        duration: float | None,
        load: float | None,
        rpe: float | None,
    ) -> None:
        from upperback.store import LoggedSet, SetType, WeightUnit

        band = item.load.band if item.load else None
        self.store.log_set(
            LoggedSet(
                performed_at=self.wall_clock(),
                exercise_id=item.movement_id,
                exercise_name=item.movement_name,
                variant_id=item.variant_id,
                set_index=number,
                set_type=SetType.WARMUP if item.block == "warm-up" else SetType.NORMAL,
                reps=reps,
                load=load,
                load_unit=WeightUnit.KG if load is not None else None,
                duration_s=duration,
                rpe=rpe,
                notes=set_notes(band, item.tempo_step, self.session.deload),
                session_id=session_id,
                source="session",
            )
        )
        self.logged += 1

    # ------------------------------------------------------------------ timers and prompts

    def countdown(self, seconds: float, label: str) -> float:
        """Count ``seconds`` down on a live display; Enter ends it early. Returns seconds elapsed."""
        start = self.io.now()
        end = start + seconds
        with Live(self._timer(label, seconds), console=self.console, transient=True, auto_refresh=False) as live:
            while (left := end - self.io.now()) > 0:
                live.update(self._timer(label, left), refresh=True)
                if self.io.wait_for_enter(min(TICK_S, left)):
                    break
        return self.io.now() - start

    @staticmethod
    def _timer(label: str, left_s: float) -> Panel:
        minutes, seconds = divmod(int(round(left_s)), 60)
        return Panel(
            Text(f"{minutes}:{seconds:02d}", style="bold cyan", justify="center"), title=label, subtitle="Enter to skip"
        )

    def _ask(self, prompt: str) -> str:
        answer = self.io.ask(prompt).strip()
        if answer.lower() in QUIT_WORDS:
            raise _Quit
        return answer

    def _ask_load(self, item: Item) -> float | None:
        if item.load is None or item.load.kg is None:
            return None
        return self._ask_number(f"Weight in kg [{item.load.kg:g}] ", LOAD_KG, default=item.load.kg)

    def _ask_number(
        self, prompt: str, limit: Limit, *, default: float | None = None, optional: bool = False
    ) -> float | None:
        """A number within ``limit`` (see :mod:`upperback.limits`), asked again until it is one."""
        whole = limit.whole
        while True:
            answer = self._ask(prompt).replace(",", ".")
            if not answer:
                if default is not None or optional:
                    return default
                self.console.print("Please type a number.")
                continue
            try:
                value = int(answer) if whole else float(answer)
            except ValueError:
                self.console.print(f"'{answer}' is not a {'whole ' if whole else ''}number; try again.")
                continue
            if limit.problem(value):
                self.console.print(f"Give a number {limit.describe()}.")
                continue
            return value
