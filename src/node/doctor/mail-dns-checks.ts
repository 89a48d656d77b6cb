/**
 * The DNS records mail from MAIL_FROM's domain needs to arrive: SPF, DKIM (the record
 * matching the configured key) and DMARC, looked up through node:dns (its Resolver can
 * be pointed at a given server: `paperboy doctor --dns-server`).
 */
import type { Resolver } from "node:dns/promises";
import type { Config } from "../../core/config.ts";
import { sendingDomain } from "../../core/mail/compose-message.ts";
import { dkimPublicKey, dkimRecordName, dkimTags, zoneFileStrings } from "../dkim.ts";
import type { Check } from "./check.ts";

/** TXT records at a name, each joined from its strings; empty when the name has none. */
async function txt(resolver: Resolver, name: string): Promise<string[]> {
	try {
		return (await resolver.resolveTxt(name)).map((strings) => strings.join(""));
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code;
		if (code === "ENOTFOUND" || code === "ENODATA") return [];
		throw new Error(`could not look up TXT ${name}: ${code ?? String(error)}`);
	}
}

async function spf(resolver: Resolver, domain: string): Promise<Check> {
	const name = "SPF";
	const records = (await txt(resolver, domain)).filter((r) => /^v=spf1(\s|$)/i.test(r));
	if (!records.length) {
		return {
			name,
			ok: false,
			detail: `${domain} has no SPF record, so receivers cannot tell that your relay may send for it`,
			fix: `publish ${domain} TXT "v=spf1 include:<your relay's SPF domain> ~all" (your relay's documentation names it)`,
		};
	}
	if (records.length > 1) {
		return {
			name,
			ok: false,
			detail: `${domain} has ${records.length} SPF records; receivers treat that as an error (permerror)`,
			fix: "merge them into one v=spf1 record",
		};
	}
	const [record] = records as [string];
	if (/\s\+all\s*$/i.test(record)) {
		return {
			name,
			ok: false,
			detail: `${domain}: "${record}" lets anyone send as you`,
			fix: "end it with ~all or -all",
		};
	}
	return { name, ok: true, detail: `${domain} TXT "${record}"` };
}

async function dkim(resolver: Resolver, config: Config, fromDomain: string): Promise<Check> {
	const name = "DKIM";
	const signing = config.mail.dkim;
	if (!signing) {
		return {
			name,
			ok: undefined,
			detail:
				"paperboy does not sign (DKIM_* unset): your relay must sign with your domain, or run `paperboy dkim generate`",
		};
	}
	const { domainName, keySelector, privateKey } = signing;
	const record = dkimRecordName(keySelector, domainName);
	const expected = dkimPublicKey(privateKey);
	const publish = `publish ${record} TXT ${zoneFileStrings(`v=DKIM1; k=rsa; p=${expected}`)}`;
	const found = (await txt(resolver, record)).map(dkimTags).filter((tags) => tags.has("p"));
	if (!found.length) return { name, ok: false, detail: `${record} has no DKIM record`, fix: publish };
	if (!found.some((tags) => tags.get("p") === expected)) {
		return {
			name,
			ok: false,
			detail: `${record} publishes a different key than DKIM_PRIVATE_KEY: receivers will reject the signature`,
			fix: publish,
		};
	}
	// DMARC counts a signature only when its domain is the From domain or a parent of it.
	if (fromDomain !== domainName && !fromDomain.endsWith(`.${domainName}`)) {
		return {
			name,
			ok: false,
			detail: `the key at ${record} matches, but DKIM_DOMAIN ${domainName} is not MAIL_FROM's domain ${fromDomain}: DMARC ignores the signature`,
			fix: `sign as ${fromDomain} (paperboy dkim generate --domain ${fromDomain} --selector ${keySelector})`,
		};
	}
	return { name, ok: true, detail: `${record} publishes the key paperboy signs with` };
}

async function dmarc(resolver: Resolver, domain: string): Promise<Check> {
	const name = "DMARC";
	// A policy at the domain itself, else at its parent (the organisational domain, roughly).
	const labels = domain.split(".");
	const candidates = [domain, ...(labels.length > 2 ? [labels.slice(1).join(".")] : [])];
	for (const candidate of candidates) {
		const record = (await txt(resolver, `_dmarc.${candidate}`)).find((r) => /^v=DMARC1(;|\s|$)/i.test(r));
		if (record) return { name, ok: true, detail: `_dmarc.${candidate} TXT "${record}"` };
	}
	return {
		name,
		ok: false,
		detail: `no DMARC record at _dmarc.${domain}: large mailbox providers (Gmail, Yahoo) require one from bulk senders`,
		fix: `publish _dmarc.${domain} TXT "v=DMARC1; p=none; rua=mailto:dmarc@${domain}" (raise p= to quarantine once the reports look right)`,
	};
}

export async function mailDnsChecks(resolver: Resolver, config: Config): Promise<Check[]> {
	const domain = sendingDomain(config.mail.from);
	const checks = {
		SPF: () => spf(resolver, domain),
		DKIM: () => dkim(resolver, config, domain),
		DMARC: () => dmarc(resolver, domain),
	};
	const results: Check[] = [];
	for (const [name, check] of Object.entries(checks)) {
		results.push(
			await check().catch((error: unknown) => ({
				name,
				ok: false,
				detail: error instanceof Error ? error.message : String(error),
				fix: "this machine must be able to resolve names (or give --dns-server HOST:PORT)",
			})),
		);
	}
	return results;
}
