import { describe, expect, it } from "vitest";
import { confirmedReader, settledMail, subscriberRow, useJourney } from "../helpers/journey.ts";
import { fieldError, get, oneClickUnsubscribe, postForm, textareaText } from "../helpers/web.ts";

const j = useJourney();

describe("the manage page", () => {
	it("shows the address, topics, schedule and status, with the unsubscribe link", async () => {
		const reader = await confirmedReader(j, "reader@example.org", "state space models, diffusion");
		const res = await get(j.rt, reader.managePath);
		expect(res.status).toBe(200);
		const page = await res.text();
		expect(page).toContain("reader@example.org");
		expect(textareaText(page, "keywords")).toBe("state space models, diffusion");
		expect(page).toMatch(/value="weekly" checked/);
		expect(page).toContain('<dd id="status">Active</dd>');
		expect(page).toContain(`href="/unsubscribe/${reader.unsubscribeToken}"`);
		expect(page).toContain(`action="${reader.managePath}/data-link"`);
		expect(page).toContain(`action="${reader.managePath}/sign-out"`);
		expect(page).not.toContain("data.json");
	});

	it("saves topics and frequency, then shows them", async () => {
		const reader = await confirmedReader(j, "reader@example.org");
		const saved = await postForm(j.rt, reader.managePath, {
			keywords: "mixture of experts\nretrieval",
			frequency: "daily",
			csrf: reader.csrf,
		});
		expect(saved.status).toBe(303);
		expect(saved.headers.get("location")).toBe(`${reader.managePath}?saved=1`);
		const page = await (await get(j.rt, `${reader.managePath}?saved=1`)).text();
		expect(page).toContain("Saved.");
		expect(textareaText(page, "keywords")).toBe("mixture of experts, retrieval");
		expect(page).toMatch(/value="daily" checked/);
		expect((await subscriberRow(j.rt, reader.email))?.frequency).toBe("daily");
	});

	it("pauses and resumes", async () => {
		const reader = await confirmedReader(j, "reader@example.org");
		await postForm(j.rt, reader.managePath, { keywords: "diffusion", paused: "on", csrf: reader.csrf });
		expect((await subscriberRow(j.rt, reader.email))?.status).toBe("paused");
		const page = await (await get(j.rt, reader.managePath)).text();
		expect(page).toContain("Paused: no digests until you resume");
		expect(page).toMatch(/name="paused" value="on" checked/);

		await postForm(j.rt, reader.managePath, { keywords: "diffusion", csrf: reader.csrf });
		expect((await subscriberRow(j.rt, reader.email))?.status).toBe("active");
	});

	it("re-renders invalid changes with what was typed and changes nothing", async () => {
		const reader = await confirmedReader(j, "reader@example.org");
		const res = await postForm(j.rt, reader.managePath, {
			keywords: "<b>bold</b>, ???",
			frequency: "hourly",
			csrf: reader.csrf,
		});
		expect(res.status).toBe(422);
		const page = await res.text();
		expect(textareaText(page, "keywords")).toBe("&lt;b&gt;bold&lt;/b&gt;, ???");
		expect(fieldError(page, "keywords")).toContain("cannot match any paper");
		expect(page).toContain("Choose weekly or daily.");
		const row = await subscriberRow(j.rt, reader.email);
		expect(JSON.parse(row?.keywords ?? "[]")).toEqual(["diffusion"]);
		expect(row?.frequency).toBe("weekly");
	});

	it("offers a way back after unsubscribing, without a new confirmation", async () => {
		const reader = await confirmedReader(j, "reader@example.org");
		await oneClickUnsubscribe(j.rt, reader.unsubscribeToken);
		const page = await (await get(j.rt, reader.managePath)).text();
		expect(page).toContain("Unsubscribed: you get no email from us");
		expect(page).not.toContain(`href="/unsubscribe/${reader.unsubscribeToken}"`);
		expect(page).toContain(`action="${reader.managePath}/resubscribe"`);

		const back = await postForm(j.rt, `${reader.managePath}/resubscribe`, { csrf: reader.csrf });
		expect(back.status).toBe(303);
		const row = await subscriberRow(j.rt, reader.email);
		expect(row?.status).toBe("active");
		expect(row?.unsubscribed_at).toBeNull();
		expect(await settledMail(j)).toHaveLength(1);
	});

	it("answers an unknown link with a friendly 404", async () => {
		for (const path of ["/manage/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "/manage/short", "/manage/%ff%fe"]) {
			const res = await get(j.rt, path);
			expect(res.status, path).toBe(404);
			expect(await res.text()).toContain("This link does not open a subscription (any more).");
		}
	});
});
