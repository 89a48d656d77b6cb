import { expect, it } from "vitest";
import { diskRoom } from "../../src/core/health.ts";

const mb = 1_048_576;

// HEALTH_MIN_FREE_DISK_MB (512 here), or twice the database when that is more (a backup is a
// whole copy); exactly the needed amount is enough, a byte less is not.
it.each([
	{ databaseMb: 100, neededMb: 512, reason: "HEALTH_MIN_FREE_DISK_MB" },
	{ databaseMb: 300, neededMb: 600, reason: "twice the database" },
])("with a $databaseMb MB database it asks for $neededMb MB ($reason)", ({ databaseMb, neededMb, reason }) => {
	const at = { databaseBytes: databaseMb * mb, minFreeMb: 512 };
	expect(diskRoom({ ...at, freeBytes: neededMb * mb })).toEqual({ ok: true, freeMb: neededMb, neededMb, reason });
	expect(diskRoom({ ...at, freeBytes: neededMb * mb - 1 })).toEqual({
		ok: false,
		freeMb: neededMb - 1,
		neededMb,
		reason,
	});
});
