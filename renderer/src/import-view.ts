import { html, nothing } from 'lit';
import type { MessageKey, Translator } from '../../main/contract/i18n.ts';
import type { ImportResult } from '../../main/contract/ipc.ts';
import type { ImportPreview } from '../../main/contract/transfer.ts';
import { api, failureText, unwrap } from './api.ts';
import { LightElement } from './light-element.ts';

interface Row {
  include: boolean;
  name: string;
  apiKey: string;
  secretKey: string;
  problem?: string | undefined;
}

/**
 * Import: what the file holds before anything is added. Each profile can be left out or renamed;
 * a name clash is renamed for the user, never overwritten; missing keys are asked for here.
 */
export class ImportView extends LightElement {
  static override properties = {
    tr: { attribute: false },
    preview: { attribute: false },
    rows: { state: true },
    problem: { state: true },
    busy: { state: true },
  };
  declare tr: Translator;
  declare preview: ImportPreview;
  declare rows: Row[];
  declare problem: string | undefined;
  declare busy: boolean;

  constructor() {
    super();
    this.rows = [];
    this.busy = false;
  }

  protected override willUpdate(changed: Map<string, unknown>): void {
    if (changed.has('preview')) {
      const tr = this.tr;
      this.rows = this.preview.entries.map((entry, i) => ({
        include: entry.problem === undefined,
        name: this.rows[i]?.name ?? entry.proposedName,
        apiKey: '',
        secretKey: '',
        problem: entry.problem ? tr.t(`app.${entry.problem}` as MessageKey) : undefined,
      }));
    }
  }

  private set(index: number, patch: Partial<Row>): void {
    this.rows = this.rows.map((row, i) => (i === index ? { ...row, ...patch } : row));
  }

  private async unlock(event: Event): Promise<void> {
    event.preventDefault();
    if (this.busy) return;
    const passphrase = this.querySelector<HTMLInputElement>('#i-pass')?.value ?? '';
    this.busy = true;
    try {
      this.preview = await unwrap(api().unlockImport(this.preview.ticket, passphrase));
      this.problem = undefined;
      // The unlock form is gone with the focus in it: the screen's title takes it.
      await this.updateComplete;
      this.querySelector<HTMLElement>('#import-title')?.focus();
    } catch (error) {
      this.problem = failureText(error, this.tr);
      this.querySelector<HTMLInputElement>('#i-pass')?.focus();
    } finally {
      this.busy = false;
    }
  }

  private async apply(): Promise<void> {
    const choices = this.rows.flatMap((row, index) => {
      if (!row.include) return [];
      const keys = this.preview.entries[index]?.hasKeys ? {} : { apiKey: row.apiKey, secretKey: row.secretKey };
      return [{ index, name: row.name, ...keys }];
    });
    if (this.busy) return;
    this.busy = true;
    try {
      const result: ImportResult = await unwrap(api().applyImport(this.preview.ticket, choices));
      this.dispatchEvent(new CustomEvent('tt-imported', { detail: result, bubbles: true }));
    } catch (error) {
      this.problem = failureText(error, this.tr);
    } finally {
      this.busy = false;
    }
  }

  /** Where focus goes when the screen opens: the passphrase if the file is sealed, else the title. */
  async focusStart(): Promise<void> {
    await this.updateComplete;
    (this.querySelector<HTMLElement>('#i-pass') ?? this.querySelector<HTMLElement>('#import-title'))?.focus();
  }

  protected override render() {
    const { tr, preview } = this;
    const locked = preview.encrypted && !preview.unlocked;
    const count = this.rows.filter((row) => row.include).length;
    return html`<section class="panel" aria-labelledby="import-title">
      <h2 id="import-title" tabindex="-1">${tr.t('ui.import_title')}</h2>
      <p class="hint">${tr.t('ui.import_file', { file: preview.file })}</p>
      ${
        locked
          ? html`<form class="field" @submit=${this.unlock}>
              <label for="i-pass">${tr.t('ui.passphrase')}</label>
              <input id="i-pass" type="password" autocomplete="off" aria-describedby="i-pass-hint" />
              <p class="hint" id="i-pass-hint">${tr.t('ui.import_passphrase_hint')}</p>
              <div class="row-actions"><button type="submit" aria-disabled=${this.busy ? 'true' : 'false'}>${tr.t('ui.import_unlock')}</button></div>
            </form>`
          : nothing
      }
      <p class="error" role="alert">${this.problem ?? ''}</p>
      <div class="import-table">
        ${this.rows.map((row, index) => {
          const entry = preview.entries[index];
          if (!entry) return nothing;
          const id = `i-${index}`;
          const note = entry.conflict ? tr.t('ui.import_conflict', { name: entry.name }) : '';
          return html`<fieldset class="import-entry" aria-describedby="${id}-note">
            <legend>${entry.name} · ${tr.provider(entry.provider, 'name')}</legend>
            <label class="check"><input type="checkbox" id="${id}-include" .checked=${row.include} ?disabled=${row.problem !== undefined}
              @change=${(e: Event) => this.set(index, { include: (e.target as HTMLInputElement).checked })} /> ${tr.t('ui.import_include')}</label>
            <div class="field"><label for="${id}-name">${tr.t('ui.field_name')}</label>
              <input id="${id}-name" type="text" .value=${row.name}
                @input=${(e: Event) => this.set(index, { name: (e.target as HTMLInputElement).value })} /></div>
            <p class="hint" id="${id}-note">${row.problem ?? note} ${entry.hasKeys ? tr.t('ui.import_has_keys') : tr.t('ui.import_needs_keys')}</p>
            ${
              !entry.hasKeys && row.include
                ? html`<div class="field"><label for="${id}-api">${tr.t('ui.import_api_key', { name: row.name })}</label>
                    <input id="${id}-api" type="text" autocomplete="off" spellcheck="false"
                      @input=${(e: Event) => this.set(index, { apiKey: (e.target as HTMLInputElement).value })} /></div>
                    <div class="field"><label for="${id}-secret">${tr.t('ui.import_secret_key', { name: row.name })}</label>
                    <input id="${id}-secret" type="password" autocomplete="new-password"
                      @input=${(e: Event) => this.set(index, { secretKey: (e.target as HTMLInputElement).value })} /></div>`
                : nothing
            }
          </fieldset>`;
        })}
      </div>
      <div class="form-actions">
        <button type="button" class="secondary" @click=${() => this.dispatchEvent(new CustomEvent('tt-cancel', { bubbles: true }))}>${tr.t('ui.cancel')}</button>
        <button type="button" ?disabled=${count === 0} aria-disabled=${this.busy ? 'true' : 'false'} @click=${() => this.apply()}>${tr.t('ui.import_action', { count })}</button>
      </div>
    </section>`;
  }
}

customElements.define('tt-import-view', ImportView);
