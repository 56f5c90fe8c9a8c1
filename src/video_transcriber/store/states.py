"""The job state machine: the one place that says which status may follow which.

    queued ──► running ──► completed
      │  ▲        │ └────► failed ────┐
      │  │        └──────► cancelled ─┤
      │  └─────────────── retry ◄─────┘
      └──► cancelled / failed

`running → queued` exists only for recovery: a job left running by a process that died is put
back in the queue at start-up and resumes from its stored chunk results.
The store applies a transition with a compare-and-set on the current status, so two threads that
race (a cancel and a completion) cannot both win.
"""

from __future__ import annotations

from video_transcriber.domain import JobStatus
from video_transcriber.errors import InvalidTransitionError

TRANSITIONS: dict[JobStatus, frozenset[JobStatus]] = {
    JobStatus.QUEUED: frozenset({JobStatus.RUNNING, JobStatus.CANCELLED, JobStatus.FAILED}),
    JobStatus.RUNNING: frozenset(
        {JobStatus.COMPLETED, JobStatus.FAILED, JobStatus.CANCELLED, JobStatus.QUEUED}
    ),
    JobStatus.FAILED: frozenset({JobStatus.QUEUED}),
    JobStatus.CANCELLED: frozenset({JobStatus.QUEUED}),
    JobStatus.COMPLETED: frozenset(),
}
"""Allowed next statuses for each status; anything else is refused."""

_WHY_NOT: dict[JobStatus, str] = {
    JobStatus.QUEUED: "retry only a job that failed or was cancelled",
    JobStatus.CANCELLED: "it has already finished",
    JobStatus.COMPLETED: "it has already finished",
    JobStatus.FAILED: "it has already finished",
    JobStatus.RUNNING: "it is not queued",
}


def can_transition(current: JobStatus, target: JobStatus) -> bool:
    return target in TRANSITIONS[current]


def check_transition(current: JobStatus, target: JobStatus) -> None:
    """Raise `InvalidTransitionError` with a sentence a person can act on if the move is illegal."""
    if can_transition(current, target):
        return
    verb = {
        JobStatus.QUEUED: "retried",
        JobStatus.RUNNING: "started",
        JobStatus.CANCELLED: "cancelled",
        JobStatus.COMPLETED: "completed",
        JobStatus.FAILED: "failed",
    }[target]
    raise InvalidTransitionError(
        f"This job is {current.value} and cannot be {verb}: {_WHY_NOT[target]}."
    )
