import { html, nothing } from 'lit';
import type { Translator } from '../../main/contract/i18n.ts';
import type { GatewayInfo } from '../../main/contract/ipc.ts';
import { api, unwrap } from './api.ts';
import { LightElement } from './light-element.ts';

/**
 * `<tt-gateway-info>`: where programs call this profile's provider through TokenTray (the
 * gateway's base URLs and API origins) and snippets to paste; asked for when opened. Never a key
 * or a token: the snippets read the secret from its file.
 */
export class GatewayInfoView extends LightElement {
  static override properties = {
    profileId: { attribute: false },
    tr: { attribute: false },
    tab: { attribute: false },
    info: { state: true },
  };
  declare profileId: string;
  declare tr: Translator;
  /** The card's tab index: -1 outside the list's current card. */
  declare tab: number;
  declare info: GatewayInfo | undefined;

  private opened(event: Event): void {
    if (!(event.target as HTMLDetailsElement).open) return;
    void unwrap(api().gatewayInfo(this.profileId))
      .then((info) => {
        this.info = info;
      })
      .catch(() => undefined);
  }

  protected override render() {
    const { tr, info } = this;
    return html`<details class="uses gateway" @toggle=${(e: Event) => this.opened(e)}>
      <summary tabindex=${this.tab ?? 0}>${tr.t('ui.gateway_title')}</summary>
      ${
        !info
          ? nothing
          : info.origins.length === 0
            ? html`<p class="hint">${tr.t('ui.gateway_off')}</p>`
            : html`<p class="hint">${tr.t('ui.gateway_origins', { origins: info.origins.join(' ') })}</p>
                <dl class="gateway-bases">
                  ${info.base.socket ? html`<div><dt>${tr.t('ui.gateway_socket')}</dt><dd><code>${info.base.socket}</code></dd></div>` : nothing}
                  ${info.base.tcp ? html`<div><dt>${tr.t('ui.gateway_tcp')}</dt><dd><code>${info.base.tcp}</code></dd></div>` : nothing}
                </dl>
                ${info.snippets.map(
                  (snippet) =>
                    html`<p class="gateway-snippet-title">${snippet.title}</p><pre class="gateway-snippet"><code>${snippet.text}</code></pre>`,
                )}`
      }
    </details>`;
  }
}

customElements.define('tt-gateway-info', GatewayInfoView);
