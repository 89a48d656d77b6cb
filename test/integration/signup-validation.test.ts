import { describe, expect, it } from "vitest";
import { lastMailTo, settledMail, subscriberRow, useJourney } from "../helpers/journey.ts";
import { fieldError, get, inputValue, linkIn, signup, textareaText } from "../helpers/web.ts";

const j = useJourney();

async function subscriberCount(): Promise<number> {
	const rows = await j.rt.deps.db.selectFrom("subscribers").select("id").execute();
	return rows.length;
}

/** A rejected signup: 422, the form again with a message on the field, nothing stored or sent. */
async function expectRejected(email: string, keywords: string, field: "email" | "keywords") {
	const res = await signup(j.rt, email, keywords);
	expect(res.status, JSON.stringify({ email, keywords })).toBe(422);
	const page = await res.text();
	expect(fieldError(page, field), JSON.stringify({ email, keywords })).toBeTruthy();
	expect(await subscriberCount()).toBe(0);
	expect(await settledMail(j)).toHaveLength(0);
	return page;
}

describe("invalid signups", () => {
	it("re-render the form with what the user typed and a message per field", async () => {
		const page = await expectRejected("not-an-address", "   ", "email");
		expect(inputValue(page, "email")).toBe("not-an-address");
		expect(fieldError(page, "email")).toBe("Enter a valid email address, like name@example.org.");
		expect(fieldError(page, "keywords")).toBe("Add at least one topic, e.g. diffusion models.");
		expect(page).toContain("Please fix the fields marked below.");
		expect(page).toContain('aria-invalid="true"');
	});

	it("keep the topics typed when only the address is wrong", async () => {
		const page = await expectRejected("reader@", "state space models,\ndiffusion", "email");
		expect(textareaText(page, "keywords")).toBe("state space models,\ndiffusion");
		expect(fieldError(page, "keywords")).toBeUndefined();
	});

	it("explain missing fields in words, not in zod's", async () => {
		const res = await j.rt.app.request("http://paperboy.test/subscribe", {
			method: "POST",
			headers: { "content-type": "application/x-www-form-urlencoded", origin: "http://paperboy.test" },
			body: "",
		});
		expect(res.status).toBe(422);
		const page = await res.text();
		expect(fieldError(page, "email")).toBe("Enter your email address.");
		expect(fieldError(page, "keywords")).toBe("Add at least one topic, e.g. diffusion models.");
	});

	it("name the topic that cannot match anything", async () => {
		const page = await expectRejected("reader@example.org", "diffusion, ???", "keywords");
		expect(fieldError(page, "keywords")).toContain("&quot;???&quot; has no letters or digits");
		expect(inputValue(page, "email")).toBe("reader@example.org");
	});

	it("name a prefix that is not a kind of topic, and a category that is not one", async () => {
		const page = await expectRejected("reader@example.org", "diffusion, foo:bar", "keywords");
		expect(fieldError(page, "keywords")).toContain(
			"Check this topic: &quot;foo:bar&quot; uses &quot;foo:&quot;, which is not a kind of topic",
		);
		expect(textareaText(page, "keywords")).toBe("diffusion, foo:bar");
		const category = await expectRejected("reader@example.org", "cat:cs/LG", "keywords");
		expect(fieldError(category, "keywords")).toContain("needs an arXiv category after cat:");
	});

	it("refuse too many or too long topics", async () => {
		const many = Array.from({ length: 21 }, (_, i) => `topic${i}`).join(", ");
		expect(fieldError(await expectRejected("reader@example.org", many, "keywords"), "keywords")).toBe(
			"Use at most 20 topics.",
		);
		await expectRejected("reader@example.org", "a".repeat(101), "keywords");
		await expectRejected("reader@example.org", "word ".repeat(201), "keywords");
	});
});

