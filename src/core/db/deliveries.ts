import type { Db, DeliveryRow } from "./schema.ts";

export function listDeliveriesForSubscriber(db: Db, subscriberId: number): Promise<DeliveryRow[]> {
	return db
		.selectFrom("deliveries")
		.selectAll()
		.where("subscriber_id", "=", subscriberId)
		.orderBy("created_at", "desc")
		.execute();
}
