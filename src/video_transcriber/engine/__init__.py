"""The only package that imports faster_whisper, ctranslate2 and onnxruntime: model resolution,
voice activity detection and chunk transcription."""
