// @ts-check
import { build } from 'esbuild';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fmtMs } from './report.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));

/**
 * The incremental renderer alone on answers that are one long block (bench/blocks.ts),
 * bundled for Node and run in this process: does the cost of a frame grow with the block?
 */
export async function benchBlocks() {
  const bundle = await build({
    absWorkingDir: root,
    entryPoints: ['bench/blocks.ts'],
    bundle: true,
    platform: 'node',
    format: 'esm',
    write: false,
    outfile: join(tmpdir(), 'sse-chat-bench', 'blocks.mjs'), // names the output only
    logLevel: 'warning',
  });
  const code = bundle.outputFiles[0]?.text ?? '';
  /**
   * @typedef {{name: string, chars: number, takes: number, firstMs: number, lastMs: number, totalMs: number,
   *   identical: boolean}} BlockRow  one answer shape, as bench/blocks.ts measures it
   * @type {{measureBlocks: () => BlockRow[]}}
   */
  const { measureBlocks } = await import(`data:text/javascript;base64,${Buffer.from(code).toString('base64')}`);
  const rows = measureBlocks();
  console.log('\nrenderer alone (lex + render, no sanitizing or DOM; 5-character chunks, one take() per 16):');
  const line = (/** @type {string[]} */ [name, chars, takes, per, total, identical]) => {
    const counts = `${name.padEnd(24)} ${chars.padStart(7)} ${takes.padStart(6)}`;
    return `${counts}  ${per.padEnd(36)} ${total.padStart(8)}  ${identical}`;
  };
  console.log(line(['answer', 'chars', 'takes', 'ms per take, first 10 % → last 10 %', 'total ms', 'identical']));
  for (const r of rows) {
    const per = `${r.firstMs.toFixed(3)} → ${r.lastMs.toFixed(3)} (${(r.lastMs / r.firstMs).toFixed(2)}×)`;
    console.log(line([r.name, String(r.chars), String(r.takes), per, fmtMs(r.totalMs), r.identical ? 'yes' : 'NO']));
  }
}
