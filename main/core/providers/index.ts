import type { ProviderId } from '../types.ts';
import { baiduProvider } from './baidu.ts';
import { baiduIamProvider } from './baidu-iam.ts';
import { dingtalkProvider } from './dingtalk.ts';
import { feishuProvider } from './feishu.ts';
import { oauth2Provider } from './oauth2.ts';
import type { TokenProvider } from './provider.ts';
import { wechatProvider } from './wechat.ts';

/** Every provider the engine speaks. A new provider is one file and one line here. */
export const PROVIDERS: Record<ProviderId, TokenProvider> = {
  baidu: baiduProvider,
  'baidu-iam': baiduIamProvider,
  wechat: wechatProvider,
  feishu: feishuProvider,
  dingtalk: dingtalkProvider,
  oauth2: oauth2Provider,
};

export const PROVIDER_IDS = Object.keys(PROVIDERS) as ProviderId[];

export function isProviderId(value: unknown): value is ProviderId {
  return typeof value === 'string' && Object.hasOwn(PROVIDERS, value);
}

export type { Credentials, TokenGrant, TokenProvider, TokenUsage } from './provider.ts';
