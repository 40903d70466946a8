/**
 * The generated manifest (dist/custom-elements.json: `npm run analyze`, or the build). Declared
 * so the type check passes before it exists; once it does, TypeScript types the JSON itself.
 * Readers cast it to the shape they read (stories/controls.ts).
 */
declare module '*/custom-elements.json' {
  const manifest: unknown;
  export default manifest;
}

/** Vite's `?inline` import: a stylesheet's text (the Storybook's highlight.js theme). */
declare module '*.css?inline' {
  const css: string;
  export default css;
}

/** Vite's `?raw` import: a file's text (the protocol stories' recorded streams). */
declare module '*?raw' {
  const text: string;
  export default text;
}
