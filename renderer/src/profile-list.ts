import { html, nothing } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import type { Translator } from '../../main/contract/i18n.ts';
import type { AppEnvironment } from '../../main/contract/ipc.ts';
import type { ProfileView } from '../../main/contract/views.ts';
import { api, failureText, unwrap } from './api.ts';
import { afterPaint, nextFrame } from './frames.ts';
import { LightElement } from './light-element.ts';
import { filterProfiles, SEARCH_FROM, SORTS, type Sort } from './list-filter.ts';
import { toast } from './profile-card.ts';
import { entryOf } from './view-model.ts';

/**
 * From this many cards on the list is windowed: only the cards near the viewport exist
 * (@lit-labs/virtualizer, loaded on first need as its own chunk), so 2,000 profiles open, filter
 * and scroll without a long task. Below it every card exists, as a short list should.
 */
export const WINDOW_FROM = 50;
/**
 * The cards drawn in the window's first frame: a screenful (the list starts ~165 px down and a card
 * is at least ~210 px tall, so this always reaches the bottom). The rest, or the windowed list with
 * its virtualizer, come once that frame is painted.
 */
function firstScreen(): number {
  return Math.max(2, Math.ceil(innerHeight / 220));
}

type VirtualizeModule = typeof import('@lit-labs/virtualizer/virtualize.js');
let virtualizeModule: VirtualizeModule | undefined;
let virtualizeLoading: Promise<VirtualizeModule> | undefined;
function loadVirtualize(): Promise<VirtualizeModule> {
  virtualizeLoading ??= import('@lit-labs/virtualizer/virtualize.js').then((module) => {
    virtualizeModule = module;
    return module;
  });
  return virtualizeLoading;
}

/**
 * The list of profile cards: search and sort once there are more than five, and one Tab stop
 * for the whole list (roving tab index): arrows move between cards, Tab enters the current one,
 * Enter or Ctrl/Cmd+C copies its token.
 */
export class ProfileList extends LightElement {
  static override properties = {
    profiles: { attribute: false },
    tr: { attribute: false },
    env: { attribute: false },
    query: { state: true },
    sort: { state: true },
    activeId: { state: true },
    pinnedId: { attribute: false },
    complete: { state: true },
  };
  declare profiles: ProfileView[];
  declare tr: Translator;
  declare env: AppEnvironment;
  declare query: string;
  declare sort: Sort;
  declare activeId: string | undefined;
  /** The profile the global shortcut copies. */
  declare pinnedId: string;
  /** Past the first frame: every card is drawn (or the windowed list is), not only a screenful. */
  declare complete: boolean;
  private drawingRest: Promise<unknown> | undefined;

  constructor() {
    super();
    this.query = '';
    this.sort = 'expiry';
    this.complete = false;
  }

  protected override firstUpdated(): void {
    this.drawingRest = afterPaint().then(() => {
      this.complete = true;
      return this.updateComplete;
    });
  }

  /** The cards in the order shown. */
  shown(): ProfileView[] {
    if (this.profiles.length < SEARCH_FROM) return this.profiles;
    return filterProfiles(this.profiles, this.query, this.sort, this.tr);
  }

  /** Moves the list's Tab stop to a profile's card and focuses it. */
  async focusCard(id: string | undefined, part: 'card' | 'edit' = 'card'): Promise<boolean> {
    if (id === undefined) return false;
    this.activeId = id;
    await this.updateComplete;
    const card = await this.cardOf(id);
    if (!card) return false;
    await (card as HTMLElement & { updateComplete?: Promise<unknown> }).updateComplete;
    const target =
      part === 'edit' ? card.querySelector<HTMLElement>('button[data-action="edit"]') : card.querySelector('article');
    target?.scrollIntoView({ block: 'nearest' });
    target?.focus();
    return target !== null && target !== undefined;
  }

  /** A profile's card element; in a windowed list it is scrolled into view (and so made) first. */
  private async cardOf(id: string): Promise<HTMLElement | null> {
    const selector = `tt-profile-card[data-id="${CSS.escape(id)}"]`;
    if (!this.complete) await this.drawingRest;
    let card = this.querySelector<HTMLElement>(selector);
    const list = this.querySelector<HTMLElement & { [key: symbol]: unknown }>('ul.windowed');
    if (card || !list || !virtualizeModule) return card;
    const index = this.shown().findIndex((view) => view.id === id);
    const virtualizer = list[virtualizeModule.virtualizerRef] as
      | { element(index: number): { scrollIntoView(options?: ScrollIntoViewOptions): void } | undefined }
      | undefined;
    virtualizer?.element(index)?.scrollIntoView({ block: 'nearest' });
    for (let frame = 0; frame < 30 && !card; frame++) {
      await nextFrame();
      card = this.querySelector<HTMLElement>(selector);
    }
    return card;
  }

  focusSearch(): boolean {
    const search = this.querySelector<HTMLInputElement>('#search');
    search?.focus();
    return search !== null;
  }

