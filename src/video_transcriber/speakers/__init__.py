"""Who spoke when, offline: Resemblyzer's GE2E voice encoder without torch, and diarization.

weights.py      the legacy torch pickle read with a restricted unpickler (no torch)
features.py     40-band mel power frames as Resemblyzer computes them (numpy)
encoder.py      the 3-layer LSTM as an ONNX graph in onnxruntime (the only onnx importer)
windows.py      1.6 s windows over audible speech, and their embeddings
chunk_voices.py embeddings computed by the workers beside each chunk's text
clustering.py   average-linkage clustering, unknown speaker count 1-10
turns.py        labelled windows → speaker turns
diarize.py      the whole: speech spans → turns (`Diarizer`)
assign.py       turns → a speaker per segment, split at word timings; renames
stage.py        the pipeline's stage
scoring.py      DER (collar, overlap not scored) and RTTM, for tests and the bench
"""
