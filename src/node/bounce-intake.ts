/**
 * Mail to the bounce address, both ways the settings may ask for: the inbound SMTP
 * listener (BOUNCE_SMTP_PORT) and the IMAP poller (BOUNCE_IMAP_URL). Each report goes to
 * recordBounce, the one domain function the provider webhooks also feed.
 */

import type { BounceReport } from "../core/bounces/bounce-report.ts";
import { type BounceResult, recordBounce } from "../core/bounces/record-bounce.ts";
import type { Deps } from "../core/deps.ts";
import { createImapPoller, type ImapPoller } from "./bounces/imap-poller.ts";
import { type BounceListener, startBounceListener } from "./bounces/smtp-listener.ts";

export interface BounceIntake {
	listener?: BounceListener;
	poller?: ImapPoller;
	close(): Promise<void>;
}

export async function startBounceIntake(
	deps: Deps,
	/** `poll: false` creates the poller without starting it (the caller drives pollOnce). */
	options: { onResult?: (result: BounceResult) => void; poll?: boolean } = {},
): Promise<BounceIntake> {
	const { config, log } = deps;
	const bounceAddress = config.mail.bounceAddress;
	const intake: BounceIntake = { close: async () => {} };
	if (!bounceAddress) return intake;
	const onReport = async (report: BounceReport) => {
		const result = await recordBounce(deps, report);
		options.onResult?.(result);
	};
	if (config.bounces.smtpPort !== undefined) {
		intake.listener = await startBounceListener({
			bounceAddress,
			port: config.bounces.smtpPort,
			host: config.bounces.smtpHost,
			onReport,
			logger: log,
		});
		log.info("bounce listener started", { host: config.bounces.smtpHost, port: intake.listener.port });
	}
	if (config.bounces.imapUrl) {
		intake.poller = createImapPoller({
			url: config.bounces.imapUrl,
			bounceAddress,
			intervalMs: config.bounces.imapIntervalSeconds * 1000,
			onReport,
			logger: log,
		});
		if (options.poll !== false) intake.poller.start();
	}
	intake.close = async () => {
		await intake.poller?.stop();
		await intake.listener?.close();
	};
	return intake;
}
