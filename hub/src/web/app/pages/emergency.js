// Phát khẩn cấp (emergency): villages, a text or an audio file, an explicit confirmation; it goes
// on air at once over everything, and the page then shows what is on air and can end it.
import { useState } from 'preact/hooks';
import { api, attempt, html, Notice, t, ZonePicker } from '../lib.js';
import { ContentFields, contentOf } from './content.js';
import OnAir from './on-air.js';

export default function Emergency() {
  const [confirmed, setConfirmed] = useState(false);
  const [notice, setNotice] = useState();
  const [sent, setSent] = useState(null);
  const [content, setContent] = useState({ kind: 'text', text: '' });

  const send = async (event) => {
    event.preventDefault();
    const form = new FormData(event.target);
    const picked = form.getAll('zones');
    const all = form.get('all') === 'on';
    const program = await attempt(
      setNotice,
      () =>
        api('POST', '/emergency', {
          title: form.get('title'),
          content: contentOf(content),
          zones: all ? 'all' : picked,
          confirm: true,
        }),
      (p) => t('app.emergency.sent', { title: p.title }),
    );
    if (program) {
      setSent(program);
      setConfirmed(false);
    }
  };
  const end = () =>
    attempt(
      setNotice,
      () => api('POST', `/emergency/${sent.id}/end`),
      () => t('app.emergency.ended', { title: sent.title }),
    ).then((done) => done !== undefined && setSent(null));

  return html`
    <form class="panel emergency" onSubmit=${send}>
      <p class="notice error">${t('app.emergency.warning')}</p>
      <div class="fields">
        <label>${t('app.title.field')}<input name="title" required maxlength="200" /></label>
      </div>
      <label class="check"><input type="checkbox" name="all" />${t('app.allZones')}</label>
      <${ZonePicker} legend=${t('app.zones')} />
      <${ContentFields} content=${content} onChange=${setContent} kinds=${['text', 'audio']} />
      <label class="check confirm"><input type="checkbox" checked=${confirmed} onChange=${(e) => setConfirmed(e.target.checked)} />${t('app.emergency.confirm')}</label>
      <p><button type="submit" class="emergency" disabled=${!confirmed}>${t('app.emergency.send')}</button></p>
      <${Notice} notice=${notice} />
      ${sent && html`<p><button type="button" class="danger" onClick=${end}>${t('app.emergency.end')}: ${sent.title}</button></p>`}
    </form>
    <h2>${t('app.nav.onAir')}</h2>
    <${OnAir} />`;
}
