import { html, nothing } from 'lit';
import type { Translator } from '../../main/contract/i18n.ts';
import type { NetworkInfo } from '../../main/contract/ipc.ts';
import { api, failureText, unwrap } from './api.ts';
import { LightElement } from './light-element.ts';
import { toast } from './profile-card.ts';

/** Settings' section for corporate networks: what the system proxy says, and an extra CA file. */
export class NetworkSettings extends LightElement {
  static override properties = {
    tr: { attribute: false },
    info: { state: true },
  };
  declare tr: Translator;
  declare info: NetworkInfo | undefined;

  protected override async load(): Promise<void> {
    this.info = await unwrap(api().networkInfo()).catch(() => undefined);
  }

  /** Removing the file removes its button: focus goes to Choose…, where the user can go on. */
  private async clearCaFile(): Promise<void> {
    await this.run(() => unwrap(api().clearCaFile()));
    await this.updateComplete;
    this.querySelector<HTMLElement>('#s-net-ca-choose')?.focus();
  }

  private async run(action: () => Promise<NetworkInfo>): Promise<void> {
    try {
      this.info = await action();
      toast(this, this.tr.t('ui.saved'));
    } catch (error) {
      toast(this, failureText(error, this.tr));
    }
  }

  protected override render() {
    const { tr, info } = this;
    if (!info) return nothing;
    const proxy = info.systemProxy.trim().toUpperCase() === 'DIRECT' ? tr.t('ui.network_direct') : info.systemProxy;
    return html`<fieldset class="network-settings">
      <legend>${tr.t('ui.network_title')}</legend>
      <p id="s-net-proxy">${tr.t('ui.network_system_proxy', { proxy })}</p>
      <p class="hint">${tr.t('ui.network_proxy_hint')}</p>
      <p id="s-net-ca">${info.caFile ? tr.t('ui.network_ca_file', { file: info.caFile }) : tr.t('ui.network_ca_none')}</p>
      ${info.subjects.length > 0 ? html`<ul class="ca-subjects">${info.subjects.map((s) => html`<li>${s}</li>`)}</ul>` : nothing}
      ${info.problem ? html`<p class="error" role="alert">${tr.t(`app.${info.problem}` as 'app.ca_file_invalid')}</p>` : nothing}
      <p class="hint" id="s-net-ca-hint">${tr.t('ui.network_ca_hint')}</p>
      <div class="row-actions">
        <button type="button" class="secondary" id="s-net-ca-choose" aria-describedby="s-net-ca-hint"
          @click=${() => this.run(() => unwrap(api().chooseCaFile()))}>${tr.t('ui.network_ca_choose')}</button>
        ${info.caFile ? html`<button type="button" class="secondary" @click=${() => void this.clearCaFile()}>${tr.t('ui.network_ca_clear')}</button>` : nothing}
      </div>
    </fieldset>`;
  }
}

customElements.define('tt-network-settings', NetworkSettings);