  private onFocusIn(event: FocusEvent): void {
    const card = (event.target as HTMLElement).closest('tt-profile-card');
    const id = card?.getAttribute('data-id');
    if (id && id !== this.activeId) this.activeId = id;
  }

  private onKeyDown(event: KeyboardEvent): void {
    const target = event.target as HTMLElement;
    if (!target.matches('article.card')) return;
    const shown = this.shown();
    const index = shown.findIndex((view) => view.id === this.activeId);
    const move = (to: number) => {
      event.preventDefault();
      void this.focusCard(shown[Math.max(0, Math.min(shown.length - 1, to))]?.id);
    };
    if (event.key === 'ArrowDown' || event.key === 'ArrowRight') move(index + 1);
    else if (event.key === 'ArrowUp' || event.key === 'ArrowLeft') move(index - 1);
    else if (event.key === 'Home') move(0);
    else if (event.key === 'End') move(shown.length - 1);
    else if (event.key === 'Enter' || ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === 'c')) {
      event.preventDefault();
      if (this.activeId) void this.copy(this.activeId);
    }
  }

  private async copy(id: string): Promise<void> {
    try {
      const { clearsInSeconds } = await unwrap(api().copy(id, 'raw'));
      const name = this.profiles.find((view) => view.id === id)?.name ?? '';
      const said =
        clearsInSeconds > 0 ? this.tr.t('ui.copied', { seconds: clearsInSeconds }) : this.tr.t('ui.copied_forever');
      toast(this, `${name}: ${said}`);
    } catch (error) {
      toast(this, failureText(error, this.tr));
    }
  }

  private toolbar(count: number) {
    const { tr } = this;
    const ask = (type: 'tt-export' | 'tt-import') => () => this.dispatchEvent(new CustomEvent(type, { bubbles: true }));
    const searching = this.profiles.length >= SEARCH_FROM;
    return html`<div class="list-tools" role="search">
      ${
        searching
          ? html`<div class="field search">
              <label for="search">${tr.t('ui.search_label')}</label>
              <input id="search" type="search" .value=${this.query} placeholder=${tr.t('ui.search_placeholder')}
                aria-describedby="search-hint" autocomplete="off"
                @input=${(e: Event) => {
                  this.query = (e.target as HTMLInputElement).value;
                }} />
              <p class="hint" id="search-hint" role="status">${tr.t('ui.search_hint', { shown: count, total: this.profiles.length })}</p>
            </div>
            <div class="field sort">
              <label for="sort">${tr.t('ui.sort_label')}</label>
              <select id="sort" @change=${(e: Event) => {
                this.sort = (e.target as HTMLSelectElement).value as Sort;
              }}>
                ${SORTS.map((sort) => html`<option value=${sort} ?selected=${sort === this.sort}>${tr.t(`ui.sort_${sort}`)}</option>`)}
              </select>
            </div>`
          : nothing
      }
      <div class="row-actions transfer">
        <button type="button" class="secondary" @click=${ask('tt-export')}>${tr.t('ui.export')}</button>
        <button type="button" class="secondary" data-action="import" @click=${ask('tt-import')}>${tr.t('ui.import')}</button>
      </div>
    </div>`;
  }

  protected override render() {
    const { tr, env } = this;
    const shown = this.shown();
    const active = shown.some((view) => view.id === this.activeId) ? this.activeId : shown[0]?.id;
    const item = (p: ProfileView, index: number) =>
      html`<li aria-setsize=${shown.length} aria-posinset=${index + 1}><tt-profile-card data-id=${p.id} .view=${p} .tr=${tr}
        .platform=${env.platform} .active=${p.id === active} .pinned=${p.id === this.pinnedId}
        .entry=${entryOf(env.providers, p.provider)}></tt-profile-card></li>`;
    const key = (p: ProfileView) => p.id;
    let list: unknown;
    if (shown.length < WINDOW_FROM) {
      const drawn = this.complete ? shown : shown.slice(0, firstScreen());
      list = html`<ul class="profiles" aria-label=${tr.t('ui.profiles')} aria-describedby="list-keys"
        @keydown=${this.onKeyDown} @focusin=${this.onFocusIn}>${repeat(drawn, key, item)}</ul>`;
    } else {
      // The virtualizer's code is loaded after the first frame, which shows a screenful without it.
      if (!virtualizeModule && this.complete) void loadVirtualize().then(() => this.requestUpdate());
      const cards = virtualizeModule
        ? virtualizeModule.virtualize({ items: shown, keyFunction: key, renderItem: item })
        : repeat(shown.slice(0, firstScreen()), key, item);
      list = html`<ul class="profiles windowed" aria-label=${tr.t('ui.profiles')} aria-describedby="list-keys"
        @keydown=${this.onKeyDown} @focusin=${this.onFocusIn}>${cards}</ul>`;
    }
    return html`${this.toolbar(shown.length)}
      ${shown.length === 0 ? html`<p class="no-match">${tr.t('ui.search_none', { query: this.query })}</p>` : nothing}
      ${list}
      <p class="hint" id="list-keys">${tr.t('ui.list_keys')}</p>`;
  }
}

customElements.define('tt-profile-list', ProfileList);
