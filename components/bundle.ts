/**
 * Entry of the self-contained files (`dist/sse-chat.js`, `dist/sse-chat.iife.js`): the whole
 * public API, dependencies inlined, and the tags registered.
 */
import './define.js';

export * from './index.js';
