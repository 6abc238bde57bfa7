import { html, LitElement, nothing } from 'lit';
import type { Translator } from '../../main/contract/i18n.ts';
import type { TokenUse } from '../../main/contract/ipc.ts';
import { api, unwrap } from './api.ts';

/** Every profile's recent uses, loaded once and then kept by main's `token:used` events. */
let uses: Record<string, TokenUse[]> = {};
const listeners = new Set<RecentUses>();
let started = false;

function start(): void {
  if (started) return;
  started = true;
  const apply = (next: Record<string, TokenUse[]>) => {
    uses = next;
    for (const element of listeners) element.requestUpdate();
  };
  api().onTokenUsed(apply);
  void unwrap(api().tokenUses())
    .then(apply)
    .catch(() => undefined);
}

/** Who a use was: the tray and this window by name, any other client as it named itself. */
export function useLabel(use: TokenUse, tr: Translator): string {
  if (use.via === 'tray') return tr.t('ui.use_tray');
  if (use.via === 'window') return tr.t('ui.use_window');
  return use.client;
}

/** `<tt-recent-uses>`: who took this profile's token lately (the CLI, Postman, the tray...). */
export class RecentUses extends LitElement {
  static override properties = { profileId: { attribute: false }, tr: { attribute: false } };
  declare profileId: string;
  declare tr: Translator;

  protected override createRenderRoot() {
    return this;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    listeners.add(this);
    start();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    listeners.delete(this);
  }

  protected override render() {
    const { tr } = this;
    const mine = uses[this.profileId] ?? [];
    const now = Date.now();
    return html`<details class="uses">
      <summary>${tr.t('ui.uses_title')}${mine.length > 0 ? ` (${mine.length})` : nothing}</summary>
      ${
        mine.length === 0
          ? html`<p class="hint">${tr.t('ui.uses_none')}</p>`
          : html`<ul>
            ${mine.map(
              (use) =>
                html`<li><time datetime=${new Date(use.at).toISOString()} title=${tr.dateTime(use.at)}>${tr.t(
                  'ui.use_line',
                  { client: useLabel(use, tr), ago: tr.duration(now - use.at) },
                )}</time></li>`,
            )}
          </ul>`
      }
    </details>`;
  }
}

customElements.define('tt-recent-uses', RecentUses);
