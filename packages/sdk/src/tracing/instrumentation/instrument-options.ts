import type { Tracer } from '../tracer.js';

/** Options of the auto-instrumentations. */
export interface InstrumentOptions {
  /** Tracer receiving the spans; defaults to the default `Cairn`'s, looked up per call. */
  tracer?: Tracer;
}
