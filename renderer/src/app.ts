import { html, nothing } from 'lit';
import { createTranslator, type MessageKey, resolveLocale, type Translator } from '../../main/contract/i18n.ts';
import type { AppEnvironment, ImportResult, UpdateInfo } from '../../main/contract/ipc.ts';
import type { Settings } from '../../main/contract/settings.ts';
import type { ImportPreview } from '../../main/contract/transfer.ts';
import type { ProfileView } from '../../main/contract/views.ts';
import { announce, type Memory } from './announcer.ts';
import { api, failureText, unwrap } from './api.ts';
import { setCountdownTranslator } from './countdown.ts';
import type { ExportDialog } from './export-dialog.ts';
import './export-dialog.ts';
import type { ImportView } from './import-view.ts';
import './import-view.ts';
import './profile-card.ts';
import type { ProfileConfirm } from './profile-confirm.ts';
import './profile-confirm.ts';
import './profile-form.ts';
import type { ProfileList } from './profile-list.ts';
import './profile-list.ts';
import { banners } from './banners.ts';
import { afterPaint } from './frames.ts';
import './settings-panel.ts';
import { LightElement } from './light-element.ts';

/** How long the window may stay blank waiting for its first answers before it says "Loading…". */
const SLOW_START_MS = 300;

type Screen =
  | { name: 'list' }
  | { name: 'form'; editId?: string }
  | { name: 'settings' }
  | { name: 'import'; preview: ImportPreview };

/** The status window: loads state once, then follows main's events; views render from state. */
export class TokenTrayApp extends LightElement {
  static override properties = {
    profiles: { state: true },
    settings: { state: true },
    env: { state: true },
    screen: { state: true },
    message: { state: true },
    loadError: { state: true },
    slowStart: { state: true },
    settled: { state: true },
    announcement: { state: true },
    updateState: { state: true },
  };
  declare profiles: ProfileView[] | undefined;
  declare settings: Settings | undefined;
  declare env: AppEnvironment | undefined;
  declare screen: Screen;
  declare message: string;
  declare loadError: string | undefined;
  /** The first answers are late: the window says it is loading instead of staying blank. */
  declare slowStart: boolean;
  /**
   * Past the first painted frame: the dialogs (export, confirmations) exist from then on, or as
   * soon as one is asked for; the first screen does not pay for drawing them.
   */
  declare settled: boolean;
  /** The live region's words: state changes and failures, once each. */
  declare announcement: string;
  declare updateState: UpdateInfo;
  tr: Translator = createTranslator(resolveLocale('system', navigator.languages));
  private messageTimer: ReturnType<typeof setTimeout> | undefined;
  private unsubscribe: (() => void)[] = [];
  private seen: Memory = new Map();
  /** Where focus goes back to when the current screen or dialog closes. */
  private returnFocus: (() => void) | undefined;
  private opener: HTMLElement | undefined;

  constructor() {
    super();
    this.screen = { name: 'list' };
    this.message = '';
    this.announcement = '';
    this.updateState = { state: 'idle' };
    this.slowStart = false;
    this.settled = false;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.addEventListener('tt-toast', (e) => this.say((e as CustomEvent<string>).detail));
    this.addEventListener(
      'tt-profile',
      (e) => void this.onProfileAction((e as CustomEvent<{ type: string; id: string }>).detail),
    );
    this.addEventListener('tt-saved', (e) => {
      this.returnFocus = undefined;
      this.go({ name: 'list' });
      this.say(this.tr.t('ui.saved'));
      void this.focusProfile((e as CustomEvent<ProfileView>).detail.id);
    });
    this.addEventListener('tt-cancel', () => this.back());
    this.addEventListener('tt-export', async () => {
      this.opener = document.activeElement as HTMLElement;
      (await this.dialog<ExportDialog>('tt-export-dialog'))?.open();
    });
    this.addEventListener('tt-import', () => void this.openImport());
    this.addEventListener('tt-removed', (e) => {
      const next = (e as CustomEvent<string | undefined>).detail;
      if (next) void this.focusProfile(next);
      else this.focusNav('add');
    });
    this.addEventListener('tt-imported', (e) => this.imported((e as CustomEvent<ImportResult>).detail));
    document.addEventListener('keydown', this.onGlobalKey);
    const bridge = api();
    this.unsubscribe = [
      bridge.onProfilesChanged((views) => {
        this.profiles = views;
        this.speak(announce(this.seen, views, this.tr));
      }),
      bridge.onSettingsChanged((settings) => this.applySettings(settings)),
      bridge.onFocusProfile((id) => {
        this.screen = { name: 'list' };
        void this.focusProfile(id);
      }),
      bridge.onUpdateChanged((update) => {
        this.updateState = update;
      }),
      bridge.onStoreIssues((storeIssues) => {
        if (this.env) this.env = { ...this.env, storeIssues };
      }),
    ];
    void this.fetchState();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    for (const off of this.unsubscribe) off();
    document.removeEventListener('keydown', this.onGlobalKey);
  }

