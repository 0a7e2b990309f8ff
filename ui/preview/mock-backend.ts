/**
 * A fake Rust side for looking at the UI in a plain browser (`npm run preview:mock`): answers
 * every command of docs/ipc.md from generated data and emits the two events. Development
 * tool only; never part of `dist/`.
 */
import { mockIPC } from '@tauri-apps/api/mocks';
import { emit } from '@tauri-apps/api/event';
import type {
  AccountView,
  ActivityRow,
  AppInfo,
  InvitationCategory,
  JobItemView,
  JobPlan,
  JobSummary,
  PlanItem,
  ReceivedRow,
  RemoteAccount,
  SentRow,
} from '../src/lib/types';

let seed = 42;
function rand(): number {
  seed = (seed * 1664525 + 1013904223) % 4294967296;
  return seed / 4294967296;
}
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];

const FIRST = ['Ada', 'Grace', 'Linus', 'Margaret', 'José', 'Zoë', 'Chidi', 'Ingrid', 'Mateo', 'Aiko', 'Priya', 'Olúwaseun', 'Björn', 'Fatima', 'Noah', 'Élodie', 'Wei', 'Sven', 'Amara', 'Lucía'];
const LAST = ['Lovelace', 'Hopper', 'Torvalds', 'Hamilton', 'García', 'Müller', 'Okafor', 'Nyström', 'Rossi', 'Tanaka', 'Sharma', 'Adeyemi', 'Larsen', 'Haddad', 'Dubois', 'Chen', 'Kowalski', 'Mensah', 'Fernández', 'Novak'];
const TITLES = ['Head of Growth', 'Senior Software Engineer', 'VP Sales EMEA', 'Product Designer', 'Founder & CEO', 'Talent Partner', 'Data Scientist', 'Marketing Lead', 'Account Executive', 'CTO'];
const COMPANIES = ['Acme', 'Globex', 'Initech', 'Umbrella Health', 'Stark Industries', 'Wayne Enterprises', 'Hooli', 'Pied Piper', 'Vandelay Imports', 'Soylent'];

const now = Date.now();
const daysAgo = (d: number) => new Date(now - d * 86_400_000).toISOString();

const caps = { ignore: true, maxNoteChars: 300, noteCounting: 'utf16CodeUnits' as const, listsAccounts: true };

let accounts: AccountView[] = [
  {
    id: 'acc-1', label: 'Sales — Marie', provider: 'connectsafely', remoteAccountId: 'cs-1', remoteName: 'Marie Curie',
    profileUrl: 'https://www.linkedin.com/in/marie', pictureUrl: null, status: 'ok', statusDetail: null, isDefault: true,
    isDemo: false, lastSyncedAt: daysAgo(0.01), keyHint: '…a1b2', hasLoginToken: false, country: null, capabilities: caps,
  },
  {
    id: 'acc-2', label: 'Recruiting', provider: 'edges', remoteAccountId: 'ed-7', remoteName: 'Tom Baker',
    profileUrl: 'https://www.linkedin.com/in/tom', pictureUrl: null, status: 'needsAttention',
    statusDetail: 'Edges says the LinkedIn session expired: reconnect it in Edges.', isDefault: false, isDemo: false,
    lastSyncedAt: daysAgo(2), keyHint: '…9f3c', hasLoginToken: false, country: null, capabilities: { ...caps, ignore: false },
  },
  {
    id: 'acc-3', label: 'Demo account', provider: 'demo', remoteAccountId: null, remoteName: 'Demo Person',
    profileUrl: null, pictureUrl: null, status: 'ok', statusDetail: null, isDefault: false, isDemo: true,
    lastSyncedAt: daysAgo(0.2), keyHint: null, hasLoginToken: false, country: null, capabilities: caps,
  },
];

