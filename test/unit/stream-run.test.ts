import { expect } from '@open-wc/testing';
import { Attempt, Run } from '../../src/stream-run.js';
import type { StreamRequest } from '../../src/stream-types.js';
import type { SseMessage } from '../../src/types.js';

const agent = { protocol: 'agent', decodeEscapes: 'auto' } as const;
const runOf = (request: StreamRequest = {}, config: Run['config'] = agent) => new Run(request, config);
const event = (seq: number | '', content: string): SseMessage => ({
  id: String(seq),
  event: '',
  data: JSON.stringify({ mode: 'append', data: [{ type: 'text', content }] }),
});
const idOnly = (id: string): SseMessage => ({ id, event: '', data: '' });

describe('Run', () => {
  it('starts a new answer at offset 0, a resume at its offset', () => {
    expect(runOf()).to.include({ offset: 0, resuming: false, resumable: false });
    const resumed = runOf({ offset: 12, messageId: 'm1', answer: 'so far' });
    expect(resumed).to.include({ offset: 12, resuming: true, resumable: true, messageId: 'm1' });
    expect(resumed.resumePoint).to.deep.equal({ offset: 12, think: '', answer: 'so far' });
    expect(resumed.resumeParams('c1')).to.deep.equal({ offset: 12, messageId: 'm1', conversationId: 'c1' });
    expect(runOf().resumeParams('c1')).to.equal(undefined);
  });

  describe('accept', () => {
    it('lets an id-only block move the offset forward only, applying nothing', () => {
      const run = runOf();
      const attempt = new Attempt(false);
      expect(run.accept(attempt, idOnly('5'))).to.equal(undefined);
      expect(run).to.include({ offset: 5, seqSeen: true });
      run.accept(attempt, idOnly('3'));
      run.accept(attempt, idOnly('not-a-number'));
      expect(run.offset).to.equal(5);
      expect(run.stats.events).to.equal(0);
    });

    it('drops replays (seq <= offset) once the stream is resumable, and counts them', () => {
      const run = runOf({ offset: 2 });
      const attempt = new Attempt(true);
      expect(run.accept(attempt, event(1, 'old'))).to.equal(undefined);
      expect(run.accept(attempt, event(2, 'old'))).to.equal(undefined);
      expect(run.accept(attempt, event(3, 'new'))).to.include({ seq: 3 });
      expect(run.stats).to.include({ events: 3, duplicatesDropped: 2 });
      expect(attempt.dropped).to.equal(2);
    });

    it('never drops in an id-less stream: nothing says what was had', () => {
      const run = runOf();
      const attempt = new Attempt(false);
      expect(run.accept(attempt, event(0, 'a'))).to.include({ seq: 0 });
      expect(run.accept(attempt, event('', 'b'))).to.not.equal(undefined);
      expect(run.stats.duplicatesDropped).to.equal(0);
    });

    it('passes over what the protocol skips, counting it as an event', () => {
      const run = runOf();
      const warn = console.warn;
      console.warn = () => {};
      try {
        expect(run.accept(new Attempt(false), { id: '1', event: '', data: 'not json' })).to.equal(undefined);
      } finally {
        console.warn = warn;
      }
      expect(run.stats.events).to.equal(1);
      expect(run.offset).to.equal(0);
    });
  });

  describe('noteApplied', () => {
    it('moves the offset, takes a server-assigned id and resets the retry count', () => {
      const run = runOf();
      run.retry = 3;
      run.silentFailures = 1;
      const attempt = new Attempt(false);
      run.noteApplied(attempt, { seq: 9, messageId: 'server-id' });
      expect(run).to.include({ offset: 9, seqSeen: true, messageId: 'server-id', retry: 0, silentFailures: 0 });
      expect(attempt.applied).to.equal(1);
      expect(run.stats.lastEventAt).to.be.a('number');
    });

    it('keeps the retry count on a restart, so an answer that keeps breaking cannot restart forever', () => {
      const run = runOf();
      run.retry = 2;
      run.noteApplied(new Attempt(false, true), {});
      expect(run.retry).to.equal(2);
    });
  });

  describe('resume point', () => {
    it('moves only where nothing is held back', () => {
      const run = runOf({}, { protocol: 'text', decodeEscapes: 'auto' });
      run.offset = 1;
      run.seqSeen = true;
      run.markResumePoint();
      expect(run.resumePoint).to.deep.equal({ offset: 1, think: '', answer: '' });
      for (const op of run.adapter.apply({ text: '<think>hm' })) run.model.apply(op);
      run.offset = 2;
      run.markResumePoint(); // inside the think block: a fresh adapter would route the rest differently
      expect(run.resumePoint.offset).to.equal(1);
    });

    it('never moves in a run that got no sequence number: its texts would not match any offset', () => {
      const run = runOf({}, { protocol: 'openai', decodeEscapes: 'auto' });
      for (const op of run.adapter.apply({ ops: [{ op: 'append', block: 'think', text: 'R1 ' }] })) run.model.apply(op);
      run.markResumePoint();
      expect(run.resumePoint).to.deep.equal({ offset: 0, think: '', answer: '' });
    });

    it('goes back to the start of the text when the answer is asked again', () => {
      const run = runOf({ offset: 0, answer: 'partial' });
      run.offset = 4;
      run.reset(run.newAdapter());
      expect(run.resumePoint).to.deep.equal({ offset: 4, think: '', answer: '' });
      expect(run.model.answer).to.equal('');
    });
  });

  describe('a direct run (docs/design.md#direct-endpoints)', () => {
    const responses = { protocol: 'openai-responses', decodeEscapes: 'auto', direct: true } as const;
    const delta = (seq: number, text: string): SseMessage => ({
      id: '',
      event: 'response.output_text.delta',
      data: JSON.stringify({ type: 'response.output_text.delta', item_id: 'msg_1', delta: text, sequence_number: seq }),
    });

    it('ignores ids and sequence numbers: nothing is dropped, the offset never moves', () => {
      const run = runOf({}, responses);
      const attempt = new Attempt(false);
      expect(run.accept(attempt, delta(4, 'a'))).to.include({ seq: undefined });
      expect(run.accept(attempt, delta(4, 'a'))).to.not.equal(undefined); // a second generation's event 4
      expect(run.accept(attempt, idOnly('9'))).to.equal(undefined);
      expect(run).to.include({ offset: 0, seqSeen: false, resumable: false, resuming: false });
      expect(run.stats.duplicatesDropped).to.equal(0);
    });

    it('never resumes, not even when started by resume(): it has nothing to continue from', () => {
      const run = runOf({ offset: 12, messageId: 'm1' }, { ...responses, protocol: 'openai' });
      expect(run).to.include({ offset: 0, resuming: false, resumable: false, restart: false });
      expect(run.resumeParams('c1')).to.equal(undefined);
    });

    it('replaces the text it starts with: its first attempt asks again, and a later one too', () => {
      const run = runOf({ offset: 3, answer: 'shown' }, { ...responses, protocol: 'openai' });
      expect(run).to.include({ restart: true, unanchored: true, resuming: false });
      expect(runOf({ offset: 3 }, responses)).to.include({ restart: false, unanchored: false });
    });
  });

  describe('release', () => {
    it('aborts the attempt, clears its timers and ends a sleep under way', async () => {
      const run = runOf();
      run.current = new Attempt(false);
      let fired = false;
      run.timer(() => (fired = true), 10);
      const sleeping = run.sleep(60_000);
      run.release();
      await sleeping;
      await new Promise((resolve) => setTimeout(resolve, 30));
      expect(fired).to.equal(false);
      expect(run.ended).to.equal(true);
      expect(run.current.reason).to.equal('ended');
    });
  });
});
