import { lazyPackage } from './lazy-package.ts';

/** The engine's packages that start-up does not need, each loaded on first use (see lazy-package.ts). */

/** Fixed refresh times: only when a profile has a schedule or one is being entered. */
export const loadCronParser = lazyPackage('cron-parser', () => import('cron-parser'), ['CronExpressionParser']);
/** The refresh tick, once start-up is over. */
export const loadNodeCron = lazyPackage('node-cron', () => import('node-cron'), ['createTask']);
/** HTTP, on the first token request. */
export const loadGot = lazyPackage('got', () => import('got'), ['default']);
/** Proxies named by HTTPS_PROXY / NO_PROXY (without Electron's resolver). */
export const loadProxyFromEnv = lazyPackage('proxy-from-env', () => import('proxy-from-env'), ['getProxyForUrl']);
/** HTTP CONNECT proxies, http:// and https://. */
export const loadHttpsProxyAgent = lazyPackage('https-proxy-agent', () => import('https-proxy-agent'), [
  'HttpsProxyAgent',
]);
/** SOCKS proxies. */
export const loadSocksProxyAgent = lazyPackage('socks-proxy-agent', () => import('socks-proxy-agent'), [
  'SocksProxyAgent',
]);
