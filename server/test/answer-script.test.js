// @ts-check
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { chunkText, scriptFor } from '../answer-script.js';
import { formatEvent } from '../lib/sse.js';

const PROMPTS = ['hello', 'how do retries work?', 'render markdown', 'a', 'b', 'c', 'd'];

test('scriptFor is deterministic and has every hard case, early', () => {
  const answers = new Set();
  for (const prompt of PROMPTS) {
    const { think, answer } = scriptFor(prompt);
    assert.deepEqual(scriptFor(prompt), { think, answer });
    answers.add(answer);
    assert.ok(think.length >= 400 && think.length <= 600, `think length ${think.length}`);
    assert.match(think.slice(0, 40), /[\u4e00-\u9fff]/, 'CJK early in think');
    assert.match(think.slice(0, 40), /\p{Extended_Pictographic}/u, 'emoji early in think');
    assert.match(answer.slice(0, 60), /[\u4e00-\u9fff]/, 'CJK early in answer');
    assert.match(answer.slice(0, 60), /👩‍💻/, 'ZWJ emoji early in answer');
    assert.match(answer, /^# /m, 'heading');
    assert.match(answer, /\*\*[^*]+\*\*/, 'bold');
    assert.match(answer, /(^|[^*])\*[^*\s][^*]*\*(?!\*)/, 'italic');
    assert.match(answer, /`[^`\n]+`/, 'inline code');
    assert.match(answer, /\[[^\]]+\]\(https:\/\/example\.com\)/, 'link');
    assert.match(answer, /^- /m, 'bullet list');
    const fence = /^```js\n([\s\S]*?)\n```$/m.exec(answer)?.[1] ?? '';
    assert.ok(fence.split('\n').length > 3, 'multi-line js code fence');
    assert.ok(fence.includes('\t') && fence.includes("'a\\\\b'"), 'tab and backslash in the fence');
    assert.match(answer, /^\| .* \|\n\| --- \|/m, 'GFM table');
    assert.match(answer, /你好，世界。流式传输不会丢失任何字符。/, 'CJK line');
    assert.match(answer, /🚀/);
    assert.match(answer, /✅/);
    assert.ok(!/\r/.test(think + answer), 'no CR');
  }
  assert.ok(answers.size >= 2, 'the text depends on the prompt');
});

test('scriptFor grows to about `size` characters, at most 500000', () => {
  for (const size of [5000, 100_000]) {
    const { answer } = scriptFor('x', { size });
    assert.ok(answer.length >= size && answer.length < size + 600, `${answer.length} for ${size}`);
    assert.match(answer, /### Part 2\n/);
  }
  assert.ok(scriptFor('x', { size: 10_000_000 }).answer.length < 501_000);
  assert.equal(scriptFor('x', { size: 10 }).answer, scriptFor('x').answer);
});

test('chunkText: pieces of 1..12 code units, seeded, never inside a surrogate pair', () => {
  const text = scriptFor('hello', { size: 20_000 }).answer;
  const chunks = chunkText(text, 1234);
  assert.equal(chunks.join(''), text);
  assert.deepEqual(chunkText(text, 1234), chunks);
  assert.notDeepEqual(chunkText(text, 99), chunks);
  const lengths = new Set(chunks.map((c) => c.length));
  for (let n = 1; n <= 12; n++) assert.ok(lengths.has(n), `some piece has length ${n}`);
  assert.ok(Math.max(...lengths) <= 12);
  for (const chunk of chunks) {
    assert.ok(!/^[\udc00-\udfff]/.test(chunk), 'no piece starts with a low surrogate');
    assert.ok(!/[\ud800-\udbff]$/.test(chunk), 'no piece ends with a high surrogate');
  }
  assert.deepEqual(chunkText('👩‍💻', 1).join(''), '👩‍💻');
  assert.deepEqual(chunkText('', 1), []);
});

test('formatEvent writes id, event and one data line per line', () => {
  assert.equal(formatEvent({ id: 3, data: '{"a":1}' }), 'id: 3\ndata: {"a":1}\n\n');
  assert.equal(formatEvent({ id: 4, event: 'task_progress', data: 'x' }), 'id: 4\nevent: task_progress\ndata: x\n\n');
  assert.equal(formatEvent({ data: 'a\nb' }), 'data: a\ndata: b\n\n');
});
