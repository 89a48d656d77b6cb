import { describe, expect, it } from "vitest";
import { hours, minutes, seconds } from "../helpers/clock.ts";
import { lastMailTo, subscriberRow, useJourney } from "../helpers/journey.ts";
import { get, inputValue, linkIn, postForm, signup } from "../helpers/web.ts";

const j = useJourney();

async function pendingSignup(email: string): Promise<string> {
	await signup(j.rt, email, "diffusion");
	return linkIn(await lastMailTo(j, email), "/confirm/");
}

describe("the confirmation link", () => {
	it("still works just before 48 hours", async () => {
		const link = await pendingSignup("late@example.org");
		j.rt.clock.advance(hours(48) - seconds(1));
		expect((await get(j.rt, link)).status).toBe(303);
		expect((await subscriberRow(j.rt, "late@example.org"))?.status).toBe("active");
	});

	it("expires after 48 hours with a friendly page and changes nothing", async () => {
		const link = await pendingSignup("slow@example.org");
		j.rt.clock.advance(hours(48));
		const res = await get(j.rt, link);
		expect(res.status).toBe(410);
		const page = await res.text();
		expect(page).toContain("This link has expired");
		expect(page).toContain("Sign up again");
		expect(page).toContain('href="/"');
		const row = await subscriberRow(j.rt, "slow@example.org");
		expect(row?.status).toBe("pending");
		expect(row?.confirmed_at).toBeNull();

		// Signing up again sends a fresh link that works.
		const fresh = await pendingSignup("slow@example.org");
		expect(fresh).not.toBe(link);
		expect((await get(j.rt, fresh)).status).toBe(303);
		expect((await subscriberRow(j.rt, "slow@example.org"))?.status).toBe("active");
	});

	it("used twice shows a friendly page and does not undo what the reader changed since", async () => {
		const link = await pendingSignup("twice@example.org");
		const first = await get(j.rt, link);
		const managePath = new URL(first.headers.get("location") ?? "", "http://x").pathname;
		const csrf = inputValue(await (await get(j.rt, managePath)).text(), "csrf");
		await postForm(j.rt, managePath, { keywords: "diffusion", paused: "on", csrf });
		const confirmedAt = (await subscriberRow(j.rt, "twice@example.org"))?.confirmed_at;

		j.rt.clock.advance(minutes(5));
		const again = await get(j.rt, link);
		expect(again.status).toBe(410);
		const page = await again.text();
		expect(page).toContain("This link was already used");
		expect(page).toContain("you are all set");
		const row = await subscriberRow(j.rt, "twice@example.org");
		expect(row?.status).toBe("paused");
		expect(row?.confirmed_at).toBe(confirmedAt);
	});

	it("answers an unknown or malformed token with a friendly 404", async () => {
		await pendingSignup("someone@example.org");
		for (const path of [
			"/confirm/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
			"/confirm/not-a-token",
			"/confirm/%00%0d%0a",
		]) {
			const res = await get(j.rt, path);
			expect(res.status, path).toBe(404);
			expect(await res.text()).toContain("This link is not valid");
		}
		expect((await subscriberRow(j.rt, "someone@example.org"))?.status).toBe("pending");
	});

	it("is a manage link for nobody: a confirm token does not open the manage page", async () => {
		const link = await pendingSignup("mixup@example.org");
		const token = link.split("/")[2] ?? "";
		expect((await get(j.rt, `/manage/${token}`)).status).toBe(404);
		expect((await get(j.rt, `/unsubscribe/${token}`)).status).toBe(404);
	});
});
