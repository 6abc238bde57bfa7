import { html, LitElement, nothing, type TemplateResult } from 'lit';
import type { Translator } from '../../assets/locales/translator.ts';
import type { ProfileInput, ProfilePatch, ProfileView, ProviderId } from '../../main/ipc-contract.ts';
import { ApiError, api, unwrap } from './api.ts';
import { type Draft, defaultUrl, draftFrom, PROVIDER_CHOICES, toInput } from './profile-draft.ts';
import { keyNames } from './view-model.ts';

type FieldErrors = Partial<Record<keyof Draft | 'options', string>>;

/**
 * Add or edit a profile. Secret fields are write-only: never prefilled, never echoed; on edit an
 * empty key field keeps the saved one. "Test" fetches a token with the typed keys, saving nothing.
 */
export class ProfileForm extends LitElement {
  static override properties = {
    tr: { attribute: false },
    editing: { attribute: false },
    draft: { state: true },
    errors: { state: true },
    busy: { state: true },
    testResult: { state: true },
  };
  declare tr: Translator;
  declare editing: ProfileView | undefined;
  declare draft: Draft;
  declare errors: FieldErrors;
  declare busy: 'test' | 'save' | undefined;
  declare testResult: { ok: boolean; text: string; remedy?: string } | undefined;

  constructor() {
    super();
    this.draft = draftFrom(undefined);
    this.errors = {};
    this.busy = undefined;
    this.testResult = undefined;
  }

  protected override createRenderRoot() {
    return this;
  }

  override willUpdate(changed: Map<string, unknown>): void {
    if (changed.has('editing')) this.draft = draftFrom(this.editing);
  }

  override firstUpdated(): void {
    this.querySelector<HTMLInputElement>('#f-name')?.focus();
  }

  private set<K extends keyof Draft>(key: K, value: Draft[K]): void {
    this.draft = { ...this.draft, [key]: value };
    if (this.errors[key]) this.errors = { ...this.errors, [key]: undefined };
    this.testResult = undefined;
  }

  /** Checks what the browser can check; main checks the rest and names the field. */
  private localErrors(forTest: boolean): FieldErrors {
    const d = this.draft;
    const required = this.tr.t('ui.required');
    const errors: FieldErrors = {};
    if (!d.name.trim()) errors.name = required;
    const keysNeeded = forTest || !this.editing || this.newDestination();
    if (keysNeeded && !d.apiKey.trim()) errors.apiKey = required;
    if (keysNeeded && !d.secretKey.trim()) errors.secretKey = required;
    if (d.provider === 'oauth2' && !d.tokenUrl.trim()) errors.tokenUrl = required;
    if (d.marginMinutes.trim() && !/^\d+(\.\d+)?$/.test(d.marginMinutes.trim()))
      errors.marginMinutes = this.tr.t('input.margin_invalid');
    return errors;
  }

  /**
   * Whether saving would send the stored keys to another server or provider: then main asks for
   * both again, so the form does too, before the user presses Save.
   */
  private newDestination(): boolean {
    const saved = this.editing;
    if (!saved) return false;
    const origin = (url: string) => (URL.canParse(url) ? new URL(url).origin : url);
    const before = origin(saved.tokenUrl ?? defaultUrl(draftFrom(saved)));
    const after = origin(this.draft.tokenUrl.trim() || defaultUrl(this.draft));
    return this.draft.provider !== saved.provider || before !== after;
  }

  private input(): ProfileInput {
    return toInput(this.draft);
  }

  private choice<K extends 'auth' | 'wechatEndpoint' | 'feishuRegion' | 'dingtalkApi'>(
    key: K,
    label: string,
    choices: [Draft[K], string][],
    hint?: string,
  ) {
    return this.field(
      key,
      label,
      (d) => html`<select id="f-${key}" data-field=${key} aria-describedby=${d || nothing}
        @change=${(e: Event) => this.set(key, (e.target as HTMLSelectElement).value as Draft[K])}>
        ${choices.map(([value, text]) => html`<option value=${value} ?selected=${value === this.draft[key]}>${text}</option>`)}
      </select>`,
      hint,
    );
  }

