import { createTranslator, describeError, type MessageKey } from '../contract/i18n.ts';
import {
  API_ERRORS,
  type ApiErrorBody,
  type ApiErrorCode,
  type ApiInfo,
  apiUsage,
  ENV_SHELLS,
  type EnvShell,
  type GatewayInfo,
  type ProfileSummary,
  TOKEN_FORMATS,
  type TokenAnswer,
  type TokenFormat,
  tokenEnvironment,
} from '../contract/local-api.ts';
import type { CopyFormat } from '../contract/vocabulary.ts';
import {
  formatToken,
  isProviderId,
  PROVIDERS,
  type ProfileView,
  powershellQuote,
  providerFacts,
  shellQuote,
  type TokenError,
  type TokenService,
} from '../core/index.ts';
import { type GatewayBases, gatewaySnippets } from '../gateway/snippets.ts';
import { resolveProfile } from './profile-ref.ts';

export interface Reply {
  status: number;
  body: string;
  type: 'application/json' | 'text/plain';
  headers?: Record<string, string>;
}

/** Who asks: the `tokentray` CLI or another client, by the name it gives (its User-Agent). */
export interface ApiClient {
  via: 'cli' | 'api';
  name: string;
}

export interface ApiRouteDeps {
  service: Pick<TokenService, 'listProfiles' | 'listProfileNames' | 'getProfile' | 'refresh' | 'gatewayUpstream'>;
  /** Where the gateway is reached (the listeners and the key's file), for its snippets. */
  gatewayBases?(): GatewayBases;
  /**
   * A token exactly as *Copy token* gets it (refreshed first when due), recorded as taken by this
   * client; undefined when none can be had.
   */
  handOut(id: string, client: ApiClient): Promise<string | undefined>;
  version: string;
  now(): number;
}

/** A refresh asked again within this long of the last one answers with the token just fetched. */
export const REPEAT_REFRESH_WINDOW_MS = 30_000;

/** API messages are English; the CLI words them in the user's language from `message_key`. */
const en = createTranslator('en');

const json = (status: number, value: unknown): Reply => ({
  status,
  body: JSON.stringify(value),
  type: 'application/json',
});

export function apiError(code: ApiErrorCode, extra: Partial<ApiErrorBody> = {}): Reply {
  const key = `api.${code}` as MessageKey;
  return json(API_ERRORS[code], { error: code, message: en.t(key), message_key: key, ...extra });
}

/** A failure the engine recorded, with the status a client expects of a gateway. */
function engineError(error: TokenError): Reply {
  const words = describeError(error, en);
  const status = error.code === 'credentials_unreadable' ? 409 : error.code === 'timeout' ? 504 : 502;
  const body: ApiErrorBody = {
    error: error.code,
    message: words.message,
    remedy: words.remedy,
    message_key: `errors.${error.messageKey}`,
  };
  if (error.messageParams) body.message_params = error.messageParams;
  if (error.providerCode !== undefined) body.provider_code = error.providerCode;
  const headers: Record<string, string> = {};
  if (error.retryAfterMs !== undefined) headers['retry-after'] = String(Math.ceil(error.retryAfterMs / 1000));
  return { ...json(status, body), headers };
}

const iso = (ms: number | undefined) => (ms === undefined ? null : new Date(ms).toISOString());

function summary(view: ProfileView): ProfileSummary {
  const error = view.error ? (JSON.parse(engineError(view.error).body) as ApiErrorBody) : null;
  return {
    id: view.id,
    name: view.name,
    provider: view.provider,
    status: view.status,
    refreshing: view.refreshing,
    needs_keys: view.needsCredentials,
    expires_at: iso(view.expiresAt),
    refreshed_at: iso(view.refreshedAt),
    next_refresh_at: iso(view.nextRefreshAt),
    usage: apiUsage(view.usage),
    error,
  };
}

/** The copy form each text format is; `query` is what the tray calls the URL parameter. */
const COPY_FORM: Partial<Record<TokenFormat, CopyFormat>> = {
  raw: 'raw',
  header: 'header',
  query: 'url',
  curl: 'curl',
  powershell: 'powershell',
};

function offered(view: ProfileView, format: TokenFormat): boolean {
  if (format === 'header') return view.usage.style !== 'query';
  if (format === 'query') return view.usage.style === 'query';
  return true;
}

function envLines(answer: TokenAnswer, shell: EnvShell): string {
  return tokenEnvironment(answer)
    .map(([name, value]) =>
      shell === 'powershell' ? `$env:${name} = ${powershellQuote(value)}` : `export ${name}=${shellQuote(value)}`,
    )
    .join('\n');
}

/**
 * What each route answers, given the engine: no HTTP plumbing here (api-server.ts does that) and
 * no policy of its own: tokens come the way *Copy* gets them, errors are the engine's codes.
 */
