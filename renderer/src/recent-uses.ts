import { html, nothing } from 'lit';
import type { Translator } from '../../main/contract/i18n.ts';
import type { TokenUse } from '../../main/contract/ipc.ts';
import { api, unwrap } from './api.ts';
import { LightElement } from './light-element.ts';

/** Every profile's recent uses, loaded once and then kept by main's `token:used` events. */
let uses: Record<string, TokenUse[]> = {};
const listeners = new Set<RecentUses>();
let started = false;

function apply(next: Record<string, TokenUse[]>): void {
  uses = next;
  for (const element of listeners) element.requestUpdate();
}

/** Asks main for the current list (word of new uses comes at most once a second). */
function reload(): void {
  void unwrap(api().tokenUses())
    .then(apply)
    .catch(() => undefined);
}

function start(): void {
  if (started) return;
  started = true;
  api().onTokenUsed(apply);
  reload();
}

/** Who a use was: the tray and this window by name, any other client as it named itself. */
export function useLabel(use: TokenUse, tr: Translator): string {
  if (use.via === 'tray') return tr.t('ui.use_tray');
  if (use.via === 'window') return tr.t('ui.use_window');
  if (use.via === 'shortcut') return tr.t('ui.use_shortcut');
  if (use.call) {
    const { method, path, status, durationMs } = use.call;
    return tr.t('ui.use_gateway', { client: use.client, method, path, status: String(status), ms: String(durationMs) });
  }
  return use.client;
}

/** `<tt-recent-uses>`: who took this profile's token lately (the CLI, Postman, the tray...). */
export class RecentUses extends LightElement {
  static override properties = { profileId: { attribute: false }, tr: { attribute: false }, tab: { attribute: false } };
  declare profileId: string;
  declare tr: Translator;
  /** The card's tab index: -1 outside the list's current card. */
  declare tab: number;

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
    // Opening the list shows it as it is now, not as of the last batched word.
    return html`<details class="uses" @toggle=${(e: Event) => (e.target as HTMLDetailsElement).open && reload()}>
      <summary tabindex=${this.tab ?? 0}>${tr.t('ui.uses_title')}${mine.length > 0 ? ` (${mine.length})` : nothing}</summary>
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
