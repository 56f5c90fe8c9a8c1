"""Accuracy tooling for tests and benchmarks: the speech corpus, WER scoring, lecture building.

Needs the `eval` extra (jiwer, whisper-normalizer); nothing in the product imports this package.
"""
