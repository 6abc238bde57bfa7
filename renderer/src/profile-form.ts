import { html, nothing } from 'lit';
import { type ProviderCatalogueEntry, sendsKeysElsewhere } from '../../main/contract/catalogue.ts';
import { describeError, type Translator } from '../../main/contract/i18n.ts';
import type { ProfilePatch, ProfileView } from '../../main/contract/views.ts';
import { ApiError, api, failureText, unwrap } from './api.ts';
import { field, optionFields, select, textInput } from './form-fields.ts';
import { LightElement } from './light-element.ts';
import { type Draft, defaultUrl, draftFrom, optionDraft, providerOptions, toInput } from './profile-draft.ts';
import { entryOf, providerWords } from './view-model.ts';

type FieldErrors = Partial<Record<string, string>>;

/**
 * Add or edit a profile, drawn from the provider catalogue main sends: no provider is named here.
 * Secret fields are write-only: never prefilled, never echoed; on edit an empty key field keeps
 * the saved one. "Test" fetches a token with the typed keys, saving nothing.
 */
export class ProfileForm extends LightElement {
  static override properties = {
    tr: { attribute: false },
    editing: { attribute: false },
    providers: { attribute: false },
    teamEnabled: { attribute: false },
    draft: { state: true },
    errors: { state: true },
    busy: { state: true },
    testResult: { state: true },
  };
  declare tr: Translator;
  declare editing: ProfileView | undefined;
  declare providers: ProviderCatalogueEntry[];
  /** Team mode is on: the form offers to share the profile. */
  declare teamEnabled: boolean;
  declare draft: Draft | undefined;
  declare errors: FieldErrors;
  declare busy: 'test' | 'save' | undefined;
  declare testResult: { ok: boolean; text: string; remedy?: string } | undefined;

  constructor() {
    super();
    this.errors = {};
    this.busy = undefined;
    this.testResult = undefined;
  }

  private entry(id = this.draft?.provider): ProviderCatalogueEntry {
    return entryOf(this.providers, id ?? '') ?? (this.providers[0] as ProviderCatalogueEntry);
  }

  override willUpdate(changed: Map<string, unknown>): void {
    if (changed.has('editing') || !this.draft) this.draft = draftFrom(this.editing, this.entry(this.editing?.provider));
  }

  override firstUpdated(): void {
    this.querySelector<HTMLInputElement>('#f-name')?.focus();
  }

  private set(patch: Partial<Draft>, clears: string): void {
    const draft = { ...(this.draft as Draft), ...patch };
    if (patch.provider) draft.options = optionDraft(this.entry(patch.provider), {});
    this.draft = draft;
    if (this.errors[clears]) this.errors = { ...this.errors, [clears]: undefined };
    this.testResult = undefined;
  }

  /**
   * Whether saving would send the stored keys to another server or provider: then main asks for
   * both again, so the form does too, before the user presses Save.
   */
  private newDestination(): boolean {
    const saved = this.editing;
    const draft = this.draft as Draft;
    if (!saved) return false;
    const entry = this.entry();
    return sendsKeysElsewhere(
      { entry: this.entry(saved.provider), tokenUrl: saved.tokenUrl, options: saved.options },
      { entry, tokenUrl: draft.tokenUrl.trim(), options: providerOptions(draft, entry) },
    );
  }

  /** Checks what the browser can check; main checks the rest and names the field. */
  private localErrors(forTest: boolean): FieldErrors {
    const d = this.draft as Draft;
    const required = this.tr.t('ui.required');
    const errors: FieldErrors = {};
    if (!d.name.trim()) errors.name = required;
    const keysNeeded = forTest || !this.editing || this.newDestination();
    if (keysNeeded && !d.apiKey.trim()) errors.apiKey = required;
    if (keysNeeded && !d.secretKey.trim()) errors.secretKey = required;
    if (!d.tokenUrl.trim() && !defaultUrl(d, this.entry())) errors.tokenUrl = required;
    if (d.marginMinutes.trim() && !/^\d+(\.\d+)?$/.test(d.marginMinutes.trim()))
      errors.marginMinutes = this.tr.t('input.margin_invalid');
    return errors;
  }

