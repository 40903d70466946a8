/**
 * A pass-through for a response body that reports every chunk (the heartbeat watches
 * bytes, comments included: fetch-event-source never shows those, pitfall 8) and drops a
 * leading UTF-8 byte-order mark, which its parser would otherwise glue to the first field.
 */
const BOM = [0xef, 0xbb, 0xbf];

export function watchBody(
  body: ReadableStream<Uint8Array>,
  onChunk: (byteLength: number) => void,
  signal?: AbortSignal,
): ReadableStream<Uint8Array> {
  let head: Uint8Array | undefined = new Uint8Array(0); // first bytes, until the BOM question is settled

  function settleHead(controller: TransformStreamDefaultController<Uint8Array>, final: boolean) {
    if (!head) return;
    const isBomPrefix = BOM.slice(0, Math.min(head.length, 3)).every((b, i) => head![i] === b);
    if (head.length < 3 && isBomPrefix && !final) return; // wait for more bytes
    const rest = isBomPrefix && head.length >= 3 ? head.subarray(3) : head;
    head = undefined;
    if (rest.length) controller.enqueue(rest);
  }

  return body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      start(controller) {
        // A `fetch` that ignores its signal (a scripted one, say) must not leave the
        // reader hanging: aborting errors the stream and cancels the source.
        const fail = () => controller.error(new DOMException('The stream was aborted.', 'AbortError'));
        if (signal?.aborted) fail();
        else signal?.addEventListener('abort', fail, { once: true });
      },
      transform(chunk, controller) {
        onChunk(chunk.byteLength);
        if (!head) {
          controller.enqueue(chunk);
          return;
        }
        const joined = new Uint8Array(head.length + chunk.length);
        joined.set(head);
        joined.set(chunk, head.length);
        head = joined;
        settleHead(controller, false);
      },
      flush(controller) {
        settleHead(controller, true);
      },
    }),
  );
}
