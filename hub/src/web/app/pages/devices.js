// Thiết bị (technician): every device with its state and last telemetry; add one and hand over its
// secret once (with the provisioning file and its QR code); issue a new secret; revoke.
import { useEffect, useState } from 'preact/hooks';
import { api, attempt, Confirmed, dateTime, deskName, html, Notice, siteInfo, t, zoneName } from '../lib.js';

const KINDS = ['rating-button', 'presence-sensor', 'speaker'];
const MAY_CHANGE = ['admin', 'technician'];

function state(d) {
  if (d.revoked) return { cls: 'revoked', text: t('app.device.revoked') };
  return d.online
    ? { cls: 'online', text: t('app.device.online') }
    : { cls: 'offline', text: t('app.device.offline') };
}

const volts = (mv) => (mv === undefined ? '—' : `${(mv / 1000).toFixed(2)} V`);
const dbm = (v) => (v === undefined ? '—' : `${v} dBm`);

function AddDevice({ onAdded }) {
  const [kind, setKind] = useState('rating-button');
  const [notice, setNotice] = useState();
  const site = siteInfo();
  const submit = async (event) => {
    event.preventDefault();
    const form = new FormData(event.target);
    const body = { id: form.get('id'), kind };
    if (kind === 'speaker') body.zone = form.get('zone');
    else body.desk = form.get('desk');
    const added = await attempt(setNotice, () => api('POST', '/devices', body));
    if (added) {
      event.target.reset();
      onAdded(added);
    }
  };
  return html`
    <form class="panel" onSubmit=${submit}>
      <h2>${t('app.device.add')}</h2>
      <div class="fields">
        <label>${t('app.device.id')}<input name="id" required pattern="[a-z0-9][a-z0-9-]{1,39}" /></label>
        <label>${t('app.device.kind')}
          <select name="kind" value=${kind} onChange=${(e) => setKind(e.target.value)}>
            ${KINDS.map((k) => html`<option value=${k}>${t(`app.device.kind.${k}`)}</option>`)}
          </select>
        </label>
        ${
          kind === 'speaker'
            ? html`<label>${t('app.device.zone')}<select name="zone">${site.zones.map((z) => html`<option value=${z.id}>${z.name}</option>`)}</select></label>`
            : html`<label>${t('app.device.desk')}<select name="desk">${site.desks.map((d) => html`<option value=${d.id}>${d.name}</option>`)}</select></label>`
        }
        <button type="submit" class="primary">${t('app.device.add')}</button>
      </div>
      <${Notice} notice=${notice} />
    </form>`;
}

/** The one time a secret is shown: the secret, the file to download, the QR code to scan. */
function HandOver({ given, onClose }) {
  const file = URL.createObjectURL(
    new Blob([`${JSON.stringify(given.provisioning, null, 2)}\n`], { type: 'application/json' }),
  );
  useEffect(() => () => URL.revokeObjectURL(file), [file]);
  return html`
    <section class="panel" aria-labelledby="handover">
      <h2 id="handover">${t('app.device.handOver', { id: given.device.id })}</h2>
      <p class="notice error" role="alert">${t('app.secretOnce')}</p>
      <p>${t('app.device.secret')}: <span class="secret" data-testid="secret">${given.secret}</span></p>
      <p><a href=${file} download=${`${given.device.id}.thanthien.json`}>${t('app.device.download')}</a></p>
      <p class="hint">${t('app.device.scan')}</p>
      <div class="qr" role="img" aria-label=${t('app.device.scan')} dangerouslySetInnerHTML=${{ __html: given.qr_svg }}></div>
      <p><button type="button" onClick=${onClose}>${t('app.close')}</button></p>
    </section>`;
}

export default function Devices({ user }) {
  const [devices, setDevices] = useState(null);
  const [given, setGiven] = useState(null);
  const [notice, setNotice] = useState();
  const mayChange = MAY_CHANGE.includes(user.role);
  const load = () => attempt(setNotice, async () => setDevices((await api('GET', '/devices')).devices));
  useEffect(() => {
    load();
    const timer = setInterval(load, 10_000);
    return () => clearInterval(timer);
  }, []);

  const rotate = async (d) => {
    const answer = await attempt(setNotice, () =>
      api('POST', `/devices/${d.id}/rotate`, { reinstate: d.revoked }),
    );
    if (answer) setGiven(answer);
    load();
  };
  const revoke = async (d) => {
    await attempt(
      setNotice,
      () => api('POST', `/devices/${d.id}/revoke`),
      () => t('app.device.revokedDone', { id: d.id }),
    );
    load();
  };

  return html`
    ${
      mayChange &&
      html`<${AddDevice} onAdded=${(answer) => {
        setGiven(answer);
        load();
      }} />`
    }
    ${given && html`<${HandOver} given=${given} onClose=${() => setGiven(null)} />`}
    <${Notice} notice=${notice} />
    ${
      devices === null
        ? html`<p class="loading">${t('app.loading')}</p>`
        : html`
      <table class="cards">
        <thead><tr>
          <th>${t('app.device.id')}</th><th>${t('app.device.kind')}</th><th>${t('app.device.place')}</th>
          <th>${t('app.device.state')}</th><th>${t('app.device.lastSeen')}</th><th>${t('app.device.battery')}</th>
          <th>${t('app.device.signal')}</th><th>${t('app.device.firmware')}</th><th>${t('app.device.queue')}</th>
          ${mayChange && html`<th>${t('app.actions')}</th>`}
        </tr></thead>
        <tbody>
          ${devices.map((d) => {
            const s = state(d);
            const tm = d.telemetry ?? {};
            return html`<tr data-device=${d.id}>
              <td data-label=${t('app.device.id')}><strong class="id">${d.id}</strong></td>
              <td data-label=${t('app.device.kind')}>${t(`app.device.kind.${d.kind}`)}</td>
              <td data-label=${t('app.device.place')}>${d.desk ? deskName(d.desk) : zoneName(d.zone)}</td>
              <td data-label=${t('app.device.state')}><span class=${`state ${s.cls}`}>${s.text}</span></td>
              <td data-label=${t('app.device.lastSeen')}>${d.last_seen_at ? dateTime(d.last_seen_at) : t('app.never')}</td>
              <td data-label=${t('app.device.battery')}>${volts(tm.battery_mv)}</td>
              <td data-label=${t('app.device.signal')}>${dbm(tm.rssi_dbm)}</td>
              <td data-label=${t('app.device.firmware')}>${d.fw ?? '—'}</td>
              <td data-label=${t('app.device.queue')}>${tm.queue_len ?? '—'}</td>
              ${
                mayChange &&
                html`<td data-label=${t('app.actions')}><div class="row-actions">
                <${Confirmed}
                  label=${d.revoked ? t('app.device.reinstate') : t('app.device.rotate')}
                  question=${t('app.device.rotateConfirm', { id: d.id })}
                  onConfirm=${() => rotate(d)} />
                ${
                  !d.revoked &&
                  html`<${Confirmed} className="danger" label=${t('app.device.revoke')}
                  question=${t('app.device.revokeConfirm', { id: d.id })} onConfirm=${() => revoke(d)} />`
                }
              </div></td>`
              }
            </tr>`;
          })}
        </tbody>
      </table>`
    }`;
}
