// The preview iframe: registers the tags from the sources and hands Storybook's docs the
// manifest generated from the elements' JSDoc (`npm run analyze` → dist/custom-elements.json).
import { setCustomElementsManifest, type Preview } from '@storybook/web-components-vite';
import manifest from '../dist/custom-elements.json';
import '../components/define.js';

setCustomElementsManifest(manifest);

const preview: Preview = {
  tags: ['autodocs'],
  parameters: {
    controls: { expanded: true },
    // Docs pages play the stories too, so each shows its state rather than an idle widget.
    docs: { story: { autoplay: true } },
  },
};

export default preview;
