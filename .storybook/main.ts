// Storybook: the catalogue of every state of the elements (stories/), built from the TypeScript
// sources by Vite. Nothing here may need the internet: telemetry and update checks are off.
import type { StorybookConfig } from '@storybook/web-components-vite';
import { mergeConfig } from 'vite';

const config: StorybookConfig = {
  stories: ['../stories/**/*.stories.ts'],
  addons: ['@storybook/addon-docs'],
  framework: { name: '@storybook/web-components-vite', options: {} },
  core: { disableTelemetry: true, disableWhatsNewNotifications: true },
  viteFinal: (viteConfig) =>
    mergeConfig(viteConfig, {
      // Dev server: Storybook's renderer imports `lit/directive-helpers.js`, which Vite would
      // serve unbundled next to its pre-bundled `lit`: two copies of lit-html ("Multiple
      // versions of Lit loaded"). Pre-bundled too, there is one. (The static build has one anyway.)
      optimizeDeps: { include: ['lit/directive-helpers.js'] },
      // The static build's largest chunks are Storybook's own (docs renderer, test helpers,
      // ~1 MB each): not worth a warning on every build.
      build: { chunkSizeWarningLimit: 1500 },
    }),
};

export default config;
