import { describe, expect, it } from "vitest";
import { clientKey } from "../../src/core/client-key.ts";

describe("the key per-client limits count by", () => {
	it.each([
		["203.0.113.7", "203.0.113.7"],
		["2001:db8:1:2:aaaa:bbbb:cccc:dddd", "2001:db8:1:2::/64"],
		["2001:db8:1:2::1", "2001:db8:1:2::/64"],
		["2001:DB8:0001:0002:ffff::9", "2001:db8:1:2::/64"],
		["[2001:db8::1]", "2001:db8:0:0::/64"],
		["fe80::1%eth0", "fe80:0:0:0::/64"],
		["::ffff:192.0.2.1", "192.0.2.1"],
		["::1", "0:0:0:0::/64"],
		[null, null],
		["not an address", "not an address"],
	])("%s counts as %s", (ip, key) => {
		expect(clientKey(ip)).toBe(key);
	});
});
