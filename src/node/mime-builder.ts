/**
 * Builds the wire form of our messages in one pass: a few headers and two base64 bodies.
 * nodemailer's composer streams every message through several Transforms and encodes
 * the bodies in small chunks; for a 100 KB digest that costs more CPU than everything
 * else the digest job does for it. The bodies here go through Node's native base64 once,
 * and header values use nodemailer's own encoders (encoded words, folding), so headers
 * come out as nodemailer writes them.
 */
import { randomBytes } from "node:crypto";
import { encodeWords, foldLines } from "nodemailer/lib/mime-funcs/index.js";
import MimeNode from "nodemailer/lib/mime-node/index.js";
import { rfc5322Date } from "../core/mail/compose-message.ts";
import type { MailMessage } from "../core/mail/mailer.ts";

export interface BuiltMessage {
	envelope: { from: string; to: string[] };
	/** CRLF line ends, 7-bit; lines of at most 998 characters. */
	raw: Buffer;
	/** No line starts with "." (SMTP needs no dot-stuffing). */
	dotSafe: boolean;
	/** The buffer `raw` lives in, for MimeBuilder.release. */
	storage: Buffer;
}

const nonAscii = /[^\x20-\x7e]/;
const nonAscii8 = /[^\x00-\x7f]/;

/** An unstructured header value: one line of text, encoded words when not plain ASCII. */
const headerText = (value: string) => {
	const line = value.replace(/[\r\n]+\s*/g, " ");
	return nonAscii.test(line) ? encodeWords(line, "B", 52) : line;
};

const header = (name: string, value: string) => foldLines(`${name}: ${value}`, 76);

/** The From header and envelope sender, as nodemailer formats them (once per sender). */
function formatSender(from: string): { header: string; address: string } {
	const node = new MimeNode("text/plain");
	node.setHeader("From", from);
	const line = node
		.buildHeaders()
		.split("\r\n")
		.find((l) => l.startsWith("From:"));
	return { header: line ?? header("From", headerText(from)), address: node.getEnvelope().from || "" };
}

/** An address we built (a normalised reader address): no name, no line breaks, no brackets. */
const bareAddress = (address: string) => address.replace(/[\x00-\x1f\x7f<>]+/g, "").trim();

const encoder = new TextEncoder();

/**
 * Whether a body can go out as it is ("7bit", RFC 2045): ASCII without NUL, CRLF line
 * ends only, lines of at most 998 characters (RFC 5322), none starting with a dot (so
 * the SMTP data needs no dot-stuffing). The digest's HTML is written to be (render.ts):
 * 25% fewer bytes than base64 and nothing to encode. `bytes` is the body's UTF-8; the
 * line checks run on the string, whose native indexOf is the cheapest scan here.
 */
function is7bit(body: string, bytes: Buffer): boolean {
	// UTF-8 is one byte a character only when every character is ASCII.
	if (bytes.length !== body.length || bytes.indexOf(0) >= 0 || body.charCodeAt(0) === 0x2e) return false;
	let lines = 0;
	for (let start = 0; start < body.length; ) {
		const lf = body.indexOf("\n", start);
		if (lf < 0) {
			if (body.length - start > 998) return false;
			break;
		}
		if (body.charCodeAt(lf - 1) !== 0x0d || lf - 1 - start > 998 || body.charCodeAt(lf + 1) === 0x2e) return false;
		lines++;
		start = lf + 1;
	}
	// Every LF follows a CR; as many CRs as LFs means no CR stands alone.
	let crs = 0;
	for (let at = body.indexOf("\r"); at >= 0; at = body.indexOf("\r", at + 1)) crs++;
	return crs === lines;
}

/** Bytes that `base64` characters take once broken into lines of 76, each ending in CRLF. */
const wrappedLength = (base64: number) => base64 + 2 * Math.ceil(base64 / 76);

/**
 * Writes base64 text into `out` at `at` as lines of 76 characters, each ending in CRLF
 * (RFC 2045), and returns where it ended. The text is copied in whole, then its lines are
 * moved apart from the last one backwards: one native copy per line, no line strings.
 */
function writeBase64Lines(out: Buffer, at: number, base64: string): number {
	out.write(base64, at, "latin1");
	const lines = Math.ceil(base64.length / 76);
	let src = at + base64.length;
	let dst = at + wrappedLength(base64.length);
	const end = dst;
	for (let line = lines - 1; line >= 0; line--) {
		const length = line === lines - 1 ? base64.length - line * 76 : 76;
		out[--dst] = 0x0a;
		out[--dst] = 0x0d;
		src -= length;
		dst -= length;
		if (dst !== src) out.copyWithin(dst, src, src + length);
	}
	return end;
}

