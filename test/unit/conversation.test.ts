/**
 * The versions of a regenerated answer (components/conversation.ts, docs/design.md#versions):
 * `regenerateEntry` starts the entry over as a new version, `showVersion` puts another in its
 * place, `snapshot` reports them, `historyEntries` rebuilds them from history, and the next
 * request carries the version shown.
 */
import { expect } from '@open-wc/testing';
import {
  endEntry,
  historyEntries,
  newEntry,
  regenerateEntry,
  requestMessages,
  showVersion,
  snapshot,
  type Entry,
} from '../../components/conversation.js';
import type { HistoryMessage } from '../../src/history.js';

/** A finished answer, as `endEntry` leaves it: text, meta and a resume point. */
function answered(entry: Entry, answer: string, meta?: Record<string, unknown>): Entry {
  endEntry(entry, {
    status: 'done',
    messageId: entry.messageId,
    think: `thinking about ${answer}`,
    answer,
    meta,
    resumePoint: { offset: 7, think: `thinking about ${answer}`, answer },
  });
  return entry;
}

/** A question and its finished answer `First` (meta `{n: 1}`, feedback `up`). */
function conversation(): { question: Entry; answer: Entry; entries: Entry[] } {
  const question = newEntry('user', 'Why?', 'done');
  const answer = answered(newEntry('assistant', '', 'streaming'), 'First', { n: 1 });
  answer.feedback = 'up';
  return { question, answer, entries: [question, answer] };
}

describe('regenerateEntry', () => {
  it('keeps the answer shown as version 0 and starts the entry over as the last version, with a new id', () => {
    const { answer } = conversation();
    const { key, messageId } = answer;
    const replaced = regenerateEntry(answer);

    expect(replaced, 'the id of the answer replaced').to.equal(messageId);
    expect(answer.key, 'the same element shows it').to.equal(key);
    expect(answer.messageId).to.be.a('string').and.not.equal(messageId);
    expect(answer).to.include({ think: '', answer: '', status: 'streaming', offset: 0, version: 1 });
    expect(answer.versions).to.have.length(2);
    const [first, second] = answer.versions!;
    expect(first).to.include({ messageId, answer: 'First', status: 'done', feedback: 'up', offset: 7 });
    expect(first!.meta).to.deep.equal({ n: 1 });
    expect(second).to.include({ messageId: answer.messageId, answer: '', status: 'streaming' });
  });

  it('resets what belonged to the answer replaced: meta, feedback, resume point', () => {
    const { answer } = conversation();
    expect(answer.resume, 'endEntry left a resume point').not.to.equal(undefined);
    regenerateEntry(answer);
    expect(answer.meta).to.equal(undefined);
    expect(answer.feedback).to.equal(undefined);
    expect(answer.resume).to.equal(undefined);
    expect(answer.versions![1]!.meta).to.equal(undefined);
    expect(answer.versions![1]!.feedback).to.equal(undefined);
  });

  it('a second regenerate: three versions, the new one last; versions hold no versions of their own', () => {
    const { answer } = conversation();
    regenerateEntry(answer);
    answered(answer, 'Second', { n: 2 });
    const second = answer.messageId;
    expect(regenerateEntry(answer)).to.equal(second);
    answered(answer, 'Third');
    expect(answer.version).to.equal(2);
    expect(answer.versions!.map((v) => v.answer)).to.deep.equal(['First', 'Second', '']);
    // The slot of the version shown is brought up to date when another is shown (snapshot
    // reports the entry itself for it meanwhile).
    expect(snapshot(answer).versions!.map((v) => v.answer)).to.deep.equal(['First', 'Second', 'Third']);
    for (const version of answer.versions!) {
      expect(version.versions).to.equal(undefined);
      expect(version.version).to.equal(undefined);
    }
  });
});

