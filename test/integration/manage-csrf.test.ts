import { beforeEach, describe, expect, it } from "vitest";
import { confirmedReader, type Reader, subscriberRow, tokenCount, useJourney } from "../helpers/journey.ts";
import { oneClickUnsubscribe, postForm } from "../helpers/web.ts";

const j = useJourney();
let reader: Reader;
let other: Reader;

beforeEach(async () => {
	reader = await confirmedReader(j, "reader@example.org", "diffusion");
	other = await confirmedReader(j, "other@example.org", "retrieval");
});

/** Every manage form with the fields it needs, minus the CSRF token. */
const forms = (): { path: string; fields: Record<string, string> }[] => [
	{ path: reader.managePath, fields: { keywords: "hijacked", frequency: "daily", paused: "on" } },
	{ path: `${reader.managePath}/data-link`, fields: {} },
	{ path: `${reader.managePath}/sign-out`, fields: {} },
];

async function expectUntouched() {
	const row = await subscriberRow(j.rt, reader.email);
	expect(row?.status).toBe("active");
	expect(JSON.parse(row?.keywords ?? "[]")).toEqual(["diffusion"]);
	expect(row?.frequency).toBe("weekly");
	// Per reader: the used confirmation, the manage, unsubscribe and voting links, and the feed
	// link (on file once the manage page opened); no data link, nothing signed out.
	expect(await tokenCount(j.rt)).toBe(10);
	expect(j.sink.to(reader.email)).toHaveLength(1);
}

describe("manage forms refuse forged posts", () => {
	it("without the hidden csrf field", async () => {
		for (const { path, fields } of forms()) {
			const res = await postForm(j.rt, path, fields);
			expect(res.status, path).toBe(403);
			expect(await res.text()).toContain("Reload the page and try again");
		}
		await expectUntouched();
	});

	it("with another reader's csrf field", async () => {
		for (const { path, fields } of forms()) {
			expect((await postForm(j.rt, path, { ...fields, csrf: other.csrf })).status, path).toBe(403);
			const altered = reader.csrf.slice(0, -1) + (reader.csrf.endsWith("A") ? "B" : "A");
			expect((await postForm(j.rt, path, { ...fields, csrf: altered })).status).toBe(403);
		}
		await expectUntouched();
	});

	it("from another site, even with the right csrf field", async () => {
		for (const { path, fields } of forms()) {
			const withCsrf = { ...fields, csrf: reader.csrf };
			expect((await postForm(j.rt, path, withCsrf, { origin: "https://evil.example" })).status, path).toBe(403);
			expect((await postForm(j.rt, path, withCsrf, { origin: "null" })).status, path).toBe(403);
			const crossSite = { origin: "", "sec-fetch-site": "cross-site" };
			expect((await postForm(j.rt, path, withCsrf, crossSite)).status, path).toBe(403);
		}
		await expectUntouched();
	});

	it("from a page on another host that the request names as Host (BASE_URL's origin is the only own one)", async () => {
		for (const { path, fields } of forms()) {
			const res = await j.rt.app.request(`http://evil.test${path}`, {
				method: "POST",
				headers: { "content-type": "application/x-www-form-urlencoded", origin: "http://evil.test", host: "evil.test" },
				body: new URLSearchParams({ ...fields, csrf: reader.csrf }).toString(),
			});
			expect(res.status, path).toBe(403);
		}
		await expectUntouched();
	});

	it("resubscribe as well", async () => {
		await oneClickUnsubscribe(j.rt, reader.unsubscribeToken);
		for (const fields of [{}, { csrf: other.csrf }] as Record<string, string>[]) {
			expect((await postForm(j.rt, `${reader.managePath}/resubscribe`, fields)).status).toBe(403);
		}
		expect((await subscriberRow(j.rt, reader.email))?.status).toBe("unsubscribed");
	});

	it("but accept the page's own post, also from a browser that sends only Sec-Fetch-Site", async () => {
		const res = await postForm(
			j.rt,
			reader.managePath,
			{ keywords: "retrieval", csrf: reader.csrf },
			{ origin: "", "sec-fetch-site": "same-origin" },
		);
		expect(res.status).toBe(303);
		expect(JSON.parse((await subscriberRow(j.rt, reader.email))?.keywords ?? "[]")).toEqual(["retrieval"]);
	});
});
