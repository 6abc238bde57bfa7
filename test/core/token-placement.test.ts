import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { formatToken } from '../../main/core/token-placement.ts';

const BAIDU_TOKEN = '24.6c5e1ff107f0e8bcef8c46d3424a0e78.2592000.1485516651.282335-8574074';
const baidu = { provider: 'baidu' as const };
const oauth = { provider: 'oauth2' as const, tokenUrl: 'https://auth.example.com/oauth2/token' };

describe('copy formats', () => {
  it.each([
    ['raw', baidu, BAIDU_TOKEN],
    ['header', baidu, `Authorization: Bearer ${BAIDU_TOKEN}`],
    ['url', baidu, `access_token=${BAIDU_TOKEN}`],
    ['header', oauth, 'Authorization: Bearer abc/def+=='],
    ['url', oauth, 'access_token=abc%2Fdef%2B%3D%3D'],
  ] as const)('%s for %j', (format, profile, expected) => {
    const token = profile === baidu ? BAIDU_TOKEN : 'abc/def+==';
    expect(formatToken(profile, token, format)).toBe(expected);
  });

  it('gives Baidu a curl line with the token as access_token on the ERNIE chat endpoint', () => {
    expect(formatToken(baidu, BAIDU_TOKEN, 'curl')).toBe(
      `curl -X POST 'https://aip.baidubce.com/rpc/2.0/ai_custom/v1/wenxinworkshop/chat/completions?access_token=${BAIDU_TOKEN}' -H 'Content-Type: application/json' -d '{"messages":[{"role":"user","content":"你好"}]}'`,
    );
  });

  it('gives OAuth 2.0 a bearer curl line against the token server origin', () => {
    expect(formatToken(oauth, 'abc', 'curl')).toBe(`curl 'https://auth.example.com/' -H 'Authorization: Bearer abc'`);
  });

  it('quotes the curl line so a shell passes the token through untouched', () => {
    const nasty = `a'b$(whoami)"c`;
    const line = formatToken(oauth, nasty, 'curl');
    const words = execFileSync('sh', ['-c', `printf '%s\\n' ${line.slice('curl '.length)}`], { encoding: 'utf8' })
      .trim()
      .split('\n');
    expect(words).toEqual(['https://auth.example.com/', '-H', `Authorization: Bearer ${nasty}`]);
  });

  it.each([
    [
      'baidu-iam',
      {},
      'bce-v3/ALTAK-x/y',
      "curl 'https://qianfan.baidubce.com/v2/models' -H 'Authorization: Bearer bce-v3/ALTAK-x/y'",
      'Authorization: Bearer bce-v3/ALTAK-x/y',
    ],
    [
      'wechat',
      {},
      'wx_tok',
      "curl 'https://api.weixin.qq.com/cgi-bin/get_api_domain_ip?access_token=wx_tok'",
      'Authorization: Bearer wx_tok',
    ],
    [
      'feishu',
      { tokenUrl: 'https://open.larksuite.com/open-apis/auth/v3/tenant_access_token/internal' },
      't-abc',
      "curl 'https://open.larksuite.com/open-apis/im/v1/chats?page_size=1' -H 'Authorization: Bearer t-abc'",
      'Authorization: Bearer t-abc',
    ],
    [
      'dingtalk',
      {},
      'dt',
      "curl 'https://api.dingtalk.com/v1.0/contact/users/me' -H 'x-acs-dingtalk-access-token: dt'",
      'x-acs-dingtalk-access-token: dt',
    ],
    [
      'dingtalk',
      { options: { api: 'legacy' } },
      'old',
      `curl -X POST 'https://oapi.dingtalk.com/topapi/v2/department/listsub?access_token=old' -H 'Content-Type: application/json' -d '{}'`,
      'Authorization: Bearer old',
    ],
  ] as const)('gives %s %j the header or parameter its API expects', (provider, extra, token, curl, header) => {
    const profile = { provider, ...extra };
    expect(formatToken(profile, token, 'curl')).toBe(curl);
    expect(formatToken(profile, token, 'header')).toBe(header);
  });

  it('follows the profile options when the token URL is the default', () => {
    expect(formatToken({ provider: 'dingtalk', options: { api: 'legacy' } }, 'old', 'url')).toBe('access_token=old');
    expect(formatToken({ provider: 'dingtalk', options: { api: 'legacy' } }, 'old', 'header')).toBe(
      'Authorization: Bearer old',
    );
    expect(formatToken({ provider: 'feishu', options: { region: 'lark' } }, 't', 'curl')).toContain(
      'https://open.larksuite.com/',
    );
  });
});

describe('the PowerShell line, offered on Windows', () => {
  it('calls Invoke-RestMethod with the token where the API reads it and an ASCII-only JSON body', () => {
    expect(formatToken(baidu, BAIDU_TOKEN, 'powershell')).toBe(
      `Invoke-RestMethod -Method Post -Uri 'https://aip.baidubce.com/rpc/2.0/ai_custom/v1/wenxinworkshop/chat/completions?access_token=${BAIDU_TOKEN}' -ContentType 'application/json; charset=utf-8' -Body '{"messages":[{"role":"user","content":"\\u4f60\\u597d"}]}'`,
    );
    expect(formatToken({ provider: 'feishu' }, 't-abc', 'powershell')).toBe(
      `Invoke-RestMethod -Method Get -Uri 'https://open.feishu.cn/open-apis/im/v1/chats?page_size=1' -Headers @{ 'Authorization' = 'Bearer t-abc' }`,
    );
  });

  it('doubles every quote PowerShell reads as one, typographic quotes included', () => {
    const line = formatToken(oauth, 'a\u2019b', 'powershell');
    expect(line).toContain(`'Bearer a\u2019\u2019b'`);
  });
});
