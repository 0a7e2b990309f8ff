// Screenshots of the mock preview in WebKitGTK (the engine of the real app), for reviewing the
// UI without Rust. Run under a display: `xvfb-run -a node preview/screenshot.mjs [outDir]`.
// Needs `npm run preview:mock` first, WebKitWebDriver and MiniBrowser (webkit2gtk-driver).
import { createServer } from 'node:http';
import { readFile, mkdir, writeFile } from 'node:fs/promises';
import { spawn } from 'node:child_process';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../.preview-dist/', import.meta.url));
const out = process.argv[2] ?? fileURLToPath(new URL('../.preview-dist/shots/', import.meta.url));
const theme = process.env.SHOT_THEME ?? 'light';
const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml', '.png': 'image/png' };
const CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:";

const server = createServer(async (req, res) => {
  const path = new URL(req.url, 'http://x').pathname;
  try {
    const body = await readFile(join(root, path === '/' ? 'index.html' : path));
    res.writeHead(200, { 'content-type': TYPES[extname(path) || '.html'] ?? 'application/octet-stream', 'content-security-policy': CSP });
    res.end(body);
  } catch {
    res.writeHead(404).end();
  }
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const site = `http://127.0.0.1:${server.address().port}/`;

const wdPort = 4400 + Math.floor(Math.random() * 500);
const driver = spawn('WebKitWebDriver', [`--port=${wdPort}`], { stdio: 'ignore' });
const wd = `http://127.0.0.1:${wdPort}`;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function call(method, path, body) {
  const res = await fetch(wd + path, { method, headers: { 'content-type': 'application/json' }, body: body ? JSON.stringify(body) : undefined });
  const json = await res.json();
  if (json.value?.error) throw new Error(`${path}: ${json.value.error} ${json.value.message}`);
  return json.value;
}

let session;
try {
  for (let i = 0; i < 50; i++) {
    try {
      await fetch(wd + '/status');
      break;
    } catch {
      await sleep(100);
    }
  }
  const caps = await call('POST', '/session', {
    capabilities: { alwaysMatch: { 'webkitgtk:browserOptions': { binary: '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser', args: ['--automation'] } } },
  });
  session = `/session/${caps.sessionId}`;
  await call('POST', `${session}/window/rect`, { width: 1280, height: 800 });
  await mkdir(out, { recursive: true });

  const find = async (css) => (await call('POST', `${session}/element`, { using: 'css selector', value: css }))['element-6066-11e4-a52d-4a5b-8f0a-6e5b8b4f9b3c'] ?? Object.values(await call('POST', `${session}/element`, { using: 'css selector', value: css }))[0];
  const click = async (css) => call('POST', `${session}/element/${await find(css)}/click`, {});
  const type = async (css, text) => call('POST', `${session}/element/${await find(css)}/value`, { text });
  const js = (script) => call('POST', `${session}/execute/sync`, { script, args: [] });
  const shot = async (name) => {
    await sleep(400);
    const png = await call('GET', `${session}/screenshot`);
    await writeFile(join(out, `${theme}-${name}.png`), Buffer.from(png, 'base64'));
    console.log('saved', `${theme}-${name}.png`);
  };

  await call('POST', `${session}/url`, { url: site + '?empty' });
  await sleep(800);
  await shot('01-empty');

  await call('POST', `${session}/url`, { url: site });
  await sleep(1500);
  await shot('02-sent');
  await sleep(2000);
  await click('[data-testid="pin-menu"]');
  await shot('02b-pin-menu');
  await js(`document.querySelector('[data-testid="pin-menu"]').click()`);
  await click('[data-testid="withdraw-older-than"]');
  await sleep(600);
  await shot('03-preview');
  await click('[data-testid="confirm-button"]');
  await sleep(1500);
  await click('[data-testid="job-items-toggle"]');
  await shot('04-job');

  await click('[data-testid="nav-received"]');
  await sleep(3000);
  await js(`document.querySelector('[data-category="newsletter"]').click()`);
  await sleep(200);
  await js(`document.querySelector('[data-testid="note-expand"]')?.click()`);
  await shot('05-received');

  await click('[data-testid="nav-accounts"]');
  await shot('06-accounts');
  await click('[data-testid="add-account"]');
  await type('[data-testid="api-key-input"]', 'bad-key');
  await click('[data-testid="test-and-save"]');
  await shot('07-add-error');
  await js(`document.querySelector('[data-testid="api-key-input"]').value=''`);
  await type('[data-testid="api-key-input"]', 'good-key');
  await click('[data-testid="test-and-save"]');
  await shot('08-add-found');
  await js(`document.querySelector('[aria-label="Close"]').click()`);

  await click('[data-testid="nav-activity"]');
  await shot('09-activity');
  await click('[data-testid="nav-settings"]');
  await shot('10-settings');
} finally {
  if (session) await call('DELETE', session).catch(() => {});
  driver.kill();
  server.close();
}
