import { beforeEach, describe, expect, it } from "vitest";
import { runDigest } from "../../src/core/jobs/run-job.ts";
import { ingest } from "../../src/core/papers/ingest.ts";
import { hours } from "../helpers/clock.ts";
import { useJourney } from "../helpers/journey.ts";
import { fixtures, readFixture } from "../helpers/paper-fixtures.ts";
import { addPapers, addReaders, paper } from "../helpers/readers.ts";
import type { Received } from "../helpers/smtp-sink.ts";

/** Digests for author, category and acronym topics, as a reader receives them. */

const j = useJourney();

beforeEach(() => {
	// Seed papers are first seen on Monday 2026-11-23 08:00 UTC; more come half an hour later.
	j.rt.clock.advance(hours(0.5));
});

/** The weekly digest, an hour after the papers came. */
async function digestFor(readers: Record<string, string>) {
	await addReaders(j.rt, readers);
	j.rt.clock.advance(hours(1));
	await runDigest(j.rt.deps, ["weekly"]);
	await j.sink.waitFor(Object.keys(readers).length);
}

const mailTo = (email: string): Received => {
	const mail = j.sink.messages.find((m) => m.envelopeTo.includes(email));
	if (!mail) throw new Error(`no digest for ${email}`);
	return mail;
};
const titles = (mail: Received) => [...(mail.parsed.text ?? "").matchAll(/^\d+\. (.+)$/gm)].map((m) => m[1]);

describe("digests for topics that know the field", () => {
	it("put papers by a followed author first and say who wrote them", async () => {
		await addPapers(j.rt, [
			paper("2611.00001", "Linear-Time Sequence Modeling", "A new architecture for long sequences.", {
				authors: ["Albert Gu", "Tri Dao"],
			}),
			paper("2611.00002", "Unrelated work", "Nothing in common.", { authors: ["Anna Gu"] }),
		]);
		await digestFor({ "ann@example.org": 'state space models, author:"Albert Gu"' });
		const mail = mailTo("ann@example.org");
		expect(titles(mail)[0]).toBe("Linear-Time Sequence Modeling");
		expect(titles(mail)).toHaveLength(6);
		expect(titles(mail)).not.toContain("Unrelated work");
		expect(mail.parsed.text).toMatch(/Linear-Time Sequence Modeling\n\s+Albert Gu, Tri Dao\n\s+Matched: by Albert Gu/);
		expect(mail.parsed.html).toContain("Matched: by Albert Gu");
		expect(mail.parsed.subject).toBe("6 new papers by Albert Gu and on state space models");
	});

	it("keep a category topic to its category, with words when given", async () => {
		await ingest(j.rt.deps, { source: "rss", payload: { text: readFixture(fixtures.rss), origin: "rss" } });
		await digestFor({ "cat@example.org": "cat:stat.*", "both@example.org": "cat:cs.LG time series" });
		expect(titles(mailTo("cat@example.org"))).toEqual(["Outlier Detection for Multi-Network Data"]);
		expect(mailTo("cat@example.org").parsed.subject).toBe("1 new paper in stat.*");
		const both = mailTo("both@example.org");
		expect(titles(both)).toHaveLength(1);
		expect(both.parsed.text).toContain("Matched: time series in cs.LG");
	});

	it("expand an acronym unless it is quoted", async () => {
		await digestFor({ "moe@example.org": "MoE", "literal@example.org": '"MoE"' });
		const expanded = titles(mailTo("moe@example.org"));
		const literal = titles(mailTo("literal@example.org"));
		expect(expanded.length).toBeGreaterThan(literal.length);
		expect(expanded).toEqual(expect.arrayContaining(literal));
		const extra = expanded.filter((t) => !literal.includes(t));
		expect(extra.join(" ")).toMatch(/Mixture of Experts/i);
		expect(extra.join(" ")).not.toMatch(/MoE/);
	});
});
