// @ts-check
/**
 * The reference server's answer store: the library's memory store (lib/memory-store.js) with the
 * scripted producer as the default answer.
 */
// A module of its own, not a re-export: the library has no scripted answer, so it cannot default to one.
import { createMemoryStore } from './lib/memory-store.js';
import { scriptedProducer } from './scripted-producer.js';

/**
 * @typedef {import('./lib/memory-store.js').Producer} Producer
 * @typedef {Omit<import('./lib/memory-store.js').JobStoreOptions, 'producer'> & {producer?: Producer, chunkMs?: number}} ScriptedStoreOptions
 *   `chunkMs`: the scripted producer's ms between events (0: as fast as possible)
 */

/**
 * Creates the store of generation jobs; the scripted producer answers unless another is given.
 * @param {ScriptedStoreOptions} [options]
 */
export function createScriptedStore(options = {}) {
  const { setTimer, clearTimer } = options;
  const producer = options.producer ?? scriptedProducer({ chunkMs: options.chunkMs, setTimer, clearTimer });
  return createMemoryStore({ ...options, producer });
}
