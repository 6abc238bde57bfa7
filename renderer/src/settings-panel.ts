import { html, nothing } from 'lit';
import type { Translator } from '../../main/contract/i18n.ts';
import type { AppEnvironment, UpdateInfo } from '../../main/contract/ipc.ts';
import type { Settings } from '../../main/contract/settings.ts';
import type { ProfileView } from '../../main/contract/views.ts';
import { type Language, NOTICE_KINDS } from '../../main/contract/vocabulary.ts';
import { api, failureText, unwrap } from './api.ts';
import './api-settings.ts';
import './network-settings.ts';
import './shortcut-settings.ts';
import './update-settings.ts';
import './team-settings.ts';
import { LightElement } from './light-element.ts';
import { toast } from './profile-card.ts';

/** Says plainly how keys are protected on this machine; never claims more than is true. */
export function protectionText(env: AppEnvironment, tr: Translator): { text: string; warn: boolean; fix?: string } {
  const p = env.secretProtection;
  if (p.kind === 'keychain') return { text: tr.t(`ui.protection_${p.backend}`), warn: false };
  if (p.kind === 'weak') return { text: tr.t('ui.protection_weak'), warn: true, fix: tr.t('ui.protection_weak_fix') };
  return { text: tr.t('ui.protection_unavailable'), warn: true };
}

export class SettingsPanel extends LightElement {
  static override properties = {
    tr: { attribute: false },
    settings: { attribute: false },
    env: { attribute: false },
    profiles: { attribute: false },
    updateState: { attribute: false },
  };
  declare tr: Translator;
  declare settings: Settings;
  declare env: AppEnvironment;
  declare profiles: ProfileView[];
  declare updateState: UpdateInfo;

  private async change(patch: Partial<Settings>): Promise<void> {
    try {
      await unwrap(api().setSettings(patch));
      toast(this, this.tr.t('ui.saved'));
    } catch (error) {
      toast(this, failureText(error, this.tr));
    }
  }

  private numberInput(id: string, value: number, max: number, apply: (n: number) => Partial<Settings>, hint: string) {
    return html`<input id=${id} type="number" min="0" max=${max} step="1" inputmode="numeric" .value=${String(value)}
      aria-describedby="${id}-hint"
      @change=${(e: Event) => {
        const input = e.target as HTMLInputElement;
        const n = Number(input.value);
        if (Number.isInteger(n) && n >= 0 && n <= max) void this.change(apply(n));
        else input.value = String(value);
      }} />
      <p class="hint" id="${id}-hint">${hint}</p>`;
  }

  protected override render() {
    const { tr, settings, env } = this;
    const protection = protectionText(env, tr);
    const weak = env.secretProtection.kind === 'weak' ? env.secretProtection : undefined;
    return html`
      <section class="panel" aria-labelledby="settings-title">
        <h2 id="settings-title">${tr.t('ui.settings_title')}</h2>
        <div class="protection ${protection.warn ? 'warn' : 'ok'}" role=${protection.warn ? 'alert' : 'note'}>
          <p><span aria-hidden="true">${protection.warn ? '⚠' : '✓'}</span> ${protection.text}</p>
          ${protection.fix ? html`<p class="hint">${protection.fix}</p>` : nothing}
          ${
            weak
              ? html`<label class="check"><input type="checkbox" .checked=${settings.allowWeakSecretStorage}
                  @change=${(e: Event) => this.change({ allowWeakSecretStorage: (e.target as HTMLInputElement).checked })} />
                  ${tr.t('ui.protection_weak_accept')}</label>`
              : nothing
          }
        </div>
        <div class="field">
          <label for="s-clipboard">${tr.t('ui.clipboard_clear')}</label>
          ${this.numberInput('s-clipboard', settings.clipboardClearSeconds, 3600, (n) => ({ clipboardClearSeconds: n }), tr.t('ui.clipboard_clear_hint'))}
        </div>
        <div class="field">
          <label for="s-margin">${tr.t('ui.default_margin')}</label>
          ${this.numberInput('s-margin', settings.defaultRefreshMarginMinutes, 43_200, (n) => ({ defaultRefreshMarginMinutes: n }), tr.t('ui.default_margin_hint'))}
        </div>
        <div class="field">
          <label for="s-language">${tr.t('ui.language')}</label>
          <select id="s-language" @change=${(e: Event) => this.change({ language: (e.target as HTMLSelectElement).value as Language })}>
            <option value="system" ?selected=${settings.language === 'system'}>${tr.t('ui.language_system')}</option>
            <option value="zh-CN" lang="zh-CN" ?selected=${settings.language === 'zh-CN'}>简体中文</option>
            <option value="en" lang="en" ?selected=${settings.language === 'en'}>English</option>
          </select>
        </div>
        <label class="check"><input type="checkbox" .checked=${settings.startAtLogin}
          @change=${(e: Event) => this.change({ startAtLogin: (e.target as HTMLInputElement).checked })} /> ${tr.t('ui.start_at_login')}</label>
        <fieldset>
          <legend>${tr.t('ui.notifications')}</legend>
          ${NOTICE_KINDS.map(
            (kind) => html`<label class="check"><input type="checkbox" .checked=${settings.notifications[kind]}
              @change=${(e: Event) =>
                this.change({
                  notifications: { ...settings.notifications, [kind]: (e.target as HTMLInputElement).checked },
                })} />
              ${tr.t(`ui.notify_${kind}`)}</label>`,
          )}
        </fieldset>
        <tt-shortcut-settings .tr=${tr} .settings=${settings} .profiles=${this.profiles ?? []}></tt-shortcut-settings>
        <tt-network-settings .tr=${tr}></tt-network-settings>
        <tt-api-settings .tr=${tr} .settings=${settings}></tt-api-settings>
        <tt-team-settings .tr=${tr} .settings=${settings}></tt-team-settings>
        <tt-update-settings .tr=${tr} .settings=${settings} .info=${this.updateState ?? { state: 'idle' }}></tt-update-settings>
        <p class="hint">TokenTray ${env.version}</p>
      </section>
    `;
  }
}

customElements.define('tt-settings', SettingsPanel);
