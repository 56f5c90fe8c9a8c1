"""Probing and streaming decode of any audio/video container to 16 kHz mono (PyAV)."""
