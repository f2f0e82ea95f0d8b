// What a program or an emergency airs: a Vietnamese text read by the hub's speech engine (listen
// before saving), an uploaded recording (with its progress), or a stream.
import { useEffect, useState } from 'preact/hooks';
import { api, html, lang, Notice, t } from '../lib.js';

/** The API's `content` for what the fields hold. */
export function contentOf(content) {
  if (content.kind === 'text') return { kind: 'text', text: content.text };
  if (content.kind === 'audio') return { kind: 'audio', asset: content.asset ?? '' };
  return { kind: 'stream', url: content.url, duration_s: Number(content.duration_s) };
}

/** Upload with progress: fetch cannot report it, XMLHttpRequest can. */
function upload(file, onProgress) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', `/api/v1/assets?name=${encodeURIComponent(file.name)}`);
    xhr.setRequestHeader('content-type', file.type || 'application/octet-stream');
    xhr.setRequestHeader('accept-language', lang() === 'en' ? 'en, vi;q=0.5' : 'vi, en;q=0.5');
    xhr.upload.onprogress = (e) => e.lengthComputable && onProgress(Math.round((100 * e.loaded) / e.total));
    xhr.onload = () => {
      const answer = JSON.parse(xhr.responseText || '{}');
      if (xhr.status === 201 || xhr.status === 200) resolve(answer);
      else
        reject(new Error(answer.error?.messages?.[lang()] ?? answer.error?.message ?? `HTTP ${xhr.status}`));
    };
    xhr.onerror = () => reject(new Error(`HTTP ${xhr.status}`));
    xhr.send(file);
  });
}

export function ContentFields({ content, onChange, kinds = ['text', 'audio', 'stream'] }) {
  const [notice, setNotice] = useState();
  const [preview, setPreview] = useState(null);
  useEffect(() => () => preview && URL.revokeObjectURL(preview), [preview]);
  const set = (patch) => onChange({ ...content, ...patch });

  const listen = async () => {
    setNotice({ text: t('app.listening') });
    try {
      const res = await api('POST', '/speech', { text: content.text }, { raw: true });
      setPreview(URL.createObjectURL(await res.blob()));
      setNotice(undefined);
    } catch (err) {
      setNotice({ error: true, text: err.message });
    }
  };
  const choose = async (event) => {
    const file = event.target.files[0];
    if (!file) return;
    try {
      const asset = await upload(file, (pct) => setNotice({ text: t('app.uploading', { pct }) }));
      set({ asset: asset.sha256 });
      setNotice({ text: t('app.uploaded', { name: asset.name, s: Math.round(asset.duration_s) }) });
    } catch (err) {
      setNotice({ error: true, text: err.message });
    }
  };

  return html`
    <fieldset class="content">
      <legend>${t('app.content')}</legend>
      <div class="fields">
        ${kinds.map(
          (
            k,
          ) => html`<label class="check"><input type="radio" name="content-kind" value=${k} checked=${content.kind === k}
            onChange=${() => {
              setPreview(null);
              setNotice(undefined);
              onChange({ kind: k, text: content.text ?? '' });
            }} />${t(`app.content.${k}`)}</label>`,
        )}
      </div>
      ${
        content.kind === 'text' &&
        html`
        <label>${t('app.text')}<textarea class="wide" name="text" rows="5" required maxlength="5000" value=${content.text}
          onInput=${(e) => {
            set({ text: e.target.value });
            setPreview(null);
          }}></textarea></label>
        <p><button type="button" onClick=${listen} disabled=${!content.text?.trim()}>${t('app.listen')}</button></p>`
      }
      ${
        content.kind === 'audio' &&
        html`
        <label>${t('app.upload')}<input type="file" accept="audio/*,.mp3,.wav,.ogg,.opus,.m4a" onChange=${choose} /></label>
        ${content.asset && html`<audio controls src=${`/api/v1/assets/${content.asset}/file`} aria-label=${t('app.listen')}></audio>`}`
      }
      ${
        content.kind === 'stream' &&
        html`
        <div class="fields">
          <label>${t('app.stream.url')}<input type="url" required value=${content.url ?? ''} onInput=${(e) => set({ url: e.target.value })} /></label>
          <label>${t('app.stream.duration')}<input type="number" min="1" required value=${content.duration_s ?? ''} onInput=${(e) => set({ duration_s: e.target.value })} /></label>
        </div>`
      }
      ${preview && html`<audio controls autoplay src=${preview} aria-label=${t('app.listen')} data-testid="speech"></audio>`}
      <${Notice} notice=${notice} />
    </fieldset>`;
}