  private renderProviderOptions() {
    const { tr, draft } = this;
    switch (draft.provider) {
      case 'oauth2':
        return html`${this.field('tokenUrl', tr.t('ui.field_token_url'), this.text('tokenUrl', { type: 'url' }), tr.t('ui.field_token_url_hint_required'))}
          ${this.choice('auth', tr.t('ui.field_auth'), [
            ['basic', tr.t('ui.auth_basic')],
            ['post', tr.t('ui.auth_post')],
          ])}
          ${this.field('scope', tr.t('ui.field_scope'), this.text('scope'))}`;
      case 'baidu-iam':
        return this.field(
          'iamLifetime',
          tr.t('ui.field_iam_lifetime'),
          this.text('iamLifetime', { placeholder: '86400' }),
          tr.t('ui.field_iam_lifetime_hint'),
        );
      case 'wechat':
        return this.choice(
          'wechatEndpoint',
          tr.t('ui.field_wechat_endpoint'),
          [
            ['stable', tr.t('ui.wechat_stable')],
            ['classic', tr.t('ui.wechat_classic')],
          ],
          draft.wechatEndpoint === 'classic' ? tr.t('ui.wechat_classic_warning') : undefined,
        );
      case 'feishu':
        return this.choice('feishuRegion', tr.t('ui.field_feishu_region'), [
          ['feishu', tr.t('ui.region_feishu')],
          ['lark', tr.t('ui.region_lark')],
        ]);
      case 'dingtalk':
        return this.choice('dingtalkApi', tr.t('ui.field_dingtalk_api'), [
          ['new', tr.t('ui.dingtalk_new')],
          ['legacy', tr.t('ui.dingtalk_legacy')],
        ]);
      default:
        return nothing;
    }
  }

  private showError(error: unknown): void {
    if (error instanceof ApiError && error.field) {
      const field = error.field === 'refreshMarginMs' ? 'marginMinutes' : (error.field as keyof FieldErrors);
      this.errors = { ...this.errors, [field]: error.messageKey ? this.tr.t(error.messageKey) : error.message };
      this.querySelector<HTMLElement>(`[data-field="${field}"]`)?.focus();
      return;
    }
    const key = error instanceof ApiError ? error.messageKey : undefined;
    this.testResult = { ok: false, text: key ? this.tr.t(key) : this.tr.t('ui.error_generic') };
  }

  private focusFirstError(errors: FieldErrors): boolean {
    this.errors = errors;
    const first = Object.keys(errors)[0];
    if (!first) return false;
    void this.updateComplete.then(() => this.querySelector<HTMLElement>(`[data-field="${first}"]`)?.focus());
    return true;
  }

