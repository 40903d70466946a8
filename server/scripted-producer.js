// @ts-check
/**
 * The scripted producer: the default answer of the reference server, a deterministic
 * think-then-answer text (`answer-script.js`) cut into small chunks and appended at a steady pace.
 */
import { chunkText, hashString, scriptFor } from './answer-script.js';

/** With `chunkMs === 0` the whole answer is appended in batches of this many events. */
const BATCH_SIZE = 200;

/**
 * @typedef {object} ScriptedProducerOptions
 * @property {number} [chunkMs]  ms between events when a request does not say (0: as fast as possible)
 * @property {(fn: () => void, ms: number) => unknown} [setTimer]
 * @property {(timer: any) => void} [clearTimer]
 */

/**
 * The events of one scripted answer, produced lazily so that item ids can be the sequence
 * numbers they get when appended. Content is the text itself: its JSON carries the newlines.
 * @param {import('./lib/memory-store.js').Job} job  its `think` and `answer` are the texts to stream
 * @param {number} seed
 * @returns {Generator<import('./lib/memory-store.js').JobEvent, void, void>}
 */
function* scriptedEvents(job, seed) {
  const message_id = job.messageId;
  for (const content of chunkText(job.think, seed)) {
    yield { payload: { mode: 'append', message_id, data: [{ id: job.lastSeq + 1, type: 'think', content }] } };
  }
  yield { event: 'task_progress', payload: { message_id, step: 'drafting', progress: 0.5 } };
  for (const content of chunkText(job.answer, (seed ^ 0x9e3779b9) >>> 0)) {
    yield { payload: { mode: 'append', message_id, data: [{ id: job.lastSeq + 1, type: 'text', content }] } };
  }
  yield {
    payload: { mode: 'finish', message_id, meta: { status: 'available', chars: job.answer.length } },
    final: true,
  };
}

/** @param {unknown} timer */
function unref(timer) {
  /** @type {{unref?: () => void} | null} */ (timer)?.unref?.();
  return timer;
}

/**
 * Creates the scripted producer: the answer to the job's prompt from `scriptFor` (grown to
 * the request's `size`, and the variant of the job's `version`: a regenerate answers anew),
 * one event per `chunkMs` (the request's, else the default).
 * @param {ScriptedProducerOptions} [options]
 * @returns {import('./lib/memory-store.js').Producer}
 */
export function scriptedProducer(options = {}) {
  const { chunkMs: defaultChunkMs = 30 } = options;
  /** @type {(fn: () => void, ms: number) => unknown} */
  const setTimer = options.setTimer ?? setTimeout;
  /** @type {(timer: any) => void} */
  const clearTimer = options.clearTimer ?? clearTimeout;

  return ({ job, chunkMs: requestChunkMs, size, emit, signal }) => {
    const chunkMs = requestChunkMs ?? defaultChunkMs;
    // The whole text is known up front: the job shows it from the start.
    // A regenerated answer (`version` ≥ 1) is scripted anew: the next variant of the script.
    Object.assign(job, scriptFor(job.prompt, { size, version: job.version }));
    const events = scriptedEvents(job, hashString(job.messageId));
    /** Appends the next event; false when there is none left or the job takes no more. */
    const step = () => {
      const next = events.next();
      return !next.done && emit(next.value) && !job.done;
    };
    if (chunkMs > 0) {
      /** @type {unknown} */
      let timer = null;
      const tick = () => {
        timer = step() ? unref(setTimer(tick, chunkMs)) : null;
      };
      timer = unref(setTimer(tick, chunkMs));
      signal.addEventListener('abort', () => {
        if (timer !== null) clearTimer(timer);
        timer = null;
      });
      return;
    }
    // Not unref'd: an unref'd immediate does not keep libuv's poll phase from blocking, so
    // each batch would wait for unrelated I/O (≈ 1,400 events/s instead of > 100,000/s).
    // A generation is finite, and stop/close abort it.
    /** @type {NodeJS.Immediate | null} */
    let immediate = null;
    const batch = () => {
      immediate = null;
      for (let i = 0; i < BATCH_SIZE; i++) if (!step()) return;
      immediate = setImmediate(batch);
    };
    immediate = setImmediate(batch);
    signal.addEventListener('abort', () => {
      if (immediate !== null) clearImmediate(immediate);
      immediate = null;
    });
  };
}
