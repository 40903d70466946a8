import { expect } from '@open-wc/testing';
import { createMessageModel, type BlockChange } from '../../src/message-model.js';

describe('message model', () => {
  it('reports appends as deltas and rebuilds as replacements', () => {
    const model = createMessageModel({ decodeEscapes: true });
    const changes: Array<BlockChange | undefined> = [
      model.apply({ op: 'append', block: 'answer', text: 'a\\', itemId: 1 }),
      model.apply({ op: 'append', block: 'answer', text: 'nb', itemId: 2 }),
      model.apply({ op: 'update', block: 'answer', itemId: 2, text: 'tc' }),
    ];
    expect(changes).to.deep.equal([
      { block: 'answer', kind: 'append', text: 'a' },
      { block: 'answer', kind: 'append', text: '\nb' },
      { block: 'answer', kind: 'replace', text: 'a\tc' },
    ]);
  });

  it('flushes a pending backslash as a literal one at the end, per block', () => {
    const model = createMessageModel({ decodeEscapes: true });
    model.apply({ op: 'append', block: 'think', text: 'path C:\\' });
    model.apply({ op: 'append', block: 'answer', text: 'ok' });
    expect(model.think).to.equal('path C:');
    expect(model.end()).to.deep.equal([{ block: 'think', kind: 'append', text: '\\' }]);
    expect(model.think).to.equal('path C:\\');
    expect(model.answer).to.equal('ok');
  });

  it('keeps text loaded from history as it is and continues it', () => {
    const model = createMessageModel({ decodeEscapes: true, answer: 'literal \\n stays' });
    model.apply({ op: 'append', block: 'answer', text: '\\nmore' });
    expect(model.answer).to.equal('literal \\n stays\nmore');
    model.apply({ op: 'update', block: 'answer', itemId: 99, text: '!' });
    expect(model.answer).to.equal('literal \\n stays\nmore!');
  });

  it('does not decode when decoding is off', () => {
    const model = createMessageModel({ decodeEscapes: false });
    model.apply({ op: 'append', block: 'answer', text: 'a\\nb\\' });
    model.end();
    expect(model.answer).to.equal('a\\nb\\');
  });
});
