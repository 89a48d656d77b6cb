import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { hostileKeywords } from "../helpers/hostile.ts";
import { useJourney } from "../helpers/journey.ts";
import { get } from "../helpers/web.ts";

const j = useJourney({ RATE_LIMIT_PREVIEW_PER_IP_PER_MINUTE: "1000000" });

describe("GET /preview with arbitrary strings", () => {
	it("always answers JSON: a preview or the problem to show, never a failure", async () => {
		let previews = 0;
		await fc.assert(
			fc.asyncProperty(hostileKeywords, async (keywords) => {
				const res = await get(j.rt, `/preview?keywords=${encodeURIComponent(keywords)}`);
				expect(res.status, keywords).toBe(200);
				const body = (await res.json()) as { error?: string; topics?: unknown[] };
				expect(typeof body.error === "string" || Array.isArray(body.topics), keywords).toBe(true);
				if (body.topics) previews++;
			}),
			{ numRuns: 200 },
		);
		// Some inputs must be valid topics, or the preview half proves nothing.
		expect(previews).toBeGreaterThan(10);
	});
});
