// @ts-check
/**
 * Answer producers: the simple contract of the library (an async generator of texts) turned
 * into the store's producer, which appends `agent` protocol events.
 */

/**
 * One piece of an answer: thinking text, answer text, or a named event the widget passes on
 * (`data` is sent as JSON).
 * @typedef {{think: string} | {text: string} | {event: string, data: unknown}} AnswerChunk
 */

/**
 * What a producer gets for one answer.
 * @typedef {object} AnswerInput
 * @property {readonly unknown[]} messages  the conversation as the client sent it (`{role, content}`)
 * @property {string} prompt  the content of the last user message
 * @property {string} messageId
 * @property {string | null} conversationId
 * @property {string} [regenerate]  set when the client asked to regenerate an answer: the
 *   message_id of the answer this one replaces (the same question, asked again; an app may
 *   e.g. raise the temperature). Absent for a new question and for an edited one.
 * @property {AbortSignal} signal  aborted when the answer is stopped, evicted or the server closes
 */

/**
 * Makes one answer: an async generator function, or a function returning an async (or plain)
 * iterable of chunks, a promise of one, or a promise of the whole text. A throw ends the answer
 * with an `error` event; the text so far stays.
 * @typedef {(input: AnswerInput) => AsyncIterable<AnswerChunk> | Iterable<AnswerChunk> |
 *   Promise<AsyncIterable<AnswerChunk> | Iterable<AnswerChunk> | string | void> | string} Answerer
 */

/**
 * The store's producer for an answerer: each chunk becomes one event, numbered by the store,
 * and the end of the iteration the `finish` event.
 * @param {Answerer} answerer
 * @returns {import('./memory-store.js').Producer}
 */
export function producerOf(answerer) {
  return async ({ job, messages, signal, emit }) => {
    const message_id = job.messageId;
    let result = await answerer({
      messages,
      prompt: job.prompt,
      messageId: job.messageId,
      conversationId: job.conversationId,
      ...(job.regenerates ? { regenerate: job.regenerates } : {}),
      signal,
    });
    if (typeof result === 'string') result = [{ text: result }];
    if (result) {
      for await (const chunk of result) {
        // Leaving the loop calls the generator's return(): a producer that ignores the signal stops too.
        if (signal.aborted || !emitChunk(chunk)) return;
      }
    }
    emit({ payload: { mode: 'finish', message_id, meta: { status: 'available' } }, final: true });

    /** @param {AnswerChunk} chunk */
    function emitChunk(chunk) {
      if ('event' in chunk && typeof chunk.event === 'string') {
        const data = chunk.data !== null && typeof chunk.data === 'object' ? chunk.data : { value: chunk.data };
        return emit({ event: chunk.event, payload: /** @type {Record<string, unknown>} */ (data) });
      }
      const type = 'think' in chunk ? 'think' : 'text' in chunk ? 'text' : null;
      if (type === null) throw new TypeError('an answer chunk is {think}, {text} or {event, data}');
      const content = String(/** @type {Record<string, unknown>} */ (chunk)[type] ?? '');
      if (content === '') return true;
      return emit({ payload: { mode: 'append', message_id, data: [{ id: job.lastSeq + 1, type, content }] } });
    }
  };
}

/**
 * Runs a store's producer for one answer: a throw, a rejection, or a promise that settles
 * before the answer's final event ends the answer with an `error` event (the error is logged,
 * the text so far stays). Both stores run their producers through it.
 * @param {import('./memory-store.js').Producer} producer
 * @param {import('./memory-store.js').ProducerRun} run
 */
export function runProducer(producer, run) {
  const { job, emit, signal } = run;
  /** @param {unknown} error */
  const crashed = (error) => {
    if (signal.aborted || job.done) return;
    console.error(`[sse-chat server] the producer of ${job.messageId} failed:`, error);
    emit({
      payload: { mode: 'error', message_id: job.messageId, finish_reason: 'internal server error' },
      final: true,
    });
  };
  try {
    const result = producer(run);
    // A producer that works asynchronously ends its answer before its promise settles;
    // one that settles first would leave the answer pending forever.
    if (result && typeof result.then === 'function') {
      result.then(() => crashed(new Error('the producer ended without finishing the answer')), crashed);
    }
  } catch (error) {
    crashed(error);
  }
}
