// @ts-check
/** `POST|GET {base}/chat`: start an answer, attach to a running one, or resume one after an offset. */
import { randomUUID } from 'node:crypto';
import { HttpError, header, intParam, queryObject, readJson, sendText } from './http.js';
import { idParam } from './params.js';
import { streamJob } from './stream.js';

/**
 * @typedef {import('node:http').IncomingMessage} Request
 * @typedef {import('node:http').ServerResponse} Response
 * @typedef {import('./handler.js').Answer} Answer
 */

/**
 * Creates the chat route.
 * @param {object} options
 * @param {import('./handler.js').AnswerStore} options.store
 * @param {number} options.pingMs  ms between `: ping` comments (a request's `ping_ms` overrides)
 * @param {import('./handler.js').ChatHandlerOptions['requestOptions']} options.requestOptions
 * @param {import('./handler.js').ConnectionHook} [options.connection]
 * @param {(res: Response) => void} options.track  registers a response that close() destroys
 * @param {Map<string, Set<import('./stream.js').StreamHandle>>} options.streams  each answer's
 *   open streams by message id, kept here and read by the handler's `streams(answer)`
 * @returns {import('./handler.js').Handler}
 */
export function createChatRoute({ store, pingMs, requestOptions, connection, track, streams }) {
  return async function chat(req, res, url) {
    const query = queryObject(url);
    const isPost = req.method === 'POST';
    const body = isPost ? await readJson(req) : messagesFromQuery(query);
    const messageId = idParam(query.message_id ?? body.message_id, 'message_id');
    const conversationId = idParam(query.conversation_id ?? body.conversation_id, 'conversation_id');
    // Regenerate / edit and resend: the answer the new one replaces (only read when it is created).
    const regenerates = idParam(query.regenerate ?? body.regenerate, 'regenerate');
    const edits = idParam(query.edit ?? body.edit, 'edit');
    const lastEventId = header(req, 'last-event-id');
    const offsetText = query.offset ?? (lastEventId?.trim() ? lastEventId : undefined);
    const resume = offsetText !== undefined;
    const offset = intParam(offsetText, query.offset === undefined ? 'Last-Event-ID' : 'offset') ?? 0;
    const streamPingMs = intParam(query.ping_ms, 'ping_ms', { min: 20, max: 3_600_000, clamp: true }) ?? pingMs;

    let answer = messageId === null ? undefined : await store.get(messageId);
    const created = !answer;
    if (!answer) {
      // A resume never starts a generation: the answer it asks for is gone or never was.
      if (resume) throw new HttpError(404, `unknown message_id ${messageId ?? '(none given)'}`);
      const prompt = promptOf(body.messages);
      const messages = Array.isArray(body.messages) ? body.messages : [];
      // The answers it replaces count only when known and of the same conversation.
      const regenerated = await related(store, regenerates, conversationId);
      const edited = await related(store, edits, conversationId);
      answer = await store.create({
        messageId: messageId ?? randomUUID(),
        conversationId,
        prompt,
        messages,
        regenerates: regenerated?.messageId ?? null,
        edits: edited?.messageId ?? null,
        version: regenerated ? (regenerated.version ?? 0) + 1 : 0,
        ...requestOptions?.(query),
      });
      // A replaced answer still running is stopped, as `POST /stop` would: its producer ends.
      for (const replaced of new Set([regenerated, edited])) {
        if (!replaced || replaced.done) continue;
        try {
          await store.stop(replaced.messageId);
        } catch (error) {
          // The new answer is started: a replaced one left running is not worth failing it.
          console.error(`[sse-chat server] could not stop the replaced answer ${replaced.messageId}:`, error);
        }
      }
    }

    /** @type {import('./memory-store.js').ConnectionRecord} */
    const record = {
      index: answer.connections.length,
      method: req.method ?? 'GET',
      offset,
      lastEventId,
      query,
      headers: {
        accept: header(req, 'accept'),
        'content-type': header(req, 'content-type'),
        'x-test': header(req, 'x-test'),
      },
      bodyConversationId: isPost && typeof body.conversation_id === 'string' ? body.conversation_id : null,
      fault: 'ok',
      status: 0,
      open: true,
      events: 0,
      bytes: 0,
    };
    answer.connections.push(record);
    const fault = connection?.({ answer, query, created, record, res });
    if (fault === true) return;
    if (resume && answer.done && offset >= answer.lastSeq) {
      Object.assign(record, { status: 204, open: false });
      sendText(res, 204, {});
      return;
    }
    track(res);
    const handle = streamJob({ res, job: answer, offset, fault, pingMs: streamPingMs, record });
    const { messageId: id } = answer;
    streams.set(id, (streams.get(id) ?? new Set()).add(handle));
    res.on('close', () => {
      const open = streams.get(id);
      open?.delete(handle);
      if (open?.size === 0) streams.delete(id);
    });
  };
}

/**
 * The answer `id` names when the store has it and it is of the conversation, else undefined.
 * @param {import('./handler.js').AnswerStore} store
 * @param {string | null} id
 * @param {string | null} conversationId
 * @returns {Promise<Answer | undefined>}
 */
async function related(store, id, conversationId) {
  const answer = id === null ? undefined : await store.get(id);
  return answer && answer.conversationId === conversationId ? answer : undefined;
}

/**
 * The request fields of a `GET /chat`, from its query (`messages` is JSON).
 * @param {Record<string, string>} query
 * @returns {Record<string, unknown>}
 */
function messagesFromQuery(query) {
  if (query.messages === undefined) return {};
  try {
    return { messages: JSON.parse(query.messages) };
  } catch {
    throw new HttpError(400, 'messages must be JSON');
  }
}

/**
 * The prompt: the content of the last user message.
 * @param {unknown} messages
 */
function promptOf(messages) {
  if (messages === undefined || messages === null) return '';
  if (!Array.isArray(messages)) throw new HttpError(400, 'messages must be an array');
  for (let i = messages.length - 1; i >= 0; i--) {
    const message = messages[i];
    if (message && message.role === 'user') return textOf(message.content);
  }
  return '';
}

/**
 * Message content as text: a string, or the text parts of an array of parts.
 * @param {unknown} content
 * @returns {string}
 */
function textOf(content) {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content.map((part) => (typeof part?.text === 'string' ? part.text : '')).join('');
}
