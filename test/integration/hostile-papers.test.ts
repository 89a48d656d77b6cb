import { createServer, type Server } from "node:http";
import { afterAll, beforeAll, expect, it } from "vitest";
import { runDigest } from "../../src/core/jobs/run-job.ts";
import { ingest } from "../../src/core/papers/ingest.ts";
import { fieldLimits } from "../../src/core/papers/normalise.ts";
import { hours } from "../helpers/clock.ts";
import { useJourney } from "../helpers/journey.ts";
import { fixtures, rawHfItems } from "../helpers/paper-fixtures.ts";
import { addReaders } from "../helpers/readers.ts";

const j = useJourney();
// Format characters an upstream title could carry to disguise itself: overrides, isolates,
// marks, zero-width space, soft hyphen, word joiner, BOM.
const disguises = "\u202E\u202A\u202B\u202C\u202D\u2066\u2067\u2068\u2069\u200E\u200F\u200B\u00AD\u2060\uFEFF";

it("folds bidi and format characters out of ingested titles and authors, and bounds every field, in the store and in the digest", async () => {
	const [item] = rawHfItems(fixtures.hf2024) as unknown as [Record<string, Record<string, unknown>>];
	const authors = Array.from({ length: 5_000 }, (_, i) => ({
		name: `Author\u202E${i} ${"x".repeat(i === 0 ? 1_000 : 1)}`,
	}));
	item.paper = {
		...item.paper,
		id: "2410.99999",
		title: `Zyxquark \u202Egnp.exe\u202C networks${disguises} for ${"very ".repeat(400)}long titles`,
		summary: `Zyxquark ${"abstract ".repeat(10_000)}`,
		authors,
		ai_keywords: Array.from({ length: 500 }, (_, i) => `keyword ${i}`),
	};
	const summary = await ingest(j.rt.deps, {
		source: "hf",
		payload: { text: JSON.stringify([item]), origin: "hostile.json" },
	});
	expect(summary).toMatchObject({ new: 1, errors: 0 });

	const row = await j.rt.deps.db
		.selectFrom("papers")
		.selectAll()
		.where("id", "=", "2410.99999")
		.executeTakeFirstOrThrow();
	const stored = JSON.stringify(row);
	for (const ch of disguises) expect(stored).not.toContain(ch);
	expect(row.title.startsWith("Zyxquark gnp.exe networks for very very")).toBe(true);
	expect(row.title.length).toBe(fieldLimits.title);
	expect(row.title.endsWith("\u2026")).toBe(true);
	expect(row.abstract.length).toBe(fieldLimits.abstract);
	const storedAuthors = JSON.parse(row.authors) as string[];
	expect(storedAuthors).toHaveLength(fieldLimits.authors);
	expect(storedAuthors[0]).toHaveLength(fieldLimits.authorName);
	expect(storedAuthors[1]).toBe("Author1 x");
	expect(JSON.parse(row.ai_keywords ?? "[]")).toHaveLength(fieldLimits.aiKeywords);

	j.rt.clock.advance(hours(1));
	await addReaders(j.rt, { "ann@example.org": "zyxquark" });
	await runDigest(j.rt.deps, ["weekly"]);
	const [mail] = await j.sink.waitFor(1);
	for (const ch of disguises) {
		expect(mail?.raw.includes(ch)).toBe(false);
		expect(mail?.parsed.text?.includes(ch)).toBe(false);
		expect(String(mail?.parsed.html).includes(ch)).toBe(false);
	}
	expect(mail?.parsed.text).toContain("Zyxquark gnp.exe networks for very");
});

// A source that answers without end (a broken proxy, a hostile mirror): a body past the
// limit is refused as it streams, without reading the rest.
let endless: Server;
let endlessUrl: string;
let served = 0;
beforeAll(async () => {
	endless = createServer((_req, res) => {
		res.writeHead(200, { "content-type": "application/json" });
		const chunk = Buffer.alloc(1024 * 1024, " ");
		const more = () => {
			while (!res.destroyed && res.write(chunk)) served += chunk.length;
		};
		res.on("drain", more);
		res.write("[");
		more();
	});
	await new Promise<void>((resolve) => endless.listen(0, "127.0.0.1", resolve));
	endlessUrl = `http://127.0.0.1:${(endless.address() as { port: number }).port}/`;
});
afterAll(() => {
	endless.closeAllConnections();
	return new Promise<void>((resolve) => endless.close(() => resolve()));
});

it("refuses a paper source's answer once it passes 32 MiB, and stores nothing", async () => {
	const before = await j.rt.deps.db
		.selectFrom("papers")
		.select((eb) => eb.fn.countAll<number>().as("n"))
		.executeTakeFirstOrThrow();
	const run = ingest(j.rt.deps, { source: "hf", fetch: (_url, init) => fetch(endlessUrl, init) });
	await expect(run).rejects.toThrow("sent more than 32 MiB: refused");
	expect(served).toBeLessThan(64 * 1024 * 1024);
	const after = await j.rt.deps.db
		.selectFrom("papers")
		.select((eb) => eb.fn.countAll<number>().as("n"))
		.executeTakeFirstOrThrow();
	expect(after.n).toBe(before.n);
});
