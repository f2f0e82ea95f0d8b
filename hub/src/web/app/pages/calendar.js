// Lịch phát thanh (operator): the week or the day per village with every airing placed by tier;
// write and edit programs with a schedule builder that says in words what it will do, content by
// speech (listen first), upload or stream; an overlap is shown with the choices the API offers.
import { useEffect, useState } from 'preact/hooks';
import {
  addDays,
  api,
  attempt,
  Confirmed,
  html,
  Notice,
  siteInfo,
  t,
  time,
  today,
  zonesText,
} from '../lib.js';
import { describeSchedule, dmy, WEEK } from '../schedule-words.js';
import { ContentFields, contentOf } from './content.js';

const WRITERS = ['admin', 'leader', 'operator'];
/** The Monday of a date's week. */
const mondayOf = (date) => addDays(date, -((new Date(`${date}T00:00:00Z`).getUTCDay() + 6) % 7));
const localDate = (iso) => iso.slice(0, 10);

function Airing({ airing }) {
  return html`<li class=${`airing tier-${airing.tier} state-${airing.state}`} data-program=${airing.program}>
    <span class="when">${time(airing.start)}${time(airing.end) === time(airing.start) ? '' : `–${time(airing.end)}`}</span>
    <span class="tier">${t(`app.tier.${airing.tier}`)}</span>${' '}
    <strong>${airing.title}</strong>
    <span class="hint"> · ${t(`app.program.state.${airing.state}`)} · ${zonesText(airing.zones)}</span>
    ${airing.held && html`<span class="state muted"> · ${t(`app.held.${airing.held}`)}</span>`}
  </li>`;
}

function CalendarView({ version }) {
  const [view, setView] = useState('week');
  const [day, setDay] = useState(today());
  const [zone, setZone] = useState('');
  const [airings, setAirings] = useState(null);
  const [notice, setNotice] = useState();
  const from = view === 'week' ? mondayOf(day) : day;
  const to = view === 'week' ? addDays(from, 6) : day;
  useEffect(() => {
    attempt(setNotice, async () => setAirings((await api('GET', `/calendar?from=${from}&to=${to}`)).airings));
  }, [from, to, version]);
  const shown = (airings ?? []).filter((a) => !zone || a.zones.includes(zone));
  const days = view === 'week' ? WEEK.map((_, i) => addDays(from, i)) : [day];

  return html`
    <section class="panel calendar" aria-label=${t('app.nav.calendar')}>
      <div class="fields">
        <div role="group" aria-label=${t('app.nav.calendar')} class="row-actions">
          <button type="button" aria-pressed=${view === 'week'} onClick=${() => setView('week')}>${t('app.cal.week')}</button>
          <button type="button" aria-pressed=${view === 'day'} onClick=${() => setView('day')}>${t('app.cal.day')}</button>
        </div>
        <div class="row-actions">
          <button type="button" onClick=${() => setDay(addDays(day, view === 'week' ? -7 : -1))}>${t('app.cal.prev')}</button>
          <button type="button" onClick=${() => setDay(today())}>${t('app.cal.today')}</button>
          <button type="button" onClick=${() => setDay(addDays(day, view === 'week' ? 7 : 1))}>${t('app.cal.next')}</button>
        </div>
        <label>${t('app.zone')}<select value=${zone} onChange=${(e) => setZone(e.target.value)}>
          <option value="">${t('app.allZones')}</option>
          ${siteInfo().zones.map((z) => html`<option value=${z.id}>${z.name}</option>`)}
        </select></label>
      </div>
      <p class="hint">${view === 'week' ? t('app.cal.weekOf', { from: dmy(from), to: dmy(to) }) : dmy(day)}</p>
      <${Notice} notice=${notice} />
      <div class=${view === 'week' ? 'week' : 'day'}>
        ${days.map((d, i) => {
          const list = shown.filter((a) => localDate(a.start) === d);
          return html`<div class="day-column" data-date=${d}>
            <h3>${t(`app.day.${view === 'week' ? WEEK[i] : WEEK[(new Date(`${d}T00:00:00Z`).getUTCDay() + 6) % 7]}`)} ${dmy(d).slice(0, 5)}</h3>
            ${list.length === 0 ? html`<p class="hint">${t('app.cal.nothing')}</p>` : html`<ul class="airings">${list.map((a) => html`<${Airing} airing=${a} />`)}</ul>`}
          </div>`;
        })}
      </div>
    </section>`;
}

