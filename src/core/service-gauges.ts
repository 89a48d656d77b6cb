/**
 * What the service looks like right now, read from the database: readers by status,
 * deliveries by outcome, suppressed addresses by reason (bounces, complaints, by hand),
 * bounces and complaints received in the last 30 days,
 * and how long ago each source last brought a new batch. `GET /metrics` reports these as gauges.
 */
import { countBouncesByKind } from "./db/bounces.ts";
import { countDeliveriesByStatus } from "./db/deliveries.ts";
import { countReadersByStatus } from "./db/subscribers.ts";
import { countSuppressionsByReason } from "./db/suppressions.ts";
import type { Deps } from "./deps.ts";
import { sourceStatuses } from "./papers/source-alarms.ts";

export async function serviceGauges(deps: Pick<Deps, "db" | "clock" | "config">) {
	const now = deps.clock.now().getTime();
	return {
		readers: await countReadersByStatus(deps.db),
		deliveries: await countDeliveriesByStatus(deps.db, "all"),
		suppressions: await countSuppressionsByReason(deps.db),
		/** Bounces and complaints received in the last 30 days, by kind. */
		bounces: await countBouncesByKind(deps.db, new Date(now - 30 * 86_400_000).toISOString()),
		/** Seconds since each source last brought a new batch (sourceStatuses); Infinity for never. */
		ingestAge: (await sourceStatuses(deps)).map((s) => ({
			source: s.source,
			seconds: s.lastSuccessAt ? (now - Date.parse(s.lastSuccessAt)) / 1000 : Number.POSITIVE_INFINITY,
		})),
	};
}

export type ServiceGauges = Awaited<ReturnType<typeof serviceGauges>>;
