import { expect, it } from "vitest";
import { pruneExpired } from "../../src/core/jobs/housekeeping.ts";
import { days, hours } from "../helpers/clock.ts";
import { useJourney } from "../helpers/journey.ts";
import { signup } from "../helpers/web.ts";

const j = useJourney();

const count = async (table: "rate_limits" | "tokens") =>
	Number(
		(
			await j.rt.deps.db
				.selectFrom(table)
				.select((eb) => eb.fn.countAll<number>().as("n"))
				.executeTakeFirstOrThrow()
		).n,
	);

it("drops expired confirmation links and rate-limit counters that can no longer decide anything", async () => {
	await signup(j.rt, "old@example.org", "diffusion");
	await j.rt.idle();
	expect(await count("tokens")).toBe(1);
	// Per signup: the per-network count, the mailbox's cooldown and daily count, the hour's
	// signup mail, and the used form stamp.
	expect(await count("rate_limits")).toBe(5);

	j.rt.clock.advance(days(3));
	await signup(j.rt, "new@example.org", "diffusion");
	await j.rt.idle();
	expect(await pruneExpired(j.rt.deps)).toEqual({ expiredTokens: 1, oldDeliveries: 0 });
	// What belongs to the recent signup stays: its link still works, its limits still count.
	expect(await count("tokens")).toBe(1);
	expect(await count("rate_limits")).toBe(5);

	j.rt.clock.advance(hours(49));
	expect(await pruneExpired(j.rt.deps)).toEqual({ expiredTokens: 1, oldDeliveries: 0 });
	expect(await count("rate_limits")).toBe(0);
});