const blankProgram = () => ({
  title: '',
  tier: 'normal',
  zones: [],
  volume: 80,
  content: { kind: 'text', text: '' },
  schedule: { from: today(), time: '06:30', recurrence: { kind: 'weekly', days: ['mon'], every_weeks: 1 } },
});

/** A program being written: its fields, the schedule in words as it is built, and the API's answer. */
function ProgramEditor({ editing, onSaved, onClose }) {
  const [program, setProgram] = useState(editing ?? blankProgram());
  const [content, setContent] = useState(editing ? { ...editing.content } : { kind: 'text', text: '' });
  const [notice, setNotice] = useState();
  const [overlap, setOverlap] = useState(null);
  const schedule = program.schedule;
  const setSchedule = (patch) => setProgram({ ...program, schedule: { ...schedule, ...patch } });
  const recurrence = schedule.recurrence;
  const setRecurrence = (patch) => setSchedule({ recurrence: { ...recurrence, ...patch } });

  const body = (onOverlap) => ({
    title: program.title,
    tier: program.tier,
    zones: program.zones,
    volume: Number(program.volume),
    content: contentOf(content),
    schedule: {
      from: schedule.from,
      ...(schedule.until ? { until: schedule.until } : {}),
      time: schedule.time,
      recurrence:
        recurrence.kind === 'weekly'
          ? { kind: 'weekly', days: recurrence.days, every_weeks: Number(recurrence.every_weeks ?? 1) }
          : { kind: recurrence.kind },
      ...(schedule.repeat && Number(schedule.repeat.count) > 1
        ? { repeat: { count: Number(schedule.repeat.count), gap_min: Number(schedule.repeat.gap_min ?? 0) } }
        : {}),
    },
    on_overlap: onOverlap,
  });

  const save = async (onOverlap = 'refuse') => {
    setOverlap(null);
    try {
      const saved = editing
        ? await api('PUT', `/programs/${editing.id}`, body(onOverlap))
        : await api('POST', '/programs', body(onOverlap));
      onSaved(saved);
    } catch (err) {
      if (err.code === 'TT_PROGRAM_OVERLAP') setOverlap(err.message);
      else setNotice({ error: true, text: err.message });
    }
  };
  const submit = (event) => {
    event.preventDefault();
    save();
  };
  const field = (key) => ({
    value: program[key],
    onInput: (e) => setProgram({ ...program, [key]: e.target.value }),
  });
  const toggleZone = (id, on) =>
    setProgram({ ...program, zones: on ? [...program.zones, id] : program.zones.filter((z) => z !== id) });
  const toggleDay = (d, on) =>
    setRecurrence({
      days: on ? [...(recurrence.days ?? []), d] : (recurrence.days ?? []).filter((x) => x !== d),
    });
  const sentence =
    recurrence.kind === 'weekly' && !(recurrence.days ?? []).length
      ? '—'
      : describeSchedule(body().schedule, t);

  return html`
    <form class="panel editor" onSubmit=${submit} aria-labelledby="editor-title">
      <h2 id="editor-title">${editing ? t('app.program.editing', { id: editing.id }) : t('app.program.new')}</h2>
      <div class="fields">
        <label>${t('app.title.field')}<input required maxlength="200" ...${field('title')} /></label>
        <label>${t('app.tier')}<select value=${program.tier} onChange=${(e) => setProgram({ ...program, tier: e.target.value })}>
          <option value="normal">${t('app.tier.normal')}</option><option value="priority">${t('app.tier.priority')}</option>
        </select></label>
        <label>${t('app.volume')}<input type="number" min="0" max="100" ...${field('volume')} /></label>
      </div>
      <fieldset class="zones"><legend>${t('app.zones')}</legend>
        ${siteInfo().zones.map(
          (z) => html`<label class="check"><input type="checkbox" checked=${program.zones.includes(z.id)}
          onChange=${(e) => toggleZone(z.id, e.target.checked)} />${z.name}</label>`,
        )}
      </fieldset>
      <${ContentFields} content=${content} onChange=${setContent} />
      <fieldset class="schedule"><legend>${t('app.sched.says')}</legend>
        <div class="fields">
          <label>${t('app.sched.kind')}<select value=${recurrence.kind} onChange=${(e) =>
            setRecurrence(
              e.target.value === 'weekly'
                ? { kind: 'weekly', days: recurrence.days ?? ['mon'], every_weeks: 1 }
                : { kind: e.target.value },
            )}>
            ${['once', 'daily', 'weekly'].map((k) => html`<option value=${k}>${t(`app.sched.kind.${k}`)}</option>`)}
          </select></label>
          <label>${t('app.sched.time')}<input type="time" required value=${schedule.time} onInput=${(e) => setSchedule({ time: e.target.value })} /></label>
          <label>${t('app.sched.from')}<input type="date" required value=${schedule.from} onInput=${(e) => setSchedule({ from: e.target.value })} /></label>
          ${
            recurrence.kind !== 'once' &&
            html`<label>${t('app.sched.until')}<input type="date" value=${schedule.until ?? ''}
            onInput=${(e) => setSchedule({ until: e.target.value || undefined })} /></label>`
          }
          ${
            recurrence.kind === 'weekly' &&
            html`<label>${t('app.sched.everyWeeks')}<input type="number" min="1" max="8"
            value=${recurrence.every_weeks ?? 1} onInput=${(e) => setRecurrence({ every_weeks: e.target.value })} /></label>`
          }
          <label>${t('app.sched.repeatCount')}<input type="number" min="1" max="24" value=${schedule.repeat?.count ?? 1}
            onInput=${(e) => setSchedule({ repeat: { gap_min: schedule.repeat?.gap_min ?? 0, count: e.target.value } })} /></label>
          ${
            Number(schedule.repeat?.count ?? 1) > 1 &&
            html`<label>${t('app.sched.repeatGap')}<input type="number" min="0" max="720"
            value=${schedule.repeat?.gap_min ?? 0} onInput=${(e) => setSchedule({ repeat: { ...schedule.repeat, gap_min: e.target.value } })} /></label>`
          }
        </div>
        ${
          recurrence.kind === 'weekly' &&
          html`<fieldset class="zones"><legend>${t('app.sched.days')}</legend>
          ${WEEK.map(
            (
              d,
            ) => html`<label class="check"><input type="checkbox" checked=${(recurrence.days ?? []).includes(d)}
            onChange=${(e) => toggleDay(d, e.target.checked)} />${t(`app.day.${d}`)}</label>`,
          )}</fieldset>`
        }
        <p class="sentence" data-testid="schedule-words"><strong>${sentence}</strong></p>
      </fieldset>
      ${
        overlap &&
        html`<div class="overlap" role="alert">
        <p><strong>${t('app.program.overlap')}:</strong> ${overlap}</p>
        <div class="row-actions">
          <button type="button" onClick=${() => save('queue_after')}>${t('app.program.queueAfter')}</button>
          <button type="button" class="danger" onClick=${() => save('override')}>${t('app.program.override')}</button>
        </div>
      </div>`
      }
      <div class="row-actions">
        <button type="submit" class="primary">${editing ? t('app.program.saveEdit') : t('app.program.save')}</button>
        <button type="button" onClick=${onClose}>${t('app.close')}</button>
      </div>
      <${Notice} notice=${notice} />
    </form>`;
}

