// What every page of the web app shares: templates, words, the API and the site's dates.
import htm from 'htm';
import { h } from 'preact';
import { useEffect, useState } from 'preact/hooks';

export const html = htm.bind(h);

const words = { messages: { vi: {}, en: {} }, lang: localStorage.getItem('tt.lang') === 'en' ? 'en' : 'vi' };

export async function loadWords() {
  words.messages = await (await fetch('/app/messages.json')).json();
}

export const lang = () => words.lang;

export function setLang(next) {
  words.lang = next;
  localStorage.setItem('tt.lang', next);
  document.documentElement.lang = next;
}

/** A message in the current language (Vietnamese when missing), `{name}` filled in. */
export function t(key, params = {}) {
  const text = words.messages[words.lang][key] ?? words.messages.vi[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => String(params[name] ?? ''));
}

/** A refusal of the API, with its code, the field it names, and its words in both languages. */
export class ApiError extends Error {
  constructor(status, error = {}) {
    super(error.messages?.[words.lang] ?? error.message ?? `HTTP ${status}`);
    this.status = status;
    this.code = error.code;
    this.field = error.field;
  }
}

const listeners = new Set();
/** Called with every 401: the session ended, the app shows the login. */
export const onUnauthenticated = (listener) => listeners.add(listener);

/** Call /api/v1: JSON in, JSON out (or the raw response for `raw`); refusals throw ApiError. */
export async function api(method, path, body, { raw = false, type } = {}) {
  const headers = { 'accept-language': words.lang === 'en' ? 'en, vi;q=0.5' : 'vi, en;q=0.5' };
  let payload;
  if (body instanceof Blob) {
    payload = body;
    headers['content-type'] = type || body.type || 'application/octet-stream';
  } else if (body !== undefined) {
    payload = JSON.stringify(body);
    headers['content-type'] = 'application/json';
  }
  const res = await fetch(`/api/v1${path}`, { method, headers, body: payload });
  if (!res.ok) {
    const answer = await res.json().catch(() => ({}));
    if (res.status === 401) for (const listener of listeners) listener();
    throw new ApiError(res.status, answer.error);
  }
  if (raw) return res;
  return res.status === 204 ? undefined : res.json();
}

let site = { timezone: 'Asia/Ho_Chi_Minh', desks: [], zones: [] };
export const siteInfo = () => site;
/** How far the hub's clock is ahead of this screen's: a screen with a wrong clock still shows today. */
let skewMs = 0;
export async function loadSite() {
  site = await api('GET', '/site');
  skewMs = Date.parse(site.now) - Date.now();
  return site;
}

const formats = new Map();
function format(options) {
  const key = `${words.lang}|${site.timezone}|${JSON.stringify(options)}`;
  if (!formats.has(key)) {
    formats.set(key, new Intl.DateTimeFormat('en-GB', { timeZone: site.timezone, ...options }));
  }
  return formats.get(key);
}

/** dd/mm/yyyy HH:mm in the site's time zone, in both languages (docs/architecture.md). */
export function dateTime(iso) {
  if (!iso) return '—';
  return format({ day: '2-digit', month: '2-digit', year: 'numeric', hour: '2-digit', minute: '2-digit' })
    .format(new Date(iso))
    .replace(',', '');
}

export function date(iso) {
  return format({ day: '2-digit', month: '2-digit', year: 'numeric' }).format(new Date(iso));
}

export function time(iso) {
  return format({ hour: '2-digit', minute: '2-digit' }).format(new Date(iso));
}

export const deskName = (id) => site.desks.find((d) => d.id === id)?.name ?? id ?? '—';
export const zoneName = (id) => site.zones.find((z) => z.id === id)?.name ?? id ?? '—';
/** The villages a program airs in, or "every village" when it is all of them. */
export const zonesText = (ids) =>
  ids.length === site.zones.length ? t('app.allZones') : ids.map(zoneName).join(', ');
export const officialName = (id) => site.officials?.find((o) => o.id === id)?.name ?? id ?? '—';

/** A message line under a form or a list: what happened, or the API's reason. */
export function Notice({ notice }) {
  if (!notice) return null;
  const role = notice.error ? 'alert' : 'status';
  return html`<p class=${`notice ${notice.error ? 'error' : 'ok'}`} role=${role}>${notice.text}</p>`;
}

/**
 * Run an action; its outcome as a notice: `done` gives the words of success. Without it a success
 * clears an earlier error but keeps what the last step said (a reload after "saved").
 */
export async function attempt(setNotice, action, done) {
  try {
    const result = await action();
    setNotice(done ? { text: done(result) } : (previous) => (previous?.error ? undefined : previous));
    return result;
  } catch (err) {
    setNotice({ error: true, text: err.message });
    return undefined;
  }
}

/** A step that cannot be undone asks again, in the page: first click arms it, the second does it. */
export function Confirmed({ label, question, className, onConfirm }) {
  const [armed, setArmed] = useState(false);
  if (!armed)
    return html`<button type="button" class=${className} onClick=${() => setArmed(true)}>${label}</button>`;
  return html`
    <span role="group" aria-label=${question}>
      <span class="hint">${question}</span>
      <button type="button" class=${className} onClick=${() => {
        setArmed(false);
        onConfirm();
      }}>${t('app.confirm')} — ${label}</button>
      <button type="button" onClick=${() => setArmed(false)}>${t('app.cancel')}</button>
    </span>`;
}

/**
 * A live view over a WebSocket of the hub (/api/v1/…/live): the latest snapshot, reconnecting by
 * itself with a growing pause; a session that ended shows the login.
 */
export function useLive(path) {
  const [snapshot, setSnapshot] = useState(null);
  useEffect(() => {
    let socket;
    let retryMs = 500;
    let timer;
    let closed = false;
    const open = () => {
      socket = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${path}`);
      socket.onmessage = (message) => {
        retryMs = 500;
        setSnapshot(JSON.parse(message.data));
      };
      socket.onclose = (event) => {
        if (closed) return;
        if (event.code === 4401) {
          for (const listener of listeners) listener();
          return;
        }
        timer = setTimeout(open, retryMs);
        retryMs = Math.min(retryMs * 2, 10_000);
      };
    };
    open();
    return () => {
      closed = true;
      clearTimeout(timer);
      socket?.close();
    };
  }, [path]);
  return snapshot;
}

/** A local date YYYY-MM-DD moved by `n` days. */
export const addDays = (date, n) =>
  new Date(Date.parse(`${date}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

/** Today as the site's local date, YYYY-MM-DD. */
export function today() {
  return new Intl.DateTimeFormat('en-CA', { timeZone: site.timezone }).format(new Date(Date.now() + skewMs));
}

/** The zones chosen in a group of checkboxes, with "every village" for all of them. */
export function ZonePicker({ name = 'zones', legend }) {
  return html`
    <fieldset class="zones">
      <legend>${legend}</legend>
      ${site.zones.map((z) => html`<label class="check"><input type="checkbox" name=${name} value=${z.id} />${z.name}</label>`)}
    </fieldset>`;
}
