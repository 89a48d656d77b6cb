/**
 * The admin suppressions page: every suppressed address with its reason and time (remove
 * one), and the bounces and complaints that arrived lately, which is why most are there.
 */
import * as z from "zod";
import { recentBounces } from "../bounces/record-bounce.ts";
import { countSuppressionsByReason, listSuppressions } from "../db/suppressions.ts";
import type { Deps } from "../deps.ts";
import { emailField } from "../subscriptions/form-schemas.ts";

export const suppressionsShown = 500;
export const bounceDays = 30;

export async function suppressionList(deps: Pick<Deps, "db" | "clock">) {
	return {
		counts: await countSuppressionsByReason(deps.db),
		suppressions: await listSuppressions(deps.db, { limit: suppressionsShown }),
		bounces: await recentBounces(deps, { days: bounceDays, limit: suppressionsShown }),
	};
}

export const removeSuppressionForm = z.object({ email: emailField });
