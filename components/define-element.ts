import { VERSION } from '../src/version.js';

type VersionedConstructor = CustomElementConstructor & { version?: string };

/**
 * Defines `tag` unless it already is. Legacy pages load scripts twice: a second copy warns,
 * naming both versions, and leaves the first registration in place instead of throwing.
 */
export function defineElement(tag: string, constructor: VersionedConstructor): void {
  const existing = customElements.get(tag) as VersionedConstructor | undefined;
  if (!existing) {
    customElements.define(tag, constructor);
    return;
  }
  if (existing === constructor) return;
  console.warn(
    `sse-chat: <${tag}> is already defined (version ${existing.version ?? 'unknown'}); ` +
      `this copy (version ${VERSION}) was not registered. Is the script loaded twice?`,
  );
}
