// AudioWorklet processor for live captions: the microphone's samples (at the context's rate,
// usually 48 kHz) resampled to 16 kHz mono and sent to the page as int16 PCM, ~100 ms a message.
// Resampling averages the input over each output sample's span (a box filter against aliasing)
// and keeps the fractional position across calls, so no sample is lost or repeated.

const TARGET_RATE = 16000;
const BATCH = 1600; // output samples per message: 100 ms

class PcmResampler extends AudioWorkletProcessor {
  constructor() {
    super();
    this.ratio = sampleRate / TARGET_RATE;
    this.pending = new Float32Array(0);
    this.position = this.ratio / 2; // centre of the next output sample, in pending's samples
    this.out = new Int16Array(BATCH);
    this.filled = 0;
  }

  append(input) {
    const joined = new Float32Array(this.pending.length + input.length);
    joined.set(this.pending);
    joined.set(input, this.pending.length);
    this.pending = joined;
  }

  process(inputs) {
    const channels = inputs[0];
    if (!channels || channels.length === 0) return true;
    const mono = new Float32Array(channels[0].length);
    for (const channel of channels) {
      for (let i = 0; i < mono.length; i++) mono[i] += channel[i] / channels.length;
    }
    this.append(mono);
    const half = this.ratio / 2;
    while (this.position + half <= this.pending.length) {
      const from = Math.max(0, Math.floor(this.position - half));
      const to = Math.min(this.pending.length, Math.ceil(this.position + half));
      let sum = 0;
      for (let i = from; i < to; i++) sum += this.pending[i];
      const value = Math.max(-1, Math.min(1, sum / Math.max(1, to - from)));
      this.out[this.filled++] = Math.round(value * 32767);
      if (this.filled === BATCH) this.flush();
      this.position += this.ratio;
    }
    const consumed = Math.max(0, Math.floor(this.position - half));
    this.pending = this.pending.slice(consumed);
    this.position -= consumed;
    return true;
  }

  flush() {
    const chunk = this.out.slice(0, this.filled);
    this.port.postMessage(chunk.buffer, [chunk.buffer]);
    this.filled = 0;
  }
}

registerProcessor("pcm-resampler", PcmResampler);