  private showError(error: unknown): void {
    const field = error instanceof ApiError && error.field === 'refreshMarginMs' ? 'marginMinutes' : undefined;
    const target =
      error instanceof ApiError && this.querySelector<HTMLElement>(`[data-field="${field ?? error.field}"]`);
    if (error instanceof ApiError && target) {
      this.errors = { ...this.errors, [field ?? error.field ?? '']: failureText(error, this.tr) };
      target.focus();
      return;
    }
    this.testResult = { ok: false, text: failureText(error, this.tr) };
  }

  private focusFirstError(errors: FieldErrors): boolean {
    this.errors = errors;
    const first = Object.keys(errors)[0];
    if (!first) return false;
    void this.updateComplete.then(() => this.querySelector<HTMLElement>(`[data-field="${first}"]`)?.focus());
    return true;
  }

  private async test(): Promise<void> {
    // Busy buttons stay focusable (aria-disabled): a disabled one would drop focus to <body>.
    if (this.busy || this.focusFirstError(this.localErrors(true))) return;
    this.busy = 'test';
    try {
      const check = await unwrap(api().testCredentials(toInput(this.draft as Draft, this.entry())));
      if (check.ok) {
        const lifetime = check.expiresInMs ? this.tr.duration(check.expiresInMs) : undefined;
        this.testResult = {
          ok: true,
          text: lifetime ? this.tr.t('ui.test_ok', { lifetime }) : this.tr.t('ui.test_ok_unknown'),
        };
      } else {
        const { message, remedy } = describeError(check.error, this.tr);
        this.testResult = { ok: false, text: message, remedy };
      }
    } catch (error) {
      this.showError(error);
    } finally {
      this.busy = undefined;
    }
  }

  private async save(event: Event): Promise<void> {
    event.preventDefault();
    if (this.busy || this.focusFirstError(this.localErrors(false))) return;
    this.busy = 'save';
    try {
      const input = toInput(this.draft as Draft, this.entry());
      let saved: ProfileView;
      if (this.editing) {
        const patch: ProfilePatch = {
          ...input,
          tokenUrl: input.tokenUrl ?? '',
          cron: input.cron ?? '',
          refreshMarginMs: input.refreshMarginMs ?? null,
          shared: input.shared === true,
          proxy: input.proxy ?? 'system',
        };
        if (!input.apiKey.trim()) delete patch.apiKey;
        if (!input.secretKey.trim()) delete patch.secretKey;
        saved = await unwrap(api().updateProfile(this.editing.id, patch));
      } else {
        saved = await unwrap(api().addProfile(input));
      }
      this.dispatchEvent(new CustomEvent('tt-saved', { detail: saved, bubbles: true }));
    } catch (error) {
      this.showError(error);
    } finally {
      this.busy = undefined;
    }
  }

  private cancel(): void {
    this.dispatchEvent(new CustomEvent('tt-cancel', { bubbles: true }));
  }

  private input(
    name: 'name' | 'apiKey' | 'secretKey' | 'tokenUrl' | 'marginMinutes' | 'cron' | 'proxy',
    text: string,
    options: { hint?: string | undefined; type?: string; autocomplete?: string; placeholder?: string | undefined } = {},
  ) {
    const control = textInput(name, (this.draft as Draft)[name], (value) => this.set({ [name]: value }, name), {
      ...options,
      invalid: Boolean(this.errors[name]),
    });
    return field(name, text, control, { hint: options.hint, error: this.errors[name] });
  }

