import { expect } from '@open-wc/testing';
import { parseHistory } from '../../src/history.js';

/** Runs `fn` with console.warn recorded instead of printed; returns what was warned. */
function warnings(fn: () => void): unknown[][] {
  const warn = console.warn;
  const seen: unknown[][] = [];
  console.warn = (...args: unknown[]) => {
    seen.push(args);
  };
  try {
    fn();
  } finally {
    console.warn = warn;
  }
  return seen;
}

const question = { id: 'b:q', author: 'user', think: '', answer: 'why?', status: 'available', offset: 0 };

describe('parseHistory', () => {
  it('normalises messages: defaults, string ids, done / stopped / pending', () => {
    const messages = parseHistory({
      messages: [
        { id: 7, author: 'user', answer: 'hi', status: 'available' },
        { id: 'a', author: 'assistant', think: 't', answer: 'x', status: 'available', offset: 9, stopped: true },
        { id: 'p', author: 'assistant', answer: 'y', status: 'pending', offset: 3 },
      ],
    });
    expect(messages).to.deep.equal([
      { id: '7', author: 'user', think: '', answer: 'hi', status: 'done', offset: 0 },
      { id: 'a', author: 'assistant', think: 't', answer: 'x', status: 'stopped', offset: 9 },
      { id: 'p', author: 'assistant', think: '', answer: 'y', status: 'pending', offset: 3 },
    ]);
  });

  it('throws when the answer is not {messages: [...]}, and skips a malformed message with one warning', () => {
    expect(() => parseHistory([])).to.throw(TypeError);
    let messages: ReturnType<typeof parseHistory> = [];
    const seen = warnings(() => {
      messages = parseHistory({ messages: [{ id: '', author: 'user', answer: 'x', status: 'available' }, question] });
    });
    expect(messages.map((m) => m.id)).to.deep.equal(['b:q']);
    expect(seen).to.have.length(1);
  });

  it("reads a regenerated answer's earlier versions, oldest first", () => {
    const messages = parseHistory({
      messages: [
        question,
        {
          id: 'c',
          author: 'assistant',
          think: 'third',
          answer: 'C',
          status: 'available',
          offset: 12,
          versions: [
            { id: 'a', think: 'first', answer: 'A' },
            { id: 'b', answer: 'B', stopped: true },
          ],
        },
      ],
    });
    expect(messages[1]).to.deep.equal({
      id: 'c',
      author: 'assistant',
      think: 'third',
      answer: 'C',
      status: 'done',
      offset: 12,
      versions: [
        { id: 'a', author: 'assistant', think: 'first', answer: 'A', status: 'done', offset: 0 },
        { id: 'b', author: 'assistant', think: '', answer: 'B', status: 'stopped', offset: 0 },
      ],
    });
  });

  it('leaves versions out when there are none, and on user messages', () => {
    const [user, answer] = parseHistory({
      messages: [
        { ...question, versions: [{ id: 'z', answer: 'Z' }] },
        { id: 'b', author: 'assistant', answer: 'B', status: 'available', versions: [] },
      ],
    });
    expect(user).to.not.have.property('versions');
    expect(answer).to.not.have.property('versions');
  });

  it('skips a malformed version with one warning each (a `versions` that is not a list is ignored); the message and the other versions stay', () => {
    let messages: ReturnType<typeof parseHistory> = [];
    const seen = warnings(() => {
      messages = parseHistory({
        messages: [
          {
            id: 'c',
            author: 'assistant',
            answer: 'C',
            status: 'available',
            versions: [null, { id: 'a', answer: 'A' }, { answer: 'no id' }, { id: 'b', answer: 5 }, 'b'],
          },
          { id: 'd', author: 'assistant', answer: 'D', status: 'available', versions: 'not a list' },
        ],
      });
    });
    expect(seen).to.have.length(4);
    expect(messages.map((m) => m.id)).to.deep.equal(['c', 'd']);
    expect(messages[0]?.versions).to.deep.equal([
      { id: 'a', author: 'assistant', think: '', answer: 'A', status: 'done', offset: 0 },
    ]);
    expect(messages[1]).to.not.have.property('versions');
  });
});
