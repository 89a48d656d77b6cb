/**
 * Prometheus metrics for the Node runtime, with prom-client (docs/metrics.md): request
 * durations by route, the time each message takes to hand to the mail transport, the
 * process's own metrics, and gauges read from the database at each scrape. Each runtime
 * has its own registry, so two in one process (tests) never share a series.
 */
import { collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import type { Deps } from "../core/deps.ts";
import { isAppError } from "../core/errors.ts";
import type { Mailer } from "../core/mail/mailer.ts";
import { serviceGauges } from "../core/service-gauges.ts";
import type { AppMetrics } from "../core/web/routes/metrics-routes.ts";

export interface NodeMetrics extends AppMetrics {
	/** The same mailer, timing each send by how it ended: sent, rejected (5xx) or failed (retried). */
	instrument(mailer: Mailer): Mailer;
}

export function createNodeMetrics(): NodeMetrics {
	const registry = new Registry();
	// The process's own metrics start with the first scrape: a CLI run or a test never pays for them.
	let processMetrics = false;
	const registers = [registry];
	const gauge = <L extends string>(name: string, help: string, label: L) =>
		new Gauge({ name, help, labelNames: [label] as const, registers });
	const http = new Histogram({
		name: "paperboy_http_request_duration_seconds",
		help: "HTTP requests by method, route pattern and status",
		labelNames: ["method", "route", "status"] as const,
		buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
		registers,
	});
	const send = new Histogram({
		name: "paperboy_send_duration_seconds",
		help: "Time to hand one message to the mail transport, by outcome",
		labelNames: ["outcome"] as const,
		buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5, 30],
		registers,
	});
	const readers = gauge("paperboy_readers", "Readers by status", "status");
	const deliveries = gauge("paperboy_deliveries", "Digest deliveries in the outbox by status (all periods)", "status");
	const suppressions = gauge(
		"paperboy_suppressions",
		"Suppressed addresses by reason: bounce, complaint, manual",
		"reason",
	);
	const bounces = gauge(
		"paperboy_bounces_30d",
		"Bounces and complaints received in the last 30 days: hard, soft, complaint",
		"kind",
	);
	const ingestAge = gauge(
		"paperboy_source_ingest_age_seconds",
		"Seconds since each configured paper source last came in whole (+Inf: never)",
		"source",
	);
	const setAll = <L extends string>(target: Gauge<L>, label: L, values: Record<string, number>) => {
		target.reset();
		for (const [key, value] of Object.entries(values)) target.set({ [label]: key } as Record<L, string>, value);
	};

	return {
		observeRequest({ method, route, status, seconds }) {
			http.observe({ method, route, status: String(status) }, seconds);
		},
		async render(deps: Deps) {
			if (!processMetrics) collectDefaultMetrics({ register: registry, prefix: "paperboy_" });
			processMetrics = true;
			const now = await serviceGauges(deps);
			setAll(readers, "status", now.readers);
			setAll(deliveries, "status", now.deliveries);
			setAll(suppressions, "reason", now.suppressions);
			setAll(bounces, "kind", now.bounces);
			setAll(ingestAge, "source", Object.fromEntries(now.ingestAge.map((s) => [s.source, s.seconds])));
			return { contentType: registry.contentType, body: await registry.metrics() };
		},
		instrument(mailer) {
			return {
				async send(message) {
					const done = send.startTimer();
					try {
						const result = await mailer.send(message);
						done({ outcome: "sent" });
						return result;
					} catch (error) {
						done({ outcome: isAppError(error) && error.code === "rejected" ? "rejected" : "failed" });
						throw error;
					}
				},
				...(mailer.close ? { close: () => mailer.close?.() ?? Promise.resolve() } : {}),
				// SIGTERM drops the connections of a relay that hangs (serve.ts): keep that reachable.
				...(mailer.abort ? { abort: () => mailer.abort?.() } : {}),
			};
		},
	};
}
