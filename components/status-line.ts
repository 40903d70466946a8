/**
 * The words of `<sse-chat>`'s status line (`role="status"`): what the history load, else the
 * stream, is doing. One text per status, never per token, so a screen reader hears each change
 * once. Pure.
 */
import type { StatusDetail } from '../src/stream-types.js';
import { SseChatError } from '../src/types.js';
import type { HistoryState } from './history-controller.js';
import type { SseChatStrings } from './strings.js';

/** `maxRetries` is the count a `reconnecting` status without its own `max` shows. */
export function statusText(
  strings: SseChatStrings,
  history: HistoryState,
  detail: StatusDetail,
  maxRetries: number,
): string {
  if (history.state === 'loading') return strings.loadingHistory;
  if (history.state === 'error') return strings.historyError(history.reason);
  const { status, attempt = 1, max = maxRetries, delayMs = 0, error, transport, restart, offline } = detail;
  switch (status) {
    case 'idle':
      return '';
    case 'connecting':
      return strings.connecting;
    case 'streaming':
      if (restart) return strings.restarted;
      return transport === 'poll' ? strings.polling : strings.streaming;
    case 'reconnecting': {
      if (offline) return strings.offline;
      const reason = error ? strings.describeError(error) : strings.describeError(new SseChatError('network', ''));
      return strings.reconnecting(attempt, max, Math.ceil(delayMs / 1000), reason);
    }
    case 'done':
      return strings.done;
    case 'stopped':
      return strings.stopped;
    case 'error':
      return strings.error(error ? strings.describeError(error) : '');
  }
}
