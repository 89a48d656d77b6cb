import { mkdirSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Logger } from "../core/deps.ts";
import type { Mailer } from "../core/mail/mailer.ts";
import { MimeBuilder } from "./mime-builder.ts";

/**
 * The embedded default: every message becomes an .eml file under the data folder, built
 * as SMTP would send it, and written off the main thread (signups write one each).
 */
export function createEmlMailer(outboxDir: string, log: Logger): Mailer {
	mkdirSync(outboxDir, { recursive: true });
	const mime = new MimeBuilder();
	let sequence = 0;
	return {
		async send(message) {
			const built = mime.build(message);
			const stamp = message.date.toISOString().replace(/[:.]/g, "-");
			const who = message.to.replace(/[^\w.@+-]/g, "_").slice(0, 80);
			const file = join(outboxDir, `${stamp}-${String(++sequence).padStart(4, "0")}-${who}.eml`);
			await writeFile(file, built.raw);
			mime.release(built);
			log.info("mail written", { to: message.to, subject: message.subject, file });
			return { messageId: message.messageId, response: `written to ${file}` };
		},
	};
}
