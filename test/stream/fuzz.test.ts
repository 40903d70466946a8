/**
 * Seeded randomized resume test: many answers, each hit by a random mix of faults at
 * random byte offsets; every final text must equal the server's byte for byte.
 * A failure prints its seed and plan; rerun one with ?seed=N in the test URL is not
 * needed: the seed sequence is fixed, so the same trial fails the same way.
 */
import { expect } from '@open-wc/testing';
import { chatUrl, debugMessage, startStream } from '../helpers/stream.js';

function mulberry32(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TRIALS = 50;
const SEED = 20261122;

function randomPlan(random: () => number): string {
  const int = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));
  const faults = [
    () => `cut:${int(1, 6000)}`,
    () => `cut:${int(1, 400)}`,
    () => `close:${int(0, 60)}`,
    () => `stall:${int(0, 4000)}`,
    () => `replay:${int(1, 40)}+cut:${int(200, 5000)}`,
    () => `replay:${int(1, 40)}`,
    () => '500',
    () => '503:0',
    () => '429:0',
    () => '408',
    () => `malformed+cut:${int(1, 3000)}`,
    () => `retry:${int(0, 30)}+cut:${int(1, 3000)}`,
    () => 'ok',
  ];
  const count = int(1, 4);
  return Array.from({ length: count }, () => faults[int(0, faults.length - 1)]!()).join(',');
}

describe('StreamController: randomized faults (seeded)', () => {
  it(`${TRIALS} answers with random cuts, stalls, replays and errors all end byte-exact`, async function () {
    this.timeout(240_000);
    const random = mulberry32(SEED);
    const warn = console.warn;
    console.warn = () => {}; // malformed events warn by design
    try {
      for (let trial = 0; trial < TRIALS; trial++) {
        const plan = randomPlan(random);
        const { result } = startStream({ endpoint: chatUrl(plan), heartbeatTimeout: 300, maxRetries: 6, random });
        const end = await result;
        const server = await debugMessage(end.messageId);
        const label = `trial ${trial} (seed ${SEED}), faults=${plan}`;
        expect(end.status, `${label}: ${end.error?.message}`).to.equal('done');
        expect(end.think, label).to.equal(server.think);
        expect(end.answer, label).to.equal(server.answer);
        expect(server.generations, label).to.equal(1);
      }
    } finally {
      console.warn = warn;
    }
  });
});
