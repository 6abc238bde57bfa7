import { LitElement } from 'lit';

/**
 * Every element of the window: Lit rendering into light DOM, so the one stylesheet (the CSP
 * allows no inline styles) and the page's ids and labels reach inside. `load()` runs each time the
 * element is attached: where a Settings section or a panel asks main for what it shows.
 */
export class LightElement extends LitElement {
  protected override createRenderRoot() {
    return this;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    void this.load();
  }

  /** What the element fetches from main when it appears; nothing by default. */
  protected async load(): Promise<void> {}
}
