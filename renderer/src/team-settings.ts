import { html, nothing } from 'lit';
import type { Translator } from '../../main/contract/i18n.ts';
import type { TeamInfo } from '../../main/contract/ipc.ts';
import type { Settings } from '../../main/contract/settings.ts';
import { api, failureText, unwrap } from './api.ts';
import { LightElement } from './light-element.ts';
import { toast } from './profile-card.ts';

type TeamSettings = Settings['team'];

/**
 * Settings → Team: the team's Redis, this computer's role and name, and the team key (kept in the
 * keychain: shown only when asked, to give to another member). Nothing is applied until *Save and
 * connect*; a bad address or key is refused with the reason, and nothing changes.
 */
export class TeamSettingsPanel extends LightElement {
  static override properties = {
    tr: { attribute: false },
    settings: { attribute: false },
    info: { state: true },
    draft: { state: true },
    shownKey: { state: true },
    busy: { state: true },
  };
  declare tr: Translator;
  declare settings: Settings;
  declare info: TeamInfo | undefined;
  declare draft: TeamSettings | undefined;
  declare shownKey: string | undefined;
  declare busy: boolean;
  private off: (() => void) | undefined;

  override connectedCallback(): void {
    super.connectedCallback();
    this.off = api().onTeamChanged((info) => {
      this.info = info;
    });
  }

  protected override async load(): Promise<void> {
    this.info = (await unwrap(api().teamInfo()).catch(() => undefined)) ?? this.info;
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.off?.();
  }

  private get team(): TeamSettings {
    return this.draft ?? this.settings.team;
  }

  private edit(patch: Partial<TeamSettings>): void {
    this.draft = { ...this.team, ...patch };
  }

  private value(id: string): string {
    return this.querySelector<HTMLInputElement>(`#${id}`)?.value ?? '';
  }

  private async run(action: () => Promise<string | undefined>): Promise<void> {
    // Busy buttons stay focusable (aria-disabled) and do nothing: a disabled one drops focus.
    if (this.busy) return;
    this.busy = true;
    try {
      const said = await action();
      if (said) toast(this, said);
    } catch (error) {
      toast(this, failureText(error, this.tr));
    } finally {
      this.busy = false;
      this.info = await unwrap(api().teamInfo()).catch(() => this.info);
    }
  }

  private save() {
    return this.run(async () => {
      const teamKey = this.value('t-key').trim();
      const password = this.value('t-password');
      if (teamKey || password) {
        await unwrap(api().setTeamSecrets({ ...(teamKey ? { teamKey } : {}), ...(password ? { password } : {}) }));
      }
      await unwrap(api().setSettings({ team: this.team }));
      this.draft = undefined;
      for (const id of ['t-key', 't-password']) {
        const input = this.querySelector<HTMLInputElement>(`#${id}`);
        if (input) input.value = '';
      }
      return this.tr.t('ui.saved');
    });
  }

  private text(id: string, label: string, value: string, apply: (v: string) => Partial<TeamSettings>, hint?: string) {
    return html`<div class="field"><label for=${id}>${label}</label>
      <input id=${id} type="text" spellcheck="false" autocomplete="off" .value=${value} @input=${(e: Event) => this.edit(apply((e.target as HTMLInputElement).value))}
        aria-describedby=${hint ? `${id}-hint` : nothing} />
      ${hint ? html`<p class="hint" id="${id}-hint">${hint}</p>` : nothing}</div>`;
  }

  protected override render() {
    const { tr, info } = this;
    const team = this.team;
    const state = !info?.enabled ? 'off' : (info.connection ?? 'connecting');
    return html`<fieldset class="team-settings">
      <legend>${tr.t('ui.team_title')}</legend>
      <p class="hint">${tr.t('ui.team_hint')}</p>
      <p class="team-state team-${state}" role="status">${tr.t(`ui.team_state_${state}`)}${
        info?.problem ? html` — ${tr.t(`app.${info.problem as 'team_key_invalid'}`)}` : nothing
      }</p>
      <label class="check"><input type="checkbox" id="t-enabled" .checked=${team.enabled}
        @change=${(e: Event) => this.edit({ enabled: (e.target as HTMLInputElement).checked })} /> ${tr.t('ui.team_enabled')}</label>
      ${this.text('t-url', tr.t('ui.team_url'), team.url, (url) => ({ url }), 'rediss://redis.example:6380')}
      ${this.text('t-username', tr.t('ui.team_username'), team.username, (username) => ({ username }))}
      <div class="field"><label for="t-password">${tr.t('ui.team_password')}</label>
        <input id="t-password" type="password" autocomplete="new-password"
          placeholder=${info?.hasPassword ? tr.t('ui.team_password_saved') : ''} /></div>
      ${this.text('t-prefix', tr.t('ui.team_prefix'), team.prefix, (prefix) => ({ prefix }))}
      <div class="field"><label for="t-role">${tr.t('ui.team_role')}</label>
        <select id="t-role" @change=${(e: Event) => this.edit({ role: (e.target as HTMLSelectElement).value as TeamSettings['role'] })}>
          <option value="member" ?selected=${team.role === 'member'}>${tr.t('ui.team_role_member')}</option>
          <option value="reader" ?selected=${team.role === 'reader'}>${tr.t('ui.team_role_reader')}</option>
        </select></div>
      ${this.text('t-member', tr.t('ui.team_member'), team.member, (member) => ({ member }), info?.member)}
      <label class="check"><input type="checkbox" id="t-solo" .checked=${team.soloWhenUnreachable}
        @change=${(e: Event) => this.edit({ soloWhenUnreachable: (e.target as HTMLInputElement).checked })} /> ${tr.t('ui.team_solo')}</label>
      <div class="field"><label for="t-key">${tr.t('ui.team_key')}: ${info?.hasKey ? tr.t('ui.team_key_saved') : tr.t('ui.team_key_none')}</label>
        <input id="t-key" type="password" autocomplete="off" placeholder=${tr.t('ui.team_key_paste')} /></div>
      ${
        this.shownKey
          ? html`<p class="revealed">${tr.t('ui.team_key_shown')} <code>${this.shownKey}</code></p>`
          : nothing
      }
      <div class="row-actions">
        <button type="button" aria-disabled=${this.busy ? 'true' : 'false'} @click=${() => this.save()}>${tr.t('ui.team_apply')}</button>
        <button type="button" class="secondary" aria-disabled=${this.busy ? 'true' : 'false'}
          @click=${() =>
            this.run(async () => {
              this.shownKey = (await unwrap(api().newTeamKey())).teamKey;
              return undefined;
            })}>${tr.t('ui.team_key_new')}</button>
        <button type="button" class="secondary" ?disabled=${!info?.hasKey} aria-disabled=${this.busy ? 'true' : 'false'}
          @click=${() =>
            this.run(async () => {
              this.shownKey = this.shownKey ? undefined : (await unwrap(api().revealTeamKey())).teamKey;
              return undefined;
            })}>${this.shownKey ? tr.t('ui.hide') : tr.t('ui.team_key_show')}</button>
      </div>
    </fieldset>`;
  }
}

customElements.define('tt-team-settings', TeamSettingsPanel);
