/**
 * Registers `<sse-chat>` and `<sse-message>`: the only module with that side effect
 * (`sideEffects` in package.json lists it and the bundles).
 */
import { defineElement } from './define-element.js';
import { SseChat } from './sse-chat.js';
import { SseMessage } from './sse-message.js';

defineElement('sse-message', SseMessage);
defineElement('sse-chat', SseChat);

declare global {
  interface HTMLElementTagNameMap {
    'sse-chat': SseChat;
    'sse-message': SseMessage;
  }
}
