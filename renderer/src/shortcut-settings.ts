import { html, nothing } from 'lit';
import type { Translator } from '../../main/contract/i18n.ts';
import type { ShortcutInfo } from '../../main/contract/ipc.ts';
import type { Settings } from '../../main/contract/settings.ts';
import type { ProfileView } from '../../main/contract/views.ts';
import { api, failureText, unwrap } from './api.ts';
import { LightElement } from './light-element.ts';
import { toast } from './profile-card.ts';

const KEY_NAMES: Record<string, string> = {
  ' ': 'Space',
  ArrowUp: 'Up',
  ArrowDown: 'Down',
  ArrowLeft: 'Left',
  ArrowRight: 'Right',
};

/**
 * The accelerator a key press describes, in Electron's notation (`CommandOrControl+Shift+T`), or
 * undefined while only modifiers are down or no modifier goes with a plain key.
 */
export function acceleratorOf(
  event: Pick<KeyboardEvent, 'key' | 'code' | 'ctrlKey' | 'metaKey' | 'altKey' | 'shiftKey'>,
) {
  if (['Control', 'Meta', 'Alt', 'Shift', 'AltGraph'].includes(event.key)) return undefined;
  const letter = /^Key([A-Z])$/.exec(event.code)?.[1] ?? /^Digit(\d)$/.exec(event.code)?.[1];
  const key = letter ?? (/^F\d{1,2}$/.test(event.key) ? event.key : KEY_NAMES[event.key]);
  if (!key) return undefined;
  const modifiers = [
    event.ctrlKey || event.metaKey ? 'CommandOrControl' : '',
    event.altKey ? 'Alt' : '',
    event.shiftKey ? 'Shift' : '',
  ].filter(Boolean);
  if (modifiers.length === 0 && !key.startsWith('F')) return undefined;
  return [...modifiers, key].join('+');
}

/** Settings' section for the global shortcut: record one, turn it off, see the pinned profile. */
export class ShortcutSettings extends LightElement {
  static override properties = {
    tr: { attribute: false },
    settings: { attribute: false },
    profiles: { attribute: false },
    info: { state: true },
  };
  declare tr: Translator;
  declare settings: Settings;
  declare profiles: ProfileView[];
  declare info: ShortcutInfo | undefined;

  protected override async load(): Promise<void> {
    this.info = await unwrap(api().shortcutInfo()).catch(() => undefined);
  }

  /** Turning the shortcut off removes the button that did it: focus goes to the recorder field. */
  private async turnOff(): Promise<void> {
    await this.set('');
    await this.updateComplete;
    this.querySelector<HTMLElement>('#s-shortcut')?.focus();
  }

  private async set(shortcut: string): Promise<void> {
    try {
      await unwrap(api().setSettings({ shortcut }));
      toast(this, this.tr.t('ui.saved'));
    } catch (error) {
      toast(this, failureText(error, this.tr));
    }
    await this.load();
  }

  private onKey(event: KeyboardEvent): void {
    if (event.key === 'Tab' || (event.key === 'Escape' && !event.ctrlKey && !event.altKey)) return;
    event.preventDefault();
    const accelerator = acceleratorOf(event);
    if (accelerator) void this.set(accelerator);
  }

  protected override render() {
    const { tr, info, settings } = this;
    if (!info) return nothing;
    const pinned = this.profiles.find((view) => view.id === settings.pinnedProfileId);
    return html`<fieldset class="shortcut-settings">
      <legend>${tr.t('ui.shortcut_title')}</legend>
      <p class="hint">${tr.t('ui.shortcut_hint')}</p>
      <p id="s-shortcut-state" role="status">
        ${settings.shortcut ? tr.t('ui.shortcut_current', { accelerator: settings.shortcut }) : tr.t('ui.shortcut_off')}
      </p>
      ${info.problem ? html`<p class="error">${tr.t(`app.${info.problem}` as 'app.shortcut_taken')}</p>` : nothing}
      <div class="field">
        <label for="s-shortcut">${tr.t('ui.shortcut_record')}</label>
        <input id="s-shortcut" type="text" readonly .value=${settings.shortcut} aria-describedby="s-shortcut-hint"
          @keydown=${(e: KeyboardEvent) => this.onKey(e)} />
        <p class="hint" id="s-shortcut-hint">${tr.t('ui.shortcut_record_hint')}</p>
      </div>
      ${settings.shortcut ? html`<div class="row-actions"><button type="button" class="secondary" @click=${() => void this.turnOff()}>${tr.t('ui.shortcut_clear')}</button></div>` : nothing}
      <p>${pinned ? tr.t('ui.shortcut_pinned', { name: pinned.name }) : tr.t('ui.shortcut_no_pin')}</p>
      ${info.wayland ? html`<p class="hint">${tr.t('ui.shortcut_wayland')}</p>` : nothing}
    </fieldset>`;
  }
}

customElements.define('tt-shortcut-settings', ShortcutSettings);
