/**
 * What happened to a reader's digest in each of their last periods, for the manage page
 * (issue 14 item 3): sent (with an archive of the papers), nothing matched (and out of how
 * many new papers), paused, sources stale, or not planned. Readers who got no email can
 * see why.
 */
import { listReaderDeliveriesIn } from "../db/deliveries.ts";
import { countPapersAddedBetween, getPapersByIds } from "../db/papers.ts";
import type { Deps } from "../deps.ts";
import { AppError } from "../errors.ts";
import type { Paper } from "../papers/paper.ts";
import type { Reader } from "../subscriptions/reader.ts";
import type { Delivery } from "./delivery.ts";
import { periodFor } from "./period.ts";
import { nothingMatched } from "./send-delivery.ts";

export const historyPeriods = 8;

export type PeriodOutcome =
	| { kind: "sent"; papers: number; at: string }
	| { kind: "nothing_matched"; newPapers: number }
	| { kind: "paused" }
	| { kind: "stale" }
	| { kind: "suppressed" }
	| { kind: "failed" }
	| { kind: "on_its_way" }
	| { kind: "upcoming" }
	| { kind: "not_planned" };

export interface PeriodEntry {
	/** `weekly:2026-W48` or `daily:2026-11-23`. */
	period: string;
	outcome: PeriodOutcome;
}

const dayMs = 86_400_000;

/** The reader's last `count` periods of their frequency, newest first, none before they subscribed. */
function lastPeriods(reader: Reader, now: Date, timeZone: string, count: number): string[] {
	const step = reader.frequency === "weekly" ? 7 * dayMs : dayMs;
	const since = reader.confirmedAt ?? reader.createdAt;
	const first = periodFor(reader.frequency, new Date(since), timeZone);
	const periods: string[] = [];
	for (let i = 0; i < count; i++) {
		const period = periodFor(reader.frequency, new Date(now.getTime() - i * step), timeZone);
		periods.push(period);
		if (period <= first) break;
	}
	return periods;
}

/**
 * Why a skipped delivery sent nothing, from the reason the sender recorded. A run that
 * found every source stale records a reason saying so (docs/bounces.md, issue 14 item 4).
 */
async function skippedOutcome(deps: Pick<Deps, "db">, d: Delivery): Promise<PeriodOutcome> {
	const reason = d.lastError ?? "";
	if (/stale/i.test(reason)) return { kind: "stale" };
	if (/paused/.test(reason)) return { kind: "paused" };
	if (/suppressed/.test(reason)) return { kind: "suppressed" };
	if (reason !== nothingMatched) return { kind: "not_planned" };
	return { kind: "nothing_matched", newPapers: await countPapersAddedBetween(deps.db, d.windowStart, d.windowEnd) };
}

export async function periodHistory(
	deps: Pick<Deps, "db" | "clock" | "config">,
	reader: Reader,
	count = historyPeriods,
): Promise<PeriodEntry[]> {
	const now = deps.clock.now();
	const periods = lastPeriods(reader, now, deps.config.timeZone, count);
	const deliveries = new Map(
		(await listReaderDeliveriesIn(deps.db, reader.id, periods)).map((d) => [d.period, d] as const),
	);
	const entries: PeriodEntry[] = [];
	for (const [i, period] of periods.entries()) {
		const d = deliveries.get(period);
		let outcome: PeriodOutcome;
		if (!d) outcome = { kind: i === 0 ? "upcoming" : reader.status === "paused" ? "paused" : "not_planned" };
		else if (d.status === "sent") outcome = { kind: "sent", papers: d.paperIds.length, at: d.sentAt ?? d.createdAt };
		else if (d.status === "skipped") outcome = await skippedOutcome(deps, d);
		else if (d.status === "failed" || d.status === "unknown") outcome = { kind: "failed" };
		else outcome = { kind: "on_its_way" };
		entries.push({ period, outcome });
	}
	return entries;
}

/** The papers a sent digest carried, for the reader's web archive; not_found for anything else. */
export async function archivedDigest(
	deps: Pick<Deps, "db">,
	reader: Reader,
	period: string,
): Promise<{ period: string; sentAt: string; papers: Paper[] }> {
	const [d] = await listReaderDeliveriesIn(deps.db, reader.id, [period]);
	if (d?.status !== "sent") throw new AppError("not_found", "There is no digest of yours for that period.");
	const byId = new Map((await getPapersByIds(deps.db, d.paperIds)).map((p) => [p.id, p]));
	// In the digest's order; a paper no longer stored is left out.
	return { period, sentAt: d.sentAt ?? d.createdAt, papers: d.paperIds.flatMap((id) => byId.get(id) ?? []) };
}