describe("header injection and hidden characters", () => {
	const injections = [
		"reader@example.org\r\nBcc: victim@example.net",
		"reader@example.org\nBcc: victim@example.net",
		"reader@example.org\rBcc: victim@example.net",
		"reader@example.org\r\n",
		"reader\r\n@example.org",
		"reader@example.org\u0000",
		"reader@example.org\u0085Bcc: victim@example.net",
		"reader@example.org\u2028Bcc: victim@example.net",
		"reader@example.org%0d%0aBcc:victim@example.net",
	];
	for (const email of injections) {
		it(`rejects ${JSON.stringify(email)} with 422, sending and storing nothing`, async () => {
			const page = await expectRejected(email, "diffusion", "email");
			expect(fieldError(page, "email")).toMatch(/line breaks or control characters|valid email address/);
		});
	}

	it("rejects bidi overrides and controls in the address and the topics", async () => {
		await expectRejected("reader@example.org\u202e", "diffusion", "email");
		await expectRejected("\u2066reader@example.org", "diffusion", "email");
		for (const hidden of ["\u202e", "\u2067", "\u200f", "\u061c", "\u0007", "\u001b[31m", "\u007f", "\u0090"]) {
			const page = await expectRejected("reader@example.org", `diffusion${hidden}models`, "keywords");
			expect(fieldError(page, "keywords")).toBe("Contains control characters.");
		}
	});

	it("accepts line breaks and tabs in the topics as separators, never storing them", async () => {
		expect((await signup(j.rt, "lines@example.org", "diffusion\r\nstate\tspace models\rretrieval")).status).toBe(200);
		const row = await subscriberRow(j.rt, "lines@example.org");
		expect(JSON.parse(row?.keywords ?? "[]")).toEqual(["diffusion", "state space models", "retrieval"]);
	});
});

describe("address normalisation", () => {
	it("trims, lower-cases and punycodes the domain, keeping the local part", async () => {
		expect((await signup(j.rt, "  user@Bücher.EXAMPLE  ", "diffusion")).status).toBe(200);
		// smtp-server shows the envelope in Unicode; on the wire the header is ASCII.
		const mail = await lastMailTo(j, "user@bücher.example");
		expect(mail.raw).toMatch(/^To: user@xn--bcher-kva\.example\r$/m);
		expect((await subscriberRow(j.rt, "user@xn--bcher-kva.example"))?.status).toBe("pending");
	});

	it("treats a different spelling of the same address as the same reader", async () => {
		await signup(j.rt, "Reader@example.org", "diffusion");
		j.rt.clock.advance(3_600_000);
		await signup(j.rt, "reader@EXAMPLE.ORG", "retrieval");
		expect(await subscriberCount()).toBe(1);
		expect((await settledMail(j)).map((m) => m.envelopeTo[0])).toEqual(["Reader@example.org", "Reader@example.org"]);
	});

	it("rejects what a URL parser would quietly rewrite into another address", async () => {
		for (const email of [
			"reader@example.org/x",
			"reader@example.org:25",
			"reader@exa%41mple.org",
			"reader@example.org?",
		]) {
			await expectRejected(email, "diffusion", "email");
		}
	});
});

describe("markup in the input", () => {
	const script = "<script>alert(1)</script>";
	const attribute = '"><img src=x onerror=alert(2)>';

	it("is escaped when the form comes back with errors", async () => {
		const res = await signup(j.rt, `${attribute}@`, `${script}, ${attribute}`);
		expect(res.status).toBe(422);
		const page = await res.text();
		expect(page).not.toContain("<script>alert");
		expect(page).not.toContain("<img src=x");
		expect(inputValue(page, "email")).toBe("&quot;&gt;&lt;img src=x onerror=alert(2)&gt;@");
	});

	it("is stored as typed, left out of the confirmation email, and escaped on the manage page", async () => {
		expect((await signup(j.rt, "markup@example.org", `${script}, ${attribute}`)).status).toBe(200);
		const mail = await lastMailTo(j, "markup@example.org");
		// Nothing typed into the form reaches mail before confirmation (issue 11).
		expect(`${mail.parsed.text}${mail.parsed.html}`).not.toContain("alert(");
		expect(mail.parsed.text).toContain("on 2 topics");
		const confirmed = await get(j.rt, linkIn(mail, "/confirm/"));
		const page = await (await get(j.rt, confirmed.headers.get("location") ?? "")).text();
		expect(page).not.toContain("<script>alert");
		expect(page).not.toContain("<img src=x");
		expect(textareaText(page, "keywords")).toBe(
			"&lt;script&gt;alert(1)&lt;/script&gt;, &quot;&gt;&lt;img src=x onerror=alert(2)&gt;",
		);
		const row = await subscriberRow(j.rt, "markup@example.org");
		expect(JSON.parse(row?.keywords ?? "[]")).toEqual([script, attribute]);
	});
});
