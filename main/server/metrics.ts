import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { EngineObserver, TokenService } from '../core/index.ts';
import type { GatewayCall } from '../gateway/gateway.ts';

/**
 * `/metrics` in Prometheus text format (prom-client): tokens by state, refreshes and failures by
 * code, hand-outs, lock waits and Redis round trips, and the process's own figures.
 */
export function createServerMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'tokentray_server_' });
  let service: TokenService | undefined;

  const refreshes = new Counter({
    name: 'tokentray_refreshes_total',
    help: 'Refreshes by provider and outcome: fetched here, adopted from the team, or failed.',
    labelNames: ['provider', 'outcome'] as const,
    registers: [registry],
  });
  const failures = new Counter({
    name: 'tokentray_refresh_failures_total',
    help: 'Failed refreshes by engine error code.',
    labelNames: ['code'] as const,
    registers: [registry],
  });
  const handouts = new Counter({
    name: 'tokentray_tokens_handed_out_total',
    help: 'Tokens handed out through the API, by client kind.',
    labelNames: ['via'] as const,
    registers: [registry],
  });
  const roundTrips = new Counter({
    name: 'tokentray_redis_round_trips_total',
    help: 'Commands sent to the team store.',
    registers: [registry],
  });
  const lockWaits = new Histogram({
    name: 'tokentray_lock_wait_seconds',
    help: 'Time spent waiting for another member to finish refreshing a shared credential.',
    buckets: [0.005, 0.025, 0.1, 0.5, 1, 5, 30],
    registers: [registry],
  });
  const gatewayRequests = new Counter({
    name: 'tokentray_gateway_requests_total',
    help: 'Calls through the gateway, by profile and upstream status class (2xx, 4xx, 5xx...).',
    labelNames: ['profile', 'status'] as const,
    registers: [registry],
  });
  const gatewayRetries = new Counter({
    name: 'tokentray_gateway_token_retries_total',
    help: 'Calls whose token the provider refused: refreshed once and sent again.',
    labelNames: ['profile'] as const,
    registers: [registry],
  });
  const gatewayLatency = new Histogram({
    name: 'tokentray_gateway_request_seconds',
    help: 'Time from a call reaching the gateway to its answer ending, by profile.',
    labelNames: ['profile'] as const,
    buckets: [0.005, 0.025, 0.1, 0.5, 1, 5, 30, 120],
    registers: [registry],
  });
  new Gauge({
    name: 'tokentray_profiles',
    help: 'Profiles by token state.',
    labelNames: ['state'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const view of service?.listProfiles() ?? []) {
        const state = view.needsCredentials ? 'needs_keys' : view.error ? 'failing' : view.status;
        this.inc({ state });
      }
    },
  });
  new Gauge({
    name: 'tokentray_team_connected',
    help: '1 while the team store is reachable, 0 while it is not; absent without a team.',
    registers: [registry],
    collect() {
      const team = service?.teamStatus();
      if (team) this.set(team.connection === 'connected' ? 1 : 0);
    },
  });

  const observer: EngineObserver = {
    refreshed(event) {
      refreshes.inc({ provider: event.provider, outcome: event.outcome });
      if (event.outcome === 'failed') failures.inc({ code: event.code ?? 'unknown' });
    },
  };
  return {
    observer,
    team: { roundTrip: () => roundTrips.inc(), lockWait: (ms: number) => lockWaits.observe(ms / 1000) },
    handedOut: (via: string) => handouts.inc({ via }),
    /** One gateway call, labelled by the profile's name (ids are opaque to whoever reads a dashboard). */
    gatewayCall(call: GatewayCall) {
      const profile = service?.getProfile(call.profileId)?.name ?? call.profileId;
      gatewayRequests.inc({ profile, status: `${Math.floor(call.status / 100)}xx` });
      if (call.retried) gatewayRetries.inc({ profile });
      gatewayLatency.observe({ profile }, call.durationMs / 1000);
    },
    attach(next: TokenService) {
      service = next;
    },
    render: () => registry.metrics(),
    contentType: registry.contentType,
  };
}
