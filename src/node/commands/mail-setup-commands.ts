import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { AppError, isAppError } from "../../core/errors.ts";
import { dkimRecord, dkimRecordName, generateDkimKey, zoneFileStrings } from "../dkim.ts";
import { formatCheck } from "../doctor/check.ts";
import { runDoctor } from "../doctor/doctor.ts";
import { dataDir, loadSettings } from "../settings.ts";
import { defineCommand } from "./command.ts";

const hostname = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;
const selectorName = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/i;

export const dkimCommand = defineCommand({
	summary: "make a DKIM key and print the DNS record that publishes it",
	usage: "paperboy dkim generate --domain DOMAIN --selector SELECTOR [--out FILE]",
	options: { domain: { type: "string" }, selector: { type: "string" }, out: { type: "string" } },
	positionals: true,
	async run(ctx, values, positionals) {
		const usage = `usage: ${dkimCommand.usage}`;
		if (positionals.join(" ") !== "generate") throw new AppError("invalid_input", `say what to do: generate\n${usage}`);
		const domain = String(values.domain ?? "").toLowerCase();
		const selector = String(values.selector ?? "").toLowerCase();
		if (!hostname.test(domain))
			throw new AppError("invalid_input", `--domain must be a domain name such as papers.example.org\n${usage}`);
		if (!selectorName.test(selector))
			throw new AppError("invalid_input", `--selector must be letters, digits and hyphens, such as pb1\n${usage}`);
		const file = resolve(
			typeof values.out === "string" && values.out
				? values.out
				: join(dataDir(process.env.DATABASE_PATH ?? "./data/paperboy.db"), `dkim-${selector}.${domain}.pem`),
		);
		if (existsSync(file))
			throw new AppError("invalid_input", `${file} exists already: keep it, or choose another --out or --selector`);
		const key = generateDkimKey();
		mkdirSync(resolve(file, ".."), { recursive: true, mode: 0o700 });
		writeFileSync(file, key, { mode: 0o600, flag: "wx" });
		const name = dkimRecordName(selector, domain);
		const record = dkimRecord(key);
		ctx.out(`dkim: private key written to ${file} (RSA 2048, mode 0600)`);
		ctx.out("");
		ctx.out("Publish this TXT record at your DNS provider:");
		ctx.out("");
		ctx.out(`  ${name}  TXT  "${record}"`);
		ctx.out("");
		ctx.out("or in a zone file (long values are split into strings of 255 characters):");
		ctx.out("");
		ctx.out(`  ${name}. 3600 IN TXT ( ${zoneFileStrings(record)} )`);
		ctx.out("");
		ctx.out("Then add to the settings and restart:");
		ctx.out("");
		ctx.out(`  DKIM_DOMAIN=${domain}`);
		ctx.out(`  DKIM_SELECTOR=${selector}`);
		ctx.out(`  DKIM_PRIVATE_KEY_FILE=${file}`);
		ctx.out("");
		ctx.out("`paperboy doctor` says when the record is visible and matches the key.");
	},
});

export const doctorCommand = defineCommand({
	summary: "check settings, mail relay, DNS, BASE_URL, disk, database and jobs, each with its fix",
	usage: "paperboy doctor [--dns-server HOST:PORT]",
	options: { "dns-server": { type: "string" } },
	async run(ctx, values) {
		let config: ReturnType<typeof loadSettings>;
		try {
			config = loadSettings();
		} catch (error) {
			if (!isAppError(error) || error.code !== "config") throw error;
			ctx.out(
				formatCheck({
					name: "settings",
					ok: false,
					detail: error.message.replace(/\n/g, "\n    "),
					fix: "set them in the environment or in .env (README, Settings)",
				}),
			);
			ctx.exitCode(1);
			return;
		}
		const runtime = ctx.runtime();
		ctx.out(`paperboy doctor: ${config.baseUrl} on ${config.databasePath}`);
		const dnsServer = typeof values["dns-server"] === "string" ? values["dns-server"] : undefined;
		const checks = await runDoctor(runtime, { now: new Date(), ...(dnsServer ? { dnsServer } : {}) });
		for (const check of checks) ctx.out(formatCheck(check));
		const failed = checks.filter((c) => c.ok === false).length;
		ctx.out(failed ? `${failed} problem${failed === 1 ? "" : "s"} found.` : "Everything checked is in order.");
		if (failed) ctx.exitCode(1);
	},
});
