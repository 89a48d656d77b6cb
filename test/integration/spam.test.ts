import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { expect, it } from "vitest";
import { runDigest } from "../../src/core/jobs/run-job.ts";
import { hours } from "../helpers/clock.ts";
import { useJourney } from "../helpers/journey.ts";
import { addReaders } from "../helpers/readers.ts";
import { signup } from "../helpers/web.ts";

const run = promisify(execFile);
const j = useJourney({ BASE_URL: "https://paperboy.example", MAIL_FROM: "paperboy <digest@paperboy.example>" });

/** SpamAssassin's score with its local rules only (no network tests). */
async function spamScore(raw: string): Promise<{ score: number; tests: string }> {
	const child = run("spamassassin", ["-L", "-t"], { maxBuffer: 10 * 1024 * 1024 });
	child.child.stdin?.end(raw);
	const { stdout } = await child;
	const status = /^X-Spam-Status: (?:Yes|No), score=(-?[\d.]+) [^\n]*((?:\n\s+[^\n]*)*)/m.exec(stdout);
	if (!status?.[1]) throw new Error(`no X-Spam-Status in spamassassin output:\n${stdout.slice(0, 500)}`);
	return { score: Number(status[1]), tests: status[0].replace(/\s+/g, " ") };
}

it("scores a real digest and a real confirmation email below 1.0 with SpamAssassin's local rules", async () => {
	j.rt.clock.advance(hours(1));
	await addReaders(j.rt, { "reader@example.org": "state space models, mixture of experts, retrieval" });
	await runDigest(j.rt.deps, ["weekly"]);
	await signup(j.rt, "new.reader@example.org", "diffusion");
	await j.rt.idle();
	const [digest, confirmation] = await j.sink.waitFor(2);
	expect(digest?.parsed.subject).toMatch(/new papers on/);
	expect(confirmation?.parsed.subject).toBe("Confirm your paperboy subscription");
	for (const mail of [digest, confirmation]) {
		const { score, tests } = await spamScore(mail?.raw ?? "");
		expect(score, tests).toBeLessThan(1.0);
	}
}, 60_000);
