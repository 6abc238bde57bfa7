import { html } from 'lit';
import { describeError, type Translator } from '../../main/contract/i18n.ts';
import type { Settings } from '../../main/contract/settings.ts';
import type { ProfileView } from '../../main/contract/views.ts';
import { api, failureText, unwrap } from './api.ts';
import { confirmDialog } from './confirm-dialog.ts';
import { LightElement } from './light-element.ts';
import { toast } from './profile-card.ts';

/**
 * The two questions a card can ask before acting: a forced WeChat token (it revokes the current
 * one) and removal. Focus goes back to the button that asked, or after a removal to the card that
 * took the removed one's place (`tt-removed` names it; none when the list is now empty).
 */
export class ProfileConfirm extends LightElement {
  static override properties = {
    tr: { attribute: false },
    settings: { attribute: false },
    forcing: { state: true },
    removing: { state: true },
  };
  declare tr: Translator;
  declare settings: Settings | undefined;
  declare forcing: ProfileView | undefined;
  declare removing: ProfileView | undefined;
  private opener: HTMLElement | undefined;
  /** The cards in the order shown when removal was asked, to know which one comes next. */
  private shown: readonly ProfileView[] = [];

  askForce(view: ProfileView): void {
    this.forcing = view;
    this.open('#confirm-force');
  }

  askRemove(view: ProfileView, shown: readonly ProfileView[]): void {
    this.removing = view;
    this.shown = shown;
    this.open('#confirm-remove');
  }

  private open(selector: string): void {
    this.opener = document.activeElement as HTMLElement;
    void this.updateComplete.then(() => this.querySelector<HTMLDialogElement>(selector)?.showModal());
  }

  /** Back to whoever opened the dialog, when it is still there. */
  private restoreOpener(): void {
    const opener = this.opener;
    this.opener = undefined;
    if (opener?.isConnected) void this.updateComplete.then(() => opener.focus());
  }

  /** WeChat's force_refresh: only on the user's word, after saying what it costs. */
  private async confirmForce(): Promise<void> {
    const target = this.forcing;
    this.querySelector<HTMLDialogElement>('#confirm-force')?.close();
    if (!target) return;
    try {
      const view = await unwrap(api().refresh(target.id, { force: true }));
      if (view.error) toast(this, describeError(view.error, this.tr).message);
    } catch (error) {
      toast(this, failureText(error, this.tr));
    }
  }

  private async confirmRemove(): Promise<void> {
    const target = this.removing;
    this.opener = undefined;
    this.querySelector<HTMLDialogElement>('#confirm-remove')?.close();
    if (!target) return;
    try {
      await unwrap(api().removeProfile(target.id));
      toast(this, this.tr.t('ui.removed', { name: target.name }));
      // Focus moves to the card that took its place (or the one before), never to the page.
      const at = this.shown.findIndex((view) => view.id === target.id);
      const next = this.shown[at + 1] ?? this.shown[at - 1];
      this.dispatchEvent(new CustomEvent('tt-removed', { detail: next?.id, bubbles: true }));
    } catch (error) {
      toast(this, failureText(error, this.tr));
    }
  }

  protected override render() {
    const { tr, settings } = this;
    const forceBody =
      this.forcing?.shared && settings?.team.enabled
        ? `${tr.t('ui.force_body')} ${tr.t('ui.force_body_team', { team: settings.team.prefix })}`
        : tr.t('ui.force_body');
    return html`${confirmDialog(
      this,
      tr,
      'confirm-force',
      tr.t('ui.force_title', { name: this.forcing?.name ?? '' }),
      forceBody,
      tr.t('ui.force_refresh'),
      () => void this.confirmForce(),
      () => {
        this.forcing = undefined;
        this.restoreOpener();
      },
    )}
    ${confirmDialog(
      this,
      tr,
      'confirm-remove',
      tr.t('ui.remove_title', { name: this.removing?.name ?? '' }),
      tr.t('ui.remove_body'),
      tr.t('ui.remove'),
      () => void this.confirmRemove(),
      () => {
        this.removing = undefined;
        this.restoreOpener();
      },
    )}`;
  }
}

customElements.define('tt-profile-confirm', ProfileConfirm);
