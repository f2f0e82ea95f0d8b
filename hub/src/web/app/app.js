// The web app (ứng dụng web): log in, then a page per job, each shown to the roles whose work it
// is; the API refuses the others too. Routes are the hash (#/thiet-bi), so the hub serves one page.
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { api, html, lang, loadSite, loadWords, onUnauthenticated, setLang, t } from './lib.js';

const ALL = ['admin', 'leader', 'operator', 'technician'];
const LEADERS = ['admin', 'leader'];

/** Every page: its path after #/, its name, who may use it (as the API's routes say), its module. */
const PAGES = [
  { path: 'lich', name: 'app.nav.calendar', roles: ALL, module: './pages/calendar.js' },
  { path: 'duyet', name: 'app.nav.approvals', roles: LEADERS, module: './pages/approvals.js' },
  { path: 'khan-cap', name: 'app.nav.emergency', roles: LEADERS, module: './pages/emergency.js' },
  { path: 'dang-phat', name: 'app.nav.onAir', roles: ALL, module: './pages/on-air.js' },
  { path: 'nhat-ky', name: 'app.nav.playLog', roles: ALL, module: './pages/play-log.js' },
  {
    path: 'thiet-bi',
    name: 'app.nav.devices',
    roles: ['admin', 'technician', 'leader'],
    module: './pages/devices.js',
  },
  { path: 'canh-bao', name: 'app.nav.alerts', roles: LEADERS, module: './pages/alerts.js' },
  { path: 'chi-so', name: 'app.nav.indicators', roles: LEADERS, module: './pages/indicators.js' },
  { path: 'nguoi-dung', name: 'app.nav.users', roles: ['admin'], module: './pages/users.js' },
  { path: 'luong-tu-dong', name: 'app.nav.flows', roles: ['admin'], module: './pages/flows.js' },
];

const currentPath = () => location.hash.replace(/^#\/?/, '').split('?')[0];

function Login({ onIn }) {
  const [error, setError] = useState('');
  const submit = async (event) => {
    event.preventDefault();
    const form = new FormData(event.target);
    try {
      onIn(await api('POST', '/session', { name: form.get('name'), password: form.get('password') }));
    } catch (err) {
      setError(err.message);
    }
  };
  return html`
    <main class="login">
      <form onSubmit=${submit}>
        <h1>${t('board.login')}</h1>
        <label>${t('board.user')}<input name="name" autocomplete="username" required /></label>
        <label>${t('board.password')}<input name="password" type="password" autocomplete="current-password" required /></label>
        <p class="notice error" role="alert">${error}</p>
        <button type="submit" class="primary">${t('board.login')}</button>
      </form>
    </main>`;
}

function Page({ page, user }) {
  const [module, setModule] = useState(null);
  useEffect(() => {
    setModule(null);
    if (page?.roles.includes(user.role)) import(page.module).then(setModule);
  }, [page, user.role]);
  if (!page) return null;
  if (!page.roles.includes(user.role)) {
    return html`<p class="notice error" role="alert">${t('app.forbidden')}</p>`;
  }
  if (!module) return html`<p class="loading">${t('app.loading')}</p>`;
  return html`<${module.default} user=${user} />`;
}

function App() {
  const [user, setUser] = useState(undefined);
  const [path, setPath] = useState(currentPath());
  const [, setLangState] = useState(lang());
  const [open, setOpen] = useState(false);

  useEffect(() => {
    onUnauthenticated(() => setUser(null));
    const onHash = () => {
      setPath(currentPath());
      setOpen(false);
    };
    addEventListener('hashchange', onHash);
    api('GET', '/session').then(signIn, () => setUser(null));
    return () => removeEventListener('hashchange', onHash);
  }, []);

  async function signIn(who) {
    const next = { name: who.user, role: who.role };
    await loadSite();
    setUser(next);
    const first = PAGES.find((p) => p.roles.includes(next.role));
    if (!currentPath() && first) location.hash = `#/${first.path}`;
  }

  const switchLang = () => {
    setLang(lang() === 'vi' ? 'en' : 'vi');
    setLangState(lang());
  };
  const logout = async () => {
    await api('DELETE', '/session').catch(() => {});
    setUser(null);
  };

  if (user === undefined) return html`<p class="loading">${t('app.loading')}</p>`;
  const langButton = html`<button type="button" onClick=${switchLang}>${t('board.switch')}</button>`;
  if (user === null)
    return html`<header class="bar"><strong>Thân Thiện</strong>${langButton}</header><${Login} onIn=${signIn} />`;

  const page = PAGES.find((p) => p.path === path);
  const mine = PAGES.filter((p) => p.roles.includes(user.role));
  document.title = `${page ? t(page.name) : t('app.title')} — Thân Thiện`;
  return html`
    <header class="bar">
      <button type="button" class="menu" aria-expanded=${open} aria-controls="nav" onClick=${() => setOpen(!open)}>
        ${t('app.menu')}
      </button>
      <strong>Thân Thiện</strong>
      <span class="who">${t('app.signedIn', { user: user.name, role: t(`app.role.${user.role}`) })}</span>
      ${langButton}
      <button type="button" onClick=${logout}>${t('board.logout')}</button>
    </header>
    <div class="layout">
      <nav id="nav" class=${open ? 'open' : ''} aria-label=${t('app.menu')}>
        <ul>
          ${mine.map(
            (p) =>
              html`<li><a href=${`#/${p.path}`} aria-current=${p === page ? 'page' : undefined}>${t(p.name)}</a></li>`,
          )}
          ${LEADERS.includes(user.role) && html`<li><a href="/board">${t('app.nav.board')}</a></li>`}
        </ul>
      </nav>
      <main>
        ${page && html`<h1>${t(page.name)}</h1>`}
        <${Page} page=${page} user=${user} key=${`${path}|${lang()}`} />
      </main>
    </div>`;
}

document.documentElement.lang = lang();
await loadWords();
render(html`<${App} />`, document.getElementById('app'));
