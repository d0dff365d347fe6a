"""Slowing down password guessing: sign-in attempts limited per client and for the whole server.

Every attempt counts the moment it starts (so parallel guesses queue behind each other instead
of being checked at once). After a few free tries each further attempt doubles the wait before
the next one, per client address and, with more free tries, for all clients together (guesses
spread over many addresses). A client that signs in correctly starts again from zero; counts
are forgotten after a quiet spell. The counts live in the server's memory.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Rule:
    free_tries: int
    """Attempts allowed back to back before any wait."""
    longest_wait_s: float
    """The doubling stops here."""


PER_CLIENT = Rule(free_tries=3, longest_wait_s=15 * 60)
"""Three typing slips in a row are normal; then 2 s, 4 s, 8 s ... up to a quarter of an hour."""
ALL_CLIENTS = Rule(free_tries=10, longest_wait_s=5 * 60)
"""Room for a few people signing in at once; capped lower, since it also holds back the owner."""
FORGET_AFTER_S = 15 * 60
"""Attempts are forgotten after this long without one."""
MAX_CLIENTS = 10_000
"""Addresses remembered at most (the oldest go first), so many addresses cannot fill the memory;
the count for all clients together still holds them back."""


@dataclass
class _Count:
    attempts: int = 0
    last_s: float = -math.inf
    next_allowed_s: float = -math.inf


class SignInLimiter:
    """Decides whether a sign-in attempt may go ahead now, and if not, for how long it must wait."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self._clients: dict[str, _Count] = {}
        self._everyone = _Count()
        self._lock = threading.Lock()

    def begin(self, client: str) -> float:
        """Seconds to wait before ``client`` may try; 0 means go ahead (and the attempt is counted)."""
        now = self.clock()
        with self._lock:
            self._forget_old(now)
            mine = self._clients.setdefault(client, _Count())
            wait = max(mine.next_allowed_s, self._everyone.next_allowed_s) - now
            if wait > 0:
                return wait
            _count(mine, PER_CLIENT, now)
            _count(self._everyone, ALL_CLIENTS, now)
            return 0.0

    def succeeded(self, client: str) -> None:
        """The right password: this client's attempts start again from zero."""
        with self._lock:
            self._clients.pop(client, None)

    def _forget_old(self, now: float) -> None:
        for client in [c for c, count in self._clients.items() if now - count.last_s > FORGET_AFTER_S]:
            del self._clients[client]
        while len(self._clients) >= MAX_CLIENTS:  # dicts keep insertion order: the first came longest ago
            del self._clients[next(iter(self._clients))]
        if now - self._everyone.last_s > FORGET_AFTER_S:
            self._everyone = _Count()


def _count(count: _Count, rule: Rule, now: float) -> None:
    count.attempts += 1
    count.last_s = now
    beyond = count.attempts - rule.free_tries
    if beyond > 0:
        count.next_allowed_s = now + min(2.0 ** min(beyond, 30), rule.longest_wait_s)


def wait_words(seconds: float) -> str:
    """``"12 seconds"``, ``"4 minutes"``: how long until the next try, rounded up."""
    whole = max(1, math.ceil(seconds))
    if whole < 90:
        return f"{whole} second{'s' if whole != 1 else ''}"
    minutes = math.ceil(whole / 60)
    return f"{minutes} minutes"
