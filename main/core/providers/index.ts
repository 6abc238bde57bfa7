import { interpretAnswer } from './answer.ts';
import { baiduProvider } from './baidu.ts';
import { baiduIamProvider } from './baidu-iam.ts';
import { dingtalkProvider } from './dingtalk.ts';
import { feishuProvider } from './feishu.ts';
import { oauth2Provider } from './oauth2.ts';
import type { ProviderDefinition, TokenProvider } from './provider.ts';
import { wechatProvider } from './wechat.ts';

/** Every provider the engine speaks, in the order the window offers them. One line each. */
const DEFINITIONS = {
  baidu: baiduProvider,
  'baidu-iam': baiduIamProvider,
  wechat: wechatProvider,
  feishu: feishuProvider,
  dingtalk: dingtalkProvider,
  oauth2: oauth2Provider,
} satisfies Record<string, ProviderDefinition>;

export type ProviderId = keyof typeof DEFINITIONS;

/**
 * Every profile may name the API origins its gateway forwards to (space-separated), instead of
 * the provider's: a private deployment, a test server (`http://` only on loopback). OAuth 2.0
 * profiles must, as their APIs are their own.
 */
export const GATEWAY_ORIGINS_OPTION = {
  name: 'apiOrigins',
  kind: 'text',
  maxLength: 2048,
  advanced: true,
  gatewayOnly: true,
} as const;

function complete(definition: ProviderDefinition): TokenProvider {
  return {
    ...definition,
    catalogue: { ...definition.catalogue, options: [...definition.catalogue.options, GATEWAY_ORIGINS_OPTION] },
    interpret: (response, credentials, context) => interpretAnswer(response, credentials, definition.answer(context)),
  };
}

export const PROVIDERS = Object.fromEntries(
  Object.entries(DEFINITIONS).map(([id, definition]) => {
    if (definition.catalogue.id !== id) throw new Error(`provider ${id} declares id ${definition.catalogue.id}`);
    return [id, complete(definition)];
  }),
) as Record<ProviderId, TokenProvider>;

export const PROVIDER_IDS = Object.keys(DEFINITIONS) as ProviderId[];

/** The catalogue the window, the CLI and the server render from, in offering order. */
export const CATALOGUE = PROVIDER_IDS.map((id) => PROVIDERS[id].catalogue);

export function isProviderId(value: unknown): value is ProviderId {
  return typeof value === 'string' && Object.hasOwn(DEFINITIONS, value);
}

export type { ProviderResult, TokenGrant } from './answer.ts';
export type { Credentials, ProviderContext, TokenProvider } from './provider.ts';
