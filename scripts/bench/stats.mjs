// @ts-check
/** The figures derived from a run's samples, and the median over repeated runs. */

/** @typedef {import('./run.mjs').RunResult} RunResult */

/**
 * Main-thread busy ms per KB over the first and the last 10 % of the answer: busy time is
 * interpolated as a function of the answer length between samples.
 * @param {Array<{busy: number, length: number}>} samples  in time order
 * @param {number} total  answer characters at the end
 * @returns {{busyPerKbFirst: number | null, busyPerKbLast: number | null}}
 */
export function busyPerKb(samples, total) {
  const tenth = total / 10;
  // Enough samples inside each tenth to say something (a fast run has none).
  const inside = (/** @type {number} */ from, /** @type {number} */ to) =>
    samples.filter((s) => s.length > from && s.length < to).length;
  if (samples.length < 10 || inside(0, tenth) < 2 || inside(total - tenth, total) < 2) {
    return { busyPerKbFirst: null, busyPerKbLast: null };
  }
  /** Busy ms when the answer reached `length` characters. */
  const busyAt = (/** @type {number} */ length) => {
    const i = samples.findIndex((s) => s.length >= length);
    const b = /** @type {{busy: number, length: number}} */ (samples[i]);
    const a = samples[i - 1];
    if (!a || b.length === a.length) return b.busy;
    return a.busy + ((b.busy - a.busy) * (length - a.length)) / (b.length - a.length);
  };
  const kb = tenth / 1000;
  return {
    busyPerKbFirst: (busyAt(tenth) - busyAt(1)) / kb,
    busyPerKbLast: (busyAt(total) - busyAt(total - tenth)) / kb,
  };
}

/**
 * The median of each number over repeated runs (status: the worst; identical: all).
 * @param {RunResult[]} runs
 * @returns {RunResult}
 */
export function median(runs) {
  if (runs.length === 1) {
    const [r] = /** @type {[RunResult]} */ (runs);
    return {
      ...r,
      perRun: { longFrames: [r.longFrames], longFrameMaxMs: [r.longFrameMaxMs], worstFrameMs: [r.worstFrameMs] },
    };
  }
  /** @param {(r: RunResult) => number | null} pick */
  const mid = (pick) => {
    const values = runs
      .map(pick)
      .filter((v) => v !== null)
      .sort((a, b) => a - b);
    if (values.length === 0) return null;
    const m = values.length >> 1;
    return values.length % 2 ? values[m] : (values[m - 1] + values[m]) / 2;
  };
  const first = /** @type {RunResult} */ (runs[0]);
  return {
    ...first,
    status: runs.find((r) => r.status === 'error')?.status ?? runs.find((r) => r.status === 'capped')?.status ?? 'done',
    error: runs.find((r) => r.error)?.error,
    totalMs: /** @type {number} */ (mid((r) => r.totalMs)),
    busyMs: /** @type {number} */ (mid((r) => r.busyMs)),
    longTaskMs: /** @type {number} */ (mid((r) => r.longTaskMs)),
    longTaskMaxMs: /** @type {number} */ (mid((r) => r.longTaskMaxMs)),
    longTasks: /** @type {number} */ (mid((r) => r.longTasks)),
    worstFrameMs: /** @type {number} */ (mid((r) => r.worstFrameMs)),
    frames: /** @type {number} */ (mid((r) => r.frames)),
    answerChars: /** @type {number} */ (mid((r) => r.answerChars)),
    msPerKbFirst: mid((r) => r.msPerKbFirst),
    msPerKbLast: mid((r) => r.msPerKbLast),
    busyPerKbFirst: mid((r) => r.busyPerKbFirst ?? null),
    busyPerKbLast: mid((r) => r.busyPerKbLast ?? null),
    events: mid((r) => r.events),
    eventsPerSec: mid((r) => r.eventsPerSec),
    identical: runs.some((r) => r.identical === false) ? false : runs.every((r) => r.identical === true) ? true : null,
    detail: runs.find((r) => r.identical === false)?.detail,
    runs: runs.length,
    worstLongTaskMs: Math.max(...runs.map((r) => r.longTaskMaxMs)),
    // Long frames are judged on the worst run, not the median one.
    longFrames: Math.max(...runs.map((r) => r.longFrames)),
    longFrameMaxMs: Math.max(...runs.map((r) => r.longFrameMaxMs)),
    longFrameBlockingMaxMs: Math.max(...runs.map((r) => r.longFrameBlockingMaxMs)),
    longFrameDetail: runs.reduce((a, b) => (b.longFrameMaxMs > a.longFrameMaxMs ? b : a)).longFrameDetail,
    perRun: {
      longFrames: runs.map((r) => r.longFrames),
      longFrameMaxMs: runs.map((r) => r.longFrameMaxMs),
      worstFrameMs: runs.map((r) => r.worstFrameMs),
    },
  };
}
