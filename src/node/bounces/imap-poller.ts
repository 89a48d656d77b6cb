import type { ConnectionOptions } from "node:tls";
import { ImapFlow } from "imapflow";
import type { BounceReport } from "../../core/bounces/bounce-report.ts";
import { parseBounceAddress } from "../../core/bounces/verp.ts";
import type { Logger } from "../../core/deps.ts";
import { AppError } from "../../core/errors.ts";
import { defaultMaxBounceBytes, parseBounceReport } from "./parse-report.ts";

/**
 * Reads a bounce mailbox over IMAP (BOUNCE_IMAP_URL), for operators whose bounce address is
 * an ordinary mailbox rather than the built-in SMTP listener.
 *
 * Each poll connects, takes the unseen messages of the mailbox oldest first, parses each and
 * calls `onReport`; only when that resolved is the message marked \Seen (or moved to
 * `moveTo`), so a failed hand-over is tried again at the next poll. A message over `maxBytes`
 * is not downloaded: it is marked \Seen and \Flagged for a person to look at, and logged.
 * Fetching does not set \Seen by itself (BODY.PEEK).
 */

export interface ImapPollerOptions {
	/** `imap://user:pass@host:143/MAILBOX` or `imaps://…:993/…`; MAILBOX defaults to INBOX. */
	url: string;
	/** BOUNCE_ADDRESS, e.g. `bounces@paperboy.example`. */
	bounceAddress: string;
	onReport(report: BounceReport, raw: Buffer): Promise<void>;
	/** Time between the end of one poll and the start of the next; default 60 s. */
	intervalMs?: number;
	/** Move handled messages to this mailbox (created when missing) instead of marking them \Seen. */
	moveTo?: string;
	maxBytes?: number;
	/** Extra TLS options, e.g. a CA for a private server. */
	tls?: ConnectionOptions;
	logger?: Logger;
}

export interface PollResult {
	/** Handed to onReport and marked. */
	reported: number;
	/** onReport threw: left unseen for the next poll. */
	failed: number;
	/** Too large to read: flagged, not reported. */
	skipped: number;
}

export interface ImapPoller {
	pollOnce(): Promise<PollResult>;
	/** Polls now, then `intervalMs` after each poll ends. Errors are logged, not thrown. */
	start(): void;
	/** Lets the message being handled finish, then stops polling and disconnects. */
	stop(): Promise<void>;
}

export interface ImapLocation {
	host: string;
	port: number;
	secure: boolean;
	user: string;
	pass: string;
	mailbox: string;
}

export function parseImapUrl(url: string): ImapLocation {
	let parsed: URL;
	try {
		parsed = new URL(url);
	} catch {
		throw new AppError("config", "BOUNCE_IMAP_URL must look like imaps://user:password@host:993/INBOX");
	}
	const secure = parsed.protocol === "imaps:";
	if ((!secure && parsed.protocol !== "imap:") || !parsed.hostname || !parsed.username) {
		throw new AppError("config", "BOUNCE_IMAP_URL must look like imaps://user:password@host:993/INBOX");
	}
	const mailbox = decodeURIComponent(parsed.pathname.replace(/^\//, "")) || "INBOX";
	return {
		host: parsed.hostname.replace(/^\[(.*)\]$/, "$1"),
		port: parsed.port ? Number(parsed.port) : secure ? 993 : 143,
		secure,
		user: decodeURIComponent(parsed.username),
		pass: decodeURIComponent(parsed.password),
		mailbox,
	};
}

export function createImapPoller(options: ImapPollerOptions): ImapPoller {
	const location = parseImapUrl(options.url);
	const bounce = parseBounceAddress(options.bounceAddress);
	const maxBytes = options.maxBytes ?? defaultMaxBounceBytes;
	const intervalMs = options.intervalMs ?? 60_000;
	const log = options.logger;
	let stopping = false;
	let timer: NodeJS.Timeout | undefined;
	let current: Promise<unknown> | undefined;

	async function pollOnce(): Promise<PollResult> {
		const result: PollResult = { reported: 0, failed: 0, skipped: 0 };
		const client = new ImapFlow({
			host: location.host,
			port: location.port,
			secure: location.secure,
			auth: { user: location.user, pass: location.pass },
			logger: false,
			disableAutoIdle: true,
			...(options.tls ? { tls: options.tls } : {}),
		});
		client.on("error", (error: unknown) => log?.warn("bounce mailbox: connection error", { error }));
		await client.connect();
		try {
			if (options.moveTo) await client.mailboxCreate(options.moveTo).catch(() => undefined);
			const lock = await client.getMailboxLock(location.mailbox);
			try {
				const unseen = (await client.search({ seen: false }, { uid: true })) || [];
				for (const uid of unseen.sort((a, b) => a - b)) {
					if (stopping) break;
					await handle(client, String(uid), result);
				}
			} finally {
				lock.release();
			}
		} finally {
			await client.logout().catch(() => client.close());
		}
		return result;
	}

	async function handle(client: ImapFlow, uid: string, result: PollResult) {
		const meta = await client.fetchOne(uid, { uid: true, size: true }, { uid: true });
		if (!meta) return;
		if ((meta.size ?? 0) > maxBytes) {
			log?.warn("bounce mailbox: message too large to read, flagged and left in place", { uid, size: meta.size });
			await client.messageFlagsAdd(uid, ["\\Seen", "\\Flagged"], { uid: true });
			result.skipped++;
			return;
		}
		const message = await client.fetchOne(uid, { source: true }, { uid: true });
		if (message === false || !message.source) return;
		const report = await parseBounceReport(message.source, { bounceAddress: bounce, maxBytes });
		try {
			await options.onReport(report, message.source);
		} catch (error) {
			log?.error("bounce mailbox: handling a report failed; it stays unseen for the next poll", { uid, error });
			result.failed++;
			return;
		}
		const moved = options.moveTo ? await client.messageMove(uid, options.moveTo, { uid: true }) : false;
		if (options.moveTo && !moved) {
			// Reported already: mark it rather than report it again at the next poll.
			log?.warn("bounce mailbox: could not move a handled message; marked it seen instead", {
				uid,
				moveTo: options.moveTo,
			});
		}
		if (!moved) await client.messageFlagsAdd(uid, ["\\Seen"], { uid: true });
		result.reported++;
	}

	async function loop() {
		if (stopping) return;
		current = pollOnce().catch((error: unknown) => log?.error("bounce mailbox: poll failed", { error }));
		await current;
		current = undefined;
		if (!stopping) timer = setTimeout(loop, intervalMs);
	}

	return {
		pollOnce,
		start() {
			stopping = false;
			void loop();
		},
		async stop() {
			stopping = true;
			clearTimeout(timer);
			await current;
		},
	};
}