function person(i: number) {
  const first = pick(FIRST);
  const last = pick(LAST);
  const name = i === 3 ? '<img src=x onerror=alert(1)> Mallory' : `${first} ${last}`;
  const slug = `${first}-${last}-${i}`.toLowerCase().normalize('NFD').replace(/[^a-z0-9-]/g, '');
  return {
    name,
    firstName: first,
    lastName: last,
    headline:
      i % 17 === 0
        ? `${pick(TITLES)} at ${pick(COMPANIES)} · Building the future of distributed systems, developer experience and sustainable growth across three continents · Speaker · Mentor`
        : `${pick(TITLES)} at ${pick(COMPANIES)}`,
    profileUrl: `https://www.linkedin.com/in/${slug}`,
    publicId: slug,
    memberId: null,
    pictureUrl: null,
  };
}

const SENT_TEXT = (d: number) => (d < 1 ? 'Sent today' : d < 7 ? `Sent ${d} days ago` : d < 30 ? `Sent ${Math.floor(d / 7)} weeks ago` : `Sent ${Math.floor(d / 30)} months ago`);

let sent: SentRow[] = [];
const SENT_COUNT = Number(new URLSearchParams(location.search).get('rows') ?? 1200);
for (let i = 0; i < SENT_COUNT; i++) {
  const acc = accounts[i % 3];
  const d = Math.floor(rand() * rand() * 160);
  const exact = acc.provider === 'edges' || d < 7;
  const days = exact ? d : d < 30 ? Math.floor(d / 7) * 7 : Math.floor(d / 30) * 30;
  const who = person(i);
  sent.push({
    key: `${acc.id}/s${i}`,
    accountId: acc.id,
    accountLabel: acc.label,
    invitation: { id: `s${i}`, urn: null, person: who, category: 'connection', sentText: SENT_TEXT(d), age: { days, exact }, note: null },
    firstSeenAt: daysAgo(Math.min(d, 40)),
    ageDays: days,
    ageExact: exact,
    pinned: i % 23 === 0,
    personKey: who.publicId,
  });
}

const NOTES = [
  'Hi! We met at the Lisbon meetup — would love to stay in touch. 🙂',
  'Bonjour, j’ai vu votre intervention sur l’accessibilité, très intéressant ! Au plaisir d’échanger.',
  'Hello, I run a community of 4,000 product people and think you would enjoy our monthly sessions. No pitch, promise: just good conversations about building things people love, with practical takeaways each time.\nBest, Sam',
  '<img src=x onerror=alert(1)> click me',
  null,
  null,
];
const CATS: InvitationCategory[] = ['connection', 'connection', 'connection', 'connection', 'organization', 'newsletter', 'event', 'memberFollow'];
let received: ReceivedRow[] = [];
for (let i = 0; i < 140; i++) {
  const acc = accounts[i % 3];
  const category = pick(CATS);
  const d = Math.floor(rand() * 40);
  received.push({
    key: `${acc.id}/r${i}`,
    accountId: acc.id,
    accountLabel: acc.label,
    invitation: {
      id: `r${i}`, urn: null, person: person(i + 5000), category,
      entityName: category === 'newsletter' ? 'The Weekly Growth Memo' : category === 'organization' ? pick(COMPANIES) : category === 'event' ? 'Product Summit 2026' : null,
      note: pick(NOTES), mutualConnections: rand() > 0.4 ? `${Math.floor(rand() * 40) + 1} mutual connections` : null,
      receivedText: `${d} days ago`, age: { days: d, exact: false }, acceptToken: null, rawType: null,
    },
    firstSeenAt: daysAgo(d),
    ageDays: d,
    ageExact: false,
    canIgnore: acc.provider !== 'edges',
    ignoreDisabledReason: acc.provider === 'edges' ? 'Edges does not offer Ignore.' : null,
  });
}

