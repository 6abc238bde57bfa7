import type { ProviderCatalogueEntry } from '../../contract/catalogue.ts';
import type { HttpRequest, HttpResponse } from '../http-client.ts';
import type { AnswerShape, ProviderResult } from './answer.ts';

export interface Credentials {
  apiKey: string;
  secretKey: string;
  /** The password of the profile's own proxy, if it has one (never sent to the token server). */
  proxyPassword?: string;
}

export interface ProviderContext {
  tokenUrl: string;
  /** The profile's options, validated against the catalogue entry, defaults filled in. */
  options: Record<string, unknown>;
  /** ms since epoch, for providers that sign or stamp requests. */
  now: number;
  /** The user explicitly asked for a brand-new token (WeChat's force_refresh); never automatic. */
  force?: boolean;
}

/**
 * One token protocol: its catalogue entry (what it is, as data: docs/providers.md has the facts),
 * how to ask for a token, and where its answers keep the token and the error. Adding a provider is
 * one file implementing this, its tests, its texts in the two locale files, and a line in index.ts.
 */
export interface ProviderDefinition {
  catalogue: ProviderCatalogueEntry;
  buildRequest(credentials: Credentials, context: ProviderContext): HttpRequest;
  /** Where this answer keeps the token and the error (it may depend on the options). */
  answer(context: ProviderContext): AnswerShape;
}

export interface TokenProvider extends ProviderDefinition {
  /** Decides success by the token field and failure by the provider's error fields. */
  interpret(response: HttpResponse, credentials: Credentials, context: ProviderContext): ProviderResult;
}
