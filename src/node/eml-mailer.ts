import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Logger } from "../core/deps.ts";
import type { Mailer } from "../core/mail/mailer.ts";
import { MimeBuilder } from "./mime-builder.ts";
import { ensurePrivateDir, privateFileMode } from "./private-files.ts";

/**
 * The embedded default: every message becomes an .eml file under the data folder, built
 * as SMTP would send it, and written off the main thread (signups write one each). The
 * files carry live links: the folder is 0700 and each file 0600, and their names and the
 * info log leave the address out (it is logged at debug level only).
 */
export function createEmlMailer(outboxDir: string, log: Logger): Mailer {
	ensurePrivateDir(outboxDir);
	const mime = new MimeBuilder();
	return {
		async send(message) {
			const built = mime.build(message);
			const stamp = message.date.toISOString().replace(/[:.]/g, "-");
			// Named by time and Message-ID (unique, and free of the address).
			const id = message.messageId
				.replace(/^<|@[^@]*$/g, "")
				.replace(/[^\w.-]/g, "_")
				.slice(0, 80);
			const file = join(outboxDir, `${stamp}-${id}.eml`);
			await writeFile(file, built.raw, { mode: privateFileMode });
			mime.release(built);
			log.info("mail written", { subject: message.subject, file });
			log.debug("mail written to", { to: message.to, file });
			return { messageId: message.messageId, response: `written to ${file}` };
		},
	};
}
