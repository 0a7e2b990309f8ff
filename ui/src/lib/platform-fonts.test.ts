import { describe, expect, it } from 'vitest';
import { markOs, osOf } from './platform-fonts';

describe('the system the page asks fonts of', () => {
  it('is told from the webview’s user agent', () => {
    // WKWebView, WebView2 and WebKitGTK as Tauri 2 runs them.
    expect(osOf('Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko)')).toBe('mac');
    expect(osOf('Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0')).toBe('windows');
    expect(osOf('Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Safari/605.1.15')).toBe('linux');
  });

  it('is marked on the root element, where app.css picks the font stack', () => {
    const root = document.createElement('html');
    markOs(root, 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/605.1.15');
    expect(root.dataset.os).toBe('linux');
  });
});
