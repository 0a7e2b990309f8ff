// Rough timings of the Sent table with 10,000 rows in WebKitGTK (mock preview):
// `xvfb-run -a node preview/perf.mjs`. Prints first render, sort, filter and scroll frame times.
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { spawn } from 'node:child_process';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../.preview-dist/', import.meta.url));
const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml' };
const server = createServer(async (req, res) => {
  const path = new URL(req.url, 'http://x').pathname;
  try {
    const body = await readFile(join(root, path === '/' ? 'index.html' : path));
    res.writeHead(200, { 'content-type': TYPES[extname(path) || '.html'] ?? 'application/octet-stream' });
    res.end(body);
  } catch {
    res.writeHead(404).end();
  }
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const site = `http://127.0.0.1:${server.address().port}/`;
const port = 4900 + Math.floor(Math.random() * 90);
const driver = spawn('WebKitWebDriver', [`--port=${port}`], { stdio: 'ignore' });
const wd = `http://127.0.0.1:${port}`;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
async function call(method, path, body) {
  const res = await fetch(wd + path, { method, headers: { 'content-type': 'application/json' }, body: body ? JSON.stringify(body) : undefined });
  const json = await res.json();
  if (json.value?.error) throw new Error(`${path}: ${json.value.message}`);
  return json.value;
}
let session;
try {
  for (let i = 0; i < 50; i++) { try { await fetch(wd + '/status'); break; } catch { await sleep(100); } }
  const caps = await call('POST', '/session', { capabilities: { alwaysMatch: { 'webkitgtk:browserOptions': { binary: '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser', args: ['--automation'] } } } });
  session = `/session/${caps.sessionId}`;
  await call('POST', `${session}/window/rect`, { width: 1280, height: 800 });
  const t0 = Date.now();
  await call('POST', `${session}/url`, { url: site + '?rows=10000' });
  for (let i = 0; i < 100; i++) {
    const n = await call('POST', `${session}/execute/sync`, { script: "return document.querySelector('[data-testid=sent-table]')?.dataset.rowCount ?? '0'", args: [] });
    if (n === '10000') break;
    await sleep(50);
  }
  console.log('load + first render of 10,000 rows (incl. page load):', Date.now() - t0, 'ms');
  const timed = (body) => call('POST', `${session}/execute/async`, {
    script: `const done = arguments[arguments.length - 1]; const t = performance.now(); ${body}; requestAnimationFrame(() => requestAnimationFrame(() => done(performance.now() - t)));`,
    args: [],
  });
  for (let i = 0; i < 3; i++) {
    console.log('sort by name:', Math.round(await timed("document.querySelector('[data-testid=sort-person]').click()")), 'ms');
  }
  const filter = (v) => `const i = document.querySelector('[data-testid=filter-text]'); i.value = '${v}'; i.dispatchEvent(new Event('input', { bubbles: true }))`;
  console.log('filter "an":', Math.round(await timed(filter('an'))), 'ms');
  console.log('clear filter:', Math.round(await timed(filter(''))), 'ms');

  const js = await call('POST', `${session}/execute/async`, {
    script: `const done = arguments[arguments.length - 1]; const s = document.querySelector('[data-testid=sent-table] .scroller');
      const out = []; let n = 0;
      async function step() { const t = performance.now(); s.scrollTop += 400; s.dispatchEvent(new Event('scroll'));
        for (let i = 0; i < 10; i++) await Promise.resolve();
        out.push(performance.now() - t); if (++n < 20) requestAnimationFrame(step); else done(out); }
      requestAnimationFrame(step);`,
    args: [],
  });
  js.sort((a, b) => a - b);
  const layout = await call('POST', `${session}/execute/async`, {
    script: `const done = arguments[arguments.length - 1]; const s = document.querySelector('[data-testid=sent-table] .scroller');
      const out = []; let n = 0;
      async function step() { s.scrollTop += 400; s.dispatchEvent(new Event('scroll'));
        for (let i = 0; i < 10; i++) await Promise.resolve();
        const t = performance.now(); void document.body.offsetHeight; void s.getBoundingClientRect();
        out.push(performance.now() - t); if (++n < 20) requestAnimationFrame(step); else done(out); }
      requestAnimationFrame(step);`,
    args: [],
  });
  layout.sort((a, b) => a - b);
  console.log('scroll: forced layout per step, median', layout[10].toFixed(1), 'ms');
  if (process.env.PERF_CSS) {
    await call('POST', `${session}/execute/sync`, { script: `const st = document.createElement('style'); st.textContent = ${JSON.stringify(process.env.PERF_CSS)}; document.head.append(st);`, args: [] });
    console.log('injected', process.env.PERF_CSS);
  }
  console.log('scroll: JS work per step, median', js[10].toFixed(1), 'ms');
  const frames = await call('POST', `${session}/execute/async`, {
    script: `const done = arguments[arguments.length - 1]; const s = document.querySelector('[data-testid=sent-table] .scroller');
      const times = []; let last = performance.now(); let n = 0;
      function step() { s.scrollTop += 400; const now = performance.now(); times.push(now - last); last = now; if (++n < 60) requestAnimationFrame(step); else done(times); }
      requestAnimationFrame(step);`,
    args: [],
  });
  frames.sort((a, b) => a - b);
  console.log('scroll frames (60 × 400px): median', frames[30].toFixed(1), 'ms, p95', frames[57].toFixed(1), 'ms, rows in DOM:',
    await call('POST', `${session}/execute/sync`, { script: "return document.querySelectorAll('[data-testid=sent-row]').length", args: [] }));
} finally {
  if (session) await call('DELETE', session).catch(() => {});
  driver.kill();
  server.close();
}
