// Screenshots of the REAL app (Rust + this UI embedded) driven through its demo account:
//   cargo build --bin invitedesk   (after `npm run build`: the UI is embedded at compile time)
//   T=$(mktemp -d); XDG_DATA_HOME=$T/d XDG_CONFIG_HOME=$T/c XDG_CACHE_HOME=$T/k \
//     xvfb-run -a dbus-run-session -- node preview/real-app.mjs ../target/debug/invitedesk [outDir]
// WebKitWebDriver is started directly with TAURI_WEBVIEW_AUTOMATION=true (toolchain.md §9.0).
import { spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';

const binary = resolve(process.argv[2] ?? '../target/debug/invitedesk');
const out = resolve(process.argv[3] ?? '.preview-dist/real');
const port = 4600 + Math.floor(Math.random() * 300);
const driver = spawn('WebKitWebDriver', [`--port=${port}`, '--host=127.0.0.1'], {
  stdio: 'ignore',
  env: { ...process.env, TAURI_WEBVIEW_AUTOMATION: 'true' },
});
const wd = `http://127.0.0.1:${port}`;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
async function call(method, path, body) {
  const res = await fetch(wd + path, { method, headers: { 'content-type': 'application/json' }, body: body ? JSON.stringify(body) : undefined });
  const json = await res.json();
  if (json.value?.error) throw new Error(`${path}: ${json.value.error}: ${json.value.message}`);
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
  const caps = await call('POST', '/session', { capabilities: { alwaysMatch: { 'webkitgtk:browserOptions': { binary, args: [] } } } });
  session = `/session/${caps.sessionId}`;
  await mkdir(out, { recursive: true });
  const js = (script, args = []) => call('POST', `${session}/execute/sync`, { script, args });
  const waitFor = async (css, ms = 15000) => {
    const end = Date.now() + ms;
    while (Date.now() < end) {
      if (await js('return !!document.querySelector(arguments[0])', [css])) return;
      await sleep(150);
    }
    throw new Error(`timed out waiting for ${css}`);
  };
  const click = async (css) => {
    await waitFor(css);
    const el = await call('POST', `${session}/element`, { using: 'css selector', value: css });
    await call('POST', `${session}/element/${Object.values(el)[0]}/click`, {});
  };
  const shot = async (name) => {
    await sleep(600);
    await writeFile(join(out, `${name}.png`), Buffer.from(await call('GET', `${session}/screenshot`), 'base64'));
    console.log('saved', name);
  };
  const errors = async () => js(`return [...document.querySelectorAll('[data-testid=error-banner]')].map(e => e.dataset.kind + ': ' + e.textContent.trim().replace(/\\s+/g, ' '))`);

  await waitFor('[data-testid=empty-state]');
  await shot('01-empty');
  await click('[data-testid=empty-try-demo]');
  await waitFor('[data-testid=screen-sent]');
  await waitFor('[data-testid=sent-row]', 30000);
  // Let the background refresh finish.
  for (let i = 0; i < 100 && (await js("return !!document.querySelector('[data-testid=refresh-progress]')")); i++) await sleep(200);
  await shot('02-sent');
  console.log('sent rows:', await js("return document.querySelector('[data-testid=sent-table]').dataset.rowCount"), 'errors:', await errors());
  await click('[data-testid=withdraw-older-than]');
  await waitFor('[data-testid=preview-dialog]');
  await shot('03-preview');
  console.log('preview count:', await js("return document.querySelector('[data-testid=preview-count]').textContent"));
  await click('[data-testid=confirm-button]');
  await waitFor('[data-testid=job-progress]');
  await sleep(2500);
  await click('[data-testid=job-items-toggle]');
  await shot('04-job');
  await click('[data-testid=nav-received]');
  await waitFor('[data-testid=received-row]', 30000);
  for (let i = 0; i < 100 && (await js("return !!document.querySelector('[data-testid=refresh-progress]')")); i++) await sleep(200);
  await js("document.querySelectorAll('[data-testid=type-chip]').forEach(c => c.getAttribute('aria-pressed') === 'false' && c.click())");
  await shot('05-received');
  console.log('received errors:', await errors());
  await click('[data-testid=nav-accounts]');
  await shot('06-accounts');
  await click('[data-testid=nav-activity]');
  await sleep(1000);
  await shot('07-activity');
  await click('[data-testid=nav-settings]');
  await shot('08-settings');
  console.log('all errors on settings:', await errors());
  // A key test that cannot reach the provider (run with INVITEDESK_CONNECTSAFELY_URL=http://127.0.0.1:9).
  await click('[data-testid=nav-accounts]');
  await click('[data-testid=add-account]');
  const key = await call('POST', `${session}/element`, { using: 'css selector', value: '[data-testid=api-key-input]' });
  await call('POST', `${session}/element/${Object.values(key)[0]}/value`, { text: 'sk_test_not_a_real_key_1234' });
  await click('[data-testid=test-and-save]');
  await waitFor('[data-testid=add-account-dialog] [data-testid=error-banner]', 60000);
  await shot('09-add-error');
  console.log('add-account error:', await errors(), 'key kept:', await js("return document.querySelector('[data-testid=api-key-input]').value.length > 0"));
} finally {
  if (session) await call('DELETE', session).catch(() => {});
  driver.kill();
}
