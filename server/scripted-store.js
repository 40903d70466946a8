// @ts-check
/**
 * The reference server's job store: the library's memory store (lib/memory-store.js) with the
 * scripted producer as the default answer.
 */
import { createMemoryStore } from './lib/memory-store.js';
import { scriptedProducer } from './scripted-producer.js';

export { Job, jobSnapshot } from './lib/memory-store.js';

/**
 * @typedef {import('./lib/memory-store.js').LogEntry} LogEntry
 * @typedef {import('./lib/memory-store.js').ConnectionRecord} ConnectionRecord
 * @typedef {import('./lib/memory-store.js').JobEvent} JobEvent
 * @typedef {import('./lib/memory-store.js').ProducerRun} ProducerRun
 * @typedef {import('./lib/memory-store.js').Producer} Producer
 * @typedef {import('./lib/memory-store.js').JobStore} JobStore
 * @typedef {Omit<import('./lib/memory-store.js').JobStoreOptions, 'producer'> & {producer?: Producer, chunkMs?: number}} JobStoreOptions
 *   `chunkMs`: the scripted producer's ms between events (0: as fast as possible)
 */

/**
 * Creates the store of generation jobs; the scripted producer answers unless another is given.
 * @param {JobStoreOptions} [options]
 */
export function createJobStore(options = {}) {
  const { setTimer, clearTimer } = options;
  const producer = options.producer ?? scriptedProducer({ chunkMs: options.chunkMs, setTimer, clearTimer });
  return createMemoryStore({ ...options, producer });
}
