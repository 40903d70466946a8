// @ts-check
/** The bench's printed results: the table of runs, its notes and the target verdicts. */
import { VARIANTS } from './options.mjs';

/** @typedef {import('./options.mjs').Case} Case */
/** @typedef {import('./options.mjs').VariantName} VariantName */
/** @typedef {import('./run.mjs').RunResult} RunResult */

/** A ratio at or under this meets a target; also the "flat" threshold (last/first ms per KB). */
const TARGET_RATIO = 1.5;
const LONG_TASK_MS = 50;

/** @param {number} ms */
export const fmtMs = (ms) => Math.round(ms).toLocaleString('en-US');
/** @param {number | null} v */
const fmtSmall = (v) => (v === null ? '–' : v < 10 ? v.toFixed(2) : v.toFixed(0));
/** @param {number} ratio */
const fmtRatio = (ratio) => (ratio < 0.1 ? ratio.toFixed(3) : ratio.toFixed(2));

/**
 * The metric the targets compare: total time when fast, main-thread busy time when paced.
 * @param {Case} c
 * @param {RunResult} r
 */
const ratioMetric = (c, r) => (c.paced ? r.busyMs : r.totalMs);

/**
 * `a / b` as text; a capped side makes it a bound (`>` or `<`).
 * @param {Case} c
 * @param {RunResult | undefined} a
 * @param {RunResult | undefined} b
 */
function ratioText(c, a, b) {
  if (!a || !b || a.status === 'error' || b.status === 'error') return '';
  const aCapped = a.status === 'capped';
  const bCapped = b.status === 'capped';
  if (aCapped && bCapped) return '?';
  const ratio = ratioMetric(c, a) / ratioMetric(c, b);
  return `${aCapped ? '>' : bCapped ? '<' : ''}${fmtRatio(ratio)}×`;
}

/**
 * @param {string[][]} rows  the first is the header
 * @param {boolean[]} right  right-align the column
 */
