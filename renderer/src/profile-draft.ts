import type { ProfileInput, ProfileView, ProviderId } from '../../main/ipc-contract.ts';

export const PROVIDER_CHOICES: ProviderId[] = ['baidu', 'baidu-iam', 'wechat', 'feishu', 'dingtalk', 'oauth2'];

/** What the form holds while the user types: strings and choices, keys never prefilled. */
export interface Draft {
  name: string;
  provider: ProviderId;
  apiKey: string;
  secretKey: string;
  tokenUrl: string;
  auth: 'basic' | 'post';
  scope: string;
  iamLifetime: string;
  wechatEndpoint: 'stable' | 'classic';
  feishuRegion: 'feishu' | 'lark';
  dingtalkApi: 'new' | 'legacy';
  marginMinutes: string;
  cron: string;
}

/** The default endpoint of each provider, shown as the hint of the (optional) token URL field. */
const DEFAULT_URLS: Partial<Record<ProviderId, string>> = {
  baidu: 'https://aip.baidubce.com/oauth/2.0/token',
  'baidu-iam': 'https://iam.bj.baidubce.com/v1/BCE-BEARER/token',
  wechat: 'https://api.weixin.qq.com/cgi-bin/stable_token',
  feishu: 'https://open.feishu.cn/open-apis/auth/v3/tenant_access_token/internal',
  dingtalk: 'https://api.dingtalk.com/v1.0/oauth2/accessToken',
};

interface StoredOptions {
  auth?: 'basic' | 'post';
  scope?: string;
  expireInSeconds?: number;
  endpoint?: 'stable' | 'classic';
  region?: 'feishu' | 'lark';
  api?: 'new' | 'legacy';
}

export function draftFrom(view: ProfileView | undefined): Draft {
  const options = (view?.options ?? {}) as StoredOptions;
  return {
    name: view?.name ?? '',
    provider: view?.provider ?? 'baidu',
    apiKey: '',
    secretKey: '',
    tokenUrl: view?.tokenUrl ?? '',
    auth: options.auth ?? 'basic',
    scope: options.scope ?? '',
    iamLifetime:
      view?.provider === 'baidu-iam' && options.expireInSeconds !== undefined ? String(options.expireInSeconds) : '',
    wechatEndpoint: options.endpoint ?? 'stable',
    feishuRegion: options.region ?? 'feishu',
    dingtalkApi: options.api ?? 'new',
    marginMinutes: view?.refreshMarginMs === undefined ? '' : String(view.refreshMarginMs / 60_000),
    cron: view?.cron ?? '',
  };
}

/** Only the options of the chosen provider: the engine refuses ones it does not know. */
export function providerOptions(d: Draft): Record<string, unknown> {
  switch (d.provider) {
    case 'oauth2':
      return { auth: d.auth, ...(d.scope.trim() ? { scope: d.scope.trim() } : {}) };
    case 'baidu-iam':
      return d.iamLifetime.trim() ? { expireInSeconds: Number(d.iamLifetime.trim()) } : {};
    case 'wechat':
      return { endpoint: d.wechatEndpoint };
    case 'feishu':
      return { region: d.feishuRegion };
    case 'dingtalk':
      return { api: d.dingtalkApi };
    default:
      return {};
  }
}

/** The endpoint used when the token URL is left empty, for the field's hint. */
export function defaultUrl({ provider, wechatEndpoint, feishuRegion, dingtalkApi }: Draft): string {
  if (provider === 'wechat' && wechatEndpoint === 'classic') return 'https://api.weixin.qq.com/cgi-bin/token';
  if (provider === 'feishu' && feishuRegion === 'lark') {
    return 'https://open.larksuite.com/open-apis/auth/v3/tenant_access_token/internal';
  }
  if (provider === 'dingtalk' && dingtalkApi === 'legacy') return 'https://oapi.dingtalk.com/gettoken';
  return DEFAULT_URLS[provider] ?? '';
}

/** The profile input the engine receives; empty optional fields are left out. */
export function toInput(d: Draft): ProfileInput {
  const input: ProfileInput = { name: d.name, provider: d.provider, apiKey: d.apiKey, secretKey: d.secretKey };
  if (d.tokenUrl.trim()) input.tokenUrl = d.tokenUrl.trim();
  input.options = providerOptions(d);
  if (d.marginMinutes.trim()) input.refreshMarginMs = Math.round(Number(d.marginMinutes) * 60_000);
  if (d.cron.trim()) input.cron = d.cron.trim();
  return input;
}