function ProgramList({ programs, user, onEdit, onChanged }) {
  const [notice, setNotice] = useState();
  const step = (p, path, done) =>
    attempt(
      setNotice,
      () => api('POST', `/programs/${p.id}/${path}`),
      () => done,
    ).then(onChanged);
  const mayWrite = WRITERS.includes(user.role);
  if (programs.length === 0) return html`<p>${t('app.program.none')}</p>`;
  return html`
    <${Notice} notice=${notice} />
    <table class="cards">
      <thead><tr><th>${t('app.program')}</th><th>${t('app.tier')}</th><th>${t('app.sched.says')}</th><th>${t('app.zones')}</th>
        <th>${t('app.status')}</th><th>${t('app.program.author')}</th>${mayWrite && html`<th>${t('app.actions')}</th>`}</tr></thead>
      <tbody>${programs.map(
        (p) => html`<tr data-program=${p.id}>
        <td data-label=${t('app.program')}><strong>${p.title}</strong></td>
        <td data-label=${t('app.tier')}>${t(`app.tier.${p.tier}`)}</td>
        <td data-label=${t('app.sched.says')}>${p.tier === 'emergency' ? '—' : describeSchedule(p.schedule, t)}</td>
        <td data-label=${t('app.zones')}>${zonesText(p.zones)}</td>
        <td data-label=${t('app.status')}>${t(`app.program.state.${p.state}`)}</td>
        <td data-label=${t('app.program.author')}>${p.author}</td>
        ${
          mayWrite &&
          html`<td data-label=${t('app.actions')}><div class="row-actions">
          ${p.tier !== 'emergency' && p.state !== 'cancelled' && html`<button type="button" onClick=${() => onEdit(p)}>${t('app.program.edit')}</button>`}
          ${
            (p.state === 'draft' || p.state === 'rejected') &&
            html`<button type="button" class="primary"
            onClick=${() => step(p, 'submit', t('app.program.submitted', { title: p.title }))}>${t('app.program.submit')}</button>`
          }
          ${
            p.state !== 'cancelled' &&
            p.tier !== 'emergency' &&
            html`<${Confirmed} className="danger" label=${t('app.program.cancel')}
            question=${t('app.program.cancelConfirm', { title: p.title })} onConfirm=${() => step(p, 'cancel', t('app.saved'))} />`
          }
        </div></td>`
        }
      </tr>`,
      )}</tbody>
    </table>`;
}

export default function Calendar({ user }) {
  const [programs, setPrograms] = useState([]);
  const [editing, setEditing] = useState(undefined);
  const [version, setVersion] = useState(0);
  const [notice, setNotice] = useState();
  const load = () => attempt(setNotice, async () => setPrograms((await api('GET', '/programs')).programs));
  useEffect(() => {
    load();
  }, [version]);
  const changed = () => setVersion(version + 1);

  return html`
    ${WRITERS.includes(user.role) && editing === undefined && html`<p><button type="button" class="primary" onClick=${() => setEditing(null)}>${t('app.program.new')}</button></p>`}
    ${
      editing !== undefined &&
      html`<${ProgramEditor} key=${editing?.id ?? 'new'} editing=${editing} onSaved=${(p) => {
        setEditing(undefined);
        setNotice({ text: t('app.program.saved', { id: p.id, state: t(`app.program.state.${p.state}`) }) });
        changed();
      }} onClose=${() => setEditing(undefined)} />`
    }
    <${Notice} notice=${notice} />
    <${CalendarView} version=${version} />
    <h2>${t('app.program.list')}</h2>
    <${ProgramList} programs=${programs} user=${user} onEdit=${setEditing} onChanged=${changed} />`;
}
