/** The admin suppressions page: every suppressed address with its reason and time; remove one. */
import * as z from "zod";
import { countSuppressionsByReason, listSuppressions } from "../db/suppressions.ts";
import type { Deps } from "../deps.ts";
import { emailField } from "../subscriptions/form-schemas.ts";

export const suppressionsShown = 500;

export async function suppressionList(deps: Pick<Deps, "db">) {
	return {
		counts: await countSuppressionsByReason(deps.db),
		suppressions: await listSuppressions(deps.db, { limit: suppressionsShown }),
	};
}

export const removeSuppressionForm = z.object({ email: emailField });
