/**
 * `paperboy doctor`: checks what a deployment needs and explains each problem with its
 * fix. Nothing is sent and nothing is written: the SMTP session ends before MAIL FROM.
 */
import { Resolver } from "node:dns/promises";
import type { Config } from "../../core/config.ts";
import { checkDiskRoom, thisInstance } from "../../core/health.ts";
import { lastRuns } from "../../core/jobs/last-runs.ts";
import { mailTransport } from "../../core/mail/mail-transport.ts";
import { parseSmtpUrl } from "../../core/mail/smtp-url.ts";
import { sourceStatuses } from "../../core/papers/source-alarms.ts";
import type { NodeRuntime } from "../runtime.ts";
import { dataDir } from "../settings.ts";
import { checkSmtpSession } from "../smtp-pool.ts";
import { smtpPoolOptions } from "../smtp-pool-mailer.ts";
import type { Check } from "./check.ts";
import { mailDnsChecks } from "./mail-dns-checks.ts";

export interface DoctorOptions {
	/** `host:port` of the DNS server to ask; the system's resolvers otherwise. */
	dnsServer?: string;
	now: Date;
}

const hour = 3_600_000;
const day = 24 * hour;
const mb = (bytes: number) => `${(bytes / 1_048_576).toFixed(1)} MB`;
const ago = (ms: number) =>
	ms < 2 * hour
		? `${Math.round(ms / 60_000)} min ago`
		: ms < 2 * day
			? `${Math.round(ms / hour)} h ago`
			: `${Math.round(ms / day)} days ago`;
const reason = (error: unknown) => {
	const cause = (error as { cause?: { code?: string; message?: string } }).cause;
	return cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
};
const localHost = (url: string) => /^(localhost|127(\.\d+){3}|\[::1\])$/.test(new URL(url).hostname);

function settingsCheck(config: Config): Check {
	const transport = mailTransport(config.mail);
	const problems: string[] = [];
	const fixes: string[] = [];
	if (!transport) {
		problems.push("no mail transport: every message is written to the data folder and nobody receives it");
		fixes.push("set SMTP_URL (or MAIL_API_TOKEN)");
	}
	if (config.baseUrl.startsWith("http:") && !localHost(config.baseUrl)) {
		problems.push(`BASE_URL ${config.baseUrl} is plain http, so every link in every email is too`);
		fixes.push("serve it over https through a reverse proxy (docs/deploy.md) and set BASE_URL to the https address");
	}
	const mail = transport === "smtp" ? "SMTP" : transport === "http" ? `the HTTP API at ${config.mail.apiUrl}` : "files";
	return problems.length
		? { name: "settings", ok: false, detail: problems.join("; "), fix: fixes.join("; ") }
		: { name: "settings", ok: true, detail: `BASE_URL ${config.baseUrl}; mail by ${mail} from ${config.mail.from}` };
}

async function smtpCheck(config: Config): Promise<Check> {
	const name = "SMTP";
	const endpoint = parseSmtpUrl(config.mail.smtpUrl ?? "");
	const where = `${endpoint.host}:${endpoint.port}`;
	const options = { ...smtpPoolOptions(config.mail), timeoutMs: 15_000 };
	try {
		// First without credentials: they go out only over a connection that is encrypted.
		const session = await checkSmtpSession({ ...options, auth: undefined });
		if (!session.encrypted && endpoint.security === "starttls") {
			return {
				name,
				ok: false,
				detail: `${where} offers no STARTTLS, so mail and the password would cross the network in clear`,
				fix: "use the relay's TLS port (smtps://…:465, or its STARTTLS port 587), or ?tls=off only for a server on this machine",
			};
		}
		const tls = session.encrypted ? (endpoint.security === "tls" ? "TLS" : "STARTTLS") : "no TLS (tls=off)";
		if (!options.auth)
			return { name, ok: true, detail: `${where} answered, ${tls}, no login configured; nothing sent` };
		await checkSmtpSession(options);
		return {
			name,
			ok: true,
			detail: `${where} answered, ${tls}, login as ${options.auth.user} accepted; nothing sent`,
		};
	} catch (error) {
		const text = error instanceof Error ? error.message : String(error);
		const login = /^AUTH/.test(text);
		return {
			name,
			ok: false,
			detail: `${where}: ${text}`,
			fix: login
				? "check the user name and password in SMTP_URL (percent-encode @ : / in them)"
				: /certificate|TLS/i.test(text)
					? "the relay's certificate must be valid for the host in SMTP_URL"
					: "check the host and port in SMTP_URL, and that this machine may connect out to it (firewall, provider blocks on port 25)",
		};
	}
}

