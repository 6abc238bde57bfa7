import { html, nothing } from 'lit';
import type { Translator } from '../../main/contract/i18n.ts';
import type { ApiStatus } from '../../main/contract/ipc.ts';
import type { Settings } from '../../main/contract/settings.ts';
import { api, failureText, unwrap } from './api.ts';
import { confirmDialog } from './confirm-dialog.ts';
import { LightElement } from './light-element.ts';
import { toast } from './profile-card.ts';

/** Settings' section for the `tokentray` CLI and the local token API: where it is, TCP, the secret. */
export class ApiSettings extends LightElement {
  static override properties = {
    tr: { attribute: false },
    settings: { attribute: false },
    status: { state: true },
  };
  declare tr: Translator;
  declare settings: Settings;
  declare status: ApiStatus | undefined;

  protected override async load(): Promise<void> {
    this.status = await unwrap(api().apiStatus()).catch(() => undefined);
  }

  private async run(action: () => Promise<string | undefined>): Promise<void> {
    try {
      const said = await action();
      if (said) toast(this, said);
    } catch (error) {
      toast(this, failureText(error, this.tr));
    }
    await this.load();
  }

  private setTcp(patch: Partial<Settings>) {
    return this.run(async () => {
      await unwrap(api().setSettings(patch));
      return this.tr.t('ui.saved');
    });
  }

  private regenerate() {
    this.querySelector<HTMLDialogElement>('#confirm-regenerate')?.close();
    return this.run(async () => {
      this.status = await unwrap(api().regenerateApiSecret());
      return this.tr.t('ui.api_regenerated');
    });
  }

  protected override render() {
    const { tr, settings, status } = this;
    if (!status) return nothing;
    return html`<fieldset class="api-settings">
      <legend>${tr.t('ui.api_title')}</legend>
      <p class=${status.listening ? 'api-ok' : 'api-down'} role="status">
        ${status.listening ? tr.t('ui.api_listening', { endpoint: status.endpoint }) : tr.t('ui.api_down', { problem: status.problem ?? '' })}
      </p>
      <p class="hint">${tr.t('ui.api_cli_hint', { file: status.secretFile })}</p>
      ${status.cliPath ? html`<p class="hint">${tr.t('ui.api_cli_path', { path: status.cliPath })}</p>` : nothing}
      <label class="check"><input type="checkbox" id="s-api-tcp" .checked=${settings.apiTcpEnabled}
        @change=${(e: Event) => this.setTcp({ apiTcpEnabled: (e.target as HTMLInputElement).checked })} /> ${tr.t('ui.api_tcp')}</label>
      <div class="field">
        <label for="s-api-port">${tr.t('ui.api_tcp_port')}</label>
        <input id="s-api-port" type="number" min="1024" max="65535" step="1" inputmode="numeric" .value=${String(settings.apiTcpPort)}
          @change=${(e: Event) => {
            const input = e.target as HTMLInputElement;
            const port = Number(input.value);
            if (Number.isInteger(port) && port >= 1024 && port <= 65_535) void this.setTcp({ apiTcpPort: port });
            else input.value = String(settings.apiTcpPort);
          }} />
        ${status.tcpUrl ? html`<p class="hint">${tr.t('ui.api_tcp_url', { url: status.tcpUrl })}</p>` : nothing}
      </div>
      <div class="row-actions">
        <button type="button" class="secondary" ?disabled=${!status.listening}
          @click=${() =>
            this.run(async () => {
              const { clearsInSeconds } = await unwrap(api().copyApiSecret());
              return clearsInSeconds > 0 ? tr.t('ui.copied', { seconds: clearsInSeconds }) : tr.t('ui.copied_forever');
            })}>${tr.t('ui.api_copy_secret')}</button>
        <button type="button" class="danger" ?disabled=${!status.listening}
          @click=${() => this.querySelector<HTMLDialogElement>('#confirm-regenerate')?.showModal()}>${tr.t('ui.api_regenerate')}</button>
      </div>
      ${confirmDialog(
        this,
        tr,
        'confirm-regenerate',
        tr.t('ui.api_regenerate_title'),
        tr.t('ui.api_regenerate_body'),
        tr.t('ui.api_regenerate'),
        () => void this.regenerate(),
        () => undefined,
      )}
    </fieldset>`;
  }
}

customElements.define('tt-api-settings', ApiSettings);
