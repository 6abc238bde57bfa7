/** The part of the Baidu Cloud SDK (`@baiducloud/sdk`, no types of its own) the gateway tests drive. */
declare module '@baiducloud/sdk/src/bce_base_client.js' {
  export default class BceBaseClient {
    constructor(config: { endpoint: string; credentials: { ak: string; sk: string } }, serviceId: string);
    sendRequest(
      method: string,
      resource: string,
      args: { params?: Record<string, string | number> },
    ): Promise<{ http_headers: Record<string, string>; body: unknown }>;
  }
}