describe('showVersion', () => {
  it("puts another version in the entry's place, with its own text, meta and feedback, and back", () => {
    const { answer } = conversation();
    const key = answer.key;
    const firstId = answer.messageId;
    regenerateEntry(answer);
    answered(answer, 'Second', { n: 2 });
    const secondId = answer.messageId;

    showVersion(answer, 0);
    expect(answer).to.include({ key, messageId: firstId, answer: 'First', feedback: 'up', version: 0 });
    expect(answer.meta).to.deep.equal({ n: 1 });
    expect(answer.versions).to.have.length(2);

    // Feedback given on the version shown stays with it.
    answer.feedback = 'down';
    showVersion(answer, 1);
    expect(answer).to.include({ key, messageId: secondId, answer: 'Second', version: 1 });
    expect(answer.feedback, 'the second version has none').to.equal(undefined);
    expect(answer.meta).to.deep.equal({ n: 2 });

    answer.feedback = 'up';
    showVersion(answer, 0);
    expect(answer.feedback).to.equal('down');
    expect(answer.meta).to.deep.equal({ n: 1 });
    showVersion(answer, 1);
    expect(answer.feedback).to.equal('up');
    expect(answer.meta).to.deep.equal({ n: 2 });
  });

  it('a field a version lacks does not stay from the one shown before', () => {
    const { answer } = conversation();
    regenerateEntry(answer);
    answered(answer, 'Second'); // no meta, no feedback
    showVersion(answer, 0);
    expect(answer.meta).to.deep.equal({ n: 1 });
    showVersion(answer, 1);
    expect(answer.meta).to.equal(undefined);
    expect(answer.feedback).to.equal(undefined);
  });

  it('does nothing for the version shown, an index out of range, or an entry without versions', () => {
    const { answer } = conversation();
    const before = { ...answer };
    showVersion(answer, 0);
    showVersion(answer, 1);
    expect(answer).to.deep.equal(before);

    regenerateEntry(answer);
    answered(answer, 'Second');
    const shown = { ...answer };
    showVersion(answer, 1);
    showVersion(answer, 2);
    showVersion(answer, -1);
    expect(answer).to.deep.equal(shown);
  });

  it('regenerating while an earlier version is shown: that one is stored, the new one is added last, replacing the newest', () => {
    const { answer } = conversation();
    const firstId = answer.messageId;
    regenerateEntry(answer);
    answered(answer, 'Second');
    const secondId = answer.messageId;
    showVersion(answer, 0);
    expect(answer.messageId).to.equal(firstId);
    answer.feedback = 'down';
    expect(regenerateEntry(answer), 'the newest version is the one replaced, as the server chains them').to.equal(
      secondId,
    );
    expect(answer.version).to.equal(2);
    expect(answer.versions!.map((v) => v.answer)).to.deep.equal(['First', 'Second', '']);
    expect(answer.versions![0]!.feedback).to.equal('down');
  });
});

describe('snapshot of a regenerated answer', () => {
  it('`versions`: every version as a message, oldest first; `version`: the index shown', () => {
    const { answer } = conversation();
    const firstId = answer.messageId;
    regenerateEntry(answer);
    answered(answer, 'Second', { n: 2 });

    let message = snapshot(answer);
    expect(message).to.include({ id: answer.messageId, answer: 'Second', status: 'done', version: 1 });
    expect(message.versions!.map((v) => [v.id, v.answer])).to.deep.equal([
      [firstId, 'First'],
      [answer.messageId, 'Second'],
    ]);
    expect(message.versions![0]).to.deep.equal({
      id: firstId,
      author: 'assistant',
      think: 'thinking about First',
      answer: 'First',
      status: 'done',
      meta: { n: 1 },
    });
    expect(message.versions![1]).to.include({ id: answer.messageId, answer: 'Second' });
    expect(message.versions![1]!.meta).to.deep.equal({ n: 2 });
    for (const version of message.versions!) expect(version.versions).to.equal(undefined);

    showVersion(answer, 0);
    message = snapshot(answer);
    expect(message).to.include({ id: firstId, answer: 'First', version: 0 });
    expect(message.versions!.map((v) => v.answer)).to.deep.equal(['First', 'Second']);
  });

  it('while the new version streams: its live text, in the message and among the versions', () => {
    const { answer } = conversation();
    regenerateEntry(answer);
    const message = snapshot(answer, { messageId: answer.messageId, think: 'hm', answer: 'Sec' });
    expect(message).to.include({ answer: 'Sec', think: 'hm', status: 'streaming', version: 1 });
    expect(message.versions!.map((v) => v.answer)).to.deep.equal(['First', 'Sec']);
  });

  it('has no cycle: the entry and its snapshot go through JSON', () => {
    const { answer } = conversation();
    regenerateEntry(answer);
    answered(answer, 'Second');
    showVersion(answer, 0);
    const message = snapshot(answer);
    const json = JSON.parse(JSON.stringify(message)) as typeof message;
    expect(json.versions!.map((v) => v.answer)).to.deep.equal(['First', 'Second']);
    expect(() => JSON.stringify(answer)).not.to.throw();
  });

  it('an answer never regenerated, and a question, have neither field', () => {
    const { question, answer } = conversation();
    for (const entry of [question, answer]) {
      const message = snapshot(entry);
      expect(message).not.to.have.any.keys('versions', 'version');
    }
  });
});

