// A text/event-stream parser, as the WHATWG HTML standard defines it (§9.2.6 "Interpreting an event stream").
// The client reads GET /events with fetch, because a browser's EventSource cannot send Authorization; this is the
// part of EventSource that fetch does not give: lines, fields, the last event ID and the reconnection time.

/** One dispatched event: its type ("message" when the stream named none), its data and the last event ID. */
export interface StreamEvent {
  type: string;
  data: string;
  lastEventId: string;
}

export interface EventStreamHandlers {
  onEvent(event: StreamEvent): void;
  /** A `retry:` field with only ASCII digits: the stream's reconnection time in ms. */
  onRetry?(ms: number): void;
}

/**
 * Feed it decoded text in chunks of any size (`push`), then `end()`. Lines end in CRLF, LF or CR, even when a CRLF
 * is split between two chunks; a leading BOM is dropped; an event without a final blank line is discarded at the
 * end, as the standard says.
 */
export class EventStreamParser {
  /** The last event ID: set by `id:` fields, kept across events (and across connections by the subscriber). */
  lastEventId: string;
  private line = "";
  private afterCR = false;
  private started = false;
  private data = "";
  private eventType = "";
  private idBuffer: string;

  constructor(private readonly handlers: EventStreamHandlers, lastEventId = "") {
    this.lastEventId = lastEventId;
    this.idBuffer = lastEventId;
  }

  push(chunk: string): void {
    let text = chunk;
    if (!this.started && text.length > 0) {
      this.started = true;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    let start = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 0x0a && this.afterCR && i === start && this.line === "") {
        // The LF of a CRLF whose CR ended the previous line (possibly in the previous chunk).
        this.afterCR = false;
        start = i + 1;
        continue;
      }
      this.afterCR = false;
      if (c === 0x0a || c === 0x0d) {
        this.processLine(this.line + text.slice(start, i));
        this.line = "";
        this.afterCR = c === 0x0d;
        start = i + 1;
      }
    }
    this.line += text.slice(start);
  }

  /** The end of the stream: a pending event (no blank line yet) is discarded. */
  end(): void {
    this.line = "";
    this.afterCR = false;
    this.data = "";
    this.eventType = "";
  }

  private processLine(line: string): void {
    if (line === "") return this.dispatch();
    if (line.startsWith(":")) return; // a comment, e.g. the server's ": ping" heartbeat
    const colon = line.indexOf(":");
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? "" : line.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    switch (field) {
      case "event":
        this.eventType = value;
        break;
      case "data":
        this.data += value + "\n";
        break;
      case "id":
        if (!value.includes("\0")) this.idBuffer = value;
        break;
      case "retry":
        if (/^[0-9]+$/.test(value)) this.handlers.onRetry?.(Number(value));
        break;
      default:
        break; // other fields are ignored
    }
  }

  private dispatch(): void {
    this.lastEventId = this.idBuffer;
    if (this.data === "") {
      this.eventType = "";
      return; // no data: nothing is dispatched (the ID still counts)
    }
    const event = { type: this.eventType || "message", data: this.data.slice(0, -1), lastEventId: this.lastEventId };
    this.data = "";
    this.eventType = "";
    this.handlers.onEvent(event);
  }
}
