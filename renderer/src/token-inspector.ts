import { html, nothing } from 'lit';
import type { Translator } from '../../main/contract/i18n.ts';
import type { Inspection } from '../../main/contract/ipc.ts';
import { api, failureText, unwrap } from './api.ts';
import { LightElement } from './light-element.ts';

/** The registered claims worth a line of their own, in the order people look for them. */
const NAMED = ['exp', 'iat', 'nbf', 'iss', 'sub', 'aud', 'scope'] as const;
const TIMES = new Set(['exp', 'iat', 'nbf']);

/**
 * `<tt-token-inspector>`: what a JWT says of itself — header and claims, decoded in main and never
 * sent anywhere; an opaque token says only that. Loaded when the card opens it.
 */
export class TokenInspector extends LightElement {
  static override properties = {
    profileId: { attribute: false },
    tr: { attribute: false },
    inspection: { state: true },
    problem: { state: true },
  };
  declare profileId: string;
  declare tr: Translator;
  declare inspection: Inspection | undefined;
  declare problem: string | undefined;

  protected override async load(): Promise<void> {
    try {
      this.inspection = await unwrap(api().inspect(this.profileId));
    } catch (error) {
      this.problem = failureText(error, this.tr);
    }
  }

  private value(name: string, value: unknown) {
    if (TIMES.has(name) && typeof value === 'number') {
      return html`<time datetime=${new Date(value * 1000).toISOString()}>${this.tr.dateTime(value * 1000)}</time>`;
    }
    return typeof value === 'string' ? value : JSON.stringify(value);
  }

  protected override render() {
    const { tr, inspection } = this;
    if (this.problem) return html`<p class="hint" role="status">${this.problem}</p>`;
    if (!inspection) return nothing;
    if (inspection.kind === 'opaque') {
      return html`<p class="hint inspector" role="status">${tr.t('ui.inspect_opaque', { length: inspection.length })}</p>`;
    }
    const { header, claims } = inspection;
    const named = NAMED.filter((name) => name in claims);
    const others = Object.keys(claims).filter((name) => !(NAMED as readonly string[]).includes(name));
    return html`<section class="inspector" aria-label=${tr.t('ui.inspect_title')}>
      <p class="hint">${tr.t('ui.inspect_note')}</p>
      <dl>
        <div><dt>${tr.t('ui.inspect_header')}</dt><dd><code>${JSON.stringify(header)}</code></dd></div>
        ${named.map(
          (name) =>
            html`<div><dt>${tr.t(`ui.claim_${name}`)} <code>${name}</code></dt><dd>${this.value(name, claims[name])}</dd></div>`,
        )}
        ${others.map((name) => html`<div><dt><code>${name}</code></dt><dd>${this.value(name, claims[name])}</dd></div>`)}
      </dl>
    </section>`;
  }
}

customElements.define('tt-token-inspector', TokenInspector);
