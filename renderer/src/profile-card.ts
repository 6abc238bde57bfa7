import { html, nothing } from 'lit';
import { type ProviderCatalogueEntry, resolveEntry } from '../../main/contract/catalogue.ts';
import type { Translator } from '../../main/contract/i18n.ts';
import type { AppEnvironment } from '../../main/contract/ipc.ts';
import type { ProfileView } from '../../main/contract/views.ts';
import { type CopyFormat, copyFormatsFor } from '../../main/contract/vocabulary.ts';
import { api, failureText, unwrap } from './api.ts';
import './gateway-info.ts';
import './recent-uses.ts';
import './token-inspector.ts';
import { LightElement } from './light-element.ts';
import { BADGE_GLYPH, badgeOf, problemOf } from './view-model.ts';

/** Asks the app to show a short message in its live region. */
export function toast(from: Element, text: string): void {
  from.dispatchEvent(new CustomEvent('tt-toast', { detail: text, bubbles: true }));
}

/** One profile: state, countdown, times, what went wrong and how to fix it, and its actions. */
export class ProfileCard extends LightElement {
  static override properties = {
    view: { attribute: false },
    tr: { attribute: false },
    platform: { attribute: false },
    entry: { attribute: false },
    revealed: { state: true },
    inspecting: { state: true },
    active: { attribute: false },
    pinned: { attribute: false },
  };
  declare view: ProfileView;
  declare tr: Translator;
  /** Which shells the request lines are for: Windows gets a PowerShell line too. */
  declare platform: AppEnvironment['platform'];
  /** The provider's catalogue entry: what the card may offer (a forced refresh...). */
  declare entry: ProviderCatalogueEntry | undefined;
  declare revealed: string | undefined;
  declare inspecting: boolean;
  /** The list's one Tab stop: only the current card and its buttons are in the Tab order. */
  declare active: boolean;
  /** The global shortcut copies this profile's token. */
  declare pinned: boolean;
  private hideTimer: ReturnType<typeof setTimeout> | undefined;

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.hide();
  }

  private hide(): void {
    if (this.hideTimer) clearTimeout(this.hideTimer);
    this.hideTimer = undefined;
    this.revealed = undefined;
  }

  private async run(action: () => Promise<void>): Promise<void> {
    try {
      await action();
    } catch (error) {
      toast(this, failureText(error, this.tr));
    }
  }

  private copy(format: CopyFormat) {
    return this.run(async () => {
      const { clearsInSeconds } = await unwrap(api().copy(this.view.id, format));
      toast(
        this,
        clearsInSeconds > 0 ? this.tr.t('ui.copied', { seconds: clearsInSeconds }) : this.tr.t('ui.copied_forever'),
      );
    });
  }

  private reveal() {
    if (this.revealed !== undefined) return this.hide();
    return this.run(async () => {
      const { token, hideAfterMs } = await unwrap(api().reveal(this.view.id));
      this.revealed = token;
      this.hideTimer = setTimeout(() => this.hide(), hideAfterMs);
    });
  }

  private ask(type: 'edit' | 'remove' | 'force') {
    this.dispatchEvent(new CustomEvent('tt-profile', { detail: { type, id: this.view.id }, bubbles: true }));
  }

  private time(ms: number | undefined, fallback: string) {
    return ms === undefined
      ? fallback
      : html`<time datetime=${new Date(ms).toISOString()}>${this.tr.dateTime(ms)}</time>`;
  }

  /** Refresh while refreshing: a no-op rather than a disabled button, so focus stays where it is. */
  private refreshNow() {
    if (this.view.refreshing) return;
    return this.run(() => unwrap(api().refresh(this.view.id)).then(() => undefined));
  }

  protected override render() {
    const { view, tr } = this;
    const badge = badgeOf(view);
    const problem = problemOf(view, tr);
    const providerName = tr.provider(view.provider, 'name');
    const canForce = this.entry ? resolveEntry(this.entry, view.options).forceRefresh : false;
    const tokenStillValid = problem && view.status !== 'expired' && view.status !== 'none' && view.expiresAt;
    const canUseToken = !view.needsCredentials;
    // Tab reaches the current card's controls only; arrows move between cards (profile-list.ts).
    const tab = this.active === false ? -1 : 0;
    return html`
      <article class="card" data-state=${badge} aria-labelledby="name-${view.id}" tabindex=${this.active === false ? -1 : 0}>
        <header class="card-head">
          <h2 id="name-${view.id}">${view.name}</h2>
          <span class="badge badge-${badge}"><span aria-hidden="true">${BADGE_GLYPH[badge]}</span> ${tr.t(`ui.badge_${badge}`)}</span>
        </header>
        <p class="meta">${providerName} · ${tr.t('ui.key_hint', { hint: view.apiKeyHint })}</p>
        ${
          view.shared
            ? html`<p class="meta shared">${
                view.team ? tr.t('ui.shared_by', { member: view.team.refreshedBy }) : tr.t('ui.shared_pending')
              }</p>`
            : nothing
        }
        <dl class="times">
          <div class="countdown-row">
            <dt>${tr.t('ui.expires_in')}</dt>
            <dd><tt-countdown class="countdown" expires-at=${view.expiresAt ?? nothing}></tt-countdown></dd>
          </div>
          <div><dt>${tr.t('ui.expires_at')}</dt><dd>${this.time(view.expiresAt, '—')}</dd></div>
          <div><dt>${tr.t('ui.last_refresh')}</dt><dd>${this.time(view.refreshedAt, tr.t('ui.never'))}</dd></div>
          <div><dt>${tr.t('ui.next_refresh')}</dt><dd>${this.time(view.nextRefreshAt, tr.t('ui.not_planned'))}</dd></div>
        </dl>
        <tt-recent-uses .profileId=${view.id} .tr=${tr} .tab=${tab}></tt-recent-uses>
        <tt-gateway-info .profileId=${view.id} .tr=${tr} .tab=${tab}></tt-gateway-info>
        ${
          problem
            ? html`<div class="problem" role="status">
                <p class="problem-message"><strong>${problem.message}</strong></p>
                <p class="problem-remedy">${tr.t('ui.remedy')} ${problem.remedy}</p>
                ${tokenStillValid ? html`<p>${tr.t('ui.old_token_valid', { time: tr.dateTime(view.expiresAt ?? 0) })}</p>` : nothing}
              </div>`
            : nothing
        }
        ${this.revealed !== undefined ? html`<p class="revealed"><code>${this.revealed}</code></p>` : nothing}
        ${this.inspecting ? html`<tt-token-inspector .profileId=${view.id} .tr=${tr}></tt-token-inspector>` : nothing}
        <div class="actions">
          <div class="copy-group" role="group" aria-label=${tr.t('ui.copy')}>
            <span class="group-label" aria-hidden="true">${tr.t('ui.copy')}</span>
            ${copyFormatsFor(view.usage, this.platform).map((format) => {
              const label = tr.t(
                format === 'curl' && this.platform === 'win32' ? 'ui.copy_curl_posix' : `ui.copy_${format}`,
              );
              return html`<button type="button" tabindex=${tab} class="secondary" ?disabled=${!canUseToken}
                aria-label="${tr.t('ui.copy')} ${label}" @click=${() => this.copy(format)}>${label}</button>`;
            })}
          </div>
          <div class="row-actions">
            <button type="button" tabindex=${tab} data-action="refresh" aria-disabled=${view.refreshing ? 'true' : 'false'} @click=${() => this.refreshNow()}>${tr.t('ui.refresh_now')}</button>
            <button type="button" tabindex=${tab} class="secondary" ?disabled=${!canUseToken} aria-pressed=${this.revealed !== undefined ? 'true' : 'false'} @click=${() => this.reveal()}>
              ${this.revealed !== undefined ? tr.t('ui.hide') : tr.t('ui.reveal')}
            </button>
            <button type="button" tabindex=${tab} class="secondary" ?disabled=${!canUseToken} aria-pressed=${this.inspecting ? 'true' : 'false'}
              @click=${() => {
                this.inspecting = !this.inspecting;
              }}>${tr.t('ui.inspect')}</button>
            ${
              canForce
                ? html`<button type="button" tabindex=${tab} class="secondary" data-action="force" ?disabled=${!canUseToken}
                    aria-disabled=${view.refreshing ? 'true' : 'false'}
                    @click=${() => !view.refreshing && this.ask('force')}>${tr.t('ui.force_refresh')}</button>`
                : nothing
            }
            <button type="button" tabindex=${tab} class="secondary" data-action="pin" aria-pressed=${this.pinned ? 'true' : 'false'}
              @click=${() => this.run(() => unwrap(api().setSettings({ pinnedProfileId: this.pinned ? '' : view.id })).then(() => undefined))}>
              ${tr.t('ui.pin')}</button>
            <button type="button" tabindex=${tab} class="secondary" data-action="edit" @click=${() => this.ask('edit')}>${tr.t('ui.edit')}</button>
            <button type="button" tabindex=${tab} class="danger" data-action="remove" @click=${() => this.ask('remove')}>${tr.t('ui.remove')}</button>
          </div>
        </div>
      </article>
    `;
  }
}

customElements.define('tt-profile-card', ProfileCard);
