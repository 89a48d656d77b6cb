/**
 * The admin deliveries page: failed deliveries and those waiting for a retry, with the
 * last error, and "retry now", which makes one due and sends it after the response
 * through the outbox like any other (its claim decides, so it cannot go out twice).
 */
import * as z from "zod";
import { listTroubledDeliveries, markDeliveryDue } from "../db/deliveries.ts";
import type { Deps } from "../deps.ts";
import { drainOutbox } from "../digest/outbox.ts";
import { AppError } from "../errors.ts";

export const troubledLimit = 200;

export const troubledDeliveries = (deps: Pick<Deps, "db">) => listTroubledDeliveries(deps.db, troubledLimit);

export const retryForm = z.object({ id: z.coerce.number().int().positive() });

export async function retryDeliveryNow(deps: Deps, id: number): Promise<void> {
	if (!(await markDeliveryDue(deps.db, id, deps.clock.now().toISOString()))) {
		throw new AppError(
			"invalid_input",
			"That delivery cannot be retried: it was sent, superseded by a newer digest, or is not waiting.",
		);
	}
	deps.log.info("delivery retried by the operator", { deliveryId: id });
	deps.defer(drainOutbox(deps, { ids: [id] }));
}
