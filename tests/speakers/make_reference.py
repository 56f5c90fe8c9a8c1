"""How `tests/data/resemblyzer_reference.npz` was made (run by hand, never by the suite).

The real Resemblyzer, in a scratch environment that is no part of the project:

    python3 -m venv /tmp/rzenv
    /tmp/rzenv/bin/pip install torch==2.13.0 resemblyzer==0.1.4 'setuptools<70'
    .venv/bin/python tests/speakers/make_reference.py decode /tmp/clips.npz   # our decoder
    /tmp/rzenv/bin/python tests/speakers/make_reference.py embed /tmp/clips.npz \
        tests/data/resemblyzer_reference.npz

`decode` runs in the project's environment (the clips through `media.decode`, as the tests read
them); `embed` runs beside torch: `normalize_volume(wav, -30, increase_only=True)` then
`VoiceEncoder("cpu").embed_utterance(wav)` with its defaults (rate 1.3, min_coverage 0.75).
Made on 2026-12-02 with torch 2.13.0+cpu, librosa 0.11.0, resemblyzer 0.1.4.
Resemblyzer's `trim_long_silences` (webrtcvad) is not applied: in the product our own speech
detection picks the audio, so the encoder is compared on the same samples.
"""

from __future__ import annotations

import sys

import numpy as np

CLIPS = (
    "librispeech_1089-134686-0000.flac",
    "ljspeech_LJ001-0001.wav",
    "jfk_inaugural_excerpt.flac",
    "fleurs_en_001.ogg",
    "ljspeech_LJ001-0008.wav",
    "speechocean_000360013.wav",
)
"""Six speakers: read, public speech, FLEURS, a 1.8 s clip (one padded partial), non-native."""


def decode(out: str) -> None:
    from testkit.evaluation.corpus import clip
    from testkit.evaluation.lecture import clip_samples

    clips = {name: clip_samples(clip(name)) for name in CLIPS}
    np.savez(out, **clips)  # type: ignore[arg-type]


def embed(clips_path: str, out: str) -> None:
    from resemblyzer import VoiceEncoder
    from resemblyzer.audio import normalize_volume

    clips = np.load(clips_path)
    encoder = VoiceEncoder("cpu")
    embeddings = {}
    for name in clips.files:
        wav = normalize_volume(clips[name].astype(np.float32), -30, increase_only=True)
        embeddings[name] = encoder.embed_utterance(wav.astype(np.float32))
    np.savez_compressed(out, **embeddings)


if __name__ == "__main__":
    if sys.argv[1] == "decode":
        decode(sys.argv[2])
    else:
        embed(sys.argv[2], sys.argv[3])
