"""Live captions: a stream of 16 kHz PCM in, partial and final captions out, as it happens.

The engine (this package) knows nothing of HTTP: `stream.LiveStream` turns one stream's audio
into `events.Partial` / `events.Final` captions with a rolling buffer (`buffer`), voice activity
endpointing (`endpoint`, Silero through `engine.vad_stream`) and the local-agreement policy
(`agreement`); `decoder.LiveDecoder` re-decodes the uncommitted audio with a warm model through
`engine`; `scheduler.LiveEngine` shares decode threads between streams with back-pressure;
`recorder` keeps each stream's audio as WAV for the offline job after `stop`. `api.routes.live`
speaks the WebSocket protocol over it and `client.live` is its command-line client.
"""
