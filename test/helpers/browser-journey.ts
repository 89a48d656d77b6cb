import type { Browser } from "playwright-core";
import { afterAll, afterEach, beforeAll, beforeEach } from "vitest";
import { type RunningServer, startServer } from "../../src/node/server.ts";
import { launchChromium } from "./browser.ts";
import { freePort } from "./free-port.ts";
import { type Journey, useJourney } from "./journey.ts";

/**
 * A journey (SMTP sink, fresh runtime per test) served over real HTTP on 127.0.0.1, and
 * one Chromium for the file. BASE_URL is the server's own address, so links in mail work
 * (a local BASE_URL with mail going out, allowed on purpose).
 */
export async function useBrowserJourney(env: Record<string, string> = {}) {
	const port = await freePort();
	const baseUrl = `http://127.0.0.1:${port}`;
	const j: Journey = useJourney({ PORT: String(port), BASE_URL: baseUrl, ALLOW_LOCAL_BASE_URL: "true", ...env });
	let browser: Browser | undefined;
	let server: RunningServer | undefined;
	beforeAll(async () => {
		browser = await launchChromium();
	});
	afterAll(async () => {
		await browser?.close();
	});
	beforeEach(async () => {
		server = await startServer(j.rt, { port, hostname: "127.0.0.1" });
	});
	afterEach(async () => {
		// Close the browser's connections first, or the server waits for their keep-alive.
		for (const context of browser?.contexts() ?? []) await context.close();
		await server?.close();
	});
	return {
		j,
		baseUrl,
		get browser(): Browser {
			if (!browser) throw new Error("Chromium not started");
			return browser;
		},
	};
}
