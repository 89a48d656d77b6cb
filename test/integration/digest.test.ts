import { beforeEach, describe, expect, it } from "vitest";
import { drainOutbox } from "../../src/core/digest/outbox.ts";
import { runDigest } from "../../src/core/jobs/run-job.ts";
import { days, hours } from "../helpers/clock.ts";
import { useJourney } from "../helpers/journey.ts";
import { addPapers, addReaders, paper } from "../helpers/readers.ts";
import type { TestRuntime } from "../helpers/runtime.ts";
import type { Received, SmtpSink } from "../helpers/smtp-sink.ts";

const j = useJourney({ SEND_RETRY_BASE_SECONDS: "60" });
let sink: SmtpSink;
let rt: TestRuntime;

beforeEach(() => {
	({ sink, rt } = j);
	// Seed papers are first seen on Monday 2026-11-23 08:00 UTC; the digest runs an hour later.
	rt.clock.advance(hours(1));
});

const stateSpaceTitles = [
	"Demystifying the Token Dynamics of Deep Selective State Space Models",
	"How to Train Your HiPPO: State Space Models with Generalized Orthogonal Basis Projections",
	"On the Parameterization and Initialization of Diagonal State Space Models",
	"Robustifying State-space Models for Long Sequences via Approximate Diagonalization",
	"Understanding the differences in Foundation Models: Attention, State Space Models, and Recurrent Neural Networks",
];

const header = (m: Received, name: string) => {
	const match = new RegExp(`^${name}:\\s*(.+(?:\\r?\\n[ \\t].+)*)`, "im").exec(m.raw);
	return match?.[1]?.replace(/\r?\n[ \t]+/g, " ").trim();
};

