import type { ProviderId } from '../core/index.ts';
import { shellQuote } from '../core/index.ts';

/** Where a client reaches the gateway: the socket (desktop), the TCP URL (if on), the key's file. */
export interface GatewayBases {
  socketPath: string | null;
  tcpUrl: string | null;
  secretFile: string;
}

export interface GatewaySnippet {
  title: string;
  text: string;
}

/** The path under a profile's gateway base for one of the provider's example requests. */
function examplePath(url: string): string {
  return URL.canParse(url) ? `${new URL(url).pathname}${new URL(url).search}` : '/';
}

/**
 * Ready-to-copy snippets for a profile's gateway (one place for the API, the CLI and the docs):
 * a curl line, and the SDK settings that make an existing program use the gateway.
 */
export function gatewaySnippets(input: {
  profile: string;
  provider: ProviderId;
  example: { method: 'GET' | 'POST'; url: string; json?: unknown };
  bases: GatewayBases;
}): { base: { socket: string | null; tcp: string | null }; snippets: GatewaySnippet[] } {
  const path = `/gw/${encodeURIComponent(input.profile)}`;
  const socket = input.bases.socketPath ? `http://localhost${path}` : null;
  const tcp = input.bases.tcpUrl ? `${input.bases.tcpUrl}${path}` : null;
  const key = `$(cat ${shellQuote(input.bases.secretFile)})`;
  const target = `${tcp ?? socket ?? ''}${examplePath(input.example.url)}`;
  const curl = [
    'curl',
    ...(tcp === null && input.bases.socketPath ? ['--unix-socket', shellQuote(input.bases.socketPath)] : []),
    ...(input.example.method === 'POST' ? ['-X', 'POST'] : []),
    '-H',
    `"Authorization: Bearer ${key}"`,
    ...(input.example.json === undefined
      ? []
      : ['-H', "'Content-Type: application/json'", '-d', shellQuote(JSON.stringify(input.example.json))]),
    shellQuote(target),
  ].join(' ');
  const snippets: GatewaySnippet[] = [{ title: 'curl', text: curl }];
  const http = tcp ?? '<turn on the TCP listener for SDKs>';
  if (input.provider === 'baidu-iam') {
    snippets.push({
      title: 'openai (Node) for Qianfan v2',
      text: `new OpenAI({ baseURL: '${http}/v2', apiKey: '<gateway key>' })`,
    });
    snippets.push({
      title: 'openai (Python) for Qianfan v2',
      text: `OpenAI(base_url="${http}/v2", api_key="<gateway key>")`,
    });
  }
  if (input.provider === 'feishu') {
    snippets.push({
      title: 'Lark SDK (Node, Go)',
      text: `new lark.Client({ appId: '<App ID>', appSecret: '<gateway key>', domain: '${http}' })  ·  lark.WithOpenBaseUrl("${http}")`,
    });
  }
  if (input.provider === 'wechat') {
    snippets.push({
      title: 'WeChat SDKs (wechatpy, WxJava, EasyWeChat)',
      text: `API base URL ${http}/cgi-bin/  ·  AppSecret: <gateway key>`,
    });
  }
  return { base: { socket, tcp }, snippets };
}