let activity: ActivityRow[] = Array.from({ length: 60 }, (_, i) => {
  const acc = accounts[i % 3];
  const action = i % 5 === 0 ? 'accepted' : i % 7 === 0 ? 'ignored' : 'withdrawn';
  const at = daysAgo(i * 0.7);
  return {
    id: i, at, action, accountId: acc.id, accountLabel: acc.label, invitationId: `x${i}`, sentText: null, name: person(i + 9000).name,
    profileUrl: 'https://www.linkedin.com/in/x', category: i % 10 === 0 ? 'newsletter' : 'connection',
    sentAt: action === 'withdrawn' ? daysAgo(i * 0.7 + 35) : null, daysPending: action === 'withdrawn' ? 35 : null,
    reinviteAfter: action === 'withdrawn' ? new Date(new Date(at).getTime() + 21 * 86_400_000).toISOString() : null,
    jobId: null,
  } as ActivityRow;
});

const info: AppInfo = {
  version: '0.1.0',
  dataDir: '/home/user/.local/share/app.invitedesk.desktop',
  providerOverrides: [{ provider: 'connectsafely', url: 'http://127.0.0.1:8765', refused: false }],
  notices: [],
  keyring: { available: true, message: null },
};

const plans = new Map<string, JobPlan>();
const jobList = new Map<string, { summary: JobSummary; items: JobItemView[] }>();
let nextId = 1;

function filterAccount<T extends { accountId: string }>(rows: T[], id: unknown): T[] {
  return id ? rows.filter((r) => r.accountId === id) : rows;
}

/** What the backend warns about for these items (no cap or hold in the mock). */
function planWarnings(action: JobPlan['action'], items: PlanItem[]): JobPlan['warnings'] {
  const warnings: JobPlan['warnings'] = [{ kind: 'cannotBeUndone', action }];
  if (action === 'withdraw') warnings.push({ kind: 'reinviteBlock', days: 21 });
  const counts = (['newsletter', 'organization', 'event', 'memberFollow'] as const)
    .map((category) => ({ category, count: items.filter((i) => i.category === category).length }))
    .filter((c) => c.count > 0);
  if (counts.length > 0) warnings.push({ kind: 'specialCategories', action, counts });
  return warnings;
}

function makePlan(action: JobPlan['action'], rows: (SentRow | ReceivedRow)[], skippedPinned: number): JobPlan {
  const items: PlanItem[] = rows.map((r) => ({
    key: r.key, accountId: r.accountId, accountLabel: r.accountLabel, invitationId: r.invitation.id,
    name: r.invitation.person.name, headline: r.invitation.person.headline, profileUrl: r.invitation.person.profileUrl,
    category: r.invitation.category, ageDays: r.ageDays, ageExact: r.ageExact,
  }));
  const per = new Map<string, number>();
  for (const i of items) per.set(i.accountId, (per.get(i.accountId) ?? 0) + 1);
  const plan: JobPlan = {
    planId: `plan-${nextId++}`, action, items,
    perAccount: [...per].map(([accountId, count]) => ({
      accountId, label: accounts.find((a) => a.id === accountId)?.label ?? accountId, count, paceMinSecs: 2, paceMaxSecs: 6, capLeftToday: 100, heldUntil: null,
    })),
    skippedPinned, skippedOther: [], estimatedSecs: items.length * 4, warnings: planWarnings(action, items),
  };
  plans.set(plan.planId, plan);
  return plan;
}