describe("the weekly digest", () => {
	it("sends each reader exactly the papers matching their topics, in HTML and text", async () => {
		await addReaders(rt, { "ann@example.org": "state space models", "bob@example.org": "quantum gravity" });
		const summary = await runDigest(rt.deps, ["weekly"]);
		expect(summary).toMatchObject({ planned: 2, sent: 1, skipped: 1, failed: 0 });
		const [mail] = await sink.waitFor(1);
		expect(sink.messages).toHaveLength(1);
		expect(mail?.envelopeTo).toEqual(["ann@example.org"]);
		expect(mail?.parsed.subject).toBe("5 new papers on state space models");
		const text = mail?.parsed.text ?? "";
		const html = mail?.parsed.html || "";
		for (const title of stateSpaceTitles) {
			expect(text).toContain(title);
			expect(html).toContain(title.replaceAll("'", "&#39;"));
		}
		expect(text.match(/^\d+\. /gm)).toHaveLength(5);
		expect(html.match(/Matched: state space models/g)).toHaveLength(5);
		expect(text).not.toMatch(/PFGM|radiology/i);
	});

	it("carries list headers, a stable Message-ID on the sending domain and a working unsubscribe URL", async () => {
		await addReaders(rt, { "ann@example.org": "state space models" });
		await runDigest(rt.deps, ["weekly"]);
		const [mail] = await sink.waitFor(1);
		if (!mail) throw new Error("no mail");
		const unsubscribe = header(mail, "List-Unsubscribe") ?? "";
		expect(unsubscribe).toMatch(/^<http:\/\/paperboy\.test\/unsubscribe\/[\w-]{43}>$/);
		expect(header(mail, "List-Unsubscribe-Post")).toBe("List-Unsubscribe=One-Click");
		expect(header(mail, "List-Id")).toBe("paperboy digest <digest.paperboy.test>");
		expect(header(mail, "Auto-Submitted")).toBe("auto-generated");
		// No row number: a keyed hash, the same for every retry of this delivery.
		expect(mail.parsed.messageId).toMatch(/^<[\w-]{32}@paperboy\.test>$/);
		expect(mail.parsed.date?.toISOString()).toBe("2026-11-23T09:00:00.000Z");
		expect(mail.parsed.html).toContain(unsubscribe.slice(1, -1));
		expect(mail.parsed.text).toContain(unsubscribe.slice(1, -1));

		const oneClick = await rt.app.request(unsubscribe.slice(1, -1), {
			method: "POST",
			headers: { "content-type": "application/x-www-form-urlencoded" },
			body: "List-Unsubscribe=One-Click",
		});
		expect(oneClick.status).toBe(200);
		rt.clock.advance(days(7));
		await addPapers(rt, [paper("2611.00001", "State space models again", "More state space models.")]);
		rt.clock.advance(hours(1));
		expect((await runDigest(rt.deps, ["weekly"])).planned).toBe(0);
		expect(sink.messages).toHaveLength(1);
	});

	it("sends a period at most once, and next week only the papers added since", async () => {
		await addReaders(rt, { "ann@example.org": "state space models" });
		await runDigest(rt.deps, ["weekly"]);
		expect(await runDigest(rt.deps, ["weekly"])).toMatchObject({ planned: 0, sent: 0 });
		rt.clock.advance(days(2));
		expect(await runDigest(rt.deps, ["weekly"])).toMatchObject({ planned: 0, sent: 0 });
		await sink.waitFor(1);

		rt.clock.advance(days(3));
		await addPapers(rt, [
			paper("2611.00002", "Selective state space models for audio", "We adapt state space models to audio."),
			paper("2611.00003", "A survey of graph neural networks", "Graphs everywhere."),
		]);
		rt.clock.advance(days(2));
		expect(await runDigest(rt.deps, ["weekly"])).toMatchObject({ planned: 1, sent: 1 });
		const second = (await sink.waitFor(2))[1];
		expect(second?.parsed.subject).toBe("1 new paper on state space models");
		expect(second?.parsed.text).toContain("Selective state space models for audio");
		for (const title of stateSpaceTitles) expect(second?.parsed.text).not.toContain(title);
	});

	it("escapes hostile titles and abstracts and drops non-http links", async () => {
		rt.clock.advance(-hours(1));
		await addPapers(rt, [
			paper("2611.00004", '<script>alert("x")</script> State space models <img src=x onerror=alert(1)>', "a & b < c", {
				codeUrl: "javascript:alert(1)",
				projectUrl: "data:text/html,<script>alert(1)</script>",
				hfUrl: "https://huggingface.co/papers/2611.00004",
			}),
		]);
		rt.clock.advance(hours(1));
		await addReaders(rt, { "ann@example.org": "state space models" });
		await runDigest(rt.deps, ["weekly"]);
		const [mail] = await sink.waitFor(1);
		const html = mail?.parsed.html || "";
		expect(html).not.toContain("<script>");
		expect(html).not.toContain("<img src=x");
		expect(html).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; State space models");
		expect(html).toContain("a &amp; b &lt; c");
		expect(html).not.toMatch(/javascript:|data:text/);
		expect(html).toContain('href="https://huggingface.co/papers/2611.00004"');
		expect(mail?.parsed.text).toContain('<script>alert("x")</script> State space models');
	});

	it("retries a 451 with backoff and delivers once", async () => {
		await addReaders(rt, { "ann@example.org": "state space models" });
		sink.respond = (_to, attempt) => (attempt === 1 ? { code: 451, message: "4.7.1 Try again later" } : undefined);
		expect(await runDigest(rt.deps, ["weekly"])).toMatchObject({ sent: 0, retrying: 1 });
		expect(await drainOutbox(rt.deps)).toMatchObject({ sent: 0, retrying: 1 });
		rt.clock.advance(61_000);
		expect(await drainOutbox(rt.deps)).toMatchObject({ sent: 1, retrying: 0 });
		expect(await drainOutbox(rt.deps)).toMatchObject({ sent: 0 });
		await sink.waitFor(1);
		expect(sink.to("ann@example.org")).toHaveLength(1);
		const row = await rt.deps.db.selectFrom("deliveries").selectAll().executeTakeFirstOrThrow();
		expect(row).toMatchObject({ status: "sent", attempts: 2 });
	});

	it("fails a 550 5.1.1, suppresses the address and never plans it again", async () => {
		await addReaders(rt, { "gone@example.org": "state space models", "ann@example.org": "state space models" });
		sink.respond = (to) => (to === "gone@example.org" ? { code: 550, message: "5.1.1 No such user" } : undefined);
		expect(await runDigest(rt.deps, ["weekly"])).toMatchObject({ sent: 1, failed: 1 });
		const suppressed = await rt.deps.db.selectFrom("suppressions").selectAll().execute();
		expect(suppressed).toMatchObject([{ email: "gone@example.org", reason: "bounce" }]);
		rt.clock.advance(days(7));
		await addPapers(rt, [paper("2611.00005", "Yet more state space models", "State space models.")]);
		rt.clock.advance(hours(1));
		expect(await runDigest(rt.deps, ["weekly"])).toMatchObject({ planned: 1, sent: 1 });
		expect(sink.to("gone@example.org")).toHaveLength(0);
	});

	it("sends nothing to pending, paused or unsubscribed readers", async () => {
		await addReaders(rt, { "paused@example.org": "state space models", "left@example.org": "state space models" });
		await rt.deps.db
			.updateTable("subscribers")
			.set({ status: "paused" })
			.where("email", "=", "paused@example.org")
			.execute();
		await rt.deps.db
			.updateTable("subscribers")
			.set({ status: "unsubscribed" })
			.where("email", "=", "left@example.org")
			.execute();
		expect(await runDigest(rt.deps, ["weekly", "daily"])).toMatchObject({ planned: 0, sent: 0 });
		expect(sink.messages).toHaveLength(0);
	});

	it("gives daily readers a daily period", async () => {
		await addReaders(rt, { "daily@example.org": "state space models" });
		await rt.deps.db.updateTable("subscribers").set({ frequency: "daily" }).execute();
		expect(await runDigest(rt.deps, ["weekly"])).toMatchObject({ planned: 0 });
		expect(await runDigest(rt.deps, ["daily"])).toMatchObject({ planned: 1, sent: 1, periods: ["daily:2026-11-23"] });
		rt.clock.advance(days(1));
		await addPapers(rt, [paper("2611.00006", "Daily state space models", "State space models, daily.")]);
		rt.clock.advance(hours(1));
		expect(await runDigest(rt.deps, ["daily"])).toMatchObject({ planned: 1, sent: 1, periods: ["daily:2026-11-24"] });
		expect((await sink.waitFor(2))[1]?.parsed.subject).toBe("1 new paper on state space models");
	});
});
