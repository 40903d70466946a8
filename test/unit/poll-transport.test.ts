import { expect } from '@open-wc/testing';
import { pollMessage } from '../../src/poll-transport.js';

describe('poll items', () => {
  it('takes {id, event?, data: "<raw SSE data>"} as the event it stands for', () => {
    expect(pollMessage({ id: 4, data: 'Hello' })).to.deep.equal({ id: '4', event: '', data: 'Hello' });
    expect(pollMessage({ id: '5', event: 'task_progress', data: '{"pct":50}' })).to.deep.equal({
      id: '5',
      event: 'task_progress',
      data: '{"pct":50}',
    });
  });

  it('takes {id, ...agent JSON} as an agent event with that id', () => {
    const item = { id: 7, mode: 'append', data: [{ id: 7, type: 'text', content: 'x' }] };
    expect(pollMessage(item)).to.deep.equal({
      id: '7',
      event: '',
      data: JSON.stringify({ mode: 'append', data: [{ id: 7, type: 'text', content: 'x' }] }),
    });
    expect(pollMessage({ id: 8, mode: 'finish' })).to.deep.equal({ id: '8', event: '', data: '{"mode":"finish"}' });
  });

  it('ignores an absent id, and one containing NUL as an event stream would', () => {
    expect(pollMessage({ data: 'a' }).id).to.equal('');
    expect(pollMessage({ id: null, data: 'a' }).id).to.equal('');
    expect(pollMessage({ id: '1\0', data: 'a' }).id).to.equal('');
  });

  it('passes anything that is not an object on as its JSON, for the protocol to skip', () => {
    expect(pollMessage('text')).to.deep.equal({ id: '', event: '', data: '"text"' });
    expect(pollMessage(null)).to.deep.equal({ id: '', event: '', data: 'null' });
  });
});
