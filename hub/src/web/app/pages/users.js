// Người dùng (admin): users and roles; add one, set a new password, log them out everywhere,
// remove one. A generated password is shown once, here.
import { useEffect, useState } from 'preact/hooks';
import { api, attempt, Confirmed, dateTime, html, Notice, t } from '../lib.js';

const ROLES = ['operator', 'leader', 'technician', 'admin', 'flows'];

export default function Users({ user: me }) {
  const [users, setUsers] = useState(null);
  const [notice, setNotice] = useState();
  const [formNotice, setFormNotice] = useState();
  const load = () => attempt(setNotice, async () => setUsers((await api('GET', '/users')).users));
  useEffect(() => {
    load();
  }, []);

  const add = async (event) => {
    event.preventDefault();
    const form = new FormData(event.target);
    const password = form.get('password') || undefined;
    const added = await attempt(
      setFormNotice,
      () => api('POST', '/users', { name: form.get('name'), role: form.get('role'), password }),
      (answer) =>
        answer.password
          ? t('app.user.passwordOnce', { name: answer.user.name, password: answer.password })
          : t('app.saved'),
    );
    if (added) {
      event.target.reset();
      load();
    }
  };
  const reset = (u) =>
    attempt(
      setNotice,
      () => api('POST', `/users/${u.name}/password`),
      (a) => t('app.user.newPassword', { name: u.name, password: a.password }),
    ).then(load);
  const endSessions = (u) =>
    attempt(
      setNotice,
      () => api('DELETE', `/users/${u.name}/sessions`),
      (a) => t('app.user.ended', { n: a.ended, name: u.name }),
    ).then(load);
  const remove = (u) =>
    attempt(
      setNotice,
      () => api('DELETE', `/users/${u.name}`),
      () => t('app.saved'),
    ).then(load);

  return html`
    <form class="panel" onSubmit=${add}>
      <h2>${t('app.user.add')}</h2>
      <div class="fields">
        <label>${t('app.user.name')}<input name="name" required pattern="[a-z0-9._\\-]{2,40}" autocomplete="off" /></label>
        <label>${t('app.user.role')}
          <select name="role">${ROLES.map((r) => html`<option value=${r}>${t(`app.role.${r}`)}</option>`)}</select>
        </label>
        <label>${t('app.user.password')}<input name="password" type="password" minlength="10" autocomplete="new-password" /></label>
        <button type="submit" class="primary">${t('app.user.add')}</button>
      </div>
      <${Notice} notice=${formNotice} />
    </form>
    <${Notice} notice=${notice} />
    ${
      users === null
        ? html`<p class="loading">${t('app.loading')}</p>`
        : html`
      <table class="cards">
        <thead><tr>
          <th>${t('app.user.name')}</th><th>${t('app.user.role')}</th><th>${t('app.user.added')}</th>
          <th>${t('app.user.sessions')}</th><th>${t('app.actions')}</th>
        </tr></thead>
        <tbody>${users.map(
          (u) => html`<tr data-user=${u.name}>
          <td data-label=${t('app.user.name')}><strong class="id">${u.name}</strong></td>
          <td data-label=${t('app.user.role')}>${t(`app.role.${u.role}`)}</td>
          <td data-label=${t('app.user.added')}>${dateTime(u.created_at)}</td>
          <td data-label=${t('app.user.sessions')}>${u.open_sessions}</td>
          <td data-label=${t('app.actions')}><div class="row-actions">
            <${Confirmed} label=${t('app.user.reset')} question=${t('app.user.reset')} onConfirm=${() => reset(u)} />
            <button type="button" onClick=${() => endSessions(u)} disabled=${u.open_sessions === 0}>${t('app.user.endSessions')}</button>
            ${
              u.name !== me.name &&
              html`<${Confirmed} className="danger" label=${t('app.user.remove')}
              question=${t('app.user.removeConfirm', { name: u.name })} onConfirm=${() => remove(u)} />`
            }
          </div></td>
        </tr>`,
        )}</tbody>
      </table>`
    }`;
}