async function mailApiCheck(config: Config): Promise<Check> {
	try {
		const res = await fetch(config.mail.apiUrl, { signal: AbortSignal.timeout(10_000) });
		await res.body?.cancel();
		return {
			name: "mail API",
			ok: true,
			detail: `${config.mail.apiUrl} answers (HTTP ${res.status}); its token is checked by the first message; nothing sent`,
		};
	} catch (error) {
		return {
			name: "mail API",
			ok: false,
			detail: `${config.mail.apiUrl} did not answer: ${reason(error)}`,
			fix: "check MAIL_API_URL, and that this machine may connect out to it",
		};
	}
}

async function siteCheck(config: Config, mine: string): Promise<Check> {
	const name = "BASE_URL";
	const url = `${config.baseUrl}/healthz`;
	const short = (id: string) => `${id.slice(0, 8)}…`;
	let answer: { instance?: unknown; problems?: unknown } | undefined;
	let unhealthy = false;
	try {
		const res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
		// 503 is paperboy's own answer while it is unhealthy: still this instance, with its problems.
		unhealthy = res.status === 503;
		if (!res.ok && !unhealthy) {
			return {
				name,
				ok: false,
				detail: `${url} answered HTTP ${res.status}`,
				fix: "the reverse proxy must pass this host on to paperboy (HOST:PORT); docs/deploy.md",
			};
		}
		answer = (await res.json().catch(() => undefined)) as typeof answer;
	} catch (error) {
		return {
			name,
			ok: false,
			detail: `${url} did not answer: ${reason(error)}`,
			fix: "is `paperboy serve` running (systemctl status paperboy), does DNS for the host point here, and does the proxy forward it to HOST:PORT?",
		};
	}
	if (typeof answer?.instance !== "string") {
		return {
			name,
			ok: false,
			detail: `${url} answers, but not as paperboy`,
			fix: "BASE_URL must lead to paperboy: check the proxy's site for this host",
		};
	}
	if (answer.instance !== mine) {
		return {
			name,
			ok: false,
			detail: `${url} is another paperboy (instance ${short(answer.instance)}; this database's is ${short(mine)})`,
			fix: "BASE_URL must lead to the server that uses this DATABASE_PATH: links in mail would act on the other one",
		};
	}
	if (unhealthy) {
		const problems = Array.isArray(answer.problems) ? answer.problems.join("; ") : "no reason given";
		return {
			name,
			ok: false,
			detail: `${url} answers as this instance (${short(mine)}) but reports it unhealthy (503): ${problems}`,
			fix: "fix what it names (HEALTH_MIN_FREE_DISK_MB, the relay, the database): a monitor or proxy health check sees 503 until then",
		};
	}
	return { name, ok: true, detail: `${url} answers as this instance (${short(mine)})` };
}

/** The same rule as /healthz (diskRoom): HEALTH_MIN_FREE_DISK_MB, and twice the database. */
async function diskCheck(runtime: NodeRuntime): Promise<Check> {
	const room = await checkDiskRoom(runtime.deps);
	if (!room) return { name: "disk", ok: undefined, detail: "cannot tell" };
	const detail = `${mb(room.freeBytes)} free in ${dataDir(runtime.deps.config.databasePath)} (database ${mb(room.databaseBytes)})`;
	if (!room.ok) {
		return {
			name: "disk",
			ok: false,
			detail: `${detail}, below ${room.neededMb} MB (${room.reason})`,
			fix: "free space or grow the disk: backups and the database need room (/healthz answers 503 until then)",
		};
	}
	return { name: "disk", ok: true, detail };
}