/** More than a pool's worth of connections is never in flight at once. */
const maxSpareBuffers = 32;

export class MimeBuilder {
	readonly #sender = new Map<string, { header: string; address: string }>();

	#senderOf(from: string) {
		let sender = this.#sender.get(from);
		if (!sender) {
			sender = formatSender(from);
			this.#sender.set(from, sender);
		}
		return sender;
	}

	/**
	 * Message buffers handed back after sending (release), reused: a fresh 100 KB buffer
	 * per message costs an allocation and zeroed pages from the kernel each time.
	 */
	readonly #spare: Buffer[] = [];

	#buffer(size: number): Buffer {
		const i = this.#spare.findIndex((b) => b.length >= size);
		if (i >= 0) return this.#spare.splice(i, 1)[0] as Buffer;
		// Room to grow: the next digests are a little larger or smaller.
		return Buffer.allocUnsafe(Math.ceil((size * 1.25) / 4096) * 4096);
	}

	/** The message was sent and its bytes are no longer needed. */
	release(message: BuiltMessage): void {
		if (this.#spare.length < maxSpareBuffers) this.#spare.push(message.storage);
	}

	/** UTF-8 of the bodies goes through one buffer that grows to the largest body seen. */
	#scratch = new Uint8Array(256 * 1024);

	/** The body's UTF-8, in the scratch buffer (valid until the next call). */
	#utf8(body: string): Buffer {
		// UTF-8 takes at most 3 bytes per UTF-16 code unit.
		if (this.#scratch.length < body.length * 3) this.#scratch = new Uint8Array(body.length * 3);
		const { written } = encoder.encodeInto(body, this.#scratch);
		return Buffer.from(this.#scratch.buffer, 0, written);
	}

	build(message: MailMessage): BuiltMessage {
		const sender = this.#senderOf(message.from);
		const to = bareAddress(message.to);
		// Base64 lines never start with "-", so the boundary cannot occur in a body.
		const boundary = `--_pb_${randomBytes(12).toString("hex")}`;
		const lines = [
			sender.header,
			header("To", to),
			header("Subject", headerText(message.subject)),
			`Date: ${rfc5322Date(message.date)}`,
			header("Message-ID", headerText(message.messageId)),
			"MIME-Version: 1.0",
		];
		for (const [name, value] of Object.entries(message.headers)) {
			// Header names are ours (List-Unsubscribe, Precedence, …); keep them to field characters.
			const field = name.replace(/[^\x21-\x39\x3b-\x7e]/g, "");
			if (field) lines.push(header(field, headerText(value)));
		}
		lines.push(`Content-Type: multipart/alternative; boundary="${boundary}"`);
		const part = (type: string, encoding: "base64" | "7bit") =>
			`--${boundary}\r\nContent-Type: ${type}; charset=utf-8\r\nContent-Transfer-Encoding: ${encoding}\r\n\r\n`;
		const text = this.#utf8(message.text).toString("base64");
		const htmlBytes = this.#utf8(message.html);
		const htmlAsIs = is7bit(message.html, htmlBytes);
		const html = htmlAsIs ? "" : htmlBytes.toString("base64");
		const htmlLength = htmlAsIs ? htmlBytes.length + 2 : wrappedLength(html.length);
		const head = `${lines.join("\r\n")}\r\n\r\n${part("text/plain", "base64")}`;
		const middle = part("text/html", htmlAsIs ? "7bit" : "base64");
		const tail = `--${boundary}--\r\n`;
		// Everything is 7-bit except an internationalised recipient (SMTPUTF8), written as UTF-8.
		const headEncoding = nonAscii8.test(to) ? "utf8" : "latin1";
		const headLength = Buffer.byteLength(head, headEncoding);
		const size = headLength + wrappedLength(text.length) + middle.length + htmlLength + tail.length;
		const storage = this.#buffer(size);
		const raw = storage.subarray(0, size);
		let at = raw.write(head, 0, headEncoding);
		at = writeBase64Lines(raw, at, text);
		at += raw.write(middle, at, "latin1");
		if (htmlAsIs) {
			at += htmlBytes.copy(raw, at);
			at += raw.write("\r\n", at, "latin1");
		} else at = writeBase64Lines(raw, at, html);
		at += raw.write(tail, at, "latin1");
		if (at !== raw.length) throw new Error("MIME size miscounted");
		// Bodies are base64 or checked by is7bit; boundary lines start with "-": only a header could.
		return {
			envelope: { from: message.returnPath ?? sender.address, to: [to] },
			raw,
			dotSafe: !head.startsWith(".") && !head.includes("\n."),
			storage,
		};
	}
}
