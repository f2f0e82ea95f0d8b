// Nhật ký phát (play log): how every airing ended on every loudspeaker, filtered by days, village,
// outcome and tier; what each outcome means; the same as CSV for a spreadsheet.
import { useEffect, useState } from 'preact/hooks';
import { api, attempt, dateTime, html, Notice, siteInfo, t, today, zoneName } from '../lib.js';

const STATUSES = ['played', 'partial', 'missed', 'preempted', 'held', 'failed'];
const TIERS = ['normal', 'priority', 'emergency'];

export default function PlayLog() {
  const [filter, setFilter] = useState({ from: today(), to: today() });
  const [entries, setEntries] = useState(null);
  const [notice, setNotice] = useState();
  const query = new URLSearchParams(Object.entries(filter).filter(([, v]) => v)).toString();
  useEffect(() => {
    attempt(setNotice, async () => setEntries((await api('GET', `/play-log?${query}`)).entries));
  }, [query]);
  const field = (key) => ({
    value: filter[key] ?? '',
    onChange: (e) => setFilter({ ...filter, [key]: e.target.value || undefined }),
  });

  return html`
    <form class="panel" onSubmit=${(e) => e.preventDefault()}>
      <div class="fields">
        <label>${t('app.log.from')}<input type="date" required ...${field('from')} /></label>
        <label>${t('app.log.to')}<input type="date" required ...${field('to')} /></label>
        <label>${t('app.zone')}<select ...${field('zone')}><option value="">${t('app.all')}</option>
          ${siteInfo().zones.map((z) => html`<option value=${z.id}>${z.name}</option>`)}</select></label>
        <label>${t('app.status')}<select ...${field('status')}><option value="">${t('app.all')}</option>
          ${STATUSES.map((s) => html`<option value=${s}>${t(`app.play.${s}`)}</option>`)}</select></label>
        <label>${t('app.tier')}<select ...${field('tier')}><option value="">${t('app.all')}</option>
          ${TIERS.map((s) => html`<option value=${s}>${t(`app.tier.${s}`)}</option>`)}</select></label>
        <a href=${`/api/v1/play-log?${query}&format=csv`} download>${t('app.log.csv')}</a>
      </div>
      <${Notice} notice=${notice} />
    </form>
    ${
      entries === null
        ? html`<p class="loading">${t('app.loading')}</p>`
        : entries.length === 0
          ? html`<p>${t('app.log.none')}</p>`
          : html`
      <table class="cards">
        <thead><tr><th>${t('app.log.scheduled')}</th><th>${t('app.program')}</th><th>${t('app.tier')}</th><th>${t('app.zone')}</th>
          <th>${t('app.speaker')}</th><th>${t('app.status')}</th><th>${t('app.log.offset')}</th><th>${t('app.log.played')}</th><th>${t('app.log.error')}</th></tr></thead>
        <tbody>${entries.map(
          (e) => html`<tr data-program=${e.program} data-speaker=${e.speaker}>
          <td data-label=${t('app.log.scheduled')}>${dateTime(e.scheduled_at)}</td>
          <td data-label=${t('app.program')}>${e.title}</td>
          <td data-label=${t('app.tier')}>${t(`app.tier.${e.tier}`)}</td>
          <td data-label=${t('app.zone')}>${zoneName(e.zone)}</td>
          <td data-label=${t('app.speaker')}><span class="id">${e.speaker}</span></td>
          <td data-label=${t('app.status')}><span class=${`state ${e.status === 'played' ? 'ok' : e.status === 'held' ? 'muted' : 'bad'}`} title=${t(`app.play.${e.status}.means`)}>${t(`app.play.${e.status}`)}</span></td>
          <td data-label=${t('app.log.offset')}>${e.offset_ms === null ? '—' : `${e.offset_ms} ms`}</td>
          <td data-label=${t('app.log.played')}>${e.played_s.toFixed(0)}</td>
          <td data-label=${t('app.log.error')}>${e.error ?? ''}</td>
        </tr>`,
        )}</tbody>
      </table>`
    }
    <details class="panel"><summary>${t('app.log.meanings')}</summary>
      <dl>${STATUSES.map((s) => html`<dt>${t(`app.play.${s}`)}</dt><dd>${t(`app.play.${s}.means`)}</dd>`)}</dl>
    </details>`;
}