function table(rows, right) {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => (row[i] ?? '').length)));
  const line = (/** @type {string[]} */ row) =>
    row
      .map((cell, i) => (right[i] ? cell.padStart(widths[i]) : cell.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(rows[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)].join('\n');
}

/**
 * Prints the table, the notes and the target verdicts.
 * @param {Case[]} cases
 * @param {Map<string, Partial<Record<VariantName, RunResult>>>} results
 * @param {{capMs: number, baselineCapMs: number, paceRate: number, only: VariantName[]}} context
 */
export function report(cases, results, { capMs, baselineCapMs, paceRate, only }) {
  const header = ['case', 'variant', 'total ms', 'busy ms', 'long frames per run', 'longest ms', 'worst gap ms'];
  const rows = [[...header, 'ms/KB first→last', '×floor', '×baseline']];
  /** @type {string[]} */
  const notes = [];
  for (const c of cases) {
    const byVariant = results.get(c.id) ?? {};
    for (const variant of VARIANTS) {
      const r = byVariant[variant];
      if (!r) continue;
      const capped = r.status === 'capped';
      rows.push([
        c.id,
        variant,
        r.status === 'error' ? 'error' : `${capped ? '>' : ''}${fmtMs(r.totalMs)}`,
        fmtMs(r.busyMs),
        (r.perRun?.longFrames ?? [r.longFrames]).join(' '),
        fmtMs(r.longFrameMaxMs),
        fmtMs(Math.max(...(r.perRun?.worstFrameMs ?? [r.worstFrameMs]))),
        `${fmtSmall(r.msPerKbFirst)}→${fmtSmall(r.msPerKbLast)}`,
        variant === 'floor' ? '1' : ratioText(c, r, byVariant.floor),
        variant === 'baseline' ? '1' : ratioText(c, r, byVariant.baseline),
      ]);
      if (capped) {
        const capS = Math.round((variant === 'baseline' ? baselineCapMs : capMs) / 1000);
        const reached = `${(r.answerChars / 1000).toFixed(1)} KB of ${c.size / 1000} KB`;
        notes.push(`${c.id} ${variant}: > cap of ${capS} s (reached ${reached})`);
      }
      if (variant === 'floor' && r.identical === false) {
        notes.push(`${c.id} floor: its text differs from the answer received`);
      }
      if (r.status === 'error' || r.error) {
        notes.push(`${c.id} ${variant}: ${r.status === 'error' ? 'FAILED' : 'page errors'}: ${r.error}`);
      }
    }
    const pace = byVariant.floor?.eventsPerSec ?? byVariant.baseline?.eventsPerSec;
    if (c.paced && pace) {
      notes.push(`${c.id}: metered at ${paceRate}/s by the bench server → ${Math.round(pace)} events/s received`);
    }
  }
  console.log('');
  console.log(table(rows, [false, false, true, true, true, true, true, true, true, true]));
  console.log('ratios: total time for fast cases, main-thread busy time for paced ones; KB = 1000 characters');
  const kind = [...results.values()].flatMap((r) => Object.values(r)).find(Boolean)?.longFrameKind ?? 'longtask';
  console.log(
    `long frames: ${kind === 'longtask' ? '`longtask` entries (no Long Animation Frames API)' : 'long animation frames'}` +
      ' over 50 ms, per run; longest and worst gap: of the worst run',
  );
  for (const note of notes) console.log(`  ${note}`);
  for (const c of cases) {
    for (const variant of VARIANTS) {
      const r = results.get(c.id)?.[variant];
      if (!r?.longFrameDetail?.length || variant === 'baseline') continue;
      console.log(
        `  ${c.id} ${variant}, long frames of the worst run (@ ms from the start; scripts over 5 ms, by entry point):`,
      );
      for (const f of r.longFrameDetail) {
        const scripts = f.scripts.map(
          (s) => `${s.ms} ms ${s.source} via ${s.invoker}${s.layoutMs ? ` (layout ${s.layoutMs})` : ''}`,
        );
        const times = `${f.duration} ms (blocking ${f.blockingMs}), rendering ${f.renderMs} (layout ${f.layoutMs})`;
        console.log(`    @${fmtMs(f.at)}: ${times}; ${scripts.join('; ') || 'no script over 5 ms'}`);
      }
    }
  }
  for (const c of cases.filter((c) => c.paced)) {
    const byVariant = results.get(c.id) ?? {};
    const parts = VARIANTS.flatMap((v) => {
      const r = byVariant[v];
      if (!r || r.busyPerKbFirst == null || r.busyPerKbLast == null) return [];
      const capped = r.status === 'capped' ? ' (capped)' : '';
      return [`${v} ${fmtSmall(r.busyPerKbFirst)}→${fmtSmall(r.busyPerKbLast)}${capped}`];
    });
    if (parts.length) {
      console.log(`  ${c.id}: main-thread busy ms per KB, first 10 % → last 10 %: ${parts.join(', ')}`);
    }
  }

  console.log('\ntargets:');
  if (!only.includes('ours')) {
    console.log('  n/a: the ours variant did not run (--only)');
    return;
  }
  if (!only.includes('floor')) {
    console.log('  n/a: the floor variant did not run (--only)');
    return;
  }
  const verdict = (/** @type {boolean} */ ok) => (ok ? 'met' : 'MISSED');
  /** @param {string} id */
  const pair = (id) => {
    const r = results.get(id);
    if (!r?.ours || !r.floor || r.ours.status !== 'done' || r.floor.status !== 'done') return null;
    return { ours: r.ours, floor: r.floor };
  };

  const fastCase = cases.filter((c) => !c.paced).at(-1);
  const fast = fastCase && pair(fastCase.id);
  if (fastCase?.size !== 240_000) console.log('  240 KB fast: not measured (--quick)');
  else if (!fast) console.log('  240 KB fast: no result (a run failed or was capped) — MISSED');
  else {
    const ratio = fast.ours.totalMs / fast.floor.totalMs;
    const target = `target ≤ ${TARGET_RATIO}× — ${verdict(ratio <= TARGET_RATIO)}`;
    console.log(`  240 KB fast: ours ${fmtRatio(ratio)}× floor total time — ${target}`);
  }

  const pacedCase = cases.find((c) => c.paced);
  const paced = pacedCase && pair(pacedCase.id);
  if (pacedCase && !paced) console.log(`  ${pacedCase.id}: no result (a run failed or was capped) — MISSED`);
  else if (pacedCase && paced) {
    const ratio = paced.ours.busyMs / paced.floor.busyMs;
    const busyTarget = `target ≤ ${TARGET_RATIO}× — ${verdict(ratio <= TARGET_RATIO)}`;
    console.log(`  ${pacedCase.id}: ours main-thread busy ${fmtRatio(ratio)}× floor's — ${busyTarget}`);
    // Judged on the worst run: "no long frame over 50 ms" is about every run, not a typical one.
    const worst = paced.ours.longFrameMaxMs;
    const runs = paced.ours.runs ?? 1;
    const runsNote = runs > 1 ? ` (worst of ${runs} runs)` : '';
    const longest = worst > 0 ? `${fmtMs(worst)} ms` : 'none over 50 ms';
    const taskTarget = `target none over ${LONG_TASK_MS} ms — ${verdict(worst <= LONG_TASK_MS)}`;
    console.log(`  ${pacedCase.id}: ours longest frame ${longest}${runsNote} — ${taskTarget}`);
    // A long frame that blocked nothing (many short tasks, or a late frame) is not a long task.
    const blocking = paced.ours.longFrameBlockingMaxMs;
    const blockTarget = `target 0 — ${verdict(blocking === 0)}`;
    console.log(
      `  ${pacedCase.id}: ours longest blocking in a long frame ${fmtMs(blocking)} ms${runsNote} — ${blockTarget}`,
    );
  }

  // Flat: judged on the paced run's main-thread ms per KB (what a chunk costs, whatever the
  // pace). Wall ms per KB is printed too: in fast runs it is coarse (the answer arrives in a
  // few large network reads, and rendering lands in whichever KB a frame falls in), and in
  // paced runs it is the pace unless the page falls behind.
  if (pacedCase) {
    const ours = results.get(pacedCase.id)?.ours;
    const first = ours?.busyPerKbFirst;
    const last = ours?.busyPerKbLast;
    if (!ours || first == null || last == null) {
      console.log(`  ${pacedCase.id}: no busy ms per KB for ours — flatness not judged`);
    } else {
      const ratio = last / first;
      const perKb = `${fmtSmall(first)} → ${fmtSmall(last)} (last 10 % ÷ first 10 % = ${fmtRatio(ratio)}×)`;
      const target = `target flat (≤ ${TARGET_RATIO}×) — ${verdict(ratio <= TARGET_RATIO)}`;
      console.log(`  ${pacedCase.id}: ours main-thread ms per KB ${perKb} — ${target}`);
    }
  }
  const wall = cases
    .map((c) => /** @type {const} */ ([c.id, results.get(c.id)?.ours]))
    .filter(([, r]) => r && r.msPerKbFirst !== null && r.msPerKbLast !== null)
    .map(([id, r]) => {
      const ratio = /** @type {number} */ (r?.msPerKbLast) / /** @type {number} */ (r?.msPerKbFirst);
      return `${id} ${fmtRatio(ratio)}×`;
    });
  if (wall.length) console.log(`  (wall ms per KB, last 10 % ÷ first 10 %, informative: ${wall.join(', ')})`);

  const checked = cases
    .map((c) => /** @type {const} */ ([c.id, results.get(c.id)?.ours?.identical]))
    .filter(([, v]) => v !== undefined);
  const all = checked.every(([, v]) => v === true);
  const perCase = checked.map(([id, v]) => `${id} ${v === true ? 'yes' : v === false ? 'NO' : 'unchecked'}`).join(', ');
  console.log(`  identical to rendering the whole answer at once: ${perCase} — ${verdict(all)}`);
  const detail = cases.map((c) => results.get(c.id)?.ours).find((r) => r?.identical === false)?.detail;
  if (detail) console.log(`    first difference: ${detail}`);
}
