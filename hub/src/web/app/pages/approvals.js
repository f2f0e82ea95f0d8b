// Duyệt (leader): programs waiting for approval — listen to them, read when and where they air,
// approve or send back with a reason. A leader cannot approve what they wrote (the API says so).
import { useEffect, useState } from 'preact/hooks';
import { api, attempt, html, Notice, t, zonesText } from '../lib.js';
import { describeSchedule } from '../schedule-words.js';

function Waiting({ program, onDone }) {
  const [reason, setReason] = useState('');
  const [notice, setNotice] = useState();
  const approve = () =>
    attempt(setNotice, () =>
      api('POST', `/programs/${program.id}/approve`, reason.trim() ? { comment: reason } : undefined),
    ).then((done) => done && onDone(t('app.approved', { title: program.title })));
  const reject = () =>
    attempt(setNotice, () => api('POST', `/programs/${program.id}/reject`, { comment: reason })).then(
      (done) => done && onDone(t('app.rejected', { title: program.title })),
    );
  const { content } = program;
  return html`<article class="panel" data-program=${program.id} aria-labelledby=${`program-${program.id}`}>
    <h2 id=${`program-${program.id}`}>${program.title} <span class="tier">${t(`app.tier.${program.tier}`)}</span></h2>
    <p><strong>${describeSchedule(program.schedule, t)}</strong></p>
    <p class="hint">${zonesText(program.zones)} · ${t('app.program.author')}: ${program.author} · ${t('app.volume')} ${program.volume}</p>
    ${content.kind === 'text' && html`<blockquote>${content.text}</blockquote>`}
    ${content.kind === 'stream' && html`<p>${content.url}</p>`}
    ${content.asset && html`<audio controls preload="none" src=${`/api/v1/assets/${content.asset}/file`} aria-label=${`${t('app.listen')}: ${program.title}`}></audio>`}
    <label>${t('app.reason')}<input value=${reason} maxlength="2000" onInput=${(e) => setReason(e.target.value)} /></label>
    <div class="row-actions">
      <button type="button" class="primary" onClick=${approve}>${t('app.approve')}</button>
      <button type="button" class="danger" disabled=${!reason.trim()} onClick=${reject}>${t('app.reject')}</button>
    </div>
    <${Notice} notice=${notice} />
  </article>`;
}

export default function Approvals() {
  const [programs, setPrograms] = useState(null);
  const [notice, setNotice] = useState();
  const load = () =>
    attempt(setNotice, async () => setPrograms((await api('GET', '/programs?state=submitted')).programs));
  useEffect(() => {
    load();
  }, []);
  const done = (text) => {
    setNotice({ text });
    load();
  };
  return html`
    <${Notice} notice=${notice} />
    ${programs === null ? html`<p class="loading">${t('app.loading')}</p>` : programs.length === 0 ? html`<p>${t('app.approvals.none')}</p>` : programs.map((p) => html`<${Waiting} key=${p.id} program=${p} onDone=${done} />`)}`;
}
