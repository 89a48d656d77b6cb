/**
 * Addresses we never write to again: bounce and complaint reports (the admin endpoint,
 * `paperboy suppress`) and 5.1.x rejections (the sender). Both edges end here.
 */
import * as z from "zod";
import { addSuppression, removeSuppression } from "../db/suppressions.ts";
import type { Deps } from "../deps.ts";
import { emailField } from "./form-schemas.ts";

export const suppressionReasons = ["bounce", "complaint", "manual"] as const;
export type SuppressionReason = (typeof suppressionReasons)[number];

/** An address on the suppression list: why, and since when. */
export interface Suppression {
	email: string;
	reason: SuppressionReason;
	/** What the report or the mail server said, if anything. */
	detail: string | null;
	at: string;
}

/** A bounce or complaint report, e.g. from a mail provider's webhook. */
export const suppressionReport = z.object({
	email: emailField,
	reason: z.enum(suppressionReasons),
	detail: z.string().max(1000).optional(),
});

/** Stops all mail to an address from now on (digests check it at plan and send time). */
export async function suppressAddress(
	deps: Pick<Deps, "db" | "clock" | "log">,
	report: z.infer<typeof suppressionReport>,
): Promise<void> {
	await addSuppression(deps.db, {
		email: report.email,
		reason: report.reason,
		detail: report.detail ?? null,
		at: deps.clock.now().toISOString(),
	});
	deps.log.info("address suppressed", { reason: report.reason });
}

/** Lets an address receive mail again; false when it was not suppressed. */
export async function allowAddress(deps: Pick<Deps, "db" | "log">, email: string): Promise<boolean> {
	const removed = await removeSuppression(deps.db, email);
	if (removed) deps.log.info("address allowed again");
	return removed;
}
