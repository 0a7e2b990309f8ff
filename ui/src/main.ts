import { mount } from 'svelte';
import './app.css';
import App from './App.svelte';
import { markOs } from './lib/platform-fonts';

// Before the first layout: the font stack depends on it (app.css).
markOs();

const target = document.getElementById('app');
if (!target) throw new Error('InviteDesk: #app is missing from index.html');

export default mount(App, { target });
