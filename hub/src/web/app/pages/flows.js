// Luồng tự động (admin): what each Node-RED flow may announce on the loudspeakers — without a
// leader's approval, and emergencies — by the flows user it sends as and its tab's id
// (docs/flows.md). Without an allowance a flow's announcements wait for approval.
import { useEffect, useState } from 'preact/hooks';
import { api, attempt, dateTime, html, Notice, t } from '../lib.js';

export default function Flows() {
  const [allowances, setAllowances] = useState(null);
  // The hub's own Node-RED sends as thanthien-flows; a district's as a flows user of its own.
  const [flowsUsers, setFlowsUsers] = useState([]);
  const [notice, setNotice] = useState();
  const load = () =>
    attempt(setNotice, async () => {
      setAllowances((await api('GET', '/flow-allowances')).allowances);
      setFlowsUsers((await api('GET', '/users')).users.filter((u) => u.role === 'flows').map((u) => u.name));
    });
  useEffect(() => {
    load();
  }, []);

  const save = (user, flow, allowed) =>
    attempt(
      setNotice,
      () => api('PUT', `/flow-allowances/${encodeURIComponent(user)}/${encodeURIComponent(flow)}`, allowed),
      () => t('app.saved'),
    ).then(load);
  // The box shows the new state at once: a render before the list is read again keeps it.
  const toggle = (a, change) => {
    const changed = { ...a, ...change };
    setAllowances((list) => list.map((x) => (x === a ? changed : x)));
    return save(a.user, a.flow, { skip_approval: changed.skip_approval, emergency: changed.emergency });
  };
  const allow = async (event) => {
    event.preventDefault();
    const form = new FormData(event.target);
    await save(form.get('user'), form.get('flow').trim(), {
      name: form.get('name').trim() || undefined,
      skip_approval: form.get('skip') === 'on',
      emergency: form.get('emergency') === 'on',
    });
    event.target.reset();
  };
  const withdraw = (a) =>
    attempt(
      setNotice,
      () => api('DELETE', `/flow-allowances/${encodeURIComponent(a.user)}/${encodeURIComponent(a.flow)}`),
      () => t('app.saved'),
    ).then(load);

  return html`
    <p>${t('app.flows.intro')} <a href=${`${location.protocol}//${location.hostname}:1880/`}>${t('app.flows.editor')}</a></p>
    <form class="panel" onSubmit=${allow}>
      <h2>${t('app.flows.allow')}</h2>
      <div class="fields">
        <label>${t('app.flows.user')}
          <select name="user" required>${flowsUsers.map((u) => html`<option value=${u}>${u}</option>`)}</select>
        </label>
        <label>${t('app.flows.flow')}<input name="flow" required maxlength="64" pattern="\\S+" placeholder="tt-empty-desk" autocomplete="off" /></label>
        <label>${t('app.flows.name')}<input name="name" maxlength="200" autocomplete="off" /></label>
        <label class="check"><input type="checkbox" name="skip" /> ${t('app.flows.skip')}</label>
        <label class="check"><input type="checkbox" name="emergency" /> ${t('app.flows.emergency')}</label>
        <button type="submit" class="primary">${t('app.flows.allow')}</button>
      </div>
    </form>
    <${Notice} notice=${notice} />
    ${
      allowances === null
        ? html`<p class="loading">${t('app.loading')}</p>`
        : allowances.length === 0
          ? html`<p>${t('app.flows.none')}</p>`
          : html`
      <table class="cards">
        <thead><tr>
          <th>${t('app.flows.flow')}</th><th>${t('app.flows.user')}</th><th>${t('app.flows.skip')}</th>
          <th>${t('app.flows.emergency')}</th><th>${t('app.flows.granted')}</th><th>${t('app.actions')}</th>
        </tr></thead>
        <tbody>${allowances.map(
          (a) => html`<tr data-flow=${a.flow}>
          <td data-label=${t('app.flows.flow')}><strong class="id">${a.flow}</strong>${a.name ? html`<br />${a.name}` : ''}</td>
          <td data-label=${t('app.flows.user')}>${a.user}</td>
          <td data-label=${t('app.flows.skip')}><input type="checkbox" checked=${a.skip_approval} aria-label=${`${t('app.flows.skip')}: ${a.flow}`}
            onChange=${(e) => toggle(a, { skip_approval: e.target.checked })} /></td>
          <td data-label=${t('app.flows.emergency')}><input type="checkbox" checked=${a.emergency} aria-label=${`${t('app.flows.emergency')}: ${a.flow}`}
            onChange=${(e) => toggle(a, { emergency: e.target.checked })} /></td>
          <td data-label=${t('app.flows.granted')}>${a.granted_by}, ${dateTime(a.granted_at)}</td>
          <td data-label=${t('app.actions')}><button type="button" class="danger" onClick=${() => withdraw(a)}>${t('app.flows.withdraw')}</button></td>
        </tr>`,
        )}</tbody>
      </table>`
    }
  `;
}
