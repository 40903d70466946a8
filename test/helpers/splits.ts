/**
 * Chunk-boundary helpers: a streaming function must give the same output whatever the
 * chunking, so every fixture is fed whole, split at every index, and split in three.
 */

/** Every way to cut `text` in two, and in three for short inputs (≤ 40 chars). */
export function* splits(text: string): Generator<string[]> {
  yield [text];
  for (let i = 0; i <= text.length; i++) yield [text.slice(0, i), text.slice(i)];
  if (text.length <= 40) {
    for (let i = 1; i < text.length; i++) {
      for (let j = i + 1; j < text.length; j++) yield [text.slice(0, i), text.slice(i, j), text.slice(j)];
    }
  }
}

/** Feeds `text` through `run` for every split; returns the outputs that differ from the unsplit one. */
export function mismatches<T>(
  text: string,
  run: (chunks: string[]) => T,
): Array<{ chunks: string[]; got: T; want: T }> {
  const want = run([text]);
  const bad: Array<{ chunks: string[]; got: T; want: T }> = [];
  for (const chunks of splits(text)) {
    const got = run(chunks);
    if (JSON.stringify(got) !== JSON.stringify(want)) bad.push({ chunks, got, want });
  }
  return bad;
}
