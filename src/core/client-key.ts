/**
 * Who a per-client limit counts: an IPv4 address as it is, an IPv6 address by its /64
 * network. One IPv6 subscriber line (and one Workers client) holds a whole /64, so
 * counting single IPv6 addresses would give it 2^64 fresh budgets.
 */

/** The eight 16-bit groups of an IPv6 address, or undefined when it is not one. */
function ipv6Groups(address: string): number[] | undefined {
	let text = address.replace(/^\[|\]$/g, "").replace(/%.*$/, "");
	// An embedded IPv4 tail (`::ffff:192.0.2.1`) is two groups.
	const v4 = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
	if (v4) {
		const [a, b, c, d] = v4.slice(1).map(Number) as [number, number, number, number];
		if ([a, b, c, d].some((n) => n > 255)) return undefined;
		text = `${text.slice(0, v4.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
	}
	const halves = text.split("::");
	if (halves.length > 2) return undefined;
	const parse = (part: string | undefined) => (part ? part.split(":") : []);
	const head = parse(halves[0]);
	const tail = parse(halves[1]);
	const missing = 8 - head.length - tail.length;
	if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
	const groups = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill("0"), ...tail];
	if (!groups.every((g) => /^[0-9a-f]{1,4}$/i.test(g))) return undefined;
	return groups.map((g) => Number.parseInt(g, 16));
}

/** A key is a counter row's name: whatever a trusted proxy hands over, it stays short. */
const maxKeyLength = 64;

/**
 * The key a client's requests are counted under (the signup and preview limits, on Node
 * and Workers alike), or null when the address is unknown.
 */
export function clientKey(ip: string | null | undefined): string | null {
	if (!ip) return null;
	const address = ip.trim();
	if (/^\d+\.\d+\.\d+\.\d+$/.test(address)) return address;
	const groups = ipv6Groups(address);
	if (!groups) return address.slice(0, maxKeyLength);
	// An IPv4 client seen through an IPv6 socket (`::ffff:192.0.2.1`) is that IPv4 client.
	if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
		const [hi = 0, lo = 0] = groups.slice(6);
		return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
	}
	return `${groups
		.slice(0, 4)
		.map((g) => g.toString(16))
		.join(":")}::/64`;
}