describe('historyEntries with versions', () => {
  const history: HistoryMessage[] = [
    { id: 'a:q', author: 'user', think: '', answer: 'Why?', status: 'done', offset: 0 },
    {
      id: 'c',
      author: 'assistant',
      think: 't3',
      answer: 'Third',
      status: 'done',
      offset: 30,
      versions: [
        { id: 'a', author: 'assistant', think: 't1', answer: 'First', status: 'done', offset: 0 },
        { id: 'b', author: 'assistant', think: '', answer: 'Sec', status: 'stopped', offset: 0 },
      ],
    },
  ];

  it('the message is the last version, shown; the earlier ones come before it, oldest first', () => {
    const [question, answer] = historyEntries(history);
    expect(question!.versions).to.equal(undefined);
    expect(answer).to.include({ messageId: 'c', answer: 'Third', status: 'done', offset: 30, version: 2 });
    expect(answer!.versions!.map((v) => [v.messageId, v.think, v.answer, v.status])).to.deep.equal([
      ['a', 't1', 'First', 'done'],
      ['b', '', 'Sec', 'stopped'],
      ['c', 't3', 'Third', 'done'],
    ]);
    for (const version of answer!.versions!) {
      expect(version.versions).to.equal(undefined);
      expect(version.author).to.equal('assistant');
    }
    expect(answer!.versions![0]!.offset, 'an earlier version is never resumed').to.equal(0);
  });

  it('switches like a regenerated answer, and regenerates on from the last', () => {
    const [, answer] = historyEntries(history);
    showVersion(answer!, 0);
    expect(answer).to.include({ messageId: 'a', answer: 'First', version: 0 });
    expect(snapshot(answer!)).to.include({ id: 'a', version: 0 });
    showVersion(answer!, 2);
    expect(answer).to.include({ messageId: 'c', answer: 'Third', offset: 30, version: 2 });
    expect(regenerateEntry(answer!)).to.equal('c');
    expect(answer!.versions!.map((v) => v.messageId).slice(0, 3)).to.deep.equal(['a', 'b', 'c']);
    expect(answer!.version).to.equal(3);
  });

  it('without versions: no `versions` or `version`', () => {
    const [question, answer] = historyEntries([history[0]!, { ...history[1]!, versions: undefined }]);
    expect(question).not.to.have.any.keys('versions', 'version');
    expect(answer).not.to.have.any.keys('versions', 'version');
    expect(snapshot(answer!)).not.to.have.any.keys('versions', 'version');
  });
});

describe('requestMessages after a version switch', () => {
  it('the conversation carries the version shown', () => {
    const { answer, entries } = conversation();
    regenerateEntry(answer);
    answered(answer, 'Second');
    const next = [...entries, newEntry('user', 'And then?', 'done')];
    expect(requestMessages(next).map((m) => m.content)).to.deep.equal(['Why?', 'Second', 'And then?']);
    showVersion(answer, 0);
    expect(requestMessages(next)).to.deep.equal([
      { role: 'user', content: 'Why?' },
      { role: 'assistant', content: 'First' },
      { role: 'user', content: 'And then?' },
    ]);
  });

  it('a regenerate asks the conversation before the answer: its question last', () => {
    const { answer, entries } = conversation();
    regenerateEntry(answer);
    expect(requestMessages(entries, answer)).to.deep.equal([{ role: 'user', content: 'Why?' }]);
  });
});
