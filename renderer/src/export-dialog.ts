import { html, nothing } from 'lit';
import type { Translator } from '../../main/contract/i18n.ts';
import type { ProfileView } from '../../main/contract/views.ts';
import { api, failureText, unwrap } from './api.ts';
import { LightElement } from './light-element.ts';
import { toast } from './profile-card.ts';

/**
 * Export…: which profiles, and whether their keys go too (then only sealed with a passphrase,
 * typed twice). Settings alone are safe to share; keys are for moving to a new computer.
 */
export class ExportDialog extends LightElement {
  static override properties = {
    tr: { attribute: false },
    profiles: { attribute: false },
    chosen: { state: true },
    withKeys: { state: true },
    problem: { state: true },
    busy: { state: true },
    opened: { state: true },
  };
  /** The profile checkboxes exist only while the dialog is open: 2,000 of them would slow every update. */
  declare opened: boolean;
  declare tr: Translator;
  declare profiles: ProfileView[];
  declare chosen: Set<string>;
  declare withKeys: boolean;
  declare problem: string | undefined;
  declare busy: boolean;
  /** The two passphrases differ: the second field is marked and described by the message. */
  private mismatch = false;

  constructor() {
    super();
    this.chosen = new Set();
    this.withKeys = false;
    this.busy = false;
    this.opened = false;
  }

  /** Opens with every profile chosen. */
  open(): void {
    this.chosen = new Set(this.profiles.map((view) => view.id));
    this.withKeys = false;
    this.problem = undefined;
    this.opened = true;
    void this.updateComplete.then(() => this.querySelector<HTMLDialogElement>('dialog')?.showModal());
  }

  private close(): void {
    this.querySelector<HTMLDialogElement>('dialog')?.close();
  }

  private toggle(id: string, on: boolean): void {
    const next = new Set(this.chosen);
    if (on) next.add(id);
    else next.delete(id);
    this.chosen = next;
  }

  private async submit(event: Event): Promise<void> {
    event.preventDefault();
    const { tr } = this;
    const passphrase = this.querySelector<HTMLInputElement>('#x-pass')?.value ?? '';
    const again = this.querySelector<HTMLInputElement>('#x-pass2')?.value ?? '';
    const problem =
      this.chosen.size === 0
        ? tr.t('ui.export_none')
        : this.withKeys && passphrase !== again
          ? tr.t('ui.export_mismatch')
          : undefined;
    this.problem = problem;
    this.mismatch = problem !== undefined && problem === tr.t('ui.export_mismatch');
    if (problem) {
      if (this.mismatch) this.querySelector<HTMLInputElement>('#x-pass2')?.focus();
      return;
    }
    if (this.busy) return;
    this.busy = true;
    try {
      const ids = this.profiles.filter((view) => this.chosen.has(view.id)).map((view) => view.id);
      const { path, count } = await unwrap(api().exportProfiles(ids, this.withKeys ? { passphrase } : {}));
      this.close();
      if (path !== null) toast(this, tr.t('ui.exported', { count, path }));
    } catch (error) {
      this.problem = failureText(error, tr);
    } finally {
      this.busy = false;
    }
  }

  protected override render() {
    const { tr } = this;
    return html`<dialog id="export-dialog" aria-labelledby="export-title" aria-describedby="export-body"
      @close=${() => {
        this.opened = false;
        this.dispatchEvent(new CustomEvent('tt-closed', { bubbles: true }));
      }}>
      <form @submit=${this.submit} novalidate>
        <h2 id="export-title">${tr.t('ui.export_title')}</h2>
        <p id="export-body">${tr.t('ui.export_body')}</p>
        <fieldset>
          <legend>${tr.t('ui.export_which')}</legend>
          ${(this.opened ? (this.profiles ?? []) : []).map(
            (view) => html`<label class="check"><input type="checkbox" .checked=${this.chosen.has(view.id)}
              @change=${(e: Event) => this.toggle(view.id, (e.target as HTMLInputElement).checked)} /> ${view.name}</label>`,
          )}
        </fieldset>
        <label class="check"><input type="checkbox" id="x-keys" .checked=${this.withKeys} aria-describedby="x-keys-hint"
          @change=${(e: Event) => {
            this.withKeys = (e.target as HTMLInputElement).checked;
          }} /> ${tr.t('ui.export_with_keys')}</label>
        <p class="hint" id="x-keys-hint">${tr.t('ui.export_with_keys_hint')}</p>
        ${
          this.withKeys
            ? html`<div class="field"><label for="x-pass">${tr.t('ui.passphrase')}</label>
                <input id="x-pass" type="password" autocomplete="new-password" minlength="8" /></div>
                <div class="field"><label for="x-pass2">${tr.t('ui.passphrase_again')}</label>
                <input id="x-pass2" type="password" autocomplete="new-password"
                  aria-invalid=${this.mismatch ? 'true' : 'false'} aria-describedby=${this.mismatch ? 'x-problem' : nothing} /></div>`
            : nothing
        }
        <p class="error" id="x-problem" role="alert">${this.problem ?? ''}</p>
        <div class="form-actions">
          <button type="button" class="secondary" @click=${() => this.close()}>${tr.t('ui.cancel')}</button>
          <button type="submit" aria-disabled=${this.busy ? 'true' : 'false'}>${tr.t('ui.export_action')}</button>
        </div>
      </form>
    </dialog>`;
  }
}

customElements.define('tt-export-dialog', ExportDialog);
