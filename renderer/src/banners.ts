import { html, nothing } from 'lit';
import type { Translator } from '../../main/contract/i18n.ts';
import type { AppEnvironment, UpdateInfo } from '../../main/contract/ipc.ts';
import { api, unwrap } from './api.ts';
import { protectionText } from './settings-panel.ts';

/**
 * What the window says above every screen: keys that are only obfuscated, a store that cannot be
 * saved or was repaired, and an update waiting for a restart (with the button that installs it).
 */
export function banners(
  env: AppEnvironment | undefined,
  update: UpdateInfo,
  tr: Translator,
  failed: (error: unknown) => void,
) {
  const protection = env ? protectionText(env, tr) : undefined;
  const all = env?.storeIssues ?? [];
  const writeFailure = all.find((i) => i.kind === 'write_failed');
  const issues = all.filter((i) => i.kind !== 'write_failed');
  return html`
    ${protection?.warn ? html`<p class="banner warn" role="alert"><span aria-hidden="true">⚠</span> ${protection.text}</p>` : nothing}
    ${writeFailure ? html`<p class="banner warn store-write" role="alert"><span aria-hidden="true">⚠</span> ${tr.t('ui.store_write_failed', { reason: writeFailure.detail })}</p>` : nothing}
    ${issues.length > 0 ? html`<div class="banner warn" role="alert"><p>${tr.t('ui.store_issue')}</p><ul>${issues.map((i) => html`<li>${i.detail}</li>`)}</ul></div>` : nothing}
    ${
      update.state === 'ready'
        ? html`<div class="banner info update-banner" role="region" aria-label=${tr.t('ui.updates_title')}>
            <p role="status">${tr.t('ui.update_banner', { version: update.version })}</p>
            <button type="button" @click=${() => unwrap(api().installUpdate()).catch(failed)}>${tr.t('ui.update_restart')}</button>
          </div>`
        : nothing
    }`;
}
