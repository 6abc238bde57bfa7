import { html } from 'lit';
import type { Translator } from '../../main/contract/i18n.ts';

/**
 * A modal question with Cancel focused first, so Enter never confirms something destructive.
 * `host` is the element the dialog is rendered in (light DOM), to find it again by id.
 */
export function confirmDialog(
  host: Element,
  tr: Translator,
  id: string,
  title: string,
  body: string,
  action: string,
  confirm: () => void,
  closed: () => void,
) {
  const close = () => host.querySelector<HTMLDialogElement>(`#${id}`)?.close();
  return html`<dialog id=${id} aria-labelledby="${id}-title" aria-describedby="${id}-body" @close=${closed}>
    <h2 id="${id}-title">${title}</h2>
    <p id="${id}-body">${body}</p>
    <div class="form-actions">
      <button type="button" class="secondary" autofocus @click=${close}>${tr.t('ui.cancel')}</button>
      <button type="button" class="danger" @click=${confirm}>${action}</button>
    </div>
  </dialog>`;
}