  protected override render() {
    const { tr } = this;
    const draft = this.draft as Draft;
    const entry = this.entry();
    const words = providerWords(entry, tr);
    const keep = !this.editing
      ? undefined
      : tr.t(this.newDestination() ? 'ui.field_secret_required_new_destination' : 'ui.field_secret_keep');
    const fallbackUrl = defaultUrl(draft, entry);
    const setOption = (name: string, value: string) =>
      this.set({ options: { ...draft.options, [name]: value } }, `opt-${name}`);
    const options = (advanced: boolean) =>
      optionFields(entry, draft.options, tr, setOption, advanced, (name) => this.errors[`opt-${name}`]);
    const tokenUrl = fallbackUrl
      ? this.input('tokenUrl', tr.t('ui.field_token_url'), {
          type: 'url',
          hint: tr.t('ui.field_token_url_hint_default', { url: fallbackUrl }),
        })
      : this.input('tokenUrl', tr.t('ui.field_token_url'), {
          type: 'url',
          hint: tr.t('ui.field_token_url_hint_required'),
        });
    const choices = this.providers.map((p): [string, string] => [p.id, tr.provider(p.id, 'name')]);
    return html`
      <form class="panel" @submit=${this.save} novalidate aria-labelledby="form-title">
        <h2 id="form-title">${this.editing ? tr.t('ui.form_edit_title', { name: this.editing.name }) : tr.t('ui.form_add_title')}</h2>
        ${field(
          'provider',
          tr.t('ui.field_provider'),
          select('provider', draft.provider, choices, (id) => this.set({ provider: id }, 'provider')),
          { hint: words.hint },
        )}
        ${this.input('name', tr.t('ui.field_name'), { hint: tr.t('ui.field_name_hint') })}
        ${this.input('apiKey', words.apiKey, { placeholder: keep, hint: keep })}
        ${this.input('secretKey', words.secretKey, { type: 'password', autocomplete: 'new-password', placeholder: keep, hint: keep })}
        ${fallbackUrl ? nothing : tokenUrl}
        ${options(false)}
        ${
          this.teamEnabled || draft.shared
            ? html`<label class="check"><input type="checkbox" id="f-shared" .checked=${draft.shared}
                aria-describedby="f-shared-hint"
                @change=${(e: Event) => this.set({ shared: (e.target as HTMLInputElement).checked }, 'shared')} />
                ${tr.t('ui.share')}</label>
                <p class="hint" id="f-shared-hint">${tr.t('ui.share_hint')}</p>`
            : nothing
        }
        <details class="advanced" ?open=${Boolean(this.errors.tokenUrl || this.errors.marginMinutes || this.errors.cron || this.errors.proxy)}>
          <summary>${tr.t('ui.advanced')}</summary>
          ${fallbackUrl ? tokenUrl : nothing}
          ${options(true)}
          ${this.input('marginMinutes', tr.t('ui.field_margin'), { hint: tr.t('ui.field_margin_hint') })}
          ${this.input('cron', tr.t('ui.field_cron'), { hint: tr.t('ui.field_cron_hint') })}
          ${this.input('proxy', tr.t('ui.field_proxy'), { hint: tr.t('ui.field_proxy_hint'), placeholder: 'system' })}
        </details>
        <div class="test-result" role="status" aria-live="polite">
          ${
            this.testResult
              ? html`<p class=${this.testResult.ok ? 'ok' : 'error'}><span aria-hidden="true">${this.testResult.ok ? '✓' : '!'}</span> ${this.testResult.text}</p>
                ${this.testResult.remedy ? html`<p class="hint">${tr.t('ui.remedy')} ${this.testResult.remedy}</p>` : nothing}`
              : nothing
          }
        </div>
        <div class="form-actions">
          <button type="button" class="secondary" @click=${this.cancel}>${tr.t('ui.cancel')}</button>
          <button type="button" class="secondary" aria-disabled=${this.busy ? 'true' : 'false'} @click=${this.test}>${this.busy === 'test' ? tr.t('ui.testing') : tr.t('ui.test')}</button>
          <button type="submit" aria-disabled=${this.busy ? 'true' : 'false'}>${this.busy === 'save' ? tr.t('ui.saving') : tr.t('ui.save')}</button>
        </div>
      </form>
    `;
  }
}

customElements.define('tt-profile-form', ProfileForm);
