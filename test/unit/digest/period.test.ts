import { describe, expect, it } from "vitest";
import { isoWeek, periodFor } from "../../../src/core/digest/period.ts";

describe("digest periods", () => {
	it("numbers ISO weeks across year ends", () => {
		expect(isoWeek("2026-11-23")).toBe("2026-W48");
		expect(isoWeek("2026-11-29")).toBe("2026-W48");
		expect(isoWeek("2026-11-30")).toBe("2026-W49");
		expect(isoWeek("2027-01-01")).toBe("2026-W53");
		expect(isoWeek("2027-01-04")).toBe("2027-W01");
		expect(isoWeek("2024-12-30")).toBe("2025-W01");
	});

	it("uses the schedule's time zone, not UTC", () => {
		// Sunday 23:30 UTC is already Monday in Berlin.
		const at = new Date("2026-11-29T23:30:00Z");
		expect(periodFor("weekly", at, "UTC")).toBe("weekly:2026-W48");
		expect(periodFor("weekly", at, "Europe/Berlin")).toBe("weekly:2026-W49");
		expect(periodFor("daily", at, "Europe/Berlin")).toBe("daily:2026-11-30");
	});

	it("changes exactly once a week, at local Monday midnight, through DST changes", () => {
		for (const [zone, start] of [
			["Europe/Berlin", "2026-03-23T00:00:00Z"], // spring forward on 2026-03-29
			["Europe/Berlin", "2026-10-19T00:00:00Z"], // fall back on 2026-10-25
			["America/New_York", "2026-11-02T12:00:00Z"], // fall back on 2026-11-01
		] as const) {
			const seen: string[] = [];
			for (let h = 0; h < 24 * 21; h++) {
				const period = periodFor("weekly", new Date(Date.parse(start) + h * 3600_000), zone);
				if (seen.at(-1) !== period) seen.push(period);
			}
			expect(seen.length, zone).toBe(new Set(seen).size);
			expect(seen.length, zone).toBeGreaterThanOrEqual(3);
			expect(seen.length, zone).toBeLessThanOrEqual(4);
		}
	});
});