function startJob(plan: JobPlan): JobSummary {
  const id = `job-${nextId++}`;
  const items: JobItemView[] = plan.items.map((i) => ({ key: i.key, name: i.name, accountLabel: i.accountLabel, outcome: 'pending', error: null, detail: null, at: null, checkAt: null }));
  const summary: JobSummary = {
    id, action: plan.action, state: 'running', total: items.length, done: 0, succeeded: 0, alreadyGone: 0, failed: 0,
    skipped: 0, retryOf: null, pending: items.length, startedAt: new Date().toISOString(), finishedAt: null, etaSecs: items.length * 4, pausedAccounts: [], checking: 0, elsewhere: false,
  };
  jobList.set(id, { summary, items });
  let k = 0;
  const tick = () => {
    const job = jobList.get(id)!;
    if (job.summary.state !== 'running') return;
    const item = job.items[k];
    const failed = k % 11 === 5;
    item.outcome = failed ? 'failed' : 'done';
    item.error = failed ? { kind: 'providerUnavailable', message: 'ConnectSafely did not answer in time.' } : null;
    item.at = new Date().toISOString();
    const s = job.summary;
    s.done++;
    s.pending--;
    if (failed) s.failed++;
    else s.succeeded++;
    s.etaSecs = s.pending * 4;
    if (!failed) {
      sent = sent.filter((r) => r.key !== item.key);
      received = received.filter((r) => r.key !== item.key);
    }
    k++;
    if (k >= job.items.length) {
      s.state = 'finished';
      s.finishedAt = new Date().toISOString();
      s.etaSecs = null;
    }
    void emit('job-progress', { job: { ...s }, item: { ...item } });
    if (s.state === 'running') setTimeout(tick, 350);
  };
  setTimeout(tick, 350);
  return { ...summary };
}

