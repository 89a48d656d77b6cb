import { recentBounces } from "../../core/bounces/record-bounce.ts";
import { AppError } from "../../core/errors.ts";
import { checkSources, sourceStatuses } from "../../core/papers/source-alarms.ts";
import { clockFrom } from "./clock-option.ts";
import { defineCommand } from "./command.ts";

export const bounces = defineCommand({
	summary: "bounces and complaints received lately, newest first",
	usage: "paperboy bounces [--days 30] [--limit 50] [--now ISO]",
	options: { days: { type: "string" }, limit: { type: "string" }, now: { type: "string" } },
	async run(ctx, values) {
		const days = whole(values.days, "--days", 30, 3650);
		const limit = whole(values.limit, "--limit", 50, 10_000);
		const { deps } = ctx.runtime({ clock: clockFrom(values.now) });
		const { counts, bounces } = await recentBounces(deps, { days, limit });
		ctx.out(`last ${days} days: ${counts.hard} hard, ${counts.soft} soft, ${counts.complaint} complaints`);
		for (const b of bounces) {
			const what = [b.status, b.feedbackType, b.diagnostic].filter(Boolean).join(" ");
			ctx.out(
				`${b.at}  ${b.kind.padEnd(9)}  ${b.email}  ${b.source}${b.deliveryId ? ` delivery ${b.deliveryId}` : ""}  ${what}`,
			);
		}
	},
});

export const sources = defineCommand({
	summary: "each paper source's last good ingest, and its alarm when stale (mails ADMIN_EMAIL once per incident)",
	usage: "paperboy sources [--now ISO]",
	options: { now: { type: "string" } },
	async run(ctx, values) {
		const { deps } = ctx.runtime({ clock: clockFrom(values.now) });
		await checkSources(deps);
		const statuses = await sourceStatuses(deps);
		if (!statuses.length) ctx.out("no paper sources configured (INGEST_SOURCES=none)");
		for (const s of statuses) {
			if (s.ageHours === null) {
				ctx.out(`${s.source}  no scheduled ingest yet`);
				continue;
			}
			const state = s.alarm ? `ALARM ${s.alarm} since ${s.alarmSince}` : "ok";
			ctx.out(
				`${s.source}  last good ingest ${s.lastSuccessAt ?? "never"} (${Math.floor(s.ageHours)} h ago)  ${state}`,
			);
		}
	},
});

/** A whole number option within 1..max, or its default. */
function whole(value: string | boolean | undefined, name: string, fallback: number, max: number): number {
	if (value === undefined) return fallback;
	const n = Number(value);
	if (!Number.isInteger(n) || n < 1 || n > max) {
		throw new AppError("invalid_input", `${name} must be a whole number from 1 to ${max}, not "${String(value)}"`);
	}
	return n;
}
