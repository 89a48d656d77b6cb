import { describe, expect, it } from "vitest";
import type { Db } from "../../src/core/db/schema.ts";
import { addSuppression } from "../../src/core/db/suppressions.ts";
import type { ReaderStatus } from "../../src/core/subscriptions/reader.ts";
import { createApp } from "../../src/core/web/app.tsx";
import { readerWithStatus, settledMail, subscriberRow, useJourney } from "../helpers/journey.ts";
import { get, inputValue, postForm, signup } from "../helpers/web.ts";

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

describe("a valid signup does the same work whatever the address's state", () => {
	it("runs the same SQL statements for new, pending, active, paused, unsubscribed, throttled and suppressed", async () => {
		for (const status of states) await readerWithStatus(j, `${status}@example.org`, status);
		await addSuppression(j.rt.deps.db, {
			email: "suppressed@example.org",
			reason: "bounce",
			detail: "550 5.1.1",
			at: j.rt.clock.now().toISOString(),
		});
		// Signed up a minute ago: within the mail cooldown.
		await signup(j.rt, "throttled@example.org", "diffusion");
		await j.rt.idle();
		j.rt.clock.advance(60_000);

		// The same app over a database handle that records every statement it runs.
		let statements: string[] = [];
		const db: Db = j.rt.deps.db.withPlugin({
			transformQuery: ({ node, queryId }) => {
				statements.push(db.getExecutor().compileQuery(node, queryId).sql);
				return node;
			},
			transformResult: async ({ result }) => result,
		});
		const recorded = { ...j.rt, app: createApp(j.rt.deps.config, { deps: () => ({ ...j.rt.deps, db }) }) };
		const work: Record<string, string[]> = {};
		for (const who of [...states, "throttled", "suppressed"]) {
			const page = await (await get(recorded, "/")).text();
			j.rt.clock.advance(5_000);
			statements = [];
			const res = await postForm(recorded, "/subscribe", {
				email: `${who}@example.org`,
				keywords: "state space models",
				stamp: inputValue(page, "stamp"),
			});
			expect(res.status, who).toBe(200);
			// The request's work; the mail queued by it is sent after the response.
			work[who] = [...statements];
			await j.rt.idle();
		}
		expect(work.new?.length).toBeGreaterThan(5);
		for (const [who, ran] of Object.entries(work)) expect(ran, who).toEqual(work.new);
		// Behind the same work, mail only where it is due.
		expect(j.sink.messages.map((m) => m.envelopeTo[0]).slice(-5)).toEqual(
			["new", "pending", "active", "paused", "unsubscribed"].map((s) => `${s}@example.org`),
		);
	});
});
