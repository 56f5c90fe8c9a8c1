"""The life of a job in the service: intake of an upload, the job manager that runs queued jobs
in threads, progress tracking and events, insights when a job completes, and tuning that changes
while the service runs.

Sits on `store/` (persistence), `pipeline/` (the transcription) and `executors/` (what runs it).
"""
