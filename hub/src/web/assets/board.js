// The live desk board (bảng theo dõi quầy): log in, then one WebSocket that brings the whole board
// whenever it changes; it reconnects by itself. No framework and no build step: it runs on any TV
// browser the commune has. Text comes from the hub's catalogue (/board/messages.json).

const LIVE_PATH = '/api/v1/desks/live';
const CLOSE_UNAUTHENTICATED = 4401;
const CLOSE_FORBIDDEN = 4403;
const RETRY_MAX_MS = 10_000;

const $ = (id) => document.getElementById(id);
let messages = { vi: {}, en: {} };
let lang = localStorage.getItem('tt.lang') === 'en' ? 'en' : 'vi';
let board;
/** How far the hub's clock is ahead of this screen's, so "minutes since" is right on a wrong clock. */
let clockSkewMs = 0;
let socket;
let retryMs = 500;
let retryTimer;

function t(key, params = {}) {
  const text = messages[lang][key] ?? messages.vi[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => String(params[name] ?? ''));
}

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

const timeFormat = () =>
  new Intl.DateTimeFormat(lang === 'vi' ? 'vi-VN' : 'en-GB', {
    timeZone: board?.site.timezone ?? 'Asia/Ho_Chi_Minh',
    hour: '2-digit',
    minute: '2-digit',
  });

// dd/mm/yyyy in the site's time zone, in both languages (docs/architecture.md).
const dateFormat = () =>
  new Intl.DateTimeFormat('en-GB', {
    timeZone: board?.site.timezone ?? 'Asia/Ho_Chi_Minh',
    day: '2-digit',
    month: '2-digit',
    year: 'numeric',
  });

function applyLanguage() {
  document.documentElement.lang = lang;
  for (const node of document.querySelectorAll('[data-t]')) node.textContent = t(node.dataset.t);
  $('title').textContent = t('board.title');
  document.title = `${t('board.title')} — Thân Thiện`;
  $('lang').textContent = t('board.switch');
  $('logout').textContent = t('board.logout');
  render();
}

function sensorNote(desk) {
  if (desk.sensors.length === 0) return t('board.noSensor');
  if (!desk.sensors.some((s) => s.online)) return t('board.sensorOffline');
  if (desk.since === null) return t('board.neverReported');
  return '';
}

function deskCard(desk, nowMs) {
  const card = el('article', 'desk');
  card.dataset.desk = desk.id;
  card.dataset.state = desk.state;
  card.append(el('h2', '', desk.name), el('p', 'field', desk.field));

  const state = el('p', 'state');
  state.append(el('span', 'badge', t(`board.${desk.state}`)));
  if (desk.since !== null) {
    const minutes = Math.max(0, Math.floor((nowMs - Date.parse(desk.since)) / 60_000));
    state.append(
      el('span', 'duration', t('board.for', { minutes })),
      el('span', 'label', t('board.sinceTime', { time: timeFormat().format(new Date(desk.since)) })),
    );
  }
  card.append(state);
  const note = sensorNote(desk);
  if (note) card.append(el('p', 'note', note));

  const duty = el('p', 'row');
  duty.append(
    el('span', 'label', `${t('board.onDuty')}: `),
    document.createTextNode(desk.officer?.name ?? '—'),
  );
  card.append(duty);

  const rated = desk.ratings_today;
  const ratings = el('p', 'row ratings');
  ratings.append(el('span', 'label', `${t('board.ratingsToday')}: `));
  ratings.append(
    document.createTextNode(
      rated.rated === 0
        ? t('board.noRatings')
        : `${rated.rated} · ${t('board.satisfiedShare', { share: Math.round(rated.share_satisfied * 100) })}`,
    ),
  );
  card.append(ratings);

  const open = desk.alerts.open;
  const kinds = Object.entries(desk.alerts.by_kind)
    .map(([kind, n]) => `${t(`board.alert.${kind}`)} (${n})`)
    .join(', ');
  card.append(
    el(
      'p',
      `alerts${open ? ' open' : ''}`,
      open ? `⚠ ${t('board.alerts', { n: open })}: ${kinds}` : t('board.noAlerts'),
    ),
  );
  return card;
}

function render() {
  if (!board) return;
  const nowMs = Date.now() + clockSkewMs;
  $('site').textContent = `${board.site.name} · ${dateFormat().format(new Date(nowMs))}`;
  $('summary').textContent = t('board.summary', {
    present: board.desks.filter((d) => d.state === 'present').length,
    total: board.desks.length,
  });
  $('updated').textContent = t('board.updated', { time: timeFormat().format(new Date(board.server_time)) });
  $('desks').replaceChildren(...board.desks.map((desk) => deskCard(desk, nowMs)));
}

function banner(text) {
  $('banner').hidden = !text;
  $('banner').textContent = text ?? '';
}

function showLogin(error = '') {
  socket?.close();
  socket = undefined;
  board = undefined;
  $('desks').replaceChildren();
  $('login').hidden = false;
  $('logout').hidden = true;
  $('login-error').textContent = error;
  banner('');
}

function connect() {
  clearTimeout(retryTimer);
  $('login').hidden = true;
  $('logout').hidden = false;
  const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${LIVE_PATH}`;
  const ws = new WebSocket(url);
  socket = ws;
  ws.onopen = () => {
    retryMs = 500;
    banner('');
  };
  ws.onmessage = (message) => {
    const next = JSON.parse(message.data);
    if (next.error) return;
    board = next;
    clockSkewMs = Date.parse(board.server_time) - Date.now();
    render();
  };
  ws.onclose = (event) => {
    if (socket !== ws) return; // replaced or logged out
    socket = undefined;
    if (event.code === CLOSE_UNAUTHENTICATED) return showLogin();
    if (event.code === CLOSE_FORBIDDEN) return showLogin(t('board.forbidden'));
    banner(t('board.reconnecting'));
    retryTimer = setTimeout(connect, retryMs);
    retryMs = Math.min(retryMs * 2, RETRY_MAX_MS);
  };
}

async function logIn(event) {
  event.preventDefault();
  const form = new FormData($('login'));
  const response = await fetch('/api/v1/session', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: form.get('name'), password: form.get('password') }),
  });
  if (response.ok) {
    $('login').reset();
    return connect();
  }
  // A wrong password and a throttle have the board's own words; anything else, the hub's reason.
  $('login-error').textContent =
    response.status === 429
      ? t('board.throttled', { s: response.headers.get('retry-after') ?? '60' })
      : response.status === 401
        ? t('board.loginFailed')
        : ((await response.json().catch(() => null))?.error?.messages?.[lang] ?? t('board.loginFailed'));
}

async function start() {
  messages = await (await fetch('/board/messages.json')).json();
  applyLanguage();
  $('lang').onclick = () => {
    lang = lang === 'vi' ? 'en' : 'vi';
    localStorage.setItem('tt.lang', lang);
    applyLanguage();
  };
  $('logout').onclick = async () => {
    await fetch('/api/v1/session', { method: 'DELETE' });
    showLogin();
  };
  $('login').onsubmit = logIn;
  // Minutes since the last change keep counting between pushes.
  setInterval(render, 15_000);
  const session = await fetch('/api/v1/session');
  if (session.status === 401) return showLogin();
  const { role } = await session.json();
  if (role !== 'leader' && role !== 'admin') return showLogin(t('board.forbidden'));
  connect();
}

start();
