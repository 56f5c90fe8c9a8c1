"""Round-robin queue of pending chunk tasks across jobs: the fairness policy of the warm pool.

Each job has its own FIFO of pending tasks. `pop()` takes the head of the job whose turn it is and
then moves that job to the back of the line, so two lectures submitted together advance in
alternation instead of the second waiting for the first to finish. A retried task goes to the
front of its job's FIFO (it is the oldest work) without changing whose turn it is.

Pure data structure, no threads or processes: the pool holds its lock around every call.
"""

from __future__ import annotations

from collections import OrderedDict, deque
from collections.abc import Iterable
from typing import Generic, TypeVar

T = TypeVar("T")


class FairQueue(Generic[T]):
    """Per-job FIFOs served in round-robin order."""

    def __init__(self) -> None:
        self._queues: OrderedDict[str, deque[T]] = OrderedDict()

    def __len__(self) -> int:
        return sum(len(queue) for queue in self._queues.values())

    def __bool__(self) -> bool:
        return bool(self._queues)

    def pending(self, job_id: str) -> int:
        queue = self._queues.get(job_id)
        return len(queue) if queue else 0

    def extend(self, job_id: str, items: Iterable[T]) -> None:
        """Queue `items` behind the job's pending tasks; a new job joins the end of the line."""
        queue = self._queues.get(job_id)
        if queue is None:
            queue = self._queues[job_id] = deque()
        queue.extend(items)
        if not queue:
            del self._queues[job_id]

    def push_front(self, job_id: str, item: T) -> None:
        """Put `item` first in its job's FIFO (a retry); the job keeps its place in the line."""
        queue = self._queues.get(job_id)
        if queue is None:
            self._queues[job_id] = deque([item])
            self._queues.move_to_end(job_id, last=False)
        else:
            queue.appendleft(item)

    def pop(self) -> tuple[str, T] | None:
        """The next task in turn, or None when nothing is pending."""
        if not self._queues:
            return None
        job_id, queue = next(iter(self._queues.items()))
        item = queue.popleft()
        if queue:
            self._queues.move_to_end(job_id)
        else:
            del self._queues[job_id]
        return job_id, item

    def drop(self, job_id: str) -> list[T]:
        """Remove and return every pending task of the job."""
        return list(self._queues.pop(job_id, ()))
