/**
 * The `auto` adapter: the first event that says which protocol the response speaks decides it
 * (`detectProtocol`), and from then on every call goes to a fresh adapter of that protocol.
 * Nothing is held back or reordered: the deciding event is parsed by the adapter it chose, and
 * a named event outside every protocol before it is passed on as it is.
 */
import type { ProtocolName } from '../types.js';
import { namedEvent, type ProtocolAdapter } from './adapter.js';
import { AI_SDK_HEADER, detectProtocol } from './detect.js';

export interface AutoAdapter extends ProtocolAdapter {
  /** The protocol the response speaks, once an event said it. */
  readonly protocol: ProtocolName | undefined;
}

/**
 * `create` makes the adapter of the protocol decided; `headers` gives the headers of the
 * response being read (read when its first event comes). Until an event decides, the adapter
 * is at a resume point, not complete, and a clean close ends the answer as `text` would (an
 * empty response is an empty answer), unless the headers say `ai-sdk`.
 */
export function createAutoAdapter(
  create: (protocol: ProtocolName) => ProtocolAdapter,
  headers: () => Headers | undefined = () => undefined,
): AutoAdapter {
  let inner: ProtocolAdapter | undefined;
  let protocol: ProtocolName | undefined;
  return {
    parse(message) {
      if (!inner) {
        protocol = detectProtocol(headers(), message);
        if (!protocol) return namedEvent(message);
        inner = create(protocol);
      }
      return inner.parse(message);
    },
    apply: (event) => (inner ? inner.apply(event) : (event.ops ?? [])),
    end: () => inner?.end() ?? [],
    get atResumePoint() {
      return inner?.atResumePoint ?? true;
    },
    get complete() {
      return inner?.complete ?? false;
    },
    get endsAtClose() {
      return inner?.endsAtClose ?? !headers()?.has(AI_SDK_HEADER);
    },
    get protocol() {
      return protocol;
    },
  };
}
