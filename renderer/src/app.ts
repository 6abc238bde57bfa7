import { html, LitElement, nothing } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import { createTranslator, describeError, resolveLocale, type Translator } from '../../main/contract/i18n.ts';
import type { AppEnvironment } from '../../main/contract/ipc.ts';
import type { Settings } from '../../main/contract/settings.ts';
import type { ProfileView } from '../../main/contract/views.ts';
import { api, failureText, unwrap } from './api.ts';
import { confirmDialog } from './confirm-dialog.ts';
import { setCountdownTranslator } from './countdown.ts';
import './profile-card.ts';
import './profile-form.ts';
import { protectionText } from './settings-panel.ts';
import './settings-panel.ts';
import { entryOf } from './view-model.ts';

type Screen = { name: 'list' } | { name: 'form'; editId?: string } | { name: 'settings' };

/** The status window: loads state once, then follows main's events; views render from state. */
export class TokenTrayApp extends LitElement {
  static override properties = {
    profiles: { state: true },
    settings: { state: true },
    env: { state: true },
    screen: { state: true },
    message: { state: true },
    loadError: { state: true },
  };
  declare profiles: ProfileView[] | undefined;
  declare settings: Settings | undefined;
  declare env: AppEnvironment | undefined;
  declare screen: Screen;
  declare message: string;
  declare loadError: string | undefined;
  tr: Translator = createTranslator(resolveLocale('system', navigator.languages));
  private removing: ProfileView | undefined;
  private forcing: ProfileView | undefined;
  private messageTimer: ReturnType<typeof setTimeout> | undefined;
  private unsubscribe: (() => void)[] = [];

  constructor() {
    super();
    this.screen = { name: 'list' };
    this.message = '';
  }

  protected override createRenderRoot() {
    return this;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.addEventListener('tt-toast', (e) => this.say((e as CustomEvent<string>).detail));
    this.addEventListener('tt-profile', (e) =>
      this.onProfileAction((e as CustomEvent<{ type: string; id: string }>).detail),
    );
    this.addEventListener('tt-saved', (e) => {
      this.screen = { name: 'list' };
      this.say(this.tr.t('ui.saved'));
      void this.focusProfile((e as CustomEvent<ProfileView>).detail.id);
    });
    this.addEventListener('tt-cancel', () => {
      this.screen = { name: 'list' };
    });
    const bridge = api();
    this.unsubscribe = [
      bridge.onProfilesChanged((views) => {
        this.profiles = views;
      }),
      bridge.onSettingsChanged((settings) => this.applySettings(settings)),
      bridge.onFocusProfile((id) => {
        this.screen = { name: 'list' };
        void this.focusProfile(id);
      }),
      bridge.onStoreIssues((storeIssues) => {
        if (this.env) this.env = { ...this.env, storeIssues };
      }),
    ];
    void this.load();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    for (const off of this.unsubscribe) off();
  }

  private async load(): Promise<void> {
    try {
      const [settings, env, profiles] = await Promise.all([
        unwrap(api().getSettings()),
        unwrap(api().getEnvironment()),
        unwrap(api().listProfiles()),
      ]);
      this.env = env;
      this.applySettings(settings);
      this.profiles = profiles;
    } catch {
      this.loadError = this.tr.t('ui.error_generic');
    }
  }

  private applySettings(settings: Settings): void {
    this.settings = settings;
    const locale = settings.language === 'system' ? resolveLocale('system', navigator.languages) : settings.language;
    if (locale !== this.tr.locale) this.tr = createTranslator(locale);
    document.documentElement.lang = this.tr.locale;
    document.title = this.tr.t('ui.app_title');
    setCountdownTranslator(this.tr);
    this.requestUpdate();
  }

  private say(text: string): void {
    this.message = text;
    if (this.messageTimer) clearTimeout(this.messageTimer);
    this.messageTimer = setTimeout(() => {
      this.message = '';
    }, 6000);
  }

  private async focusProfile(id: string): Promise<void> {
    await this.updateComplete;
    const card = this.querySelector<HTMLElement>(`tt-profile-card[data-id="${CSS.escape(id)}"]`);
    card?.scrollIntoView({ block: 'nearest' });
    card?.querySelector<HTMLElement>('button')?.focus();
  }

  private onProfileAction({ type, id }: { type: string; id: string }): void {
    if (type === 'edit') this.screen = { name: 'form', editId: id };
    if (type === 'remove') {
      this.removing = this.profiles?.find((p) => p.id === id);
      this.openDialog('#confirm-remove');
    }
    if (type === 'force') {
      this.forcing = this.profiles?.find((p) => p.id === id);
      this.openDialog('#confirm-force');
    }
  }

  private openDialog(selector: string): void {
    this.requestUpdate();
    void this.updateComplete.then(() => this.querySelector<HTMLDialogElement>(selector)?.showModal());
  }

