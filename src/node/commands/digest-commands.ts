import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { previewDigestFor } from "../../core/digest/next-digest.ts";
import { drainOutbox, dryRunDigest, retryFailedDeliveries } from "../../core/digest/outbox.ts";
import { AppError } from "../../core/errors.ts";
import { runDigest } from "../../core/jobs/run-job.ts";
import { normaliseEmail } from "../../core/subscriptions/email.ts";
import { readerByEmail } from "../../core/subscriptions/find-reader.ts";
import type { Frequency } from "../../core/subscriptions/reader.ts";
import { clockFrom } from "./clock-option.ts";
import { defineCommand } from "./command.ts";

function frequenciesOf(value: string | boolean | undefined): Frequency[] {
	if (value === undefined || value === "all") return ["weekly", "daily"];
	if (value === "weekly" || value === "daily") return [value];
	throw new AppError("invalid_input", `--frequency must be weekly, daily or all, not "${String(value)}"`);
}

/** `paperboy digest` ends with this when deliveries wait for a retry (sysexits' EX_TEMPFAIL). */
export const exitRetryLater = 75;

export const digest = defineCommand({
	summary: "plan this period's digests and send everything due",
	usage: "paperboy digest [--now ISO] [--dry-run] [--retry-failed] [--frequency weekly|daily|all]",
	options: {
		now: { type: "string" },
		"dry-run": { type: "boolean" },
		"retry-failed": { type: "boolean" },
		frequency: { type: "string" },
	},
	async run(ctx, values) {
		const clock = clockFrom(values.now);
		const frequencies = frequenciesOf(values.frequency);
		const { deps } = ctx.runtime({ clock });
		if (values["dry-run"]) {
			const s = await dryRunDigest(deps, frequencies);
			ctx.out(
				`digest dry run (${s.periods.join(", ")}): ${s.readers} readers due, ${s.wouldSend} would get a digest, ${s.wouldSkip} have no new matching papers, ${s.papers} papers in all; nothing sent or written`,
			);
			return;
		}
		if (values["retry-failed"]) {
			const retried = await retryFailedDeliveries(deps, frequencies);
			ctx.out(`digest: ${retried.requeued} failed deliveries of ${retried.periods.join(", ")} put back to send again`);
		}
		const s = await runDigest(deps, frequencies, {
			fetch: globalThis.fetch,
			deliver: (d) =>
				drainOutbox(d, {
					onProgress: (p) =>
						ctx.progress(`digest: ${p.sent} sent, ${p.skipped} skipped, ${p.failed} failed, ${p.retrying} retrying`),
				}),
		});
		ctx.out(
			`digest (${s.periods.join(", ")}): ${s.planned} planned, ${s.sent} sent, ${s.skipped} skipped (no new papers or not active), ${s.failed} failed, ${s.retrying} waiting to retry`,
		);
		if (s.failed) {
			throw new AppError(
				"unavailable",
				`${s.failed} ${s.failed === 1 ? "delivery" : "deliveries"} failed for good (the reason is in each one's last_error); \`paperboy digest --retry-failed\` puts them back`,
			);
		}
		// Not an error, but not done either: a cron wrapper can tell (the drain retries them when due).
		if (s.retrying) ctx.exitCode(exitRetryLater);
	},
});

export const preview = defineCommand({
	summary: "write the digest a reader would get now as HTML and text files",
	usage: "paperboy preview --email ADDRESS [--out DIR] [--now ISO]",
	options: { email: { type: "string" }, out: { type: "string" }, now: { type: "string" } },
	async run(ctx, values) {
		const email = normaliseEmail(String(values.email ?? ""));
		if (!email) throw new AppError("invalid_input", "--email ADDRESS is required and must be an email address");
		const { deps } = ctx.runtime({ clock: clockFrom(values.now) });
		const { window, digest } = await previewDigestFor(deps, await readerByEmail(deps, email));
		if (!digest) {
			ctx.out(
				`preview: no papers added between ${window.from} and now match ${email}'s topics; no digest would be sent`,
			);
			return;
		}
		const dir = resolve(String(values.out ?? "."));
		mkdirSync(dir, { recursive: true });
		const base = join(dir, `digest-${email.replace(/[^\w.@+-]/g, "_")}`);
		writeFileSync(`${base}.html`, digest.rendered.html);
		writeFileSync(`${base}.txt`, digest.rendered.text);
		ctx.out(`preview: "${digest.rendered.subject}" written to ${base}.html and ${base}.txt`);
	},
});
