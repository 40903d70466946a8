import { expect } from '@open-wc/testing';
import { createEscapeDecoder, decodeEscapes } from '../../src/escape-decoder.js';
import { shouldDecodeEscapes } from '../../src/protocols/index.js';
import { mismatches } from '../helpers/splits.js';

const run = (chunks: string[]) => {
  const decoder = createEscapeDecoder();
  return chunks.map((c) => decoder.push(c)).join('') + decoder.end();
};

describe('escape decoder', () => {
  const cases: Array<[string, string, string]> = [
    ['\\n becomes LF', 'a\\nb', 'a\nb'],
    ['\\t becomes TAB', 'a\\tb', 'a\tb'],
    ['\\\\ becomes one backslash', 'C:\\\\dir', 'C:\\dir'],
    ['\\r\\n becomes one LF', 'a\\r\\nb', 'a\nb'],
    ['a lone \\r becomes LF', 'a\\rb', 'a\nb'],
    ['\\r then another escape', 'a\\r\\tb', 'a\n\tb'],
    ['\\r\\r\\n is two line breaks', 'a\\r\\r\\nb', 'a\n\nb'],
    ['other sequences stay as they are', 'a\\x\\u00e9\\"q', 'a\\x\\u00e9\\"q'],
    ['an escaped backslash before n is not a newline', 'a\\\\nb', 'a\\nb'],
    ['a trailing backslash is literal at the end', 'end\\', 'end\\'],
    ['a trailing \\r is a line break at the end', 'end\\r', 'end\n'],
    ['a trailing \\r\\ is a line break and a backslash', 'end\\r\\', 'end\n\\'],
    ['real newlines pass through', 'a\nb\r\nc', 'a\nb\r\nc'],
    ['multi-byte text passes through', '你好\\n👩‍💻\\t✅', '你好\n👩‍💻\t✅'],
    ['empty input', '', ''],
  ];

  for (const [name, input, output] of cases) {
    it(`${name}`, () => {
      expect(decodeEscapes(input)).to.equal(output);
    });
    it(`${name}: the same split at every index`, () => {
      expect(mismatches(input, run)).to.deep.equal([]);
    });
  }

  it('emits text as soon as it is final and holds back only a possible escape', () => {
    const decoder = createEscapeDecoder();
    expect(decoder.push('abc\\')).to.equal('abc');
    expect(decoder.push('n')).to.equal('\n');
    expect(decoder.push('x\\r')).to.equal('x');
    expect(decoder.push('\\')).to.equal('');
    expect(decoder.push('n!')).to.equal('\n!');
    expect(decoder.end()).to.equal('');
  });

  it('a long stream split in 1..7-char chunks decodes like the whole', () => {
    const text = 'line one\\nline two\\ttab\\\\slash\\r\\nCRLF\\rCR\\q'.repeat(40);
    for (let size = 1; size <= 7; size++) {
      const chunks: string[] = [];
      for (let i = 0; i < text.length; i += size) chunks.push(text.slice(i, i + size));
      expect(run(chunks)).to.equal(decodeEscapes(text));
    }
  });
});

describe('decode-escapes per protocol', () => {
  it('auto decodes only text: JSON content (agent, openai) already carries its newlines', () => {
    expect(shouldDecodeEscapes('text', 'auto')).to.equal(true);
    expect(shouldDecodeEscapes('agent', 'auto')).to.equal(false);
    expect(shouldDecodeEscapes('openai', 'auto')).to.equal(false);
  });

  it('on and off apply to every protocol', () => {
    for (const protocol of ['agent', 'openai', 'text'] as const) {
      expect(shouldDecodeEscapes(protocol, 'on'), protocol).to.equal(true);
      expect(shouldDecodeEscapes(protocol, 'off'), protocol).to.equal(false);
    }
  });
});
