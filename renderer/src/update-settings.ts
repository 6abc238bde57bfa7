import { html } from 'lit';
import type { Translator } from '../../main/contract/i18n.ts';
import type { UpdateInfo } from '../../main/contract/ipc.ts';
import type { Settings } from '../../main/contract/settings.ts';
import { api, failureText, unwrap } from './api.ts';
import { LightElement } from './light-element.ts';
import { toast } from './profile-card.ts';

/** Where updating stands, in words. */
export function updateText(info: UpdateInfo, tr: Translator): string {
  switch (info.state) {
    case 'current':
      return tr.t('ui.update_state_current', { time: tr.dateTime(info.checkedAt) });
    case 'downloading':
      return tr.t('ui.update_state_downloading', { version: info.version, percent: info.percent });
    case 'ready':
      return tr.t('ui.update_state_ready', { version: info.version });
    case 'unsupported':
      return tr.t(`ui.update_unsupported_${info.reason}` as 'ui.update_unsupported_portable');
    default:
      return tr.t(`ui.update_state_${info.state}`);
  }
}

/** Settings' section for updates: the daily check's switch, where it stands, Check now. */
export class UpdateSettings extends LightElement {
  static override properties = {
    tr: { attribute: false },
    settings: { attribute: false },
    info: { attribute: false },
  };
  declare tr: Translator;
  declare settings: Settings;
  declare info: UpdateInfo;

  private async run(action: () => Promise<unknown>): Promise<void> {
    try {
      await action();
    } catch (error) {
      toast(this, failureText(error, this.tr));
    }
  }

  protected override render() {
    const { tr, info, settings } = this;
    const unsupported = info.state === 'unsupported';
    return html`<fieldset class="update-settings">
      <legend>${tr.t('ui.updates_title')}</legend>
      <label class="check"><input type="checkbox" id="s-updates" .checked=${settings.checkForUpdates} ?disabled=${unsupported}
        @change=${(e: Event) =>
          this.run(() => unwrap(api().setSettings({ checkForUpdates: (e.target as HTMLInputElement).checked })))} />
        ${tr.t('ui.updates_check_auto')}</label>
      <p id="s-update-state" role="status">${updateText(info, tr)}</p>
      <div class="row-actions">
        <button type="button" class="secondary" ?disabled=${unsupported}
          @click=${() => this.run(() => unwrap(api().checkForUpdate()))}>${tr.t('ui.updates_check_now')}</button>
      </div>
    </fieldset>`;
  }
}

customElements.define('tt-update-settings', UpdateSettings);
