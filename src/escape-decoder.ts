/**
 * Streaming decoder for escaped newlines, for servers that escape them to keep each
 * token on one `data:` line.
 *
 * `\n`, `\r\n` and a lone `\r` become LF, `\t` becomes TAB and `\\` becomes `\`; any
 * other backslash sequence is left as it is. An escape split across chunks decodes as
 * if it arrived whole: the decoder holds back only the few characters that could still
 * turn out to be part of an escape.
 */

export interface EscapeDecoder {
  /** Decodes the next chunk; returns the text that is now final. */
  push(chunk: string): string;
  /** Ends the stream: whatever is still held back is emitted (a lone `\` literally). */
  end(): string;
  /** Whether part of an escape is held back (a resume must not start from here). */
  readonly pending: boolean;
}

export function createEscapeDecoder(): EscapeDecoder {
  /**
   * What is held back from the previous chunk: `''`, `'\\'` (a backslash),
   * `'\\r'` (a decoded `\r`, waiting to see whether `\n` follows) or `'\\r\\'`.
   */
  let pending = '';

  function push(chunk: string): string {
    if (chunk === '') return '';
    const input = pending + chunk;
    pending = '';
    let out = '';
    let start = 0; // start of the literal run not yet copied to `out`
    let i = input.indexOf('\\');
    while (i !== -1) {
      out += input.slice(start, i);
      const next = input[i + 1];
      if (next === undefined) {
        pending = '\\';
        return out;
      }
      if (next === 'n') {
        out += '\n';
        start = i + 2;
      } else if (next === 't') {
        out += '\t';
        start = i + 2;
      } else if (next === '\\') {
        out += '\\';
        start = i + 2;
      } else if (next === 'r') {
        // `\r\n` is one line break, a lone `\r` is one too.
        const after = input.slice(i + 2, i + 4);
        if (after === '\\n') {
          start = i + 4;
        } else if (after === '' || after === '\\') {
          pending = input.slice(i, i + 2 + after.length);
          return out;
        } else {
          start = i + 2;
        }
        out += '\n';
      } else {
        out += '\\';
        start = i + 1;
      }
      i = input.indexOf('\\', start);
    }
    return out + input.slice(start);
  }

  function end(): string {
    const rest = pending;
    pending = '';
    if (rest === '') return '';
    if (rest === '\\') return '\\';
    // `\r` (possibly followed by a lone backslash) that never met its `\n`.
    return '\n' + rest.slice(2);
  }

  return {
    push,
    end,
    get pending() {
      return pending !== '';
    },
  };
}

/** Decodes a complete string at once. */
export function decodeEscapes(text: string): string {
  const decoder = createEscapeDecoder();
  return decoder.push(text) + decoder.end();
}
