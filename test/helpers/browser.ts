import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { type Browser, chromium, type Page } from "playwright-core";

/** Debian's Chromium (`.ci/run` installs it); playwright's own download is unreachable here. */
export const chromiumPath = "/usr/bin/chromium";

export function launchChromium(): Promise<Browser> {
	return chromium.launch({
		executablePath: chromiumPath,
		args: [
			"--no-sandbox",
			"--disable-gpu",
			"--disable-background-networking",
			"--disable-component-update",
			"--no-first-run",
			"--disable-sync",
			"--disable-quic",
		],
	});
}

export interface WatchedPage {
	page: Page;
	/** Console errors, uncaught exceptions and failed requests, as they happen. */
	problems: string[];
}

/** A fresh page (own context: no cookies shared; JavaScript off if asked) that records everything that goes wrong. */
export async function watchedPage(
	browser: Browser,
	options: { javaScriptEnabled?: boolean } = {},
): Promise<WatchedPage> {
	const page = await (await browser.newContext(options)).newPage();
	const problems: string[] = [];
	page.on("console", (message) => {
		if (message.type() === "error" || message.type() === "warning") {
			problems.push(`console ${message.type()}: ${message.text()} (${page.url()})`);
		}
	});
	page.on("pageerror", (error) => problems.push(`uncaught: ${error.message} (${page.url()})`));
	page.on("requestfailed", (request) =>
		problems.push(`request failed: ${request.url()} ${request.failure()?.errorText}`),
	);
	page.on("response", (response) => {
		if (response.status() >= 400) problems.push(`HTTP ${response.status()}: ${response.url()}`);
	});
	return { page, problems };
}

/**
 * axe-core's violations on the page as it is now (rule id and the first offending
 * element). Injected through the DevTools protocol, so the page's CSP does not apply.
 */
export async function axeViolations(page: Page): Promise<string[]> {
	const source = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
	await page.evaluate(source);
	const violations = await page.evaluate(async () => {
		const axe = (
			globalThis as unknown as {
				axe: { run(): Promise<{ violations: { id: string; nodes: { target: unknown[] }[] }[] }> };
			}
		).axe;
		return (await axe.run()).violations.map((v) => `${v.id}: ${JSON.stringify(v.nodes[0]?.target)}`);
	});
	return violations.map((v) => `${v} (${page.url()})`);
}
