import type { Translator } from '../../main/contract/i18n.ts';
import { countdownText } from './view-model.ts';

/**
 * `<tt-countdown expires-at="…">`: ticks on its own, so the list is never re-rendered to move a
 * clock. One shared timer drives every countdown on the page.
 */
const live = new Set<Countdown>();
let timer: ReturnType<typeof setInterval> | undefined;
let translator: Translator | undefined;

export function setCountdownTranslator(tr: Translator): void {
  translator = tr;
  for (const countdown of live) countdown.update();
}

export class Countdown extends HTMLElement {
  static observedAttributes = ['expires-at'];

  connectedCallback(): void {
    live.add(this);
    timer ??= setInterval(() => {
      for (const countdown of live) countdown.update();
    }, 1000);
    this.update();
  }

  disconnectedCallback(): void {
    live.delete(this);
    if (live.size === 0 && timer) {
      clearInterval(timer);
      timer = undefined;
    }
  }

  attributeChangedCallback(): void {
    this.update();
  }

  update(): void {
    if (!translator) return;
    const raw = this.getAttribute('expires-at');
    const text = countdownText(raw ? Number(raw) : undefined, Date.now(), translator);
    if (this.textContent !== text) this.textContent = text;
  }
}

customElements.define('tt-countdown', Countdown);
