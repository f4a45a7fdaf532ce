// The text/event-stream parser against the WHATWG HTML standard's rules (§9.2.6): fields, comments, line ends,
// multi-line data, the last event ID and retry, fed whole and split at every position.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { EventStreamParser, type StreamEvent } from "../src/index.js";

function parse(chunks: string[], lastEventId = "") {
  const events: StreamEvent[] = [];
  const retries: number[] = [];
  const parser = new EventStreamParser({ onEvent: (e) => events.push(e), onRetry: (ms) => retries.push(ms) }, lastEventId);
  for (const chunk of chunks) parser.push(chunk);
  parser.end();
  return { events, retries, lastEventId: parser.lastEventId };
}

/** The stream whole, one character at a time, and split at each position in two: all must agree. */
function parseEveryWay(stream: string, lastEventId = "") {
  const whole = parse([stream], lastEventId);
  assert.deepEqual(parse([...stream], lastEventId), whole, "fed one character at a time");
  for (let i = 1; i < stream.length; i++) {
    assert.deepEqual(parse([stream.slice(0, i), stream.slice(i)], lastEventId), whole, `split at ${i}`);
  }
  return whole;
}

const ev = (type: string, data: string, lastEventId = ""): StreamEvent => ({ type, data, lastEventId });

describe("EventStreamParser", () => {
  test("an event with a type, an id and JSON data", () => {
    const { events, lastEventId } = parseEveryWay('event: settings.changed\nid: 7\ndata: {"key":"a","value":1,"revision":7}\n\n');
    assert.deepEqual(events, [ev("settings.changed", '{"key":"a","value":1,"revision":7}', "7")]);
    assert.equal(lastEventId, "7");
  });

  test("LF, CRLF and CR line ends, mixed, including a CRLF split between chunks", () => {
    const stream = "data: a\r\n\r\ndata: b\r\rdata: c\n\ndata: d\r\n\n";
    const { events } = parseEveryWay(stream);
    assert.deepEqual(events.map((e) => e.data), ["a", "b", "c", "d"]);
    assert.deepEqual(parse(["data: x\r", "\n", "\r", "\n"]).events.map((e) => e.data), ["x"], "CR | LF | CR | LF is two line ends");
  });

  test("several data lines are joined with LF; the last LF is removed", () => {
    assert.deepEqual(parseEveryWay("data: one\ndata:\ndata:  three\n\n").events, [ev("message", "one\n\n three")]);
  });

  test("one space after the colon is removed, no more; a line without a colon is a field with an empty value", () => {
    // `data` alone appends an empty line: the data buffer is "\n", so an event with empty data is dispatched.
    assert.deepEqual(parseEveryWay("data:x\n\ndata:  y\n\ndata\n\n").events.map((e) => e.data), ["x", " y", ""]);
  });

  test("comments (`: ping`) and unknown fields are ignored", () => {
    assert.deepEqual(parseEveryWay(": ping\n:\nfoo: bar\ndata: x\n: between\n\n").events, [ev("message", "x")]);
    assert.deepEqual(parseEveryWay(": ping\n\n").events, []);
  });

  test("an event without data is not dispatched, but its id becomes the last event ID", () => {
    const { events, lastEventId } = parseEveryWay("event: resync\nid: 12\n\n");
    assert.deepEqual(events, []);
    assert.equal(lastEventId, "12");
  });

  test("the id persists across events; `id` with no value clears it; an id with NUL is ignored", () => {
    const { events } = parseEveryWay("id: 3\ndata: a\n\ndata: b\n\nid\ndata: c\n\nid: 4\0x\ndata: d\n\n", "1");
    assert.deepEqual(events, [ev("message", "a", "3"), ev("message", "b", "3"), ev("message", "c", ""), ev("message", "d", "")]);
    assert.deepEqual(parse(["data: z\n\n"], "9").events, [ev("message", "z", "9")], "starts from the given ID");
  });

  test("the event type resets after each event", () => {
    assert.deepEqual(parseEveryWay("event: a\ndata: 1\n\ndata: 2\n\n").events, [ev("a", "1"), ev("message", "2")]);
  });

  test("retry: digits only", () => {
    assert.deepEqual(parseEveryWay("retry: 2500\nretry: 1e3\nretry: -1\nretry: 10 \nretry:\nretry: 0\n\n").retries, [2500, 0]);
  });

  test("a leading BOM is dropped, once; a BOM later is data", () => {
    assert.deepEqual(parseEveryWay("\uFEFFdata: a\n\ndata: \uFEFFb\n\n").events.map((e) => e.data), ["a", "\uFEFFb"]);
    assert.deepEqual(parse(["\uFEFF", "\uFEFFdata: x\n\n"]).events, [], "a second BOM makes the first field name unknown");
  });

  test("an event not ended by a blank line is discarded at the end of the stream", () => {
    assert.deepEqual(parseEveryWay("data: complete\n\ndata: cut off\n").events.map((e) => e.data), ["complete"]);
    assert.deepEqual(parse(["data: no newline at all"]).events, []);
  });

  test("UTF-8 text (decoded by the caller) passes through", () => {
    assert.deepEqual(parseEveryWay('data: {"key":"café/menu"}\n\n').events[0]!.data, '{"key":"café/menu"}');
  });
});