export function createApiRoutes(deps: ApiRouteDeps) {
  const { service } = deps;

  function find(ref: string): { view: ProfileView } | { reply: Reply } {
    const found = resolveProfile(service, ref);
    if (found.ok) return { view: found.view };
    if (found.error === 'ambiguous_profile') return { reply: apiError(found.error, { candidates: found.candidates }) };
    return { reply: apiError(found.error) };
  }

  async function token(ref: string, query: URLSearchParams, client: ApiClient): Promise<Reply> {
    const format = (query.get('format') ?? 'json') as TokenFormat;
    const shell = (query.get('shell') ?? 'sh') as EnvShell;
    if (!TOKEN_FORMATS.includes(format) || !ENV_SHELLS.includes(shell)) return apiError('bad_request');
    const found = find(ref);
    if ('reply' in found) return found.reply;
    if (!offered(found.view, format))
      return apiError('format_unsupported', {
        formats: TOKEN_FORMATS.filter((each) => offered(found.view, each)),
        message_params: { name: found.view.name },
      });
    const value = await deps.handOut(found.view.id, client);
    const view = service.getProfile(found.view.id);
    if (value === undefined || !view || !isProviderId(view.provider)) {
      if (view?.error) return engineError(view.error);
      return apiError(view ? 'no_token' : 'unknown_profile');
    }
    const remaining =
      view.expiresAt === undefined ? null : Math.max(0, Math.floor((view.expiresAt - deps.now()) / 1000));
    const answer: TokenAnswer = {
      access_token: value,
      token_type: 'Bearer',
      expires_at: iso(view.expiresAt),
      expires_in: remaining,
      profile: { id: view.id, name: view.name },
      provider: view.provider,
      usage: apiUsage(view.usage),
      sdk_env: [...(PROVIDERS[view.provider].catalogue.sdkTokenEnv ?? [])],
    };
    if (format === 'json') return { ...json(200, answer), headers: { 'cache-control': 'no-store' } };
    const copyForm = COPY_FORM[format];
    const text = copyForm
      ? formatToken({ ...view, provider: view.provider }, value, copyForm)
      : envLines(answer, shell);
    return { status: 200, body: text, type: 'text/plain', headers: { 'cache-control': 'no-store' } };
  }

  /**
   * `{"rejected_token": "…"}` in the body says an API refused that token: it is replaced only if
   * it is still the current one (passive refresh), so many clients reporting it cost one fetch.
   */
  /** When each profile's last refresh through the API was asked for. */
  const lastAsked = new Map<string, number>();

  async function refresh(ref: string, body: string): Promise<Reply> {
    let rejected: string | undefined;
    if (body.trim() !== '') {
      const parsed = (() => {
        try {
          return JSON.parse(body) as unknown;
        } catch {
          return undefined;
        }
      })();
      const value = (parsed as { rejected_token?: unknown } | undefined)?.rejected_token;
      if (parsed === null || typeof parsed !== 'object' || (value !== undefined && typeof value !== 'string')) {
        return apiError('bad_request');
      }
      rejected = value;
    }
    const found = find(ref);
    if ('reply' in found) return found.reply;
    // A script refreshing in a loop must not burn the provider's quota (WeChat allows 20 forced
    // refreshes a day): a token fetched moments ago is the answer, unless it is the one reported.
    const { view: current } = found;
    const asked = lastAsked.get(current.id);
    const repeated =
      asked !== undefined &&
      current.refreshedAt !== undefined &&
      current.refreshedAt >= asked &&
      deps.now() - current.refreshedAt < REPEAT_REFRESH_WINDOW_MS;
    if (repeated && rejected === undefined && current.status === 'valid' && current.error === undefined) {
      return { ...json(200, summary(current)), headers: { 'tokentray-refresh': 'recent' } };
    }
    const started = deps.now();
    lastAsked.set(current.id, started);
    const view = await service.refresh(found.view.id, rejected === undefined ? {} : { rejectedToken: rejected });
    if (view.error && view.error.at >= started) return engineError(view.error);
    return json(200, summary(view));
  }

  async function gateway(ref: string): Promise<Reply> {
    const found = find(ref);
    if ('reply' in found) return found.reply;
    const info = await gatewayInfo(found.view);
    return info ? json(200, info) : apiError('not_found');
  }

  /** A profile's gateway: base URLs, origins, snippets (the API route and the window's). */
  async function gatewayInfo(view: ProfileView): Promise<GatewayInfo | undefined> {
    const provider = view.provider;
    if (!isProviderId(provider)) return undefined;
    const upstream = await service.gatewayUpstream(view.id);
    const bases = deps.gatewayBases?.() ?? { socketPath: null, tcpUrl: null, secretFile: '' };
    const example = providerFacts(provider, view.options).example;
    const info: GatewayInfo = {
      profile: { id: view.id, name: view.name },
      provider,
      origins: upstream.origins,
      ...gatewaySnippets({ profile: view.name, provider, example, bases }),
    };
    return info;
  }

  return {
    gatewayInfo,
    /** Routes a request that already passed the guard. */
    async handle(method: string, url: URL, client: ApiClient, body = ''): Promise<Reply> {
      let parts: string[];
      try {
        parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
      } catch {
        return apiError('bad_request');
      }
      if (parts[0] !== 'v1') return apiError('not_found');
      const [, collection, ref, action, ...rest] = parts;
      const route =
        collection === undefined
          ? 'info'
          : collection !== 'profiles' || rest.length > 0
            ? undefined
            : ref === undefined
              ? 'list'
              : action === undefined
                ? 'profile'
                : action === 'token' || action === 'refresh' || action === 'gateway'
                  ? action
                  : undefined;
      if (!route || ref === '') return apiError('not_found');
      const wanted = route === 'refresh' ? 'POST' : 'GET';
      if (method !== wanted) return { ...apiError('method_not_allowed'), headers: { allow: wanted } };
      switch (route) {
        case 'info':
          return json(200, { name: 'TokenTray', version: deps.version, api: 1 } satisfies ApiInfo);
        case 'list':
          return json(200, service.listProfiles().map(summary));
        case 'profile': {
          const found = find(ref ?? '');
          return 'reply' in found ? found.reply : json(200, summary(found.view));
        }
        case 'token':
          return token(ref ?? '', url.searchParams, client);
        case 'refresh':
          return refresh(ref ?? '', body);
        case 'gateway':
          return gateway(ref ?? '');
      }
    },
  };
}
