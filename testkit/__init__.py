"""Test and benchmark support, shared by `tests/` and `bench/`; never shipped in the wheel.

`evaluation` builds lectures from the real-speech corpus in `../shared/data/speech` and scores
them (WER, attribution of errors); `service_processes` starts the real `serve` and `worker`
commands as subprocesses. Both read paths that exist only in a checkout of the repository, which
is why they live here and not under `src/`.
"""
