/**
 * Controls from the manifest. Storybook builds each element's docs table from
 * dist/custom-elements.json (.storybook/preview.ts): attributes, properties, events, parts and
 * custom properties, with their JSDoc. `controlsOnly()` keeps every row but takes the control
 * away from the ones a story's render does not bind, so no control promises an effect it lacks.
 */
import type { ArgTypes } from '@storybook/web-components-vite';
import generated from '../dist/custom-elements.json';

/** The parts of a custom elements manifest (schema 2.x) read here. */
interface ManifestDeclaration {
  tagName?: string;
  members?: Array<{ kind: string; name: string }>;
  attributes?: Array<{ name: string }>;
}
const manifest = generated as unknown as { modules: Array<{ declarations?: ManifestDeclaration[] }> };

function declarationOf(tag: string): ManifestDeclaration | undefined {
  return manifest.modules
    .flatMap((module) => module.declarations ?? [])
    .find((declaration) => declaration.tagName === tag);
}

/** `{control: false}` for every field and attribute of `tag` not in `wired`. */
export function controlsOnly(tag: string, wired: readonly string[]): ArgTypes {
  const declaration = declarationOf(tag);
  const names = [
    ...(declaration?.members ?? []).filter((member) => member.kind === 'field').map((member) => member.name),
    ...(declaration?.attributes ?? []).map((attribute) => attribute.name),
  ];
  return Object.fromEntries(names.filter((name) => !wired.includes(name)).map((name) => [name, { control: false }]));
}
