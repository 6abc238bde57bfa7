/** `redis+sentinel://[user:password@]host:port[,host:port…]/master-name` */
export const SENTINEL_URL = /^redis\+sentinel:\/\/(?:([^:@/]*)(?::([^@/]*))?@)?([^/@]+)\/([^/?#]+)$/;

/** `redis+cluster://[user:password@]host:port[,host:port…]`: a Redis Cluster's seed nodes. */
export const CLUSTER_URL = /^redis\+cluster:\/\/(?:([^:@/]*)(?::([^@/]*))?@)?([^/@]+)\/?$/;

/** Whether a team URL names a Sentinel-managed master. */
export function isSentinelUrl(url: string): boolean {
  return SENTINEL_URL.test(url);
}

/** Whether a team URL is one team mode can use: redis://, rediss:// or redis+sentinel://. */
export function isTeamUrl(url: string): boolean {
  if (isSentinelUrl(url) || CLUSTER_URL.test(url)) return true;
  return URL.canParse(url) && ['redis:', 'rediss:'].includes(new URL(url).protocol);
}
