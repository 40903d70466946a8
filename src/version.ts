declare const __SSE_CHAT_VERSION__: string | undefined;

/** The package version, stamped at build time (`dev` when run from source). */
export const VERSION: string = typeof __SSE_CHAT_VERSION__ === 'string' ? __SSE_CHAT_VERSION__ : 'dev';
