import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Prometheus metrics, on a registry of our own (no global state). Labels never carry PII. */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    httpRequests: new Counter({
      name: 'aizuchi_http_requests_total',
      help: 'HTTP requests by route and status',
      labelNames: ['route', 'status'] as const,
      registers: [registry],
    }),
    recoveryRequests: new Counter({
      name: 'aizuchi_recovery_requests_total',
      help: 'Recovery requests by result',
      labelNames: ['result'] as const,
      registers: [registry],
    }),
    jobsRun: new Counter({
      name: 'aizuchi_jobs_total',
      help: 'Jobs run by kind and result',
      labelNames: ['kind', 'result'] as const,
      registers: [registry],
    }),
    mailSent: new Counter({
      name: 'aizuchi_mail_sent_total',
      help: 'Mail sent by template',
      labelNames: ['template'] as const,
      registers: [registry],
    }),
    activeCalls: new Gauge({ name: 'aizuchi_active_calls', help: 'Calls in progress', registers: [registry] }),
    callOutcomes: new Counter({
      name: 'aizuchi_call_outcomes_total',
      help: 'Finished calls by outcome',
      labelNames: ['outcome'] as const,
      registers: [registry],
    }),
    responseLatency: new Histogram({
      name: 'aizuchi_agent_response_seconds',
      help: 'Time from end of caller turn to first agent output',
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2],
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
