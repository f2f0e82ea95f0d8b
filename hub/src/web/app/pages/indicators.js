// Chỉ số (leader): the satisfaction indicators of a period and the desks and officials ranked
// (docs/indicators.md), as the commune reports them.
import { useEffect, useState } from 'preact/hooks';
import { addDays, api, attempt, deskName, html, Notice, officialName, t, today } from '../lib.js';

const percent = (x) => (x === null ? '—' : `${(x * 100).toFixed(1)}%`);
const number = (x) => (x === null ? '—' : x.toFixed(1));

function Ranking({ title, rows, name }) {
  return html`<h2>${title}</h2>
    <table class="cards">
      <thead><tr><th>${t('app.ind.rank')}</th><th>${t('app.ind.name')}</th><th>${t('app.ind.rated')}</th>
        <th>${t('app.ind.share')}</th><th>${t('app.ind.unsatisfied')}</th><th>${t('app.ind.score')}</th></tr></thead>
      <tbody>${rows.map(
        (r, i) => html`<tr data-rank=${r.id}>
        <td data-label=${t('app.ind.rank')}>${r.rated > 0 ? i + 1 : '—'}</td>
        <td data-label=${t('app.ind.name')}>${name(r.id)}</td>
        <td data-label=${t('app.ind.rated')}>${r.rated}</td>
        <td data-label=${t('app.ind.share')}>${percent(r.share_satisfied)}</td>
        <td data-label=${t('app.ind.unsatisfied')}>${r.unsatisfied}</td>
        <td data-label=${t('app.ind.score')}>${percent(r.ranking_score)}</td>
      </tr>`,
      )}</tbody>
    </table>`;
}

export default function Indicators() {
  const [period, setPeriod] = useState({ from: today(), to: today() });
  const [report, setReport] = useState(null);
  const [notice, setNotice] = useState();
  useEffect(() => {
    attempt(setNotice, async () =>
      setReport(await api('GET', `/indicators?from=${period.from}&to=${period.to}`)),
    );
  }, [period.from, period.to]);
  const preset = (from) => setPeriod({ from, to: today() });

  return html`
    <form class="panel" onSubmit=${(e) => e.preventDefault()} aria-label=${t('app.ind.period')}>
      <div class="fields">
        <div class="row-actions">
          <button type="button" onClick=${() => preset(today())}>${t('app.ind.today')}</button>
          <button type="button" onClick=${() => preset(addDays(today(), -6))}>${t('app.ind.week')}</button>
          <button type="button" onClick=${() => preset(`${today().slice(0, 8)}01`)}>${t('app.ind.month')}</button>
        </div>
        <label>${t('app.log.from')}<input type="date" value=${period.from} onChange=${(e) => e.target.value && setPeriod({ ...period, from: e.target.value })} /></label>
        <label>${t('app.log.to')}<input type="date" value=${period.to} onChange=${(e) => e.target.value && setPeriod({ ...period, to: e.target.value })} /></label>
      </div>
      <${Notice} notice=${notice} />
    </form>
    ${
      report === null
        ? html`<p class="loading">${t('app.loading')}</p>`
        : html`
      <dl class="figures">
        <div><dt>${t('app.ind.rated')}</dt><dd data-figure="rated">${report.rated}</dd></div>
        <div><dt>${t('app.ind.share')}</dt><dd data-figure="share">${percent(report.share_satisfied)}</dd></div>
        <div><dt>${t('app.ind.index')}</dt><dd>${number(report.index)}</dd></div>
        <div><dt>${t('app.ind.ratio766')}</dt><dd>${percent(report.satisfaction_ratio)}</dd></div>
        <div><dt>${t('app.ind.flagged')}</dt><dd>${report.flagged}</dd></div>
      </dl>
      ${report.rated === 0 && html`<p>${t('app.ind.none')}</p>`}
      <${Ranking} title=${t('app.ind.desks')} rows=${report.ranking.desks} name=${deskName} />
      <${Ranking} title=${t('app.ind.officers')} rows=${report.ranking.officers} name=${officialName} />
      <p class="hint">${t('app.ind.rankNote')}</p>`
    }`;
}
