// Đang phát (on air now): each village, what plays, how far in, and what each of its loudspeakers
// says of it — live, as the hub pushes it.
import { html, t, time, useLive, zoneName } from '../lib.js';

function Speaker({ speaker }) {
  const status = speaker.status ?? 'none';
  const good = status === 'playing' || status === 'ready' || status === 'received' || status === 'done';
  return html`<li data-speaker=${speaker.id}>
    <strong class="id">${speaker.id}</strong>:
    <span class=${`state ${good ? 'ok' : status === 'none' ? 'muted' : 'bad'}`}>${t(`app.ack.${status}`)}</span>
    ${!speaker.online && html` (<span class="state bad">${t('app.offline')}</span>)`}
  </li>`;
}

export default function OnAir() {
  const snapshot = useLive('/api/v1/on-air/live');
  if (!snapshot) return html`<p class="loading">${t('app.loading')}</p>`;
  if (snapshot.zones.length === 0) return html`<p role="status">${t('app.onAir.none')}</p>`;
  return html`
    <p class="hint" role="status">${t('app.onAir.live')} · ${time(snapshot.at)}</p>
    <div class="cards-grid">
      ${snapshot.zones.map((z) => {
        const elapsed = Math.floor(z.offset_s);
        return html`<section class=${`panel tier-${z.tier}`} data-zone=${z.zone} aria-label=${zoneName(z.zone)}>
          <h2>${zoneName(z.zone)}</h2>
          <p><span class="tier">${t(`app.tier.${z.tier}`)}</span> <strong>${z.title}</strong></p>
          <p class="hint">${t('app.onAir.elapsed', { m: Math.floor(elapsed / 60), s: elapsed % 60 })} · ${t('app.onAir.until', { time: time(z.until) })}</p>
          <ul class="speakers">${z.speakers.map((s) => html`<${Speaker} speaker=${s} />`)}</ul>
        </section>`;
      })}
    </div>`;
}
