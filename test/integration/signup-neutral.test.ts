import { describe, expect, it } from "vitest";
import { addSuppression } from "../../src/core/db/suppressions.ts";
import type { ReaderStatus } from "../../src/core/subscriptions/reader.ts";
import { readerWithStatus, settledMail, subscriberRow, useJourney } from "../helpers/journey.ts";
import { signup } from "../helpers/web.ts";

const j = useJourney();

const states: (ReaderStatus | "new")[] = ["new", "pending", "active", "paused", "unsubscribed"];

/** The "check your inbox" page with the address it echoes taken out. */
async function neutralPage(email: string, extra: Record<string, string> = {}) {
	const res = await signup(j.rt, email, "state space models", extra);
	const body = await res.text();
	expect(body).toContain(email);
	return { status: res.status, page: body.replaceAll(email, "ADDRESS") };
}

describe("a valid signup always gets the same answer", () => {
	it("is byte-identical for new, pending, active, paused and unsubscribed addresses", async () => {
		for (const status of states) await readerWithStatus(j, `${status}@example.org`, status);
		j.sink.clear();

		const answers = [];
		for (const status of states) answers.push(await neutralPage(`${status}@example.org`));
		for (const answer of answers) {
			expect(answer.status).toBe(200);
			expect(answer.page).toBe(answers[0]?.page);
		}
		expect(answers[0]?.page).toContain("Check your inbox");

		// Behind the same page: a confirmation to anyone unconfirmed, a manage link to readers.
		const subjects = Object.fromEntries(
			(await settledMail(j)).map((m) => [m.envelopeTo[0]?.split("@")[0], m.parsed.subject]),
		);
		expect(subjects).toEqual({
			new: "Confirm your paperboy subscription",
			pending: "Confirm your paperboy subscription",
			active: "Your paperboy subscription",
			paused: "Your paperboy subscription",
			unsubscribed: "Confirm your paperboy subscription",
		});
		expect((await subscriberRow(j.rt, "unsubscribed@example.org"))?.status).toBe("pending");
		expect((await subscriberRow(j.rt, "paused@example.org"))?.status).toBe("paused");
	});

	it("is the same when the signup is dropped as a bot, throttled, or the address is suppressed", async () => {
		const reference = await neutralPage("someone@example.org");
		await addSuppression(j.rt.deps.db, {
			email: "bounced@example.org",
			reason: "bounce",
			detail: "550 5.1.1",
			at: j.rt.clock.now().toISOString(),
		});
		expect(await neutralPage("bounced@example.org")).toEqual(reference);
		expect(await neutralPage("bot@example.org", { website: "https://spam.example" })).toEqual(reference);
		expect(await neutralPage("someone@example.org")).toEqual(reference);
		expect((await settledMail(j)).map((m) => m.envelopeTo[0])).toEqual(["someone@example.org"]);
	});
});
