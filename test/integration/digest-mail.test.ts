import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeEach, expect, it } from "vitest";
import { runDigest } from "../../src/core/jobs/run-job.ts";
import type { NormalisedPaper } from "../../src/core/papers/paper.ts";
import { paperSource, type SourceName } from "../../src/core/papers/sources/registry.ts";
import { storePapers } from "../../src/core/papers/store.ts";
import { hours } from "../helpers/clock.ts";
import { useJourney } from "../helpers/journey.ts";
import { fixturesDir } from "../helpers/paper-fixtures.ts";
import { addReaders } from "../helpers/readers.ts";
import type { Received } from "../helpers/smtp-sink.ts";

const j = useJourney({
	BASE_URL: "https://papers.example.org",
	MAIL_FROM: "Example Lab papers <digest@papers.example.org>",
	MAIL_POSTAL_ADDRESS: "Example Lab, 1 Main Street, 12345 Springfield",
});
beforeEach(async () => {
	await j.restart({}, { papers: "none" });
});

/** Every paper of the recorded payloads, parsed by its source as ingest does, once each. */
function fixturePapers(): { source: SourceName; paper: NormalisedPaper }[] {
	const folders: [string, SourceName][] = [
		["hf-daily-papers", "hf"],
		["arxiv-api", "arxiv"],
		["arxiv-rss", "rss"],
	];
	const byId = new Map<string, { source: SourceName; paper: NormalisedPaper }>();
	for (const [folder, source] of folders) {
		for (const name of readdirSync(join(fixturesDir, folder))) {
			let papers: NormalisedPaper[];
			try {
				papers = paperSource(source).parse(readFileSync(join(fixturesDir, folder, name), "utf8")).papers;
			} catch {
				continue; // the recorded error responses
			}
			for (const paper of papers) byId.set(paper.id, { source, paper });
		}
	}
	return [...byId.values()];
}

/** One part of a multipart message exactly as it crossed the wire: its headers and its encoded body. */
function rawPart(message: Received, type: string): { headers: string; body: string } {
	const boundary = /boundary="([^"]+)"/.exec(message.raw)?.[1];
	if (!boundary) throw new Error("not a multipart message");
	for (const part of message.raw.split(`--${boundary}`)) {
		const split = part.indexOf("\r\n\r\n");
		const headers = part.slice(0, split);
		if (new RegExp(`^Content-Type: ${type}`, "im").test(headers)) return { headers, body: part.slice(split + 4) };
	}
	throw new Error(`no ${type} part`);
}

/** The HTML goes out 7-bit: non-ASCII characters as numeric references. */
const decode = (html: string) =>
	html.replace(/&#(\d+);/g, (_, n: string) => String.fromCodePoint(Number(n))).replaceAll("&amp;", "&");

async function digestOfLongestPapers(): Promise<Received> {
	const longest = fixturePapers()
		.sort((a, b) => b.paper.abstract.length - a.paper.abstract.length)
		.slice(0, 20);
	for (const { source, paper } of longest) await storePapers(j.rt.deps, [paper], source);
	// "the" matches every abstract, so the digest carries all 20; the others add their labels.
	await addReaders(j.rt, { "reader@example.org": "large language models, reinforcement learning, agents, the" });
	j.rt.clock.advance(hours(1));
	expect((await runDigest(j.rt.deps, ["weekly"])).sent).toBe(1);
	const [digest] = await j.sink.waitFor(1);
	if (!digest) throw new Error("no digest");
	return digest;
}

it("sends 20 papers with the longest abstracts of the fixtures in an HTML part of at most 60 KB, as it leaves", async () => {
	const digest = await digestOfLongestPapers();
	expect(digest.parsed.subject).toMatch(/^20 new papers on /);
	const html = rawPart(digest, "text/html");
	// 7-bit: the bytes on the wire are the HTML itself, nothing to decode or re-encode.
	expect(html.headers).toMatch(/^Content-Transfer-Encoding: 7bit$/im);
	const bytes = Buffer.byteLength(html.body);
	// Gmail clips an HTML part above ~102 KB, hiding the footer with the unsubscribe link.
	expect(bytes).toBeLessThanOrEqual(60_000);
	expect(bytes).toBeGreaterThan(20_000);
});

it("has a preheader, one heading per paper, a footer that says who sends it and why, and reads in light and dark", async () => {
	const digest = await digestOfLongestPapers();
	const html = digest.parsed.html || "";
	// Inbox lists show the first text after the subject: the first titles, not the masthead.
	const preheader = decode(/<div class="preheader" style="display:none;[^"]*">([^<]+)<\/div>/.exec(html)?.[1] ?? "");
	expect(preheader).toMatch(/ · and 18 more$/);
	expect(html.indexOf('class="preheader"')).toBeLessThan(html.indexOf(">paperboy</a>"));
	// Screen readers jump between papers by heading: one h1 for the digest, one h2 per paper.
	expect(html.match(/<h1[ >]/g)).toHaveLength(1);
	const titles = [...html.matchAll(/<h2[^>]*><a href="[^"]+"[^>]*>([^<]+)<\/a><\/h2>/g)].map((m) => decode(m[1] ?? ""));
	expect(titles).toHaveLength(20);
	expect(preheader.startsWith(titles[0]?.slice(0, 20) ?? "?")).toBe(true);

	const text = digest.parsed.text ?? "";
	const footer =
		"Example Lab papers sends you this weekly email because reader@example.org subscribed at papers.example.org and confirmed, with the topics: large language models, reinforcement learning, agents, the.";
	expect(html).toContain(
		footer.replace("papers.example.org and", '<a href="https://papers.example.org">papers.example.org</a> and'),
	);
	expect(text).toContain(footer);
	expect(html).toContain('<p style="margin:0">Example Lab, 1 Main Street, 12345 Springfield</p>');
	expect(text).toContain("\nExample Lab, 1 Main Street, 12345 Springfield");
	expect(html).toMatch(/<a href="https:\/\/papers\.example\.org\/manage\/[\w-]+">Change topics or frequency<\/a>/);
	expect(html).toMatch(/<a href="https:\/\/papers\.example\.org\/unsubscribe\/[\w-]+">Unsubscribe<\/a>/);

	expect(html).toContain('<meta name="color-scheme" content="light dark">');
	expect(html).toContain("@media (prefers-color-scheme: dark)");
});
