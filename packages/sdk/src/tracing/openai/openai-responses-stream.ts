import type { StreamRecorder } from '../instrumentation/llm-call-spec.js';
import { recordUsageAndModel } from '../instrumentation/token-usage.js';
import type { Span } from '../live-span.js';

interface ResponseEvent {
  type?: string;
  delta?: unknown;
  response?: { model?: string; usage?: unknown };
}

/** Records a streamed Responses API call: the final `response.*` object, else the text deltas. */
export class OpenAIResponsesStreamRecorder implements StreamRecorder {
  private text = '';
  private response: ResponseEvent['response'];

  add(value: unknown): boolean {
    const event = value as ResponseEvent;
    if (event.type === 'response.output_text.delta' && typeof event.delta === 'string') {
      this.text += event.delta;
      return event.delta !== '';
    }
    if (event.type?.endsWith('.delta')) return true;
    if (
      event.response &&
      (event.type === 'response.completed' ||
        event.type === 'response.incomplete' ||
        event.type === 'response.failed')
    ) {
      this.response = event.response;
    }
    return false;
  }

  finish(span: Span): void {
    span.setOutputs(this.response ?? { output_text: this.text });
    recordUsageAndModel(span, this.response?.usage, this.response?.model);
  }
}