function integrityCheck(runtime: NodeRuntime): Check {
	const result = runtime.sqlite.pragma("integrity_check", { simple: false }) as { integrity_check: string }[];
	const lines = result.map((r) => r.integrity_check);
	if (lines.length === 1 && lines[0] === "ok") return { name: "database", ok: true, detail: "integrity check ok" };
	return {
		name: "database",
		ok: false,
		detail: `integrity check: ${lines.slice(0, 3).join("; ")}`,
		fix: "stop the server and restore the last backup (docs/deploy.md, Restore)",
	};
}

async function jobChecks(runtime: NodeRuntime, config: Config, now: Date): Promise<Check[]> {
	const { deps } = runtime;
	const runs = await lastRuns(deps);
	const age = now.getTime() - Date.parse((await thisInstance(deps)).createdAt);
	const fix = "the server runs it on schedule: is `paperboy serve` running? Its log says why a run failed";
	const since = (at: string) => ago(now.getTime() - Date.parse(at));
	const newest = runs.newestPaperAt ? `; newest paper first seen ${since(runs.newestPaperAt)}` : "";
	let ingest: Check;
	if (!config.ingest.sources.length) {
		ingest = { name: "ingest", ok: undefined, detail: `scheduled ingest is off (INGEST_SOURCES=none)${newest}` };
	} else if (runs.ingestAt) {
		// The sources' alarms as /healthz, the admin overview and `paperboy sources` show them.
		const alarms = (await sourceStatuses({ ...deps, clock: { ...deps.clock, now: () => now } }))
			.filter((s) => s.alarm)
			.map((s) =>
				s.alarm === "stale"
					? `${s.source} (no new batch for ${Math.floor(s.ageHours ?? 0)} h)`
					: `${s.source} (the same batch as its run before)`,
			);
		const ok = now.getTime() - Date.parse(runs.ingestAt) <= 2 * day && !alarms.length;
		const inAlarm = alarms.length ? `; in alarm: ${alarms.join(", ")}` : "";
		ingest = {
			name: "ingest",
			ok,
			detail: `last scheduled run finished ${since(runs.ingestAt)}${newest}${inAlarm}`,
			fix: alarms.length ? `${fix}; \`paperboy sources\` says since when` : fix,
		};
	} else {
		ingest = {
			name: "ingest",
			ok: age <= day,
			detail: `no scheduled run has finished yet (${config.schedule.ingestCron}, ${config.timeZone})${newest}`,
			fix,
		};
	}
	const digest: Check = runs.weeklyDigestAt
		? {
				name: "digest",
				ok: now.getTime() - Date.parse(runs.weeklyDigestAt) <= 8 * day,
				detail: `last weekly run finished ${since(runs.weeklyDigestAt)}`,
				fix,
			}
		: {
				name: "digest",
				ok: age <= 8 * day,
				detail: `no weekly run yet (${config.schedule.digestCron}, ${config.timeZone})`,
				fix,
			};
	return [ingest, digest];
}

/** Every check, in the order an operator fixes things. */
export async function runDoctor(runtime: NodeRuntime, options: DoctorOptions): Promise<Check[]> {
	const { config } = runtime.deps;
	const checks: Check[] = [settingsCheck(config)];
	const transport = mailTransport(config.mail);
	if (transport === "smtp") checks.push(await smtpCheck(config));
	if (transport === "http") checks.push(await mailApiCheck(config));
	if (transport) {
		const resolver = new Resolver({ timeout: 5_000, tries: 2 });
		if (options.dnsServer) resolver.setServers([options.dnsServer]);
		checks.push(...(await mailDnsChecks(resolver, config)));
	}
	checks.push(await siteCheck(config, (await thisInstance(runtime.deps)).id));
	checks.push(await diskCheck(runtime), integrityCheck(runtime), ...(await jobChecks(runtime, config, options.now)));
	return checks;
}
