import * as z from "zod";
import { addSuppression } from "../db/suppressions.ts";
import type { Deps } from "../deps.ts";
import { emailField } from "./form-schemas.ts";

/** A bounce or complaint report, e.g. from a mail provider's webhook. */
export const suppressionReport = z.object({
	email: emailField,
	reason: z.enum(["bounce", "complaint", "manual"]),
	detail: z.string().max(1000).optional(),
});

/** Stops all mail to an address from now on (digests check it at plan and send time). */
export async function suppressAddress(deps: Deps, report: z.infer<typeof suppressionReport>): Promise<void> {
	await addSuppression(deps.db, {
		email: report.email,
		reason: report.reason,
		detail: report.detail ?? null,
		at: deps.clock.now().toISOString(),
	});
	deps.log.info("address suppressed", { reason: report.reason });
}
