/**
 * The network a client address belongs to, for per-client limits: an IPv4 address is
 * itself, an IPv6 address its /64 (one subscriber line or host usually has a whole /64,
 * so keying on the full address would hand out 2^64 budgets). Runtime-free: Node's socket
 * address and Workers' CF-Connecting-IP go through the same function.
 */

const maxKeyLength = 64;

/** The /64 of an IPv6 address, `2001:db8:1:2::/64`; an IPv4 (or IPv4-mapped) address as is. */
export function clientNetwork(address: string): string {
	const ip = address.trim().toLowerCase().replace(/%.*$/, "");
	const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/.exec(ip);
	if (mapped?.[1]) return mapped[1];
	if (!ip.includes(":")) return ip.slice(0, maxKeyLength);
	const groups = ipv6Groups(ip);
	// Not an IPv6 address after all (a garbled proxy header): key on what it is, bounded.
	if (!groups) return ip.slice(0, maxKeyLength);
	return `${groups
		.slice(0, 4)
		.map((g) => g.replace(/^0+(?=.)/, ""))
		.join(":")}::/64`;
}

/** The eight 16-bit groups of an IPv6 address as hex strings, or undefined when it is not one. */
function ipv6Groups(ip: string): string[] | undefined {
	let text = ip;
	// A trailing dotted quad (::ffff:1.2.3.4, 64:ff9b::1.2.3.4) is the last two groups.
	const quad = /(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
	if (quad) {
		const bytes = quad.slice(1).map(Number);
		if (bytes.some((b) => b > 255)) return undefined;
		const [a = 0, b = 0, c = 0, d = 0] = bytes;
		text = `${text.slice(0, quad.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
	}
	const halves = text.split("::");
	if (halves.length > 2) return undefined;
	const head = halves[0] ? halves[0].split(":") : [];
	const tail = halves.length === 2 && halves[1] ? halves[1].split(":") : [];
	const missing = 8 - head.length - tail.length;
	if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined;
	const groups = [...head, ...Array<string>(missing).fill("0"), ...tail];
	return groups.every((g) => /^[0-9a-f]{1,4}$/.test(g)) ? groups : undefined;
}
