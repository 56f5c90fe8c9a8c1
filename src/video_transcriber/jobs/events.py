"""Progress event bus: job threads publish, event-loop subscribers (SSE streams) receive.

Publishers run in job threads; each subscriber owns an `asyncio.Queue` on its own loop, and
events cross over with `call_soon_threadsafe`, so publishing never blocks a job and never touches
a loop from the wrong thread. Queues are bounded: a subscriber that falls behind loses events
(it re-reads the job from the store; see `api.routes.events`), never the publisher's memory.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

EventKind = Literal["progress", "segments", "status"]

QUEUE_SIZE = 1000
"""Events buffered per subscriber before newer ones are dropped."""


@dataclass(frozen=True, slots=True)
class JobEvent:
    """One thing that happened to a job; `data` is JSON-ready."""

    job_id: str
    kind: EventKind
    data: dict[str, Any] = field(default_factory=dict)


@dataclass(eq=False, slots=True)
class Subscription:
    job_id: str
    queue: asyncio.Queue[JobEvent]
    loop: asyncio.AbstractEventLoop

    def offer(self, event: JobEvent) -> None:
        """Runs on the subscriber's loop."""
        with contextlib.suppress(asyncio.QueueFull):
            self.queue.put_nowait(event)


class EventBus:
    """Fan-out of job events to whoever is listening right now (no history is kept)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._subscribers: dict[str, set[Subscription]] = {}

    def publish(self, event: JobEvent) -> None:
        """Deliver to current subscribers of the event's job; safe from any thread."""
        with self._lock:
            targets = list(self._subscribers.get(event.job_id, ()))
        for subscription in targets:
            with contextlib.suppress(RuntimeError):  # the subscriber's loop has closed
                subscription.loop.call_soon_threadsafe(subscription.offer, event)

    @contextlib.contextmanager
    def subscribe(self, job_id: str) -> Iterator[asyncio.Queue[JobEvent]]:
        """Listen to one job's events; call from a running event loop."""
        subscription = Subscription(
            job_id=job_id,
            queue=asyncio.Queue(maxsize=QUEUE_SIZE),
            loop=asyncio.get_running_loop(),
        )
        with self._lock:
            self._subscribers.setdefault(job_id, set()).add(subscription)
        try:
            yield subscription.queue
        finally:
            with self._lock:
                listeners = self._subscribers.get(job_id, set())
                listeners.discard(subscription)
                if not listeners:
                    self._subscribers.pop(job_id, None)
