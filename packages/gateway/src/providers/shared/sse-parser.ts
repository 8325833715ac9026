/** One server-sent event: its `event:` type (default `message`) and its joined `data:` lines. */
export interface SseEvent {
  event: string;
  data: string;
}

/**
 * An incremental parser for `text/event-stream` (the WHATWG rules): feed decoded text as it
 * arrives, get back the events completed so far. Lines may end in LF, CRLF or CR and may be split
 * anywhere between chunks; a trailing event without its blank line is never emitted.
 */
export class SseParser {
  private buffer = '';
  private data: string[] = [];
  private event = '';
  private pendingCarriageReturn = false;

  /** Feeds more text; returns the events it completed. */
  push(text: string): SseEvent[] {
    const events: SseEvent[] = [];
    let input = text;
    // A CR at the end of the previous chunk may be the first half of a CRLF.
    if (this.pendingCarriageReturn && input.startsWith('\n')) input = input.slice(1);
    this.pendingCarriageReturn = false;
    this.buffer += input;
    let start = 0;
    for (let index = 0; index < this.buffer.length; index++) {
      const character = this.buffer.charCodeAt(index);
      if (character !== 10 && character !== 13) continue;
      this.line(this.buffer.slice(start, index), events);
      if (character === 13) {
        if (index + 1 === this.buffer.length) this.pendingCarriageReturn = true;
        else if (this.buffer.charCodeAt(index + 1) === 10) index++;
      }
      start = index + 1;
    }
    this.buffer = this.buffer.slice(start);
    return events;
  }

  private line(line: string, events: SseEvent[]): void {
    if (line === '') {
      const data = this.data.join('\n');
      // An event whose data is empty is not dispatched (WHATWG "dispatch the event", step 2).
      if (data !== '') events.push({ event: this.event || 'message', data });
      this.data = [];
      this.event = '';
      return;
    }
    if (line.startsWith(':')) return; // a comment, used as a keep-alive
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') this.data.push(value);
    else if (field === 'event') this.event = value;
  }
}