  /** `/` jumps to the search field from anywhere but a text field or a dialog. */
  private onGlobalKey = (event: KeyboardEvent): void => {
    if (event.key !== '/' || event.ctrlKey || event.metaKey || event.altKey) return;
    const target = event.target as HTMLElement;
    if (target.closest('input, textarea, select, [contenteditable], dialog[open]')) return;
    if (this.screen.name !== 'list') return;
    if (this.list()?.focusSearch()) event.preventDefault();
  };

  private list(): ProfileList | null {
    return this.querySelector<ProfileList>('tt-profile-list');
  }

  /** Says each change once: the region is emptied first so the same words are heard again. */
  private speak(lines: string[]): void {
    if (lines.length === 0) return;
    this.announcement = '';
    void this.updateComplete.then(() => {
      this.announcement = lines.join(' · ');
    });
  }

  private async fetchState(): Promise<void> {
    // While the app answers, ICU's date and duration formatting is set up in tasks of their own
    // (the first Intl.DateTimeFormat costs ~13 ms, the first DurationFormat ~2 ms more), so the
    // first screen is not one long task.
    setTimeout(() =>
      new Intl.DateTimeFormat(navigator.language, { dateStyle: 'medium', timeStyle: 'short' }).format(0),
    );
    setTimeout(() => new Intl.DurationFormat(navigator.language, { style: 'narrow' }).format({ minutes: 1 }));
    const late = setTimeout(() => {
      this.slowStart = true;
    }, SLOW_START_MS);
    try {
      const [settings, env, profiles, update] = await Promise.all([
        unwrap(api().getSettings()),
        unwrap(api().getEnvironment()),
        unwrap(api().listProfiles()),
        unwrap(api().updateInfo()),
      ]);
      // The cards are drawn in a task after the one that started the page.
      await new Promise((resolve) => setTimeout(resolve));
      this.updateState = update;
      this.env = env;
      // What main said while these answers were on their way is newer: it stays.
      if (!this.settings) this.applySettings(settings);
      if (!this.profiles) {
        this.profiles = profiles;
        announce(this.seen, profiles, this.tr);
      }
    } catch {
      this.loadError = this.tr.t('ui.error_generic');
    }
    clearTimeout(late);
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

  private async focusProfile(id: string, part: 'card' | 'edit' = 'card'): Promise<void> {
    await this.updateComplete;
    await this.list()?.focusCard(id, part);
  }

  /** Focus on a top-bar button (Settings, Add key) by its data-nav name. */
  private focusNav(name: string): void {
    void this.updateComplete.then(() => this.querySelector<HTMLElement>(`[data-nav="${name}"]`)?.focus());
  }

  /** One of the dialogs, drawn first if the first frame has not been painted yet. */
  private async dialog<T extends HTMLElement>(selector: string): Promise<T | null> {
    this.settled = true;
    await this.updateComplete;
    return this.querySelector<T>(selector);
  }

  private async onProfileAction({ type, id }: { type: string; id: string }): Promise<void> {
    if (type === 'edit') {
      this.go({ name: 'form', editId: id }, () => void this.focusProfile(id, 'edit'));
      return;
    }
    const view = this.profiles?.find((p) => p.id === id);
    const confirm = await this.dialog<ProfileConfirm>('tt-profile-confirm');
    if (!view || !confirm) return;
    if (type === 'remove') confirm.askRemove(view, this.list()?.shown() ?? []);
    if (type === 'force') confirm.askForce(view);
  }

  /** Back to whoever opened the dialog, when it is still there. */
  private restoreOpener(): void {
    const opener = this.opener;
    this.opener = undefined;
    if (opener?.isConnected) void this.updateComplete.then(() => opener.focus());
  }

  /** Back from the import screen: the Import… button that opened it, or the list's one (re-rendered). */
  private async focusImportButton(opener: HTMLElement | undefined): Promise<void> {
    if (opener?.isConnected) {
      opener.focus();
      return;
    }
    await this.list()?.updateComplete;
    this.querySelector<HTMLElement>('[data-action="import"]')?.focus();
  }

  private async openImport(): Promise<void> {
    const opener = document.activeElement as HTMLElement;
    try {
      const preview = await unwrap(api().openImport());
      if (!preview) return;
      this.go({ name: 'import', preview }, () => void this.focusImportButton(opener));
      await this.updateComplete;
      await this.querySelector<ImportView>('tt-import-view')?.focusStart();
    } catch (error) {
      this.say(failureText(error, this.tr));
    }
  }

  private imported(result: ImportResult): void {
    const failed = result.failed.map((f) =>
      this.tr.t('ui.import_failed', {
        name: f.name,
        problem: this.tr.t((f.messageKey ?? 'ui.error_generic') as MessageKey),
      }),
    );
    this.returnFocus = undefined;
    this.go({ name: 'list' });
    this.say([this.tr.t('ui.imported', { count: result.added.length }), ...failed].join(' '));
    const first = result.added[0];
    if (first) void this.focusProfile(first.id);
  }

  /** Opens a screen; `returnFocus` runs when the user comes back from it (Back, Cancel). */
  private go(screen: Screen, returnFocus?: () => void): void {
    this.screen = screen;
    if (screen.name !== 'list') this.returnFocus = returnFocus;
  }

  private back(): void {
    const restore = this.returnFocus;
    this.returnFocus = undefined;
    this.screen = { name: 'list' };
    if (restore) void this.updateComplete.then(restore);
  }

  private renderMain() {
    const { tr } = this;
    if (this.loadError) return html`<p class="error" role="alert">${this.loadError}</p>`;
    if (!this.profiles || !this.settings || !this.env) return html`<p class="loading">${tr.t('ui.loading')}</p>`;
    const screen = this.screen;
    if (screen.name === 'settings') {
      return html`<tt-settings .tr=${tr} .settings=${this.settings} .env=${this.env} .profiles=${this.profiles}
        .updateState=${this.updateState}></tt-settings>`;
    }
    if (screen.name === 'form') {
      const editing = screen.editId ? this.profiles.find((p) => p.id === screen.editId) : undefined;
      return html`<tt-profile-form .tr=${tr} .editing=${editing} .providers=${this.env.providers}
        .teamEnabled=${this.settings?.team.enabled ?? false}></tt-profile-form>`;
    }
    if (screen.name === 'import') return html`<tt-import-view .tr=${tr} .preview=${screen.preview}></tt-import-view>`;
    if (this.profiles.length === 0) {
      return html`<section class="empty" aria-labelledby="empty-title">
        <h2 id="empty-title">${tr.t('ui.empty_title')}</h2>
        <p>${tr.t('ui.empty_body')}</p>
        <button type="button" class="primary big" @click=${() => this.go({ name: 'form' }, () => this.focusNav('add'))}>${tr.t('ui.empty_action')}</button>
        <p><button type="button" class="secondary" @click=${() => this.openImport()}>${tr.t('ui.import')}</button></p>
      </section>`;
    }
    return html`<tt-profile-list .profiles=${this.profiles} .tr=${tr} .env=${this.env}
      .pinnedId=${this.settings.pinnedProfileId}></tt-profile-list>`;
  }

  protected override firstUpdated(): void {
    void afterPaint().then(() => {
      this.settled = true;
    });
  }

  /**
   * Nothing is drawn before the first answers (they take a few milliseconds), so the window lays
   * out once, with its cards; the "Loading…" screen appears only when they are late.
   */
  protected override shouldUpdate(): boolean {
    const ready = this.profiles !== undefined && this.settings !== undefined && this.env !== undefined;
    return ready || this.slowStart || this.loadError !== undefined;
  }

  protected override render() {
    const { tr } = this;
    const onList = this.screen.name === 'list';
    return html`
      <header class="topbar">
        <h1>${tr.t('ui.app_title')}</h1>
        <nav aria-label=${tr.t('ui.navigation')}>
          ${onList ? nothing : html`<button type="button" class="secondary" data-nav="back" @click=${() => this.back()}>${tr.t('ui.back')}</button>`}
          <button type="button" class="secondary" data-nav="settings" aria-pressed=${this.screen.name === 'settings' ? 'true' : 'false'}
            @click=${() => this.go({ name: 'settings' }, () => this.focusNav('settings'))}>${tr.t('ui.settings')}</button>
          <button type="button" class="primary" data-nav="add" @click=${() => this.go({ name: 'form' }, () => this.focusNav('add'))}>${tr.t('ui.add_profile')}</button>
        </nav>
      </header>
      ${banners(this.env, this.updateState, tr, (error) => this.say(failureText(error, tr)))}
      <main>${this.renderMain()}</main>
      <div class="toast" role="status" aria-live="polite">${this.message}</div>
      <div class="sr-only" id="announcer" role="status" aria-live="polite" aria-atomic="true">${this.announcement}</div>
      ${
        this.settled
          ? html`<tt-export-dialog .tr=${tr} .profiles=${this.profiles ?? []} @tt-closed=${() => this.restoreOpener()}></tt-export-dialog>
            <tt-profile-confirm .tr=${tr} .settings=${this.settings}></tt-profile-confirm>`
          : nothing
      }
    `;
  }
}

customElements.define('tt-app', TokenTrayApp);