  /** WeChat's force_refresh: only on the user's word, after saying what it costs. */
  private async confirmForce(): Promise<void> {
    const target = this.forcing;
    this.querySelector<HTMLDialogElement>('#confirm-force')?.close();
    if (!target) return;
    try {
      const view = await unwrap(api().refresh(target.id, { force: true }));
      if (view.error) this.say(describeError(view.error, this.tr).message);
    } catch (error) {
      this.say(failureText(error, this.tr));
    }
  }

  private async confirmRemove(): Promise<void> {
    const target = this.removing;
    this.querySelector<HTMLDialogElement>('#confirm-remove')?.close();
    if (!target) return;
    try {
      await unwrap(api().removeProfile(target.id));
      this.say(this.tr.t('ui.removed', { name: target.name }));
    } catch (error) {
      this.say(failureText(error, this.tr));
    }
  }

  private go(screen: Screen): void {
    this.screen = screen;
  }

  private renderMain() {
    const { tr } = this;
    if (this.loadError) return html`<p class="error" role="alert">${this.loadError}</p>`;
    if (!this.profiles || !this.settings || !this.env) return html`<p class="loading">${tr.t('ui.loading')}</p>`;
    const screen = this.screen;
    if (screen.name === 'settings') {
      return html`<tt-settings .tr=${tr} .settings=${this.settings} .env=${this.env}></tt-settings>`;
    }
    if (screen.name === 'form') {
      const editing = screen.editId ? this.profiles.find((p) => p.id === screen.editId) : undefined;
      return html`<tt-profile-form .tr=${tr} .editing=${editing} .providers=${this.env.providers}
        .teamEnabled=${this.settings?.team.enabled ?? false}></tt-profile-form>`;
    }
    if (this.profiles.length === 0) {
      return html`<section class="empty" aria-labelledby="empty-title">
        <h2 id="empty-title">${tr.t('ui.empty_title')}</h2>
        <p>${tr.t('ui.empty_body')}</p>
        <button type="button" class="primary big" @click=${() => this.go({ name: 'form' })}>${tr.t('ui.empty_action')}</button>
      </section>`;
    }
    return html`<ul class="profiles" aria-label=${tr.t('ui.profiles')}>
      ${repeat(
        this.profiles,
        (p) => p.id,
        (p) =>
          html`<li><tt-profile-card data-id=${p.id} .view=${p} .tr=${tr} .platform=${this.env?.platform ?? 'other'}
            .entry=${entryOf(this.env?.providers ?? [], p.provider)}></tt-profile-card></li>`,
      )}
    </ul>`;
  }

  protected override render() {
    const { tr } = this;
    const protection = this.env ? protectionText(this.env, tr) : undefined;
    const allIssues = this.env?.storeIssues ?? [];
    const writeFailure = allIssues.find((i) => i.kind === 'write_failed');
    const issues = allIssues.filter((i) => i.kind !== 'write_failed');
    const onList = this.screen.name === 'list';
    return html`
      <header class="topbar">
        <h1>${tr.t('ui.app_title')}</h1>
        <nav aria-label=${tr.t('ui.navigation')}>
          ${onList ? nothing : html`<button type="button" class="secondary" @click=${() => this.go({ name: 'list' })}>${tr.t('ui.back')}</button>`}
          <button type="button" class="secondary" aria-pressed=${this.screen.name === 'settings' ? 'true' : 'false'}
            @click=${() => this.go({ name: 'settings' })}>${tr.t('ui.settings')}</button>
          <button type="button" class="primary" @click=${() => this.go({ name: 'form' })}>${tr.t('ui.add_profile')}</button>
        </nav>
      </header>
      ${protection?.warn ? html`<p class="banner warn" role="alert"><span aria-hidden="true">⚠</span> ${protection.text}</p>` : nothing}
      ${writeFailure ? html`<p class="banner warn store-write" role="alert"><span aria-hidden="true">⚠</span> ${tr.t('ui.store_write_failed', { reason: writeFailure.detail })}</p>` : nothing}
      ${issues.length > 0 ? html`<div class="banner warn" role="alert"><p>${tr.t('ui.store_issue')}</p><ul>${issues.map((i) => html`<li>${i.detail}</li>`)}</ul></div>` : nothing}
      <main>${this.renderMain()}</main>
      <div class="toast" role="status" aria-live="polite">${this.message}</div>
      ${confirmDialog(
        this,
        tr,
        'confirm-force',
        tr.t('ui.force_title', { name: this.forcing?.name ?? '' }),
        this.forcing?.shared && this.settings?.team.enabled
          ? `${tr.t('ui.force_body')} ${tr.t('ui.force_body_team', { team: this.settings.team.prefix })}`
          : tr.t('ui.force_body'),
        tr.t('ui.force_refresh'),
        () => this.confirmForce(),
        () => (this.forcing = undefined),
      )}
      ${confirmDialog(
        this,
        tr,
        'confirm-remove',
        tr.t('ui.remove_title', { name: this.removing?.name ?? '' }),
        tr.t('ui.remove_body'),
        tr.t('ui.remove'),
        () => this.confirmRemove(),
        () => (this.removing = undefined),
      )}
    `;
  }
}

customElements.define('tt-app', TokenTrayApp);
