import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { expectNoInjectedMarkup, hostileKeywords, hostileText } from "../helpers/hostile.ts";
import { confirmedReader, subscriberRow, useJourney } from "../helpers/journey.ts";
import { get, oneClickUnsubscribe, postForm } from "../helpers/web.ts";

const j = useJourney();

describe("the manage endpoints with arbitrary strings", () => {
	it("never fail and never show input as markup, whatever is saved", async () => {
		const reader = await confirmedReader(j, "reader@example.org");
		const form = fc.record({
			keywords: hostileKeywords,
			frequency: fc.oneof({ weight: 3, arbitrary: fc.constantFrom("weekly", "daily") }, hostileText),
			paused: fc.oneof({ weight: 3, arbitrary: fc.constantFrom("on", undefined) }, hostileText),
			csrf: fc.oneof({ weight: 3, arbitrary: fc.constant(reader.csrf) }, { weight: 1, arbitrary: hostileText }),
		});
		let saved = 0;
		await fc.assert(
			fc.asyncProperty(form, async (fields) => {
				const { paused, ...rest } = fields;
				const res = await postForm(j.rt, reader.managePath, paused === undefined ? rest : { ...rest, paused });
				expect([303, 403, 422], JSON.stringify(fields)).toContain(res.status);
				expectNoInjectedMarkup(await res.text(), `answer to ${JSON.stringify(fields)}`);
				if (res.status === 303) saved++;
				const page = await (await get(j.rt, reader.managePath)).text();
				expectNoInjectedMarkup(page, `manage page after ${JSON.stringify(fields)}`);
			}),
			{ numRuns: 150 },
		);
		expect(saved).toBeGreaterThan(10);
		expect((await subscriberRow(j.rt, reader.email))?.email).toBe("reader@example.org");
	});

	it("answer arbitrary links and forged deletes without failing or changing anyone", async () => {
		const reader = await confirmedReader(j, "reader@example.org");
		const paths = (token: string) => [
			`/manage/${token}`,
			`/data/${token}`,
			`/data/${token}/data.json`,
			`/confirm/${token}`,
			`/unsubscribe/${token}`,
			`/manage/${reader.manageToken}?notice=${token}`,
		];
		await fc.assert(
			fc.asyncProperty(hostileText, hostileText, async (text, csrf) => {
				const token = encodeURIComponent(text);
				for (const path of paths(token)) {
					const res = await get(j.rt, path);
					expect(res.status, path).toBeLessThan(500);
					expectNoInjectedMarkup(await res.text(), path);
				}
				const posts = [
					`/data/${token}/delete`,
					`/manage/${token}/data-link`,
					`/manage/${token}/sign-out`,
					`/manage/${token}/resubscribe`,
					`/manage/${token}`,
				];
				for (const path of posts) {
					const res = await postForm(j.rt, path, { csrf, keywords: text });
					expect(res.status, path).toBeLessThan(500);
					expectNoInjectedMarkup(await res.text(), path);
				}
				for (const action of ["sign-out", "data-link"]) {
					expect((await postForm(j.rt, `${reader.managePath}/${action}`, { csrf })).status).toBe(403);
				}
				expect((await oneClickUnsubscribe(j.rt, token)).status).toBeLessThan(500);
			}),
			{ numRuns: 100 },
		);
		expect((await subscriberRow(j.rt, reader.email))?.status).toBe("active");
		expect((await get(j.rt, reader.managePath)).status).toBe(200);
	});
});
