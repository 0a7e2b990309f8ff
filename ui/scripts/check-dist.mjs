// Fails the build when dist/ would break the webview's CSP
// (`default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:`):
// inline <script> or <style>, style="" or on*="" attributes in HTML, remote URLs in index.html,
// or code that needs 'unsafe-eval'.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const dist = fileURLToPath(new URL('../dist/', import.meta.url));
const problems = [];

const html = await readFile(join(dist, 'index.html'), 'utf8');
for (const m of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)) {
  if (!/\bsrc=/.test(m[1]) || m[2].trim() !== '') problems.push(`index.html: inline <script>: ${m[0].slice(0, 80)}`);
}
if (/<style\b/i.test(html)) problems.push('index.html: inline <style>');
if (/\sstyle\s*=/i.test(html)) problems.push('index.html: style="" attribute');
if (/\son[a-z]+\s*=/i.test(html)) problems.push('index.html: inline event handler attribute');
if (/(src|href)\s*=\s*["']?(https?:)?\/\//i.test(html)) problems.push('index.html: remote URL');

const assets = join(dist, 'assets');
for (const name of await readdir(assets)) {
  const text = await readFile(join(assets, name), 'utf8');
  if (name.endsWith('.js')) {
    // Svelte builds DOM from template strings: a style="" there would be blocked by the CSP.
    if (/<[a-z][^<>]*\sstyle=/i.test(text)) problems.push(`${name}: style="" attribute in a template`);
    if (/<style[\s>]/i.test(text)) problems.push(`${name}: injects a <style> element`);
    if (/\beval\(|new Function\(/.test(text)) problems.push(`${name}: needs 'unsafe-eval'`);
  }
  if (name.endsWith('.css') && /@import\s+url\(\s*["']?https?:/i.test(text)) problems.push(`${name}: remote @import`);
  if (/https:\/\/fonts\.(googleapis|gstatic)\.com/.test(text)) problems.push(`${name}: web fonts from a CDN`);
}

if (problems.length > 0) {
  console.error('dist/ does not fit the CSP:\n  ' + problems.join('\n  '));
  process.exit(1);
}
console.log('dist/ fits the CSP: no inline script or style, no remote origin.');