  private async test(): Promise<void> {
    if (this.focusFirstError(this.localErrors(true))) return;
    this.busy = 'test';
    try {
      const check = await unwrap(api().testCredentials(this.input()));
      if (check.ok) {
        this.testResult = {
          ok: true,
          text: check.expiresInMs
            ? this.tr.t('ui.test_ok', { lifetime: this.tr.duration(check.expiresInMs) })
            : this.tr.t('ui.test_ok_unknown'),
        };
      } else {
        const key = check.error.messageKey;
        this.testResult = {
          ok: false,
          text: this.tr.t(`errors.${key}.message`),
          remedy: this.tr.t(`errors.${key}.remedy`),
        };
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
      const input = this.input();
      let saved: ProfileView;
      if (this.editing) {
        const patch: ProfilePatch = {
          ...input,
          tokenUrl: input.tokenUrl ?? '',
          cron: input.cron ?? '',
          refreshMarginMs: input.refreshMarginMs ?? null,
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

  private field(
    key: keyof Draft,
    label: string,
    control: (describedBy: string) => TemplateResult,
    hint?: string,
  ): TemplateResult {
    const error = this.errors[key];
    const ids = [hint ? `h-${key}` : '', error ? `e-${key}` : ''].filter(Boolean).join(' ');
    return html`<div class="field ${error ? 'has-error' : ''}">
      <label for="f-${key}">${label}</label>
      ${control(ids)}
      ${hint ? html`<p class="hint" id="h-${key}">${hint}</p>` : nothing}
      ${error ? html`<p class="error" id="e-${key}">${error}</p>` : nothing}
    </div>`;
  }

  private text(key: keyof Draft, options: { type?: string; autocomplete?: string; placeholder?: string } = {}) {
    return (describedBy: string) => html`<input
      id="f-${key}" data-field=${key} name=${key} type=${options.type ?? 'text'}
      autocomplete=${options.autocomplete ?? 'off'} spellcheck="false"
      placeholder=${options.placeholder ?? nothing}
      aria-describedby=${describedBy || nothing} aria-invalid=${this.errors[key] ? 'true' : 'false'}
      .value=${this.draft[key]} @input=${(e: Event) => this.set(key, (e.target as HTMLInputElement).value as never)} />`;
  }

  protected override render() {
    const { tr, draft } = this;
    const names = keyNames(draft.provider, tr);
    const keep = !this.editing
      ? undefined
      : this.newDestination()
        ? tr.t('ui.field_secret_required_new_destination')
        : tr.t('ui.field_secret_keep');
    const fallbackUrl = defaultUrl(draft);
    return html`
      <form class="panel" @submit=${this.save} novalidate aria-labelledby="form-title">
        <h2 id="form-title">${this.editing ? tr.t('ui.form_edit_title', { name: this.editing.name }) : tr.t('ui.form_add_title')}</h2>
        ${this.field(
          'provider',
          tr.t('ui.field_provider'),
          (d) => html`<select id="f-provider" data-field="provider" aria-describedby=${d || nothing}
            @change=${(e: Event) => this.set('provider', (e.target as HTMLSelectElement).value as ProviderId)}>
            ${PROVIDER_CHOICES.map((id) => html`<option value=${id} ?selected=${id === draft.provider}>${keyNames(id, tr).name}</option>`)}
          </select>`,
          names.hint,
        )}
        ${this.field('name', tr.t('ui.field_name'), this.text('name'), tr.t('ui.field_name_hint'))}
        ${this.field('apiKey', names.apiKey, this.text('apiKey', { placeholder: keep }), keep)}
        ${this.field('secretKey', names.secretKey, this.text('secretKey', { type: 'password', autocomplete: 'new-password', placeholder: keep }), keep)}
        ${this.renderProviderOptions()}
        <details class="advanced" ?open=${Boolean(this.errors.tokenUrl || this.errors.marginMinutes || this.errors.cron)}>
          <summary>${tr.t('ui.advanced')}</summary>
          ${draft.provider !== 'oauth2' ? this.field('tokenUrl', tr.t('ui.field_token_url'), this.text('tokenUrl', { type: 'url' }), tr.t('ui.field_token_url_hint_default', { url: fallbackUrl })) : nothing}
          ${this.field('marginMinutes', tr.t('ui.field_margin'), this.text('marginMinutes', { type: 'text' }), tr.t('ui.field_margin_hint'))}
          ${this.field('cron', tr.t('ui.field_cron'), this.text('cron'), tr.t('ui.field_cron_hint'))}
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
          <button type="button" class="secondary" ?disabled=${Boolean(this.busy)} @click=${this.test}>${this.busy === 'test' ? tr.t('ui.testing') : tr.t('ui.test')}</button>
          <button type="submit" ?disabled=${Boolean(this.busy)}>${this.busy === 'save' ? tr.t('ui.saving') : tr.t('ui.save')}</button>
        </div>
      </form>
    `;
  }
}

customElements.define('tt-profile-form', ProfileForm);
