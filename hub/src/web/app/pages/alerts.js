// Cảnh báo (leader): alerts by desk, kind and state; acknowledge, comment and resolve, one or
// several at once; every step with who and when.
import { useEffect, useState } from 'preact/hooks';
import { api, attempt, dateTime, deskName, html, Notice, siteInfo, t } from '../lib.js';

const STATES = ['open', 'acknowledged', 'resolved'];
const KINDS = ['unsatisfied-rating', 'unsatisfied-share', 'empty-desk', 'flow'];

function History({ alert }) {
  return html`<details><summary>${t('app.alert.history')} (${alert.history.length})</summary>
    <ul>${alert.history.map(
      (h) =>
        html`<li>${dateTime(h.at)} · ${h.user ?? 'hub'} · ${t(`app.alert.action.${h.action}`)}${h.comment ? `: ${h.comment}` : ''}</li>`,
    )}</ul></details>`;
}

export default function Alerts() {
  const [filter, setFilter] = useState({ state: 'open' });
  const [page, setPage] = useState(null);
  const [selected, setSelected] = useState(new Set());
  const [text, setText] = useState('');
  const [notice, setNotice] = useState();
  const query = () => new URLSearchParams(Object.entries(filter).filter(([, v]) => v)).toString();
  const load = () => attempt(setNotice, async () => setPage(await api('GET', `/alerts?${query()}`)));
  useEffect(() => {
    setSelected(new Set());
    load();
  }, [filter.state, filter.kind, filter.desk]);

  const toggle = (id) => {
    const next = new Set(selected);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    setSelected(next);
  };
  /** One step on every selected alert; those already past it are left as they are. */
  const act = async (step) => {
    const ids = [...selected];
    const body = step === 'ack' ? undefined : step === 'comment' ? { text } : text ? { text } : undefined;
    const done = await attempt(
      setNotice,
      () => Promise.all(ids.map((id) => api('POST', `/alerts/${id}/${step}`, body))),
      () => t('app.saved'),
    );
    if (done) {
      setText('');
      setSelected(new Set());
    }
    load();
  };
  const select = (key, values, label) => html`
    <label>${label}
      <select value=${filter[key] ?? ''} onChange=${(e) => setFilter({ ...filter, [key]: e.target.value || undefined })}>
        <option value="">${t('app.all')}</option>
        ${values.map(([value, name]) => html`<option value=${value}>${name}</option>`)}
      </select>
    </label>`;

  return html`
    <form class="panel" onSubmit=${(e) => e.preventDefault()}>
      <div class="fields">
        ${select(
          'state',
          STATES.map((s) => [s, t(`app.alert.state.${s}`)]),
          t('app.alert.state'),
        )}
        ${select(
          'kind',
          KINDS.map((k) => [k, t(`board.alert.${k}`)]),
          t('app.alert.kind'),
        )}
        ${select(
          'desk',
          siteInfo().desks.map((d) => [d.id, d.name]),
          t('app.alert.desk'),
        )}
      </div>
    </form>
    <section class="panel" aria-label=${t('app.actions')}>
      <div class="fields">
        <span>${t('app.alert.selected', { n: selected.size })}</span>
        <label>${t('app.alert.note')}<input value=${text} onInput=${(e) => setText(e.target.value)} maxlength="2000" /></label>
        <button type="button" disabled=${selected.size === 0} onClick=${() => act('ack')}>${t('app.alert.ack')}</button>
        <button type="button" disabled=${selected.size === 0 || !text.trim()} onClick=${() => act('comment')}>${t('app.alert.comment')}</button>
        <button type="button" class="primary" disabled=${selected.size === 0} onClick=${() => act('resolve')}>${t('app.alert.resolve')}</button>
      </div>
      <${Notice} notice=${notice} />
    </section>
    ${
      page === null
        ? html`<p class="loading">${t('app.loading')}</p>`
        : page.alerts.length === 0
          ? html`<p>${t('app.alert.none')}</p>`
          : html`
      <table class="cards">
        <thead><tr><th></th><th>${t('app.alert.raised')}</th><th>${t('app.alert.kind')}</th><th>${t('app.alert.desk')}</th>
          <th>${t('app.alert.state')}</th><th>${t('app.alert.history')}</th></tr></thead>
        <tbody>${page.alerts.map(
          (a) => html`<tr data-alert=${a.id}>
          <td><input type="checkbox" aria-label=${t('app.alert.select', { id: a.id })} checked=${selected.has(a.id)} onChange=${() => toggle(a.id)} /></td>
          <td data-label=${t('app.alert.raised')}>${dateTime(a.raised_at)}</td>
          <td data-label=${t('app.alert.kind')}>${t(`board.alert.${a.kind}`)}${a.details?.message ? `: ${a.details.message}` : ''}</td>
          <td data-label=${t('app.alert.desk')}>${deskName(a.desk)}</td>
          <td data-label=${t('app.alert.state')}><span class=${`state ${a.state === 'resolved' ? 'ok' : a.state === 'open' ? 'bad' : 'muted'}`}>${t(`app.alert.state.${a.state}`)}</span></td>
          <td data-label=${t('app.alert.history')}><${History} alert=${a} /></td>
        </tr>`,
        )}</tbody>
      </table>`
    }`;
}
