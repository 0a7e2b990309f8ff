// Preview entry: the real app over a fake backend (see mock-backend.ts).
import { installMockBackend } from './mock-backend';

const params = new URLSearchParams(location.search);
installMockBackend({ empty: params.has('empty') });
if (params.get('screen')) {
  const { app } = await import('../src/lib/app-state.svelte');
  const screen = params.get('screen') as 'accounts';
  setTimeout(() => app.navigate(screen), 300);
}
await import('../src/main');
