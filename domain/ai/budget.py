"""Budget: the hard spending cap; a call reserves its worst case, then settles what it really cost."""

from __future__ import annotations

import itertools
import math
import threading
from decimal import Decimal

import attrs

from agentic_synth.domain.errors import BudgetExceeded, ConfigError


@attrs.frozen
class Reservation:
    """Money set aside for one call in flight."""

    id: int
    amount: Decimal


class Budget:
    """A hard spending cap, safe to share between threads.

    A call reserves its worst case first; the reservation is refused when what is spent plus
    what is reserved by calls in flight plus the new worst case would pass the limit. The
    call then settles its actual cost (or releases the reservation when it failed). Without
    a limit the budget only keeps count.
    """

    def __init__(self, limit_usd: float | Decimal | None = None) -> None:
        if limit_usd is not None and (isinstance(limit_usd, bool) or not isinstance(limit_usd, int | float | Decimal)
                                      or not math.isfinite(limit_usd) or limit_usd <= 0):
            raise ConfigError(f"budget must be a positive amount in USD, got {limit_usd!r}")
        self.limit: Decimal | None = None if limit_usd is None else Decimal(str(limit_usd))
        self._spent = Decimal(0)
        self._open: dict[int, Decimal] = {}
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self._settled = threading.Condition(self._lock)  # notified when a call in flight settles

    @property
    def spent(self) -> Decimal:
        with self._lock:
            return self._spent

    @property
    def reserved(self) -> Decimal:
        with self._lock:
            return sum(self._open.values(), Decimal(0))

    @property
    def remaining(self) -> Decimal | None:
        """What a new call may still reserve (None without a limit)."""
        if self.limit is None:
            return None
        with self._lock:
            return self.limit - self._spent - sum(self._open.values(), Decimal(0))

    def reserve(self, amount: Decimal, *, wait: bool = False) -> Reservation:
        """Set aside `amount` for a call, or raise BudgetExceeded when it could pass the limit.

        With `wait`, a call that does not fit while others are in flight waits for them to settle
        (they usually cost far less than their worst case); it is refused only when it still does
        not fit with nothing in flight. Without it, it is refused at once.
        """
        if amount < 0:
            raise ValueError("a reservation cannot be negative")
        with self._lock:
            while self.limit is not None and self._spent + sum(self._open.values(), Decimal(0)) + amount > self.limit:
                if not (wait and self._open):
                    raise BudgetExceeded.stopped(spent=float(self._spent), limit=float(self.limit),
                                                 next_call=float(amount))
                self._settled.wait()
            reservation = Reservation(next(self._ids), amount)
            self._open[reservation.id] = amount
            return reservation

    def room(self, amount: Decimal) -> Decimal | None:
        """What a call may reserve now (None without a limit), after waiting for the calls in flight to settle
        while `amount` does not fit beside them."""
        with self._lock:
            if self.limit is None:
                return None
            while self._spent + sum(self._open.values(), Decimal(0)) + amount > self.limit and self._open:
                self._settled.wait()
            return self.limit - self._spent - sum(self._open.values(), Decimal(0))

    def settle(self, reservation: Reservation, actual: Decimal) -> None:
        """The call finished: its reservation becomes the actual cost."""
        with self._lock:
            if self._open.pop(reservation.id, None) is None:
                raise ValueError(f"reservation {reservation.id} is not open")
            self._spent += actual
            self._settled.notify_all()

    def release(self, reservation: Reservation) -> None:
        """The call failed before anything was billed: give the reservation back."""
        with self._lock:
            self._open.pop(reservation.id, None)
            self._settled.notify_all()
