// Observability: what one node offers to look into it and its cluster. The recent-events log, debug snapshots,
// health and readiness, metrics, request tracing, and the HTTP endpoint with the dashboard.
export { HttpPortInUseError } from './errors.ts'
export { InvalidDebugAnswerError, InvalidDebugRequestError } from './debug/errors.ts'
export { InvalidTraceAnswerError, InvalidTraceIdError, InvalidTraceRequestError } from './tracing/errors.ts'
export type { NodeObservability, NodeObservabilityComponents, NodeObservabilityInit } from './node-observability.ts'
export type { RoutesSource } from './routes.ts'
export type { ActorDebugInfo, CacheDebugInfo, ClusterDebug, DebugClusterOptions, LinkDebugInfo, NodeDebugInfo, UnansweredMember } from './debug/index.ts'
export type { RecordedEvent, RecordedEventType } from './events/index.ts'
export type { NodeLifecycle, ReadinessCheck, ReadinessReport } from './health/readiness.ts'
export type { HttpEndpointInit, RouteHandler } from './http/http-endpoint.ts'
export type { DashboardSnapshot } from './dashboard/dashboard-snapshot.ts'
export type { ClusterMetrics, MetricsSources, NamedCacheStats } from './metrics/index.ts'
export type { SpanKind, SpanRecord, Traced, TraceRequestOptions, TraceResult, TracingInit, TracingStats } from './tracing/index.ts'