export function installMockBackend(options: { empty?: boolean } = {}) {
  if (options.empty) {
    accounts = [];
    sent = [];
    received = [];
    activity = [];
  }
  mockIPC(
    async (cmd, args = {}) => {
      const a = args as Record<string, any>;
      switch (cmd) {
        case 'app_info':
          return info;
        case 'app_notices':
          return info.notices;
        case 'open_profile':
          return null;
        case 'list_accounts':
          return accounts;
        case 'discover_accounts': {
          if (String(a.input.apiKey).startsWith('bad')) throw { kind: 'badCredentials', message: 'ConnectSafely answered 401: the API key is not valid.' };
          const found: RemoteAccount[] = [
            { id: 'cs-9', name: 'Ada Lovelace', status: 'AVAILABLE', usable: true, pictureUrl: null, profileUrl: null },
            { id: 'cs-10', name: 'Charles Babbage', status: 'RECONNECT_NEEDED', usable: false, pictureUrl: null, profileUrl: null },
          ];
          return found;
        }
        case 'add_accounts': {
          const added = (a.remoteIds as string[]).map((rid, i) => ({ ...accounts[0], id: `acc-n${nextId++}`, label: `New ${i + 1}`, remoteAccountId: rid, isDefault: false }));
          accounts = [...accounts, ...added];
          return added;
        }
        case 'add_demo_account': {
          const demo = { ...accounts[2] ?? accounts[0], id: 'acc-demo', label: 'Demo account', provider: 'demo', isDemo: true, isDefault: accounts.length === 0, keyHint: null, status: 'ok', capabilities: caps } as AccountView;
          accounts = [...accounts, demo];
          return demo;
        }
        case 'rename_account': {
          accounts = accounts.map((x) => (x.id === a.id ? { ...x, label: a.label } : x));
          return accounts.find((x) => x.id === a.id);
        }
        case 'set_default_account':
          accounts = accounts.map((x) => ({ ...x, isDefault: x.id === a.id }));
          return null;
        case 'replace_account_key':
          return accounts.find((x) => x.id === a.id);
        case 'remove_account':
          accounts = accounts.filter((x) => x.id !== a.id);
          return null;
        case 'get_account_settings':
        case 'save_account_settings':
          return a.settings ?? { withdrawOlderThanDays: 30, paceMinSecs: 2, paceMaxSecs: 6, dailyWithdrawCap: 100 };
        case 'account_limits':
          // Edges counts nothing: a limit without "used" (as its client reports it).
          return accounts.find((x) => x.id === a.accountId)?.provider === 'edges'
            ? [{ action: 'CONNECT', used: null, limit: 25, remaining: null, resetsAt: null, source: 'Edges smart limit: 25 connection requests per identity per rolling 24 h (30 with Sales Navigator)' }]
            : [{ action: 'CONNECT', used: 41, limit: 90, remaining: 49, resetsAt: daysAgo(-3), source: 'ConnectSafely weekly limit' }];
        case 'list_sent':
          return { rows: filterAccount(sent, a.accountId), asOf: accounts.filter((x) => !a.accountId || x.id === a.accountId).map((x) => ({ accountId: x.id, at: x.lastSyncedAt })) };
        case 'list_received':
          return { rows: filterAccount(received, a.accountId), asOf: accounts.filter((x) => !a.accountId || x.id === a.accountId).map((x) => ({ accountId: x.id, at: x.lastSyncedAt })) };
        case 'refresh_sent':
        case 'refresh_received': {
          const screen = cmd === 'refresh_sent' ? 'sent' : 'received';
          const list = a.accountId ? accounts.filter((x) => x.id === a.accountId) : accounts;
          for (let step = 1; step <= 5; step++) {
            await new Promise((r) => setTimeout(r, 250));
            for (const acc of list) void emit('refresh-progress', { accountId: acc.id, screen, fetched: step * 80, total: 400, done: step === 5, notice: null });
          }
          return {
            accounts: list.map((x) => ({
              accountId: x.id, label: x.label, ok: x.provider !== 'edges', count: 400,
              error: x.provider === 'edges' ? { kind: 'badCredentials', message: 'Edges refused the API key (401).' } : null,
            })),
          };
        }
        case 'set_pin':
          sent = sent.map((r) => (r.accountId === a.accountId && r.invitation.id === a.invitationId ? { ...r, pinned: a.pinned } : r));
          return null;
        case 'preview_withdraw': {
          const req = a.request;
          let pool = 'selected' in req ? sent.filter((r) => req.selected.includes(r.key)) : filterAccount(sent, req.accountId).filter((r) => r.ageDays !== null && r.ageDays >= req.olderThanDays);
          const pinned = pool.filter((r) => r.pinned).length;
          pool = pool.filter((r) => !r.pinned);
          return makePlan('withdraw', pool, pinned);
        }
        case 'preview_respond':
          return makePlan(a.response, received.filter((r) => (a.keys as string[]).includes(r.key)), 0);
        case 'export_plan_csv':
          return '/home/user/Downloads/invitedesk-plan.csv';
        case 'start_job':
          return startJob(plans.get(a.planId)!);
        case 'list_jobs':
          return [
            { id: 'job-old', action: 'withdraw', state: 'interrupted', total: 124, done: 45, succeeded: 44, alreadyGone: 1, failed: 0, pending: 79, skipped: 0, retryOf: null, startedAt: daysAgo(0.3), finishedAt: null, etaSecs: null, pausedAccounts: [], checking: 0, elsewhere: false },
            ...[...jobList.values()].map((j) => j.summary),
          ].filter((j) => !options.empty && (j.id !== 'job-old' || !jobList.has('discarded')));
        case 'job_items':
          return jobList.get(a.jobId)?.items.map((i) => ({ ...i })) ?? [];
        case 'cancel_job': {
          const j = jobList.get(a.jobId)!;
          j.summary.state = 'cancelled';
          return { ...j.summary };
        }
        case 'resume_job':
        case 'discard_job':
          jobList.set('discarded', { summary: {} as JobSummary, items: [] });
          return { id: a.jobId, action: 'withdraw', state: 'cancelled', total: 124, done: 45, succeeded: 44, alreadyGone: 1, failed: 0, pending: 79, skipped: 0, retryOf: null, startedAt: daysAgo(0.3), finishedAt: null, etaSecs: null, pausedAccounts: [], checking: 0, elsewhere: false };
        case 'retry_failed':
          return startJob(makePlan('withdraw', [], 0));
        case 'list_activity':
          return filterAccount(activity, a.filter.accountId).filter((r) => !a.filter.action || r.action === a.filter.action);
        case 'export_activity_csv':
          return '/home/user/Downloads/invitedesk-activity.csv';
        default:
          throw { kind: 'internal', message: `The mock backend does not know ${cmd}.` };
      }
    },
    { shouldMockEvents: true },
  );
}
