// @ts-check
/** The bench's command line, and the variants and cases it selects. */

/** @typedef {'floor' | 'baseline' | 'ours'} VariantName */
/** @typedef {'fast' | 'paced' | 'conversation' | 'blocks'} CaseGroup */
/** @typedef {{id: string, size: number, paced: boolean}} Case */

/** The same prompt for every run: the server derives the text from it (and `size`). */
export const PROMPT = 'Benchmark: how does a long streamed answer render?';
export const VARIANTS = /** @type {const} */ (['floor', 'ours', 'baseline']);
/** The groups of cases `--only-case` chooses from: all of them by default. */
export const CASE_GROUPS = /** @type {const} */ (['fast', 'paced', 'conversation', 'blocks']);

/**
 * The cases: 15, 60 and 240 KB fast, then the paced one (`--quick`: 15 KB fast + paced).
 * @param {{quick: boolean, pacedKb: number, onlyCase: CaseGroup[]}} options
 * @returns {Case[]}
 */
export function casesFor({ quick, pacedKb, onlyCase }) {
  const fast = (quick ? [15] : [15, 60, 240]).map((kb) => ({ id: `${kb} KB fast`, size: kb * 1000, paced: false }));
  return [
    ...(onlyCase.includes('fast') ? fast : []),
    ...(onlyCase.includes('paced') ? [{ id: `${pacedKb} KB paced`, size: pacedKb * 1000, paced: true }] : []),
  ];
}

/** @type {Case} */
export const WARM_UP = { id: 'warm-up 5 KB', size: 5_000, paced: false };

const USAGE = `usage: npm run bench -- [--quick] [--runs=N] [--baseline-cap=SECONDS] [--cap=SECONDS]
                         [--pace=EVENTS_PER_S] [--paced-kb=KB] [--only=floor,baseline,ours]
                         [--only-case=fast,paced,conversation,blocks] [--json=PATH]`;

/**
 * @typedef {object} Options
 * @property {boolean} quick  15 KB fast + the paced case only
 * @property {number} runs  runs per case and variant (the median is reported)
 * @property {number} baselineCapMs  a baseline run is stopped after this long
 * @property {number} capMs  any other run is stopped after this long
 * @property {number} pace  events per second of the paced case
 * @property {number} pacedKb  size of the paced case, KB
 * @property {VariantName[]} only
 * @property {CaseGroup[]} onlyCase  the groups of cases to run
 * @property {string | null} json  also write the results here
 */

/**
 * @param {string[]} argv
 * @returns {Options}
 */
export function parseArgs(argv) {
  /** @type {Options} */
  const options = {
    quick: false,
    runs: 1,
    baselineCapMs: 60_000,
    capMs: 120_000,
    pace: 1000,
    pacedKb: 60,
    only: [...VARIANTS],
    onlyCase: [...CASE_GROUPS],
    json: null,
  };
  for (const arg of argv) {
    const [name, value] = /** @type {[string, string | undefined]} */ (arg.split(/=(.*)/s, 2));
    const number = () => {
      const n = Number(value);
      if (!value || !Number.isFinite(n) || n <= 0) fail(`${name} needs a positive number`);
      return n;
    };
    if (name === '--quick' && value === undefined) options.quick = true;
    else if (name === '--runs') options.runs = Math.max(1, Math.round(number()));
    else if (name === '--baseline-cap') options.baselineCapMs = number() * 1000;
    else if (name === '--cap') options.capMs = number() * 1000;
    else if (name === '--pace') options.pace = number();
    else if (name === '--paced-kb') options.pacedKb = Math.min(500, number());
    else if (name === '--json' && value) options.json = value;
    else if (name === '--only' && value) {
      const names = value.split(',');
      const unknown = names.filter((n) => !(/** @type {readonly string[]} */ (VARIANTS).includes(n)));
      if (unknown.length) fail(`unknown variant ${unknown.join(', ')}`);
      options.only = VARIANTS.filter((v) => names.includes(v));
    } else if (name === '--only-case' && value) {
      const names = value.split(',');
      const unknown = names.filter((n) => !(/** @type {readonly string[]} */ (CASE_GROUPS).includes(n)));
      if (unknown.length) fail(`unknown case ${unknown.join(', ')}`);
      options.onlyCase = CASE_GROUPS.filter((g) => names.includes(g));
    } else if (name === '--help' || name === '-h') {
      console.log(USAGE);
      process.exit(0);
    } else fail(`unknown option ${arg}`);
  }
  return options;
}

/**
 * @param {string} message
 * @returns {never}
 */
function fail(message) {
  console.error(`bench: ${message}\n${USAGE}`);
  process.exit(2);
}
