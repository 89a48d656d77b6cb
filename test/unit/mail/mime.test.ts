import { simpleParser } from "mailparser";
import nodemailer from "nodemailer";
import { describe, expect, it } from "vitest";
import type { MailMessage } from "../../../src/core/mail/mailer.ts";
import { MimeBuilder } from "../../../src/node/mime-builder.ts";

const base: MailMessage = {
	from: "paperboy <digest@paperboy.example>",
	to: "ann@example.org",
	subject: "20 new papers on state space models, diffusion and 3 more",
	text: "paperboy: 20 new papers this week\nMatched: diffusion · ▲ 12\n.a line with a dot",
	html: "<p>Matched: diffusion &middot; &#9650; 12</p>\r\n<p>M&#252;ller et al.</p>",
	messageId: "<digest.7.weekly.2026-W48@paperboy.example>",
	date: new Date("2026-11-23T09:00:00Z"),
	headers: {
		"Auto-Submitted": "auto-generated",
		"List-Unsubscribe": `<https://paperboy.example/unsubscribe/${"A".repeat(43)}>, <mailto:unsubscribe@paperboy.example?subject=unsubscribe>`,
		"List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
		"List-Id": "paperboy digest <digest.paperboy.example>",
		Precedence: "bulk",
	},
};

/** What nodemailer itself would send for the same message. */
async function nodemailerBuild(m: MailMessage): Promise<Buffer> {
	const transport = nodemailer.createTransport({ streamTransport: true, buffer: true });
	const info = await transport.sendMail({ ...m, textEncoding: "base64" });
	return info.message as Buffer;
}

const lines = (raw: Buffer) => raw.toString("latin1").split("\r\n");

describe("MimeBuilder", () => {
	const cases: [string, MailMessage][] = [
		["a digest", base],
		[
			"non-ASCII everywhere",
			{
				...base,
				from: "Pâper Böy, Inc. <news@paperboy.example>",
				subject: "Ünïcode — a subject long enough to be folded over more than one line of the header…",
				html: "<p>é ★ 😀</p>\n<p>LF only</p>",
				text: "Ünï ▲ 😀",
			},
		],
	];
	it.each(cases)("parses back to what nodemailer's own message parses to: %s", async (_name, m) => {
		const ours = await simpleParser(new MimeBuilder().build(m).raw);
		const theirs = await simpleParser(await nodemailerBuild(m));
		for (const field of ["subject", "text", "messageId", "date"] as const) expect(ours[field]).toEqual(theirs[field]);
		expect((ours.html || "").replace(/\r\n/g, "\n")).toBe((theirs.html || "").replace(/\r\n/g, "\n"));
		expect(ours.from?.value).toEqual(theirs.from?.value);
		expect(ours.to).toEqual(theirs.to);
		for (const key of ["list", "auto-submitted", "precedence"])
			expect(ours.headers.get(key)).toEqual(theirs.headers.get(key));
	});

	it("sends HTML that is already 7-bit as it is, and anything else as base64", () => {
		const builder = new MimeBuilder();
		const ascii = builder.build(base).raw.toString("latin1");
		expect(ascii).toContain("Content-Transfer-Encoding: 7bit\r\n\r\n<p>Matched: diffusion &middot; &#9650; 12</p>\r\n");
		for (const html of [
			"<p>é</p>",
			"<p>LF\nonly</p>",
			`<p>${"x".repeat(1000)}</p>`,
			"<p>a</p>\r\n.dot",
			"<p>bare\rCR</p>",
		]) {
			const raw = builder.build({ ...base, html }).raw.toString("latin1");
			expect(raw, html).not.toContain("7bit");
			expect(raw.match(/Content-Transfer-Encoding: base64/g)).toHaveLength(2);
		}
	});

	it("writes only CRLF lines of at most 998 characters, none starting with a dot", () => {
		const built = new MimeBuilder().build(base);
		expect(built.dotSafe).toBe(true);
		const raw = built.raw.toString("latin1");
		expect(raw).not.toMatch(/[^\r]\n|\r[^\n]/);
		for (const line of lines(built.raw)) {
			expect(line.length).toBeLessThanOrEqual(998);
			expect(line.startsWith(".")).toBe(false);
		}
	});

	it("keeps header values on their line: no injected headers", async () => {
		const built = new MimeBuilder().build({
			...base,
			subject: "hello\r\nBcc: evil@example.org",
			headers: { "X-Note\r\nBcc": "v\r\nBcc: evil@example.org" },
		});
		const parsed = await simpleParser(built.raw);
		expect(parsed.bcc).toBeUndefined();
		expect(built.envelope).toEqual({ from: "digest@paperboy.example", to: ["ann@example.org"] });
	});

	it("reuses a released buffer for the next message", () => {
		const builder = new MimeBuilder();
		const first = builder.build(base);
		builder.release(first);
		const second = builder.build({ ...base, to: "bob@example.org" });
		expect(second.storage).toBe(first.storage);
		expect(second.raw.toString("latin1")).toContain("To: bob@example.org");
	});
});
