/**
 * HTML → inert DOM, whatever the model wrote. The one module of `src/` that needs a
 * document: DOMPurify parses HTML with the browser's own parser.
 *
 * A private DOMPurify instance, so our hooks never touch the host page's DOMPurify. Output
 * is a `DocumentFragment` (never an HTML string parsed a second time, which is where
 * mutation XSS lives). On top of DOMPurify's defaults:
 * - no `form`, `input`, `button`, `textarea`, `select`, `style`, `iframe`, `object`, `embed`;
 * - URLs: `http:`, `https:`, `mailto:`, `tel:` and relative ones; images `http:`/`https:` only;
 * - every link not starting with `#` gets `target="_blank" rel="noopener noreferrer"`.
 */
import createDOMPurify, { type Config } from 'dompurify';
import { renderHtml } from './render.js';

const FORBID_TAGS = ['form', 'input', 'button', 'textarea', 'select', 'style', 'iframe', 'object', 'embed'];
/** Allowed link schemes; anything without a scheme (relative, `#anchor`) is allowed too. */
const ALLOWED_URI_REGEXP = /^(?:(?:https?|mailto|tel):|[^a-z]|[a-z+.-]+(?:[^a-z+.\-:]|$))/i;
const IMAGE_URL = /^https?:/i;

const CONFIG: Config & { RETURN_DOM_FRAGMENT: true } = {
  FORBID_TAGS,
  // srcset and poster would load images from any URL, past the http(s)-only rule.
  FORBID_ATTR: ['style', 'srcset', 'poster'],
  ALLOWED_URI_REGEXP,
  ADD_ATTR: ['target'],
  RETURN_DOM_FRAGMENT: true,
};

const XLINK = 'http://www.w3.org/1999/xlink';

/** The URL attributes of `node` (HTML `href`/`src`, SVG `href`/`xlink:href`). */
function urlAttributes(node: Element, names: string[]): Attr[] {
  const attributes: Attr[] = [];
  for (const name of names) {
    const attribute = node.getAttributeNode(name);
    if (attribute) attributes.push(attribute);
  }
  const xlink = node.getAttributeNodeNS(XLINK, 'href');
  if (xlink) attributes.push(xlink);
  return attributes;
}

type Purifier = ReturnType<typeof createDOMPurify>;
let purifier: Purifier | undefined;

/** A private, lazily made instance (it needs `window`, which module load may not have). */
function instance(): Purifier {
  if (purifier) return purifier;
  const created = createDOMPurify(window);
  created.addHook('afterSanitizeAttributes', (node) => {
    // localName, not tagName: SVG's <a> and <image> are lower case and namespaced.
    const tag = node.localName;
    if (tag === 'a' || tag === 'area') {
      const links = urlAttributes(node, ['href']);
      if (links.some((attribute) => !attribute.value.startsWith('#'))) {
        node.setAttribute('target', '_blank');
        node.setAttribute('rel', 'noopener noreferrer');
      } else {
        node.removeAttribute('target');
      }
    } else if (node.hasAttribute('target')) {
      node.removeAttribute('target');
    }
    if (tag === 'img' || tag === 'image') {
      for (const attribute of urlAttributes(node, ['src', 'href'])) {
        if (!IMAGE_URL.test(attribute.value.trim())) node.removeAttributeNode(attribute);
      }
      if (tag === 'img') node.setAttribute('loading', 'lazy');
    }
  });
  // Parsed once: without it DOMPurify parses the configuration again on every call (each frame
  // of a stream, each message of a history: 15 ms over 250 messages).
  created.setConfig(CONFIG);
  purifier = created;
  return created;
}

/** Sanitizes an HTML string into a fragment that is safe to insert. */
export function sanitizeToFragment(html: string): DocumentFragment {
  if (!html) return document.createDocumentFragment();
  return instance().sanitize(html, CONFIG); // CONFIG for the types: the instance's own (setConfig) applies
}

/** Renders a whole markdown text at once: the same pipeline as streaming, for comparison and for static use. */
export function renderMarkdown(markdown: string): DocumentFragment {
  return sanitizeToFragment(renderHtml(markdown));
}
