import { html, nothing, type TemplateResult } from 'lit';
import type { ProviderCatalogueEntry } from '../../main/contract/catalogue.ts';
import type { Translator } from '../../main/contract/i18n.ts';

/** One labelled control with its hint and error, wired for screen readers. */
export function field(
  id: string,
  label: string,
  control: (describedBy: string) => TemplateResult,
  options: { hint?: string | undefined; error?: string | undefined } = {},
): TemplateResult {
  const { hint, error } = options;
  const ids = [hint ? `h-${id}` : '', error ? `e-${id}` : ''].filter(Boolean).join(' ');
  return html`<div class="field ${error ? 'has-error' : ''}">
    <label for="f-${id}">${label}</label>
    ${control(ids)}
    ${hint ? html`<p class="hint" id="h-${id}">${hint}</p>` : nothing}
    ${error ? html`<p class="error" id="e-${id}">${error}</p>` : nothing}
  </div>`;
}

export function textInput(
  id: string,
  value: string,
  onInput: (value: string) => void,
  options: { type?: string; autocomplete?: string; placeholder?: string | undefined; invalid?: boolean } = {},
) {
  return (describedBy: string) => html`<input
    id="f-${id}" data-field=${id} name=${id} type=${options.type ?? 'text'}
    autocomplete=${options.autocomplete ?? 'off'} spellcheck="false"
    placeholder=${options.placeholder ?? nothing}
    aria-describedby=${describedBy || nothing} aria-invalid=${options.invalid ? 'true' : 'false'}
    .value=${value} @input=${(e: Event) => onInput((e.target as HTMLInputElement).value)} />`;
}

export function select(id: string, value: string, choices: [string, string][], onChange: (value: string) => void) {
  return (describedBy: string) => html`<select id="f-${id}" data-field=${id} aria-describedby=${describedBy || nothing}
    @change=${(e: Event) => onChange((e.target as HTMLSelectElement).value)}>
    ${choices.map(([choice, text]) => html`<option value=${choice} ?selected=${choice === value}>${text}</option>`)}
  </select>`;
}

/**
 * The provider's options, rendered from its catalogue entry: a choice is a select, a number or
 * a text an input; labels, hints and warnings come from the locale files. `advanced` picks which
 * half of the form the caller is drawing.
 */
export function optionFields(
  entry: ProviderCatalogueEntry,
  values: Readonly<Record<string, string>>,
  tr: Translator,
  onChange: (name: string, value: string) => void,
  advanced: boolean,
  errorOf: (name: string) => string | undefined,
): TemplateResult[] {
  return entry.options
    .filter((spec) => (spec.advanced ?? false) === advanced)
    .map((spec) => {
      const text = (path: string) => tr.provider(entry.id, `options.${spec.name}.${path}`);
      const id = `opt-${spec.name}`;
      const value = values[spec.name] ?? '';
      const set = (next: string) => onChange(spec.name, next);
      const known = (path: string) => text(path) !== `providers.${entry.id}.options.${spec.name}.${path}`;
      if (spec.kind === 'choice') {
        const warn = spec.warnOn?.includes(value) ? text('warning') : undefined;
        const choices = spec.choices.map((choice): [string, string] => [choice, text(`choices.${choice}`)]);
        return field(id, text('label'), select(id, value, choices, set), { hint: warn, error: errorOf(spec.name) });
      }
      const placeholder = spec.kind === 'integer' && spec.default !== undefined ? String(spec.default) : undefined;
      return field(
        id,
        text('label'),
        textInput(id, value, set, { placeholder, invalid: Boolean(errorOf(spec.name)) }),
        { hint: known('hint') ? text('hint') : undefined, error: errorOf(spec.name) },
      );
    });
}
