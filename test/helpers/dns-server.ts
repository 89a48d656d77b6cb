import { type ChildProcess, spawn } from "node:child_process";
import { freePort } from "./free-port.ts";

export interface DnsServer {
	/** `127.0.0.1:PORT`, for `Resolver#setServers` and `paperboy doctor --dns-server`. */
	address: string;
	close(): Promise<void>;
}

/**
 * A real DNS server (dnsmasq) on 127.0.0.1 that answers TXT records for `zone` and
 * nothing else: any other name in the zone is NXDOMAIN. A value longer than 255
 * characters is published as several strings, as DNS providers do.
 */
export async function startDnsServer(zone: string, txt: Record<string, string>): Promise<DnsServer> {
	const port = await freePort();
	const records = Object.entries(txt).map(([name, value]) => {
		// dnsmasq separates a record's strings by commas (no shell here to strip quotes).
		if (value.includes(",")) throw new Error(`a TXT value with a comma: ${value}`);
		const strings: string[] = [];
		for (let i = 0; i < value.length; i += 255) strings.push(value.slice(i, i + 255));
		return `--txt-record=${name},${strings.join(",")}`;
	});
	const child: ChildProcess = spawn(
		"dnsmasq",
		[
			"--keep-in-foreground",
			"--conf-file=/dev/null",
			`--port=${port}`,
			"--listen-address=127.0.0.1",
			"--bind-interfaces",
			"--no-resolv",
			"--no-hosts",
			"--pid-file=",
			"--log-facility=-",
			`--local=/${zone}/`,
			...records,
		],
		{ stdio: ["ignore", "ignore", "pipe"] },
	);
	let log = "";
	child.stderr?.on("data", (d: Buffer) => {
		log += d.toString();
	});
	await new Promise<void>((resolve, reject) => {
		const timer = setInterval(() => {
			if (log.includes("started")) {
				clearInterval(timer);
				resolve();
			}
		}, 20);
		child.once("exit", (code) => {
			clearInterval(timer);
			reject(new Error(`dnsmasq exited (${code}):\n${log}`));
		});
	});
	return {
		address: `127.0.0.1:${port}`,
		close: () =>
			new Promise<void>((resolve) => {
				if (child.exitCode !== null) return resolve();
				child.once("exit", () => resolve());
				child.kill("SIGTERM");
			}),
	};
}
